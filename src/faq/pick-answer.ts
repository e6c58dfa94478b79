/**
 * The answer text for a resident's language. Hre and Co answers exist only when a native speaker
 * wrote them; until then the Vietnamese text is sent and `fallback` tells the caller to say so.
 *
 * @example pickAnswer(entry, "hre") // { text: entry.answer.vi, language: "vi", fallback: true }
 */
import type { FaqEntry } from "./types.ts";

export interface PickedAnswer {
  text: string;
  /** The language of `text`. */
  language: string;
  /** True when the requested language has no text yet and Vietnamese is used instead. */
  fallback: boolean;
}

export function pickAnswer(entry: FaqEntry, language: string): PickedAnswer {
  const own = entry.answer[language];
  if (typeof own === "string" && own.trim() !== "") return { text: own, language, fallback: false };
  return { text: entry.answer.vi, language: "vi", fallback: language !== "vi" };
}
