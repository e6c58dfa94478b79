/**
 * Which clips a resident's browser (or Zalo's in-app browser) may fetch without signing in: only the copies of a clip
 * that a REVIEWED translation uses now. A draft's clip, a clip sent back to draft, or one nobody uses answers 404,
 * exactly like a name that never existed, so a draft cannot reach a resident even by a guessed or shared link.
 * Asked of the database on every fetch: an approval or a send-back counts at once, in every process.
 *
 * @example const found = await reviewedClipCopy(ctx, "3f…a1.ogg") // { file: "/…/clips/3f…a1.ogg", mime: "audio/ogg" } or undefined
 */
import type { AppContext } from "../context.ts";
import { clipPath, COPY_MIME, PUBLIC_CLIP_NAME } from "./clip-files.ts";

export async function reviewedClipCopy(ctx: Pick<AppContext, "db" | "config">, name: string): Promise<{ file: string; mime: string } | undefined> {
  const match = PUBLIC_CLIP_NAME.exec(name);
  if (!match) return undefined;
  const [, sha256, copy] = match as unknown as [string, string, "ogg" | "m4a"];
  const clip = await ctx.db.audioClip.findUnique({ where: { sha256 }, select: { id: true, oggFile: true, m4aFile: true } });
  const relative = copy === "ogg" ? clip?.oggFile : clip?.m4aFile;
  if (!clip || !relative) return undefined;
  const used = await ctx.db.translation.findFirst({ where: { clipId: clip.id, state: "reviewed" }, select: { id: true } });
  return used ? { file: clipPath(ctx.config.mediaDir, relative), mime: COPY_MIME[copy] } : undefined;
}
