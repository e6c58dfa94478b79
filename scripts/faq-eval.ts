/**
 * `npm run faq:eval`: how well the FAQ matcher answers the labelled queries in
 * test/faq/eval-set.json (written by the entries' authors) and test/faq/unseen-set.json (written
 * from the topic list alone by someone who never saw the entries), and how fast it is.
 *
 * Prints, for the whole set and for its dev and held-out halves: top-1 and top-3 accuracy of the
 * ranking (queries with an expected entry), how often the bot answers / abstains, wrong answers
 * and wrong abstentions with the worst examples; then p50/p99 matching time with the starter
 * entries and with 2,000 SYNTHETIC entries added (recombined phrasings, for timing only).
 *
 * The half a query belongs to is fixed by a hash of its text. Tune the matcher on dev only:
 * examples are printed for dev; `--show-held-out` prints held-out examples too (for the final
 * report, not for tuning). The unseen set splits the same way (another hash) into TUNE (about 40%)
 * and TEST (about 60%): TEST is hidden unless asked for: `--test` prints its figures and
 * `--show-test` its examples too (for the final report, never while tuning).
 *
 * Flags: --show-held-out, --test, --show-test, --examples N (default 12), --no-timing, --json
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { fold } from "../src/text/normalize.ts";
import { createFaqIndex, type FaqIndex } from "../src/faq/create-faq-index.ts";
import { loadMatcherOptions, loadStarterEntries } from "../src/faq/load-faq-content.ts";
import { decideRanking, matchFaq } from "../src/faq/match-faq.ts";
import { rankFaqQuery } from "../src/faq/rank-faq.ts";
import type { FaqDecision, FaqEntry } from "../src/faq/types.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const EVAL_SET_FILE = path.join(ROOT, "test/faq/eval-set.json");
export const UNSEEN_SET_FILE = path.join(ROOT, "test/faq/unseen-set.json");

export interface EvalQuery {
  query: string;
  /** The entry that should answer, or null when the bot should not answer from the knowledge base. */
  expected: string | null;
  note?: string;
}

export type Split = "dev" | "held-out";

export function loadEvalSet(file = EVAL_SET_FILE): EvalQuery[] {
  const json = JSON.parse(readFileSync(file, "utf8")) as { queries: EvalQuery[] };
  return json.queries;
}

/** FNV-1a of the NFC text. */
function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (const ch of text.normalize("NFC")) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A fixed, even split that does not depend on the order of the file. */
export function splitOf(query: string): Split {
  return hashOf(query) % 2 === 0 ? "dev" : "held-out";
}

export type UnseenPart = "tune" | "test";

/** The unseen set's part: TUNE (about 40%, may be looked at) or TEST (about 60%, only its figures). */
export function unseenPartOf(query: string): UnseenPart {
  return hashOf(`unseen:${query}`) % 100 < 40 ? "tune" : "test";
}

