/**
 * The kind of a tip named in a resident's story ("co nguoi buon ban ma tuy o gan truong hoc" →
 * drugs), from the word lists in content/report-words.json: the text is folded (no marks) and its
 * teen-code expanded (the knowledge base's table), the longest phrases are taken first so "đánh
 * bạc" is gambling and not a fight, and a category is proposed only when it leads clearly. School
 * words alone name no crime: with a fight they make it school violence.
 *
 * @example readCategory("bon no hay tu tap hut chich o bai da").category // "drugs"
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fold } from "../text/normalize.ts";
import { createAbbreviationLookup, expandAbbreviations, type AbbreviationLookup } from "../faq/abbreviations.ts";
import { loadAbbreviations } from "../faq/load-faq-content.ts";
import { TIP_CATEGORIES, type TipCategory } from "./categories.ts";

export const REPORT_WORDS_FILE = path.resolve(import.meta.dirname, "../../content/report-words.json");

interface WordFile {
  categories: Record<string, string[]>;
  weak: string[];
  school: { category: string; needs: string };
}

interface Phrase {
  category: TipCategory;
  text: string;
  syllables: string[];
  weak: boolean;
}

export interface CategoryReading {
  category?: TipCategory;
  /** The phrases that named it (for the officer and for tests). */
  words: string[];
  /** Score per category, for tests and tuning. */
  scores: Partial<Record<TipCategory, number>>;
}

const split = (text: string) => fold(text.normalize("NFC").toLowerCase()).split(/[^\p{L}\p{N}]+/u).filter(Boolean);

let loaded: { phrases: Map<string, Phrase[]>; school: WordFile["school"]; shortForms: AbbreviationLookup } | undefined;

function load() {
  const raw = JSON.parse(readFileSync(REPORT_WORDS_FILE, "utf8")) as WordFile;
  const weak = new Set(raw.weak.map((w) => split(w).join(" ")));
  const phrases = new Map<string, Phrase[]>();
  const syllables = new Set<string>();
  for (const [category, list] of Object.entries(raw.categories)) {
    if (!(TIP_CATEGORIES as readonly string[]).includes(category)) throw new Error(`${REPORT_WORDS_FILE}: unknown category ${category}`);
    for (const text of list) {
      const s = split(text);
      s.forEach((x) => syllables.add(x));
      const phrase = { category: category as TipCategory, text, syllables: s, weak: weak.has(s.join(" ")) };
      phrases.set(s[0]!, [...(phrases.get(s[0]!) ?? []), phrase]);
    }
  }
  // Teen-code is expanded unless the short form is itself a word of a phrase ("ke" is ketamine here).
  const shortForms = createAbbreviationLookup(
    loadAbbreviations()
      .filter((a) => !a.keepTyped)
      .map((a) => ({ ...a, typed: a.typed.filter((t) => !syllables.has(fold(t))) }))
      .filter((a) => a.typed.length > 0),
  );
  return { phrases, school: raw.school, shortForms };
}

export function readCategory(text: string): CategoryReading {
  loaded ??= load();
  const words = expandAbbreviations(split(text), loaded.shortForms).words.flatMap((w) => split(w.typed));
  const hits: { phrase: Phrase; at: number }[] = [];
  words.forEach((word, at) => {
    for (const phrase of loaded!.phrases.get(word) ?? []) {
      if (phrase.syllables.every((s, i) => words[at + i] === s)) hits.push({ phrase, at });
    }
  });
  // Longest first; a word belongs to one phrase only.
  hits.sort((a, b) => b.phrase.syllables.length - a.phrase.syllables.length || a.at - b.at);
  const used = new Set<number>();
  const kept: Phrase[] = [];
  for (const { phrase, at } of hits) {
    const span = phrase.syllables.map((_, i) => at + i);
    if (span.some((i) => used.has(i))) continue;
    span.forEach((i) => used.add(i));
    kept.push(phrase);
  }
  const scores: Partial<Record<TipCategory, number>> = {};
  for (const p of kept) scores[p.category] = (scores[p.category] ?? 0) + (p.weak ? 0.5 : p.syllables.length);
  const school = loaded.school.category as TipCategory;
  const fight = loaded.school.needs as TipCategory;
  const schoolOnlyWeak = kept.filter((p) => p.category === school).every((p) => p.weak);
  if (scores[school] !== undefined && schoolOnlyWeak) {
    // "ở trường" says where, not what: with a fight it is school violence, alone it is nothing.
    if (scores[fight] !== undefined) {
      scores[school] = scores[school]! + scores[fight]!;
      delete scores[fight];
    } else delete scores[school];
  }
  const ranked = (Object.entries(scores) as [TipCategory, number][]).sort((a, b) => b[1] - a[1]);
  const [first, second] = ranked;
  const category = first && (!second || first[1] > second[1]) ? first[0] : undefined;
  return { ...(category ? { category } : {}), words: kept.filter((p) => !category || p.category === category || (category === school && p.category === fight)).map((p) => p.text), scores };
}
