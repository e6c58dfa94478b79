/**
 * The quiz's starter question bank: valid, honest about review, every legal statement naming a
 * checked source, no invented phone number, and Hre and Co left for native speakers.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_QUIZ_CONTENT_DIR, loadStarterQuestions } from "../../src/quiz/load-quiz-content.ts";
import { parseQuizFile, type QuizQuestion } from "../../src/quiz/content-schema.ts";

const questions = loadStarterQuestions();
const HONEST_REVIEW = "Nhóm phát triển Tin Báo (chưa qua cán bộ nghiệp vụ duyệt)";
const textsOf = (q: QuizQuestion) => [q.question, ...q.choices, q.explanation];
const viOf = (q: QuizQuestion) => textsOf(q).map((t) => t.vi).join("\n");

/**
 * Articles the team checked in the text of the law. A new source is added here only after someone
 * has read that article: the test fails on any other.
 */
const CHECKED_SOURCES = new Set([
  "Bộ luật Tố tụng hình sự 2015, Điều 56",
  "Bộ luật Tố tụng hình sự 2015, Điều 147",
  "Bộ luật Hình sự 2015, Điều 150",
  "Bộ luật Hình sự 2015, Điều 174",
  "Bộ luật Hình sự 2015, Điều 249",
  "Bộ luật Hình sự 2015, Điều 251",
  "Bộ luật Hình sự 2015, Điều 290",
  "Bộ luật Hình sự 2015, Điều 321",
  "Bộ luật Hình sự 2015, Điều 390",
]);

/** Words that say what the law says: a law, an article, criminal liability, a fine, a named offence ("tội lừa đảo"; "tội phạm" alone is just "crime"). */
const LEGAL_WORDS = /luật|điều \d|hình sự|phạt|\btội (?!phạm)/iu;

function withoutLegal(source: QuizQuestion): QuizQuestion {
  const { source: _s, ...rest } = source;
  return { ...rest, legal: false };
}
const file = (qs: unknown[]) => ({ format: "tin-bao-quiz", version: 1, questions: qs });

describe("the quiz's starter question bank", () => {
  it("has about twenty questions with unique kebab-case ids, over reporting, scams, drugs and safety", () => {
    expect(questions.length).toBeGreaterThanOrEqual(20);
    expect(new Set(questions.map((q) => q.id)).size).toBe(questions.length);
    for (const topic of ["bao-tin", "lua-dao", "ma-tuy", "an-toan"]) expect(questions.some((q) => q.topic === topic), topic).toBe(true);
  });

  it("gives each question 2 to 4 choices short enough for a button, and a right answer among them", () => {
    for (const q of questions) {
      expect(q.choices.length, q.id).toBeGreaterThanOrEqual(2);
      expect(q.choices.length, q.id).toBeLessThanOrEqual(4);
      expect(q.correct, q.id).toBeLessThan(q.choices.length);
      for (const c of q.choices) expect([...c.vi].length, `${q.id}: ${c.vi}`).toBeLessThanOrEqual(60);
      expect(new Set(q.choices.map((c) => c.vi)).size, q.id).toBe(q.choices.length);
      // Button payloads ("quiz:a:<id>:<n>") stay within Telegram's 64 bytes.
      expect(Buffer.byteLength(`quiz:a:${q.id}:3`), q.id).toBeLessThanOrEqual(64);
    }
  });

  it("names the law and article of every legal statement, only articles the team checked", () => {
    const legal = questions.filter((q) => q.legal);
    expect(legal.length).toBeGreaterThanOrEqual(5);
    for (const q of questions) {
      if (LEGAL_WORDS.test(viOf(q))) expect(q.legal, `${q.id} states the law: legal: true and a source`).toBe(true);
      if (q.legal) {
        expect(q.source, q.id).toBeDefined();
        expect(CHECKED_SOURCES.has(q.source!), `${q.id}: ${q.source} is not in the list of checked articles`).toBe(true);
      } else {
        expect(q.source, q.id).toBeUndefined();
      }
    }
    expect(questions.find((q) => q.id === "toi-lua-dao")?.source).toBe("Bộ luật Hình sự 2015, Điều 174");
  });

  it("refuses a legal question without its source, and a source that names no article", () => {
    const legal = questions.find((q) => q.legal)!;
    const { source: _s, ...noSource } = legal;
    expect(() => parseQuizFile(file([noSource]))).toThrow(/source/);
    expect(() => parseQuizFile(file([{ ...legal, source: "Bộ luật Hình sự" }]))).toThrow(/Điều/);
    expect(() => parseQuizFile(file([{ ...withoutLegal(legal), source: legal.source }]))).toThrow(/legal/);
  });

  it("gives no phone number but the national lines 111, 113, 114 and 115", () => {
    const allowed = new Set(["111", "113", "114", "115"]);
    for (const q of questions) {
      // Years, the festival's date and article numbers are not phone numbers; anything else with 3 or more digits is.
      const text = viOf(q).replace(/\b(19|20)\d{2}\b/g, "").replace(/19\/8/g, "").replace(/Điều \d+/g, "");
      const numbers = text.match(/\d[\d .]{2,}\d|\d{3,}/g) ?? [];
      for (const n of numbers) expect(allowed.has(n.trim()), `${q.id}: ${n}`).toBe(true);
    }
  });

  it("says honestly that no police officer has reviewed it yet", () => {
    for (const q of questions) expect(q.reviewedBy, q.id).toBe(HONEST_REVIEW);
    expect(readFileSync(path.join(DEFAULT_QUIZ_CONTENT_DIR, "README.md"), "utf8")).toMatch(/chưa qua cán bộ nghiệp vụ duyệt/);
  });

  it("leaves Hre and Co empty for native speakers to write", () => {
    for (const q of questions) {
      for (const t of textsOf(q)) {
        expect(t.hre, q.id).toBeNull();
        expect(t.cua, q.id).toBeNull();
      }
    }
  });

  it("refuses a duplicate id, a right answer that is not a choice, and a fifth choice", () => {
    const [first] = questions;
    expect(() => parseQuizFile(file([first, first]))).toThrow(/duplicate id/);
    expect(() => parseQuizFile(file([{ ...first!, correct: first!.choices.length }]))).toThrow(/correct/);
    const five = Array.from({ length: 5 }, (_, i) => ({ vi: `Đáp án ${i + 1}`, hre: null, cua: null }));
    expect(() => parseQuizFile(file([{ ...first!, choices: five }]))).toThrow(/choices/);
  });
});