/** Folded, punctuation-free form used to spot a query that merely repeats a phrasing. */
function sameText(s: string): string {
  return fold(s).replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

/** Queries whose text (folded, punctuation ignored) equals one of the knowledge base's phrasings. */
export function queriesIdenticalToPhrasings(queries: readonly EvalQuery[], entries: readonly FaqEntry[]): EvalQuery[] {
  const phrasings = new Set(entries.flatMap((e) => e.questions.map(sameText)));
  return queries.filter((q) => phrasings.has(sameText(q.query)));
}

export interface Outcome {
  query: EvalQuery;
  split: Split;
  decision: FaqDecision;
  ranked: string[];
  topConfidence: number;
  /** 1-based rank of the expected entry among the top 10, or null. */
  expectedRank: number | null;
}

export interface Metrics {
  queries: number;
  inScope: number;
  outOfScope: number;
  /** Ranking accuracy over queries with an expected entry. */
  top1: number;
  top3: number;
  /** Share of all queries the bot does not answer directly (clarify or hand off). */
  abstainRate: number;
  /** Share of queries with an expected entry answered with it (or with an entry whose answer covers it). */
  answeredCorrectly: number;
  /** How many of those were answered with a covering entry ("so-khan-cap" for "goi-115"). */
  answeredByCovering: number;
  /** Out-of-scope queries the bot rightly did not answer. */
  outOfScopeAbstained: number;
  /** Answered with the wrong entry, or answered when it should not have. */
  wrongAnswers: Outcome[];
  /** Not answered although the expected entry exists; `soft` ones offered it as a button. */
  wrongAbstentions: Outcome[];
  softAbstentions: number;
  /** Shares of all queries: answered with a wrong entry (or answered out of scope), offered buttons, passed to an officer. */
  wrongAnswerRate: number;
  clarifyRate: number;
  handoffRate: number;
}

export function runQueries(index: FaqIndex, queries: readonly EvalQuery[]): Outcome[] {
  return queries.map((query) => {
    const ranking = rankFaqQuery(index, query.query, 10);
    const decision = decideRanking(index, ranking);
    const ranked = ranking.candidates.map((c) => c.entryId);
    const at = query.expected === null ? -1 : ranked.indexOf(query.expected);
    return {
      query,
      split: splitOf(query.query),
      decision,
      ranked,
      topConfidence: ranking.candidates[0]?.confidence ?? 0,
      expectedRank: at >= 0 ? at + 1 : null,
    };
  });
}

const ratio = (n: number, d: number) => (d === 0 ? 0 : n / d);

/**
 * `covers` (the index's `alsoAnswers`): an answer with an entry whose answer also answers the
 * expected entry's question counts as right (counted apart in `answeredByCovering`).
 */
export function summarize(outcomes: readonly Outcome[], covers: (a: string, b: string) => boolean = (a, b) => a === b): Metrics {
  const inScope = outcomes.filter((o) => o.query.expected !== null);
  const outOfScope = outcomes.filter((o) => o.query.expected === null);
  const answered = (o: Outcome) => o.decision.kind === "answer";
  const answeredWith = (o: Outcome) => (answered(o) ? o.decision.candidates[0]?.entryId : undefined);
  const right = (o: Outcome) => {
    const id = answeredWith(o);
    return id !== undefined && o.query.expected !== null && covers(id, o.query.expected);
  };
  const wrongAnswers = outcomes
    .filter((o) => answered(o) && !right(o))
    .sort((a, b) => b.topConfidence - a.topConfidence);
  const wrongAbstentions = inScope
    .filter((o) => !answered(o))
    .sort((a, b) => (a.expectedRank ?? 99) - (b.expectedRank ?? 99) || b.topConfidence - a.topConfidence);
  const soft = wrongAbstentions.filter((o) => o.decision.candidates.some((c) => c.entryId === o.query.expected));
  return {
    queries: outcomes.length,
    inScope: inScope.length,
    outOfScope: outOfScope.length,
    top1: ratio(inScope.filter((o) => o.expectedRank === 1).length, inScope.length),
    top3: ratio(inScope.filter((o) => o.expectedRank !== null && o.expectedRank <= 3).length, inScope.length),
    abstainRate: ratio(outcomes.filter((o) => !answered(o)).length, outcomes.length),
    answeredCorrectly: ratio(inScope.filter(right).length, inScope.length),
    answeredByCovering: inScope.filter((o) => right(o) && answeredWith(o) !== o.query.expected).length,
    outOfScopeAbstained: ratio(outOfScope.filter((o) => !answered(o)).length, outOfScope.length),
    wrongAnswers,
    wrongAbstentions,
    softAbstentions: soft.length,
    wrongAnswerRate: ratio(wrongAnswers.length, outcomes.length),
    clarifyRate: ratio(outcomes.filter((o) => o.decision.kind === "clarify").length, outcomes.length),
    handoffRate: ratio(outcomes.filter((o) => o.decision.kind === "handoff").length, outcomes.length),
  };
}

/** Evaluates the matcher on the set: all, dev and held-out. */
export function evaluate(index: FaqIndex, queries: readonly EvalQuery[]): Record<"all" | Split, Metrics> {
  const outcomes = runQueries(index, queries);
  return {
    all: summarize(outcomes, index.covers),
    dev: summarize(outcomes.filter((o) => o.split === "dev"), index.covers),
    "held-out": summarize(outcomes.filter((o) => o.split === "held-out"), index.covers),
  };
}

/** Evaluates the matcher on the unseen set: all, TUNE and TEST. */
export function evaluateUnseen(index: FaqIndex, queries: readonly EvalQuery[]): Record<"all" | UnseenPart, Metrics> {
  const outcomes = runQueries(index, queries);
  return {
    all: summarize(outcomes, index.covers),
    tune: summarize(outcomes.filter((o) => unseenPartOf(o.query.query) === "tune"), index.covers),
    test: summarize(outcomes.filter((o) => unseenPartOf(o.query.query) === "test"), index.covers),
  };
}

/** A small seeded generator (mulberry32), so synthetic entries are the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * SYNTHETIC entries for timing only: each recombines the first half of a phrasing of one real
 * entry with the second half of a phrasing of another, and joins sentences of both answers.
 */
export function syntheticEntries(entries: readonly FaqEntry[], count: number, seed = 19_08): FaqEntry[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const halves = (s: string): [string, string] => {
    const words = s.split(" ");
    const cut = Math.max(1, Math.floor(words.length / 2));
    return [words.slice(0, cut).join(" "), words.slice(cut).join(" ")];
  };
  return Array.from({ length: count }, (_, i) => {
    const a = pick(entries);
    const b = pick(entries);
    const questions = Array.from({ length: 8 }, () => `${halves(pick(a.questions))[0]} ${halves(pick(b.questions))[1]}`.trim());
    const sentences = (e: FaqEntry) => e.answer.vi.split(/(?<=\.)\s+/);
    return {
      id: `synthetic-${String(i + 1).padStart(4, "0")}`,
      version: 1,
      tags: ["synthetic", ...new Set([...a.tags, ...b.tags])],
      questions,
      answer: { vi: [...sentences(a).slice(0, 2), ...sentences(b).slice(-2)].join(" "), hre: null, cua: null },
      reviewedBy: "SYNTHETIC (timing only)",
      reviewedAt: "2026-01-01",
    };
  });
}

export interface Timing {
  calls: number;
  p50: number;
  p99: number;
  max: number;
}

/** Times `matchFaq` on every query, `rounds` times (after one warm-up round), in milliseconds. */
export function timeMatching(index: FaqIndex, texts: readonly string[], rounds = 5): Timing {
  for (const t of texts) matchFaq(index, t);
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const t of texts) {
      const start = performance.now();
      matchFaq(index, t);
      times.push(performance.now() - start);
    }
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
  return { calls: times.length, p50: at(0.5), p99: at(0.99), max: times[times.length - 1] ?? 0 };
}

