/**
 * Ranks knowledge-base entries for a resident's message. The confidence (0..1) is a weighted sum
 * (weights in content/faq/matcher-settings.json) of:
 * - coverage: how much of what the resident wrote the entry explains (rare words count more; an
 *   unknown word counts as much as the rarest known one, so "cách nấu canh chua" stays low);
 * - pairs: the same for adjacent word pairs ("căn cước", "làm lại"), so an entry that has the
 *   words apart ("giả", "lừa") does not pass for one that has the phrase;
 * - trigram similarity to the closest phrasing (typos, run-together words);
 * - BM25 of the entry (phrasings, tags, answer), saturated;
 * - an accent bonus: words typed with diacritics that agree with the entry's spelling ("cháy" vs
 *   "chạy") add, contradicting ones take away.
 * Unknown words are first read as known words with the same spelling key, then at a small edit
 * distance, then as two run-together words.
 *
 * @example rankFaq(index, "ko co cccd thi lam sao", 3).map((c) => c.entryId)[0] // "mat-can-cuoc"
 */
import { analyzeText, type Word } from "./analyze-text.ts";
import { contentWords, type FaqIndex, type ResolvedWord } from "./create-faq-index.ts";
import { editDistance, spellingKey } from "./spelling.ts";
import { diceFromCounts, trigramsOf } from "./trigrams.ts";
import type { ConfidenceParts, FaqCandidate } from "./types.ts";

export interface FaqRanking {
  candidates: FaqCandidate[];
  /** Words that carry meaning (stopwords, emoji and punctuation excluded). 0 means nothing to match. */
  words: number;
  /** Content words the knowledge base does not know, even allowing for misspellings. */
  unknownWords: string[];
  /** The message was longer than the matcher's limits; only its beginning was used. */
  truncated: boolean;
}

const MAX_RESOLVED_MEMO = 20_000;
/** Longer "words" are not Vietnamese syllables or run-together pairs (a pasted link, a key mash). */
const MAX_FUZZY_LENGTH = 24;
/** Candidates beyond the top k that still get the accent bonus (it is at most ±weights.accent). */
const ACCENT_SHORTLIST = 20;

function df(index: FaqIndex, term: string): number {
  return index.terms.get(term)?.postings.length ?? 0;
}

function mostCommon(index: FaqIndex, terms: readonly string[], n: number): string[] {
  return [...terms].sort((a, b) => df(index, b) - df(index, a)).slice(0, n);
}

/** A folded word the index does not contain, read as the known words it most likely is. */
function resolveUnknown(index: FaqIndex, folded: string): ResolvedWord[] {
  const { fuzzy } = index.settings;
  if (/^\p{N}+$/u.test(folded) || folded.length < 2 || folded.length > MAX_FUZZY_LENGTH) return [];
  const sameKey = index.wordsBySpellingKey.get(spellingKey(folded));
  if (sameKey?.length) return mostCommon(index, sameKey, 2).map((term) => ({ term, weight: fuzzy.spelling }));
  const maxDistance = folded.length >= fuzzy.minLengthEdit2 ? 2 : folded.length >= fuzzy.minLengthEdit1 ? 1 : 0;
  if (maxDistance > 0) {
    let best: string[] = [];
    let bestDistance = maxDistance + 1;
    for (let len = folded.length - maxDistance; len <= folded.length + maxDistance; len++) {
      for (const term of index.wordsByLength.get(len) ?? []) {
        // Slips rarely hit the first letter (initials mixed up in speech are the spelling key's job).
        if (term[0] !== folded[0] || term.length < fuzzy.minLengthEdit1) continue;
        const d = editDistance(folded, term, Math.min(maxDistance, bestDistance));
        if (d < bestDistance) {
          bestDistance = d;
          best = [term];
        } else if (d === bestDistance && d <= maxDistance) best.push(term);
      }
    }
    if (bestDistance <= maxDistance) {
      const weight = bestDistance === 1 ? fuzzy.edit1 : fuzzy.edit2;
      return mostCommon(index, best, 2).map((term) => ({ term, weight }));
    }
  }
  for (let i = 2; i <= folded.length - 2; i++) {
    const head = folded.slice(0, i);
    const tail = folded.slice(i);
    if (index.terms.has(head) && index.terms.has(tail)) return [{ term: head, weight: fuzzy.split }, { term: tail, weight: fuzzy.split }];
  }
  return [];
}

