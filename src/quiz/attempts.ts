/**
 * A resident's quiz attempts: one per contact and round (a festival year, Vietnam time), holding
 * the questions asked (fixed at the start), the answers, the score and the commune it counts for.
 * Written in the turn's transaction, so an answer and its reply commit together.
 */
import type { Tx } from "../db/client.ts";
import { vietnamClock } from "../duty/vietnam-time.ts";
import { date, execute, int, query, sql } from "../db/sql.ts";

/** How many questions one attempt asks (fewer while fewer are approved). */
export const QUIZ_LENGTH = 10;

export interface QuizAnswer {
  q: string;
  choice: number;
  right: boolean;
}

export interface Attempt {
  id: string;
  round: string;
  communeCode: string | null;
  questionIds: string[];
  answers: QuizAnswer[];
  score: number;
  finishedAt: Date | null;
}

/** The round a moment belongs to: the festival year in Vietnam. */
export function quizRound(at: Date): string {
  return vietnamClock(at).date.slice(0, 4);
}

type AttemptRow = { id: string; round: string; communeCode: string | null; questionIdsJson: string; answersJson: string; score: number; finishedAt: Date | null };
const toAttempt = (r: AttemptRow): Attempt => ({
  id: r.id,
  round: r.round,
  communeCode: r.communeCode,
  questionIds: JSON.parse(r.questionIdsJson) as string[],
  answers: JSON.parse(r.answersJson) as QuizAnswer[],
  score: r.score,
  finishedAt: r.finishedAt,
});

export async function findAttempt(tx: Tx, contactId: string, round: string): Promise<Attempt | undefined> {
  // Raw: read on every quiz turn (src/db/sql.ts says why).
  const rows = await query<Record<string, unknown>>(tx, sql`
    SELECT "id", "round", "communeCode", "questionIdsJson", "answersJson", "score", "finishedAt"
    FROM "QuizAttempt" WHERE "contactId" = ${contactId} AND "round" = ${round}`);
  const r = rows[0];
  if (!r) return undefined;
  return toAttempt({
    id: String(r.id),
    round: String(r.round),
    communeCode: (r.communeCode as string | null) ?? null,
    questionIdsJson: String(r.questionIdsJson),
    answersJson: String(r.answersJson),
    score: int(r.score),
    finishedAt: date(r.finishedAt),
  });
}

/**
 * The commune the resident's score counts for, when already known: the one chosen for their
 * subscription, else the one of their latest earlier attempt. Undefined: ask.
 */
export async function knownCommune(tx: Tx, contactId: string): Promise<{ code: string; version: string | null } | undefined> {
  const sub = await tx.subscription.findUnique({ where: { contactId }, select: { communeCode: true } });
  if (sub?.communeCode) return { code: sub.communeCode, version: null };
  const earlier = await tx.quizAttempt.findFirst({ where: { contactId, communeCode: { not: null } }, orderBy: { startedAt: "desc" }, select: { communeCode: true, adminDataVersion: true } });
  return earlier?.communeCode ? { code: earlier.communeCode, version: earlier.adminDataVersion } : undefined;
}

export async function startAttempt(
  tx: Tx,
  input: { contactId: string; round: string; questionIds: string[]; communeCode: string | null; adminDataVersion: string | null; now: Date },
): Promise<Attempt> {
  const row = await tx.quizAttempt.create({
    data: {
      contactId: input.contactId,
      round: input.round,
      questionIdsJson: JSON.stringify(input.questionIds),
      communeCode: input.communeCode,
      adminDataVersion: input.adminDataVersion,
      startedAt: input.now,
    },
  });
  return toAttempt(row);
}

/** The question waiting for an answer, or undefined when every question is answered. */
export function currentQuestionId(attempt: Attempt): string | undefined {
  return attempt.questionIds[attempt.answers.length];
}

/** Records the answer to the current question; finishes the attempt after the last one. */
export async function recordAnswer(tx: Tx, attempt: Attempt, answer: QuizAnswer, now: Date): Promise<Attempt> {
  const answers = [...attempt.answers, answer];
  const score = answers.filter((a) => a.right).length;
  const finished = answers.length >= attempt.questionIds.length;
  const finishedAt = finished ? now : attempt.finishedAt;
  const n = await execute(tx, sql`
    UPDATE "QuizAttempt" SET "answersJson" = ${JSON.stringify(answers)}, "score" = ${score}, "finishedAt" = ${finishedAt}, "updatedAt" = ${new Date()}
    WHERE "id" = ${attempt.id}`);
  if (n !== 1) throw new Error(`quiz attempt ${attempt.id} is gone`);
  return { ...attempt, answers, score, finishedAt };
}
