/**
 * The search index over knowledge-base entries, built once (at start-up, or again when an entry
 * changes) and then only read. Each entry is one document with three fields: the phrasings of the
 * question, the tags and the Vietnamese answer. Terms are folded words and pairs of words
 * ("can cuoc"), so "căn cước" outranks an entry that merely has "căn" and "cước" apart.
 *
 * @example
 * const index = createFaqIndex(entries); // shipped abbreviations and settings; or pass your own
 * rankFaq(index, "mat cccd lam lai o dau")[0]?.entryId // "mat-can-cuoc"
 */
import { createAbbreviationLookup, type AbbreviationLookup } from "./abbreviations.ts";
import { analyzeText, type Word } from "./analyze-text.ts";
import { DEFAULT_ABBREVIATIONS, DEFAULT_MATCHER_SETTINGS } from "./default-options.ts";
import { spellingKey } from "./spelling.ts";
import { trigramsOf } from "./trigrams.ts";
import type { Abbreviation, FaqEntry, MatcherLimits, MatcherSettings } from "./types.ts";

export interface Posting {
  /** Position of the entry in `FaqIndex.entries`. */
  entry: number;
  /** Field-weighted term frequency. */
  tf: number;
  /** How well the best field containing the term explains a query word (questions 1, tags and answer less). */
  credit: number;
}

export interface TermStats {
  idf: number;
  postings: Posting[];
}

export interface Phrasing {
  entry: number;
  /** Number of distinct trigrams of its content words. */
  size: number;
}

export interface FaqIndex {
  readonly entries: readonly FaqEntry[];
  readonly byId: ReadonlyMap<string, FaqEntry>;
  /** Whether the answer of entry `a` answers the questions of entry `b` too (always true for a = b): `FaqEntry.alsoAnswers`. */
  covers(a: string, b: string): boolean;
  readonly settings: MatcherSettings;
  readonly lookup: AbbreviationLookup;
  readonly stopwords: ReadonlySet<string>;
  /** Single folded words and folded word pairs ("can cuoc"). */
  readonly terms: ReadonlyMap<string, TermStats>;
  /** Single words by spelling key and by length, for misspellings. */
  readonly wordsBySpellingKey: ReadonlyMap<string, readonly string[]>;
  readonly wordsByLength: ReadonlyMap<number, readonly string[]>;
  readonly entryLength: readonly number[];
  readonly averageLength: number;
  /** The idf of a word found in a single entry: the weight given to an unknown word. */
  readonly maxIdf: number;
  /** Per entry: folded word → its spellings with marks, to reward queries typed with the same accents. */
  readonly accents: ReadonlyArray<ReadonlyMap<string, ReadonlySet<string>>>;
  readonly phrasings: readonly Phrasing[];
  readonly trigramPostings: ReadonlyMap<string, readonly number[]>;
  /** Memo of how unknown words were resolved (a pure function of the index). */
  readonly resolved: Map<string, ResolvedWord[]>;
}

export interface ResolvedWord {
  term: string;
  weight: number;
}

export interface FaqIndexOptions {
  /** Short forms read as words; default: content/faq/abbreviations.json. */
  abbreviations?: readonly Abbreviation[];
  /** Weights, thresholds, stopwords; default: content/faq/matcher-settings.json. */
  settings?: MatcherSettings;
}

/** Answers and phrasings are indexed whole: the query limits are for residents' messages only. */
const INDEX_LIMITS: MatcherLimits = { maxChars: 20_000, maxWords: 4_000 };

/** The words that carry meaning: stopwords dropped. */
export function contentWords(words: readonly Word[], stopwords: ReadonlySet<string>): Word[] {
  return words.filter((w) => !stopwords.has(w.folded));
}