function resolveWord(index: FaqIndex, folded: string): ResolvedWord[] {
  if (index.terms.has(folded)) return [{ term: folded, weight: 1 }];
  const memo = index.resolved.get(folded);
  if (memo) return memo;
  const resolved = resolveUnknown(index, folded);
  if (index.resolved.size < MAX_RESOLVED_MEMO) index.resolved.set(folded, resolved);
  return resolved;
}

interface QueryTerm {
  term: string;
  weight: number;
  /** Words and pairs count towards coverage (each their own share); extras only towards BM25. */
  kind: "word" | "pair" | "extra";
}

function queryTerms(index: FaqIndex, words: readonly Word[], extras: readonly Word[]) {
  const terms = new Map<string, QueryTerm>();
  const put = (t: QueryTerm) => {
    const seen = terms.get(t.term);
    if (!seen || seen.weight < t.weight) terms.set(t.term, t);
  };
  let coverageTotal = 0;
  let pairTotal = 0;
  const unknownWords: string[] = [];
  const { stopwords, settings } = index;
  // Each word's best reading, used to form pairs: a misspelt word still pairs with its neighbour.
  const counted = new Set<string>();
  const readings = words.map((w) => {
    if (stopwords.has(w.folded)) return { term: w.folded, weight: 1 };
    const resolved = resolveWord(index, w.folded);
    const best = resolved[0];
    const first = !counted.has(w.folded);
    counted.add(w.folded);
    if (!best) {
      if (first) unknownWords.push(w.folded);
      if (first) coverageTotal += index.maxIdf * settings.weights.unknownWord;
      return { term: w.folded, weight: 0 };
    }
    if (first) coverageTotal += index.terms.get(best.term)!.idf;
    for (const r of resolved) put({ ...r, kind: "word" });
    return best;
  });
  for (const w of extras) {
    if (!stopwords.has(w.folded) && index.terms.has(w.folded)) put({ term: w.folded, weight: 0.5, kind: "extra" });
  }
  for (let i = 0; i + 1 < readings.length; i++) {
    const a = readings[i]!;
    const b = readings[i + 1]!;
    if (stopwords.has(a.term) && stopwords.has(b.term)) continue;
    const pair = `${a.term} ${b.term}`;
    const weight = Math.min(a.weight, b.weight);
    const known = index.terms.get(pair);
    // An unknown pair with a function word in it ("vneid a", "cccd nhe") says nothing against the entry.
    if (known) pairTotal += known.idf;
    else if (!stopwords.has(a.term) && !stopwords.has(b.term)) pairTotal += index.maxIdf * settings.weights.unknownPair;
    if (weight > 0 && known) put({ term: pair, weight, kind: "pair" });
  }
  return { terms: [...terms.values()], coverageTotal, pairTotal, unknownWords };
}

/**
 * Trigram similarity only looks at the beginning of a long message: phrasings are short, so the
 * rest could not raise the similarity anyway, and it keeps a 5,000-character message cheap.
 */
const MAX_TRIGRAM_CHARS = 160;

/** Best trigram similarity (Dice) of the message to any phrasing, per entry. */
function trigramScores(index: FaqIndex, folded: string): Float64Array {
  const grams = trigramsOf(folded.slice(0, MAX_TRIGRAM_CHARS));
  const shared = new Uint16Array(index.phrasings.length);
  const touched: number[] = [];
  for (const g of grams) {
    const list = index.trigramPostings.get(g);
    if (!list) continue;
    for (let i = 0; i < list.length; i++) {
      const phrasing = list[i]!;
      if (shared[phrasing] === 0) touched.push(phrasing);
      shared[phrasing]! += 1;
    }
  }
  const best = new Float64Array(index.entries.length);
  for (const phrasing of touched) {
    const p = index.phrasings[phrasing]!;
    const dice = diceFromCounts(shared[phrasing]!, grams.size, p.size);
    if (dice > best[p.entry]!) best[p.entry] = dice;
  }
  return best;
}