/** A long resident message (a narrative pasted several times), to time the truncation path. */
export function longMessage(chars = 5_000): string {
  const base = "Tối qua có mấy thanh niên tụ tập ở quán nước đầu thôn, chơi ma túy và đánh nhau, tôi sợ quá không dám ra đường. ";
  return base.repeat(Math.ceil(chars / base.length)).slice(0, chars);
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const ms = (x: number) => `${x.toFixed(2)} ms`;

function formatMetrics(label: string, m: Metrics): string {
  return [
    `${label}: ${m.queries} queries (${m.inScope} with an expected entry, ${m.outOfScope} out of scope)`,
    `  top-1 ${pct(m.top1)} · top-3 ${pct(m.top3)} · answered correctly ${pct(m.answeredCorrectly)}${m.answeredByCovering ? ` (${m.answeredByCovering} by an entry whose answer covers it)` : ""} · abstain rate ${pct(m.abstainRate)}`,
    `  wrong answers ${m.wrongAnswers.length} (${pct(m.wrongAnswerRate)}) · clarify ${pct(m.clarifyRate)} · handoff ${pct(m.handoffRate)} · wrong abstentions ${m.wrongAbstentions.length} (${m.softAbstentions} offered the right entry as a button) · out-of-scope not answered ${pct(m.outOfScopeAbstained)}`,
  ].join("\n");
}

function formatOutcome(o: Outcome): string {
  const top = o.decision.candidates.map((c) => `${c.entryId} ${c.confidence.toFixed(2)}`).join(", ") || "(none)";
  const rank = o.expectedRank === null ? "not in top 10" : `expected at #${o.expectedRank}`;
  return `    "${o.query.query}" → ${o.decision.kind} [${top}] · expected ${o.query.expected ?? "none"} (${rank})`;
}

function formatExamples(title: string, list: readonly Outcome[], n: number): string {
  if (list.length === 0) return `  ${title}: none`;
  return [`  ${title} (worst ${Math.min(n, list.length)} of ${list.length}):`, ...list.slice(0, n).map(formatOutcome)].join("\n");
}

export function cli(argv: string[]): { exitCode: number; stdout: string } {
  const showHeldOut = argv.includes("--show-held-out");
  const showTest = argv.includes("--show-test");
  const withTest = showTest || argv.includes("--test");
  const examplesAt = argv.indexOf("--examples");
  const examples = examplesAt >= 0 ? Number(argv[examplesAt + 1] ?? 12) : 12;
  const entries = loadStarterEntries();
  const options = loadMatcherOptions();
  const queries = loadEvalSet();
  const index = createFaqIndex(entries, options);
  const results = evaluate(index, queries);
  const identical = queriesIdenticalToPhrasings(queries, entries);
  const unseenQueries = loadEvalSet(UNSEEN_SET_FILE);
  const unseen = evaluateUnseen(index, unseenQueries);

  const timing = argv.includes("--no-timing")
    ? undefined
    : (() => {
        const texts = queries.map((q) => q.query);
        const starter = timeMatching(index, texts);
        const long = timeMatching(index, [longMessage()], 50);
        const buildStart = performance.now();
        const big = createFaqIndex([...entries, ...syntheticEntries(entries, 2_000)], options);
        const buildMs = performance.now() - buildStart;
        const synthetic = timeMatching(big, texts);
        const syntheticLong = timeMatching(big, [longMessage()], 50);
        return { starter, long, synthetic, syntheticLong, buildMs, syntheticEntries: big.entries.length };
      })();

  if (argv.includes("--json")) {
    const strip = (m: Metrics) => ({ ...m, wrongAnswers: m.wrongAnswers.length, wrongAbstentions: m.wrongAbstentions.length });
    const json = {
      all: strip(results.all),
      dev: strip(results.dev),
      heldOut: strip(results["held-out"]),
      identicalToPhrasings: identical.length,
      unseen: withTest ? { all: strip(unseen.all), tune: strip(unseen.tune), test: strip(unseen.test) } : { tune: strip(unseen.tune) },
      timing,
    };
    return { exitCode: 0, stdout: JSON.stringify(json, null, 2) };
  }

  const lines = [
    `FAQ matcher evaluation: ${entries.length} starter entries, ${queries.length} labelled queries (test/faq/eval-set.json)`,
    `Queries identical to a phrasing of the knowledge base: ${identical.length} (${pct(identical.length / queries.length)}; must stay under 10%)`,
    "",
    formatMetrics("ALL", results.all),
    "",
    formatMetrics("DEV (tuned on)", results.dev),
    formatExamples("wrong answers", results.dev.wrongAnswers, examples),
    formatExamples("wrong abstentions", results.dev.wrongAbstentions, examples),
    "",
    formatMetrics("HELD-OUT (never tuned on)", results["held-out"]),
    ...(showHeldOut
      ? [formatExamples("wrong answers", results["held-out"].wrongAnswers, examples), formatExamples("wrong abstentions", results["held-out"].wrongAbstentions, examples)]
      : ["  (examples hidden so they are not tuned on; --show-held-out prints them)"]),
    "",
    `UNSEEN SET: ${unseenQueries.length} queries written from the topic list by someone who never saw the entries (test/faq/unseen-set.json)`,
    formatMetrics("UNSEEN TUNE (may be looked at)", unseen.tune),
    formatExamples("wrong answers", unseen.tune.wrongAnswers, examples),
    formatExamples("wrong abstentions", unseen.tune.wrongAbstentions, examples),
    "",
    ...(withTest
      ? [
          formatMetrics("UNSEEN TEST (never tuned on)", unseen.test),
          ...(showTest
            ? [formatExamples("wrong answers", unseen.test.wrongAnswers, examples), formatExamples("wrong abstentions", unseen.test.wrongAbstentions, examples)]
            : ["  (examples hidden so they are not tuned on; --show-test prints them)"]),
        ]
      : ["UNSEEN TEST: hidden while tuning (--test prints its figures, for the final report)"]),
  ];
  if (timing) {
    lines.push(
      "",
      "Matching time (matchFaq, one call, this machine):",
      `  starter (${entries.length} entries): p50 ${ms(timing.starter.p50)} · p99 ${ms(timing.starter.p99)} · max ${ms(timing.starter.max)} over ${timing.starter.calls} calls`,
      `  starter, 5,000-character message: p50 ${ms(timing.long.p50)} · p99 ${ms(timing.long.p99)}`,
      `  with 2,000 SYNTHETIC entries (${timing.syntheticEntries} in all, recombined phrasings, timing only; index built in ${timing.buildMs.toFixed(0)} ms):`,
      `    p50 ${ms(timing.synthetic.p50)} · p99 ${ms(timing.synthetic.p99)} · max ${ms(timing.synthetic.max)} over ${timing.synthetic.calls} calls`,
      `    5,000-character message: p50 ${ms(timing.syntheticLong.p50)} · p99 ${ms(timing.syntheticLong.p99)}`,
    );
  }
  return { exitCode: 0, stdout: lines.join("\n") };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { exitCode, stdout } = cli(process.argv.slice(2));
  process.stdout.write(`${stdout}\n`);
  process.exitCode = exitCode;
}
