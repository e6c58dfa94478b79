/**
 * Short forms and teen-code ("ko" = "không", "ca" = "công an") read as the words they stand for.
 * The table is data (content/faq/abbreviations.json); this module only applies it.
 *
 * @example expandAbbreviations(["ko", "co", "cccd"], lookup).words.map((w) => w.typed)
 *          // ["không", "co", "căn", "cước", "công", "dân"]
 */
import type { Abbreviation } from "./types.ts";

interface Rule {
  typed: string[];
  means: string[];
  keepTyped: boolean;
}

export interface AbbreviationLookup {
  /** Rules by their first typed word, longest first. */
  readonly byFirstWord: ReadonlyMap<string, readonly Rule[]>;
}

export interface ExpandedWord {
  typed: string;
  /** The short form this word was read from, if any. */
  from?: string;
}

const WORD_SPLIT = /[^\p{L}\p{M}\p{N}]+/u;

/** Words of a lower-cased NFC string (letters, marks and digits). */
export function splitWords(lowerNfc: string): string[] {
  return lowerNfc.split(WORD_SPLIT).filter(Boolean);
}

export function createAbbreviationLookup(abbreviations: readonly Abbreviation[]): AbbreviationLookup {
  const byFirstWord = new Map<string, Rule[]>();
  for (const group of abbreviations) {
    const means = splitWords(group.means.normalize("NFC").toLowerCase());
    for (const form of group.typed) {
      const typed = splitWords(form.normalize("NFC").toLowerCase());
      const first = typed[0];
      if (!first || means.length === 0) continue;
      const rules = byFirstWord.get(first) ?? [];
      rules.push({ typed, means, keepTyped: group.keepTyped === true });
      byFirstWord.set(first, rules);
    }
  }
  for (const rules of byFirstWord.values()) rules.sort((a, b) => b.typed.length - a.typed.length);
  return { byFirstWord };
}

function matchesAt(words: readonly string[], at: number, typed: readonly string[]): boolean {
  return typed.every((w, i) => words[at + i] === w);
}

/**
 * Replaces short forms by their meaning. `extras` holds typed words kept beside their meaning
 * (`keepTyped`), to be matched as single words only.
 */
export function expandAbbreviations(
  words: readonly string[],
  lookup: AbbreviationLookup,
): { words: ExpandedWord[]; extras: string[] } {
  const out: ExpandedWord[] = [];
  const extras: string[] = [];
  for (let i = 0; i < words.length; ) {
    const word = words[i]!;
    const rule = lookup.byFirstWord.get(word)?.find((r) => matchesAt(words, i, r.typed));
    if (!rule) {
      out.push({ typed: word });
      i += 1;
      continue;
    }
    const from = rule.typed.join(" ");
    for (const meaning of rule.means) out.push({ typed: meaning, from });
    if (rule.keepTyped) extras.push(...rule.typed);
    i += rule.typed.length;
  }
  return { words: out, extras };
}
