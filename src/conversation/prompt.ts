/** Helpers to build prompts from i18n keys, with the recorded clip for the key when one exists. */
import type { Button, OutboundMessage } from "../channels/types.ts";
import type { Turn } from "./types.ts";
import { fold } from "../text/normalize.ts";
import { wordingFor } from "./button-wording.ts";

export interface Choice {
  payload: string;
  labelKey: string;
}

/**
 * A prompt whose text is the i18n `key`; carries the audio clip of that key in the resident's language. A key that
 * names a button the resident's channel does not show is swapped for its typed wording (button-wording.ts).
 */
export function say(turn: Turn, asked: string, options: Record<string, unknown> = {}, extra: Partial<OutboundMessage> = {}): OutboundMessage {
  const key = wordingFor(asked, turn.app.channels.get(turn.message.channel)?.capabilities);
  const clip = turn.i18n.audio(turn.lng, key);
  return {
    text: turn.t(key, options),
    ...(clip ? { audio: { file: clip.path, mime: clip.mime, label: turn.t(key, options).slice(0, 60) } } : {}),
    ...extra,
  };
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
