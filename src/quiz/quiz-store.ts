/**
 * The question bank in the database (QuizQuestion rows): seeded from content/quiz/starter.json
 * when the table is empty, read back as `QuizQuestion` values. Only approved questions are asked.
 */
import type { Tx } from "../db/client.ts";
import { date, int, query, sql } from "../db/sql.ts";
import { quizQuestionSchema, type QuizQuestion, type QuizTexts } from "./content-schema.ts";
import { loadStarterQuestions } from "./load-quiz-content.ts";

type Db = Pick<Tx, "quizQuestion" | "$queryRaw">;

export interface QuizQuestionRow {
  id: string;
  version: number;
  position: number;
  topic: string;
  questionJson: string;
  choicesJson: string;
  correct: number;
  explanationJson: string;
  legal: boolean;
  source: string | null;
  reviewedBy: string;
  reviewedAt: string;
  approvedById: string | null;
  approvedAt: Date | null;
}

export function toQuizQuestion(row: QuizQuestionRow): QuizQuestion {
  return {
    id: row.id,
    version: row.version,
    topic: row.topic as QuizQuestion["topic"],
    question: JSON.parse(row.questionJson) as QuizTexts,
    choices: JSON.parse(row.choicesJson) as QuizTexts[],
    correct: row.correct,
    explanation: JSON.parse(row.explanationJson) as QuizTexts,
    legal: row.legal,
    ...(row.source ? { source: row.source } : {}),
    reviewedBy: row.reviewedBy,
    reviewedAt: row.reviewedAt,
  };
}

function toRow(question: QuizQuestion, position: number) {
  const q = quizQuestionSchema.parse(question);
  return {
    id: q.id,
    version: q.version,
    position,
    topic: q.topic,
    questionJson: JSON.stringify(q.question),
    choicesJson: JSON.stringify(q.choices),
    correct: q.correct,
    explanationJson: JSON.stringify(q.explanation),
    legal: q.legal,
    source: q.source ?? null,
    reviewedBy: q.reviewedBy,
    reviewedAt: q.reviewedAt,
  };
}

/** Fills an empty bank with the starter questions; returns how many were added. */
export async function seedQuizQuestions(db: Db, questions: readonly QuizQuestion[] = loadStarterQuestions()): Promise<number> {
  if ((await db.quizQuestion.count()) > 0) return 0;
  await db.quizQuestion.createMany({ data: questions.map((q, i) => toRow(q, i + 1)) });
  return questions.length;
}

/** The approved questions, in the bank's order. */
export async function approvedQuestionIds(db: Db): Promise<string[]> {
  // Raw: read on every quiz turn (src/db/sql.ts says why).
  const rows = await query<{ id: string }>(db, sql`SELECT "id" FROM "QuizQuestion" WHERE "approvedAt" IS NOT NULL ORDER BY "position", "id"`);
  return rows.map((r) => r.id);
}

export async function quizQuestion(db: Db, id: string): Promise<QuizQuestion | undefined> {
  const rows = await query<Record<string, unknown>>(db, sql`
    SELECT "id", "version", "position", "topic", "questionJson", "choicesJson", "correct", "explanationJson", "legal", "source",
           "reviewedBy", "reviewedAt", "approvedById", "approvedAt"
    FROM "QuizQuestion" WHERE "id" = ${id}`);
  const r = rows[0];
  if (!r) return undefined;
  return toQuizQuestion({
    id: String(r.id),
    version: int(r.version),
    position: int(r.position),
    topic: String(r.topic),
    questionJson: String(r.questionJson),
    choicesJson: String(r.choicesJson),
    correct: int(r.correct),
    explanationJson: String(r.explanationJson),
    legal: r.legal === true || int(r.legal) === 1,
    source: (r.source as string | null) ?? null,
    reviewedBy: String(r.reviewedBy),
    reviewedAt: String(r.reviewedAt),
    approvedById: (r.approvedById as string | null) ?? null,
    approvedAt: date(r.approvedAt),
  });
}

/** A text in the resident's language, or the Vietnamese one (`fallback`) until a native speaker wrote it. */
export function textIn(texts: QuizTexts, lng: string): { text: string; fallback: boolean } {
  const own = texts[lng];
  return typeof own === "string" && own ? { text: own, fallback: false } : { text: texts.vi, fallback: lng !== "vi" };
}
