/**
 * "Which commune?" asked outside a report (the quiz, a subscription): the typed place read like a report's, then
 * one confirmation or a choice between candidates. The flows keep the candidates in their data and decide what a
 * chosen (or skipped) commune leads to; the reading and the buttons are the same everywhere.
 */
import { z } from "zod";
import type { OutboundMessage } from "../channels/types.ts";
import { fold, normalizeText } from "../text/normalize.ts";
import { inSentence } from "../units/names.ts";
import { SOURCE_LANGUAGE } from "../i18n/index.ts";
import { buttons, say, textOf } from "./prompt.ts";
import { readFacts } from "./read-facts.ts";
import type { Turn } from "./types.ts";

export const CommuneCandidate = z.object({ code: z.string(), name: z.string(), province: z.string(), oldName: z.string().optional() });
export type CommuneCandidate = z.infer<typeof CommuneCandidate>;

/** Does the text say one of the words under `key` (the resident's language or Vietnamese), with or without marks? */
export function saysOneOf(turn: Turn, key: string, text: string): boolean {
  const typed = folded(text);
  return [turn.t(key), turn.i18n.t(SOURCE_LANGUAGE, key)].flatMap((w) => w.split("|")).some((w) => folded(w) === typed);
}

/** Folded for comparing words: no marks, no punctuation but "/" (the quiz's "19/8"), single spaces. */
export const folded = (text: string) => fold(text).replace(/[^\p{L}\p{N}/ ]/gu, "").replace(/\s+/g, " ").trim();

/** The communes a typed place may name (empty: not found), read like a report's typed place. */
export async function readTypedCommune(turn: Turn, text: string): Promise<{ place: string; communes: CommuneCandidate[]; adminDataVersion?: string }> {
  const place = normalizeText(text).slice(0, 200);
  const { communes, adminDataVersion } = await readFacts(turn.tx, place, turn.now, { placeOnly: true });
  return { place, communes: communes.map(({ code, name, province, oldName }) => ({ code, name, province, ...(oldName ? { oldName } : {}) })), ...(adminDataVersion ? { adminDataVersion } : {}) };
}

/** "Xã …, tỉnh … — đúng không?" for one candidate, or a button per candidate; `prefix` + code is each button's payload. */
export function communePickPrompt(turn: Turn, list: CommuneCandidate[], prefix: string, keys: { confirm: string; choose: string }): OutboundMessage {
  const none = { payload: `${prefix}none`, labelKey: "nav.no" };
  const only = list.length === 1 ? list[0] : undefined;
  if (only) {
    const yes = { payload: `${prefix}${only.code}`, labelKey: "nav.yes" };
    return say(turn, keys.confirm, { commune: only.name, province: inSentence(only.province) }, { buttons: buttons(turn, [yes, none]) });
  }
  const rows = list.map((x) => [{ label: x.name, payload: `${prefix}${x.code}` }]);
  return say(turn, keys.choose, {}, { buttons: [...rows, ...buttons(turn, [none])] });
}

/**
 * What the resident answered to communePickPrompt: a candidate (tapped, its number, or "đúng" to a single one),
 * "none" (ask again), or text to read as another place; undefined for a stale button.
 */
export function readCommunePick(turn: Turn, list: CommuneCandidate[], prefix: string): { picked: CommuneCandidate } | { none: true } | { typed: string } | undefined {
  const c = turn.message.content;
  const text = textOf(turn)?.trim();
  const typedYes = text !== undefined && list.length === 1 && (saysOneOf(turn, "nav.yes", text) || saysOneOf(turn, "report.answerWords.yes", text));
  const typedNo = text !== undefined && (saysOneOf(turn, "nav.no", text) || saysOneOf(turn, "report.answerWords.no", text));
  if ((c.type === "button" && c.payload === `${prefix}none`) || typedNo) return { none: true };
  const code = c.type === "button" && c.payload.startsWith(prefix) ? c.payload.slice(prefix.length) : typedYes ? list[0]!.code : undefined;
  const byNumber = text && /^\d$/.test(text) ? list[Number(text) - 1] : undefined;
  const picked = list.find((x) => x.code === code) ?? byNumber;
  if (picked) return { picked };
  if (c.type === "button" || !text) return undefined;
  return { typed: text };
}