/** +1 per accented word spelt as in the entry, −1 per accented word the entry spells differently; averaged. */
function accentAgreement(index: FaqIndex, entry: number, words: readonly Word[]): number {
  let sum = 0;
  let counted = 0;
  for (const w of words) {
    if (!w.accent || w.from) continue;
    counted++;
    const spellings = index.accents[entry]!.get(w.folded);
    if (!spellings || spellings.size === 0) continue;
    sum += spellings.has(w.accent) ? 1 : -1;
  }
  return counted === 0 ? 0 : sum / counted;
}

/** Ranking with the details the decision and the evaluation need. */
export function rankFaqQuery(index: FaqIndex, text: string, k = 5, options: { explain?: boolean } = {}): FaqRanking {
  const analyzed = analyzeText(typeof text === "string" ? text : "", index.lookup, index.settings.limits);
  const words = contentWords(analyzed.words, index.stopwords);
  if (words.length === 0) return { candidates: [], words: 0, unknownWords: [], truncated: analyzed.truncated };

  const { weights } = index.settings;
  const { terms, coverageTotal, pairTotal, unknownWords } = queryTerms(index, analyzed.words, analyzed.extras);
  const n = index.entries.length;
  const bm25 = new Float64Array(n);
  const covered = new Float64Array(n);
  const pairsCovered = new Float64Array(n);
  for (const qt of terms) {
    const stats = index.terms.get(qt.term);
    if (!stats) continue;
    const boost = qt.kind === "pair" ? weights.bigram : 1;
    for (const p of stats.postings) {
      const norm = weights.k1 * (1 - weights.b + (weights.b * index.entryLength[p.entry]!) / index.averageLength);
      bm25[p.entry]! += (boost * qt.weight * stats.idf * p.tf * (weights.k1 + 1)) / (p.tf + norm);
      if (qt.kind === "word") covered[p.entry]! += qt.weight * stats.idf * p.credit;
      if (qt.kind === "pair") pairsCovered[p.entry]! += qt.weight * stats.idf * p.credit;
    }
  }
  const trigram = trigramScores(index, words.map((w) => w.folded).join(" "));

  const scored: { entry: number; parts: ConfidenceParts; confidence: number }[] = [];
  for (let entry = 0; entry < n; entry++) {
    if (bm25[entry] === 0 && trigram[entry] === 0) continue;
    const coverage = coverageTotal > 0 ? Math.min(1, covered[entry]! / coverageTotal) : 0;
    const parts: ConfidenceParts = {
      coverage,
      // A one-word message has no pairs: its pair share is its word share.
      pairs: pairTotal > 0 ? Math.min(1, pairsCovered[entry]! / pairTotal) : coverage,
      trigram: trigram[entry]!,
      bm25: bm25[entry]! / (bm25[entry]! + weights.bm25Half),
      accent: 0,
    };
    const confidence =
      weights.coverage * parts.coverage + weights.pairs * parts.pairs + weights.trigram * parts.trigram + weights.bm25 * parts.bm25;
    scored.push({ entry, parts, confidence });
  }
  // The accent bonus is small: it can reorder close candidates, never lift a far one into the top.
  scored.sort((a, b) => b.confidence - a.confidence);
  const shortlist = scored.slice(0, Math.max(0, k) + ACCENT_SHORTLIST);
  for (const s of shortlist) {
    s.parts.accent = accentAgreement(index, s.entry, words);
    s.confidence += weights.accent * s.parts.accent;
  }
  const candidates = shortlist.map((s): FaqCandidate => {
    const candidate: FaqCandidate = { entryId: index.entries[s.entry]!.id, score: bm25[s.entry]!, confidence: Math.max(0, Math.min(1, s.confidence)) };
    if (options.explain) candidate.parts = s.parts;
    return candidate;
  });
  candidates.sort((a, b) => b.confidence - a.confidence || b.score - a.score || a.entryId.localeCompare(b.entryId));
  return { candidates: candidates.slice(0, Math.max(0, k)), words: words.length, unknownWords, truncated: analyzed.truncated };
}

/** The top `k` entries for a message, best first. Empty when the message has no words to match. */
export function rankFaq(index: FaqIndex, text: string, k = 5): FaqCandidate[] {
  return rankFaqQuery(index, text, k).candidates;
}
