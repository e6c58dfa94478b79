/**
 * When a resident may send a file: any step of a report, its confirmation included (kept as evidence; a voice
 * message answers the step: report.ts, `answeredByVoice`), a voice message at the main menu (it starts a report),
 * and an opened tip (follow-up). Nowhere else. The flows, the
 * inbox (which downloads nothing else) and the web chat upload route (409 otherwise) all ask here,
 * so a file is never stored for a step that would drop it.
 *
 * @example expectsEvidence({ flow: "report", step: "evidence", data: {}, history: [] }) === "any"
 */
import type { MediaKind } from "../channels/types.ts";
import type { Session } from "./types.ts";

/** What a step takes: any file, only a voice message, or nothing (null). */
export type EvidenceExpected = "any" | "voice" | null;

/** What the resident's current step takes; nothing without a session. */
export function expectsEvidence(session: Pick<Session, "flow" | "step" | "data"> | null | undefined): EvidenceExpected {
  // No conversation open: a voice message starts a report (see the main menu).
  if (!session) return "voice";
  // A report takes files at any step (kept as evidence; a voice message answers the step); at the menu a voice message starts one.
  if (session.flow === "report") return "any";
  if (session.flow === "menu" && session.step === "main") return "voice";
  if (session.flow === "followUp" && session.step === "open" && typeof session.data.tipId === "string") return "any";
  return null;
}

/** Whether a file of this kind fits what the step takes (a voice step also takes a sound recording). */
export function acceptsFile(expected: EvidenceExpected, kind: MediaKind): boolean {
  if (expected === "any") return true;
  return expected === "voice" && (kind === "voice" || kind === "audio");
}

/** The opened tip the current step's files go to (their quota is the tip's), or undefined for the draft report. */
export function evidenceTipId(session: Pick<Session, "flow" | "data">): string | undefined {
  return session.flow === "followUp" && typeof session.data.tipId === "string" ? session.data.tipId : undefined;
}
