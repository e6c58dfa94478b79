/**
 * The normaliser shared by the index and by queries: NFC, lower case, a bounded amount of text,
 * words with their folded form (no marks, đ→d) and a tone-placement-independent spelling, and
 * abbreviations read as the words they stand for.
 *
 * @example analyzeText("Mất CCCD thì làm sao?", lookup, limits).words.map((w) => w.folded)
 *          // ["mat", "can", "cuoc", "cong", "dan", "thi", "lam", "sao"]
 */
import { fold, normalizeText } from "../text/normalize.ts";
import { expandAbbreviations, splitWords, type AbbreviationLookup } from "./abbreviations.ts";
import type { MatcherLimits } from "./types.ts";

export interface Word {
  /** Lower-case NFC, as typed (or as the abbreviation means). */
  typed: string;
  /** No marks, đ→d. */
  folded: string;
  /**
   * The spelling with its marks, independent of where the tone mark sits ("hoà" and "hòa" agree);
   * `null` when the word carries no mark at all, so it says nothing about accents.
   */
  accent: string | null;
  /** The short form it was read from ("ko"), if any. */
  from?: string;
}

export interface AnalyzedText {
  /** The words in order (abbreviations expanded), at most `limits.maxWords`. */
  words: Word[];
  /** Typed short forms kept beside their meaning ("ca" beside "công an"), matched as single words only. */
  extras: Word[];
  /** True when the message was longer than the limits and only its beginning was matched. */
  truncated: boolean;
}

const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/g;
const ANY_MARK = /[\u0300-\u036f]/;

/**
 * The word's spelling with marks, tone moved to the end so that old and new tone placement agree.
 * @example accentKey("hoà") === accentKey("hòa") // true
 */
export function accentKey(typed: string): string | null {
  const nfd = typed.normalize("NFD");
  if (!ANY_MARK.test(nfd) && !/[đƀ]/.test(nfd)) return null;
  const tone = nfd.match(TONE_MARKS)?.[0] ?? "";
  return nfd.replace(TONE_MARKS, "").normalize("NFC") + tone;
}

function toWord(typed: string, from?: string): Word {
  const word: Word = { typed, folded: fold(typed), accent: accentKey(typed) };
  if (from !== undefined) word.from = from;
  return word;
}

/** Normalises and splits a message (or a phrasing) for matching. Never throws; empty in, empty out. */
export function analyzeText(input: string, lookup: AbbreviationLookup, limits: MatcherLimits): AnalyzedText {
  // Cut before normalising so a huge message costs no more than a long one (NFD may be twice as long).
  const head = input.length > limits.maxChars * 2 ? input.slice(0, limits.maxChars * 2) : input;
  const normalized = normalizeText(head).toLowerCase();
  const text = normalized.length > limits.maxChars ? normalized.slice(0, limits.maxChars) : normalized;
  const typedWords = splitWords(text);
  const truncated = head.length < input.length || text.length < normalized.length || typedWords.length > limits.maxWords;
  const expanded = expandAbbreviations(typedWords.slice(0, limits.maxWords), lookup);
  return {
    words: expanded.words.slice(0, limits.maxWords).map((w) => toWord(w.typed, w.from)),
    extras: expanded.extras.map((typed) => toWord(typed)),
    truncated,
  };
}
