/**
 * The question bank in the console: the list with each question's approval, and an officer's
 * approval (who and when, in the row and in the audit log). Residents are asked approved questions only.
 */
import type { AppContext } from "../context.ts";
import type { Tx } from "../db/client.ts";
import { AppError } from "../http/errors.ts";
import { recordAudit } from "../officers/record-audit.ts";
import type { SignedInOfficer } from "../officers/roles.ts";
import { vietnamClock } from "../duty/vietnam-time.ts";
import type { QuizQuestion } from "./content-schema.ts";
import { toQuizQuestion, type QuizQuestionRow } from "./quiz-store.ts";

type Ctx = Pick<AppContext, "db" | "now">;

export interface QuizQuestionView extends QuizQuestion {
  position: number;
  approved: boolean;
  approvedAt: string | null;
  approvedBy: string | null;
}

function toView(row: QuizQuestionRow, names: Map<string, string>): QuizQuestionView {
  return {
    ...toQuizQuestion(row),
    position: row.position,
    approved: row.approvedAt !== null,
    approvedAt: row.approvedAt?.toISOString() ?? null,
    approvedBy: row.approvedById ? names.get(row.approvedById) ?? null : null,
  };
}

async function officerNames(db: Pick<Tx, "officer">, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => Boolean(id)))];
  if (!wanted.length) return new Map();
  const rows = await db.officer.findMany({ where: { id: { in: wanted } }, select: { id: true, displayName: true } });
  return new Map(rows.map((r) => [r.id, r.displayName]));
}

export async function listQuizQuestions(ctx: Ctx): Promise<QuizQuestionView[]> {
  const rows = await ctx.db.quizQuestion.findMany({ orderBy: [{ position: "asc" }, { id: "asc" }] });
  const names = await officerNames(ctx.db, rows.map((r) => r.approvedById));
  return rows.map((r) => toView(r, names));
}

/**
 * Approves a question for residents. Approving one already approved changes nothing (the first
 * approval is kept). The approving officer becomes its reviewer.
 */
export async function approveQuizQuestion(ctx: Ctx, id: string, officer: SignedInOfficer, ip: string | null): Promise<QuizQuestionView> {
  return ctx.db.$transaction(async (tx) => {
    const row = await tx.quizQuestion.findUnique({ where: { id } });
    if (!row) throw new AppError("not_found", "Không tìm thấy câu hỏi.");
    if (row.approvedAt) return toView(row, await officerNames(tx, [row.approvedById]));
    const now = ctx.now();
    const updated = await tx.quizQuestion.update({
      where: { id },
      data: { approvedById: officer.id, approvedAt: now, reviewedBy: officer.displayName, reviewedAt: vietnamClock(now).date },
    });
    await recordAudit(ctx, { officerId: officer.id, action: "quiz.approve", targetType: "quiz_question", targetId: id, data: { version: row.version }, ip }, tx);
    return toView(updated, new Map([[officer.id, officer.displayName]]));
  });
}