/** Adjacent folded pairs, except pairs of two stopwords ("co khong"). */
export function wordPairs(folded: readonly string[], stopwords: ReadonlySet<string>): string[] {
  const pairs: string[] = [];
  for (let i = 0; i + 1 < folded.length; i++) {
    const a = folded[i]!;
    const b = folded[i + 1]!;
    if (stopwords.has(a) && stopwords.has(b)) continue;
    pairs.push(`${a} ${b}`);
  }
  return pairs;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

interface EntryTerms {
  tf: Map<string, number>;
  credit: Map<string, number>;
  length: number;
  accents: Map<string, Set<string>>;
}

function addField(acc: EntryTerms, words: readonly Word[], weight: number, credit: number, stopwords: ReadonlySet<string>): void {
  const add = (term: string, w: number) => {
    acc.tf.set(term, (acc.tf.get(term) ?? 0) + w);
    acc.credit.set(term, Math.max(acc.credit.get(term) ?? 0, credit));
  };
  for (const word of words) {
    if (word.accent) {
      const set = acc.accents.get(word.folded) ?? new Set<string>();
      set.add(word.accent);
      acc.accents.set(word.folded, set);
    }
    if (stopwords.has(word.folded)) continue;
    add(word.folded, weight);
    acc.length += weight;
  }
  for (const pair of wordPairs(words.map((w) => w.folded), stopwords)) add(pair, weight);
}

/** Builds the index. Throws when two entries share an id. */
export function createFaqIndex(entries: readonly FaqEntry[], options: FaqIndexOptions = {}): FaqIndex {
  const settings = options.settings ?? DEFAULT_MATCHER_SETTINGS;
  const { weights } = settings;
  const lookup = createAbbreviationLookup(options.abbreviations ?? DEFAULT_ABBREVIATIONS);
  const stopwords = new Set(settings.stopwords);
  const postings = new Map<string, Posting[]>();
  const entryLength: number[] = [];
  const accents: Map<string, Set<string>>[] = [];
  const phrasings: Phrasing[] = [];
  const trigramPostings = new Map<string, number[]>();
  const byId = new Map<string, FaqEntry>();

  entries.forEach((entry, e) => {
    if (byId.has(entry.id)) throw new Error(`FAQ entry id "${entry.id}" is used twice`);
    byId.set(entry.id, entry);
    const acc: EntryTerms = { tf: new Map(), credit: new Map(), length: 0, accents: new Map() };
    const ratio = (w: number) => Math.min(1, w / (weights.fieldQuestions || 1));
    for (const question of entry.questions) {
      const words = analyzeText(question, lookup, INDEX_LIMITS).words;
      addField(acc, words, weights.fieldQuestions, 1, stopwords);
      const grams = trigramsOf(contentWords(words, stopwords).map((w) => w.folded).join(" "));
      const id = phrasings.push({ entry: e, size: grams.size }) - 1;
      for (const g of grams) pushTo(trigramPostings, g, id);
    }
    for (const tag of entry.tags) {
      addField(acc, analyzeText(tag.replace(/-/g, " "), lookup, INDEX_LIMITS).words, weights.fieldTags, ratio(weights.fieldTags), stopwords);
    }
    addField(acc, analyzeText(entry.answer.vi, lookup, INDEX_LIMITS).words, weights.fieldAnswer, ratio(weights.fieldAnswer), stopwords);
    for (const [term, tf] of acc.tf) {
      pushTo(postings, term, { entry: e, tf, credit: acc.credit.get(term) ?? 0 });
    }
    entryLength.push(acc.length);
    accents.push(acc.accents);
  });

  const n = entries.length;
  const idf = (df: number) => Math.log(1 + (n - df + 0.5) / (df + 0.5));
  const terms = new Map<string, TermStats>();
  const wordsBySpellingKey = new Map<string, string[]>();
  const wordsByLength = new Map<number, string[]>();
  for (const [term, list] of postings) {
    terms.set(term, { idf: idf(list.length), postings: list });
    if (term.includes(" ")) continue;
    pushTo(wordsBySpellingKey, spellingKey(term), term);
    pushTo(wordsByLength, term.length, term);
  }

  const alsoAnswers = new Map(entries.map((e) => [e.id, new Set(e.alsoAnswers ?? [])]));
  return {
    entries,
    byId,
    covers: (a, b) => a === b || (alsoAnswers.get(a)?.has(b) ?? false),
    settings,
    lookup,
    stopwords,
    terms,
    wordsBySpellingKey,
    wordsByLength,
    entryLength,
    averageLength: n === 0 ? 1 : entryLength.reduce((a, b) => a + b, 0) / n || 1,
    maxIdf: idf(1),
    accents,
    phrasings,
    trigramPostings,
    resolved: new Map(),
  };
}
