/**
 * The Hre and Co recordings of campaigns, as the editor sees them: only a clip a speaker recorded on the translators'
 * workbench for "campaign:<id>" and a second speaker approved (a draft's clip is never shown as "will be sent", and
 * never sent). The editor plays it from its public address, which serves exactly the reviewed clips.
 *
 * @example (await reviewedRecordings(db, [id])).get(id)?.hre // → { durationMs: 4000, sources: [{ url: "/chat/audio/clip/<sha>.ogg", … }] }
 */
import { publicClipUrl } from "../../audio/clip-files.ts";
import type { Tx } from "../../db/client.ts";
import { campaignEntryKey } from "./compose.ts";

export const RECORDED_LANGUAGES = ["hre", "cua"] as const;
export type RecordedLanguage = (typeof RECORDED_LANGUAGES)[number];

export interface RecordingView {
  durationMs: number;
  /** OGG/Opus first (Chromium, Firefox), then AAC in MP4 (Safari). */
  sources: { url: string; type: string }[];
}

/** Public playback addresses of a stored clip (by its checksum). */
export function recordingView(clip: { sha256: string; durationMs: number; m4aFile?: string | null }): RecordingView {
  return {
    durationMs: clip.durationMs,
    sources: [
      { url: publicClipUrl(clip.sha256, "ogg"), type: "audio/ogg; codecs=opus" },
      ...(clip.m4aFile !== null ? [{ url: publicClipUrl(clip.sha256, "m4a"), type: "audio/mp4" }] : []),
    ],
  };
}

export async function reviewedRecordings(db: Pick<Tx, "translation" | "audioClip">, campaignIds: string[]): Promise<Map<string, Partial<Record<RecordedLanguage, RecordingView>>>> {
  const out = new Map<string, Partial<Record<RecordedLanguage, RecordingView>>>();
  if (campaignIds.length === 0) return out;
  const rows = await db.translation.findMany({
    where: { key: { in: campaignIds.map(campaignEntryKey) }, lang: { in: [...RECORDED_LANGUAGES] }, state: "reviewed", clipId: { not: null } },
    select: { lang: true, key: true, clipId: true },
  });
  if (rows.length === 0) return out;
  const clips = await db.audioClip.findMany({ where: { id: { in: rows.map((r) => r.clipId!) } }, select: { id: true, sha256: true, durationMs: true, oggFile: true, m4aFile: true } });
  const byId = new Map(clips.map((c) => [c.id, c]));
  for (const row of rows) {
    const clip = byId.get(row.clipId!);
    if (!clip?.oggFile) continue;
    const id = row.key.slice(campaignEntryKey("").length);
    out.set(id, { ...out.get(id), [row.lang as RecordedLanguage]: recordingView(clip) });
  }
  return out;
}
