/** Helpers to build prompts from i18n keys, with the recorded clip for the key when one exists (voice first: `say`). */
import type { Button, OutboundMessage } from "../channels/types.ts";
import type { Turn } from "./types.ts";
import { fold } from "../text/normalize.ts";
import { wordingFor } from "./button-wording.ts";

export interface Choice {
  payload: string;
  labelKey: string;
}

/**
 * Voice first (issue 14): how a prompt goes out to a resident whose language has a reviewed clip for it.
 *
 * - A clip and reviewed text in their language: the clip, then that text (channels send the clip first: plan.ts).
 * - A clip and NO text in their language: the clip alone, without the Vietnamese text they may not read. The
 *   Vietnamese text still follows the clip when the message carries something a recording cannot:
 *   - buttons or keyboards (Telegram and Zalo show buttons only under a text: a clip alone would drop them);
 *   - values of the moment (`{{code}}`, a reference, a phone number, a place, a count…): a clip is recorded once
 *     and cannot say them. `{{label}}`, the language's own name, is the same in every message: the clip says it;
 *   - tap-to-call numbers, a receipt, a picture or links;
 *   - a channel where a clip may be skipped while the message goes on (Zalo: `sendsClipAlone`), or one we do not know:
 *     the clip alone could leave the resident with nothing.
 * - No clip: the text in their language, else Vietnamese, as always.
 * Whether a clip exists and is reviewed is the Translator's business (`audio()`: locales/<lng>/audio.json and
 * reviewed clips from the workbench); a draft never comes out of it.
 */
export function say(turn: Turn, asked: string, options: Record<string, unknown> = {}, extra: Partial<OutboundMessage> = {}): OutboundMessage {
  const capabilities = turn.app.channels.get(turn.message.channel)?.capabilities;
  const key = wordingFor(asked, capabilities);
  const text = turn.t(key, options);
  const clip = turn.i18n.audio(turn.lng, key);
  if (!clip) return { text, ...extra };
  const message: OutboundMessage = { text, audio: { file: clip.path, mime: clip.mime, label: text.slice(0, 60) }, ...extra };
  if (turn.i18n.has(turn.lng, key) || !capabilities?.sendsClipAlone || needsText(message, options)) return message;
  // The clip alone: no Vietnamese caption under the player either.
  return { ...message, text: "", audio: { file: clip.path, mime: clip.mime } };
}

/** Variables whose value is the same in every message of a language, so the recorded clip says them. */
const SAID_BY_THE_CLIP = new Set(["label"]);

/** Whether a message must keep its text next to a clip (see `say`). */
export function needsText(message: OutboundMessage, options: Record<string, unknown> = {}): boolean {
  const choices = (message.buttons?.some((row) => row.length > 0) ?? false) || (message.links?.length ?? 0) > 0;
  const keyboard = Boolean(message.requestLocation || message.requestContact);
  const extras = (message.phones?.length ?? 0) > 0 || Boolean(message.receipt || message.image);
  const values = Object.entries(options).some(([name, value]) => value !== undefined && value !== "" && !SAID_BY_THE_CLIP.has(name));
  return choices || keyboard || extras || values;
}

export function buttons(turn: Turn, choices: Choice[], perRow = 2): Button[][] {
  const rows: Button[][] = [];
  choices.forEach((c, i) => {
    if (i % perRow === 0) rows.push([]);
    rows[rows.length - 1]!.push({ label: turn.t(c.labelKey), payload: c.payload });
  });
  return rows;
}

/**
 * Which choice the input picks: a button press, the choice's label typed (with or without
 * diacritics, in the resident's language or Vietnamese), or its number ("1", "2"…).
 */
export function pickChoice(turn: Turn, choices: Choice[]): Choice | undefined {
  const content = turn.message.content;
  if (content.type === "button") return choices.find((c) => c.payload === content.payload);
  if (content.type !== "text") return undefined;
  const typed = fold(content.text).replace(/[^\p{L}\p{N} ]/gu, "").trim();
  if (!typed) return undefined;
  const index = Number.parseInt(typed, 10);
  if (String(index) === typed && index >= 1 && index <= choices.length) return choices[index - 1];
  return choices.find((c) => {
    const labels = [turn.t(c.labelKey), turn.i18n.t("vi", c.labelKey)].map((l) => fold(l).replace(/[^\p{L}\p{N} ]/gu, "").trim());
    return labels.includes(typed);
  });
}

/** A voice message or a sound recording (whether or not it was downloaded). */
export function isVoiceMessage(turn: Turn): boolean {
  const c = turn.message.content;
  return c.type === "media" && (c.media.kind === "voice" || c.media.kind === "audio");
}

/** The attachment of a voice message the step took and stored (expects-evidence.ts), or undefined. */
export function voiceRecording(turn: Turn): string | undefined {
  return isVoiceMessage(turn) && turn.media?.status === "stored" ? turn.media.attachmentId : undefined;
}

export function textOf(turn: Turn): string | undefined {
  const c = turn.message.content;
  if (c.type === "text") return c.text;
  if (c.type === "media" && c.caption) return c.caption;
  return undefined;
}

/** "chào", "alo", "hi"… or next to nothing: a greeting, not a story or a question. */
export function isGreeting(turn: Turn): boolean {
  const c = turn.message.content;
  if (c.type !== "text") return false;
  const typed = fold(c.text).replace(/[^\p{L}\p{N} ]/gu, "").trim();
  return typed.length < 3 || turn.i18n.t("vi", "welcome.greetingWords").split("|").map(fold).includes(typed);
}
