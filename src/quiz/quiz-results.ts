/**
 * Quiz results per commune, never per person: how many residents took part, how many finished, and
 * the average score of those who finished. Used by the console (a period, Vietnam days) and by the
 * chat (a resident's commune standing at the end of the quiz).
 */
import type { Tx } from "../db/client.ts";
import type { Prisma } from "../db/generated/sqlite/client.ts";
import { currentVersion } from "../units/unit-data.ts";
import { vietnamDayStart } from "../officers/audit-filter.ts";

export interface CommuneResult {
  /** null: residents who did not say their commune. */
  communeCode: string | null;
  communeName: string;
  participants: number;
  finished: number;
  /** Average number of right answers of the finished attempts (0 when none finished). */
  averageScore: number;
}

export interface QuizResults {
  communes: CommuneResult[];
  totals: { participants: number; finished: number; averageScore: number };
}

export const UNKNOWN_COMMUNE = "Chưa rõ xã, phường";
const DAY_MS = 24 * 3600_000;
const round2 = (n: number) => Math.round(n * 100) / 100;

/** Today's names of these communes (the current administrative data, else the latest version naming them). */
export async function communeNamesByCode(tx: Tx, codes: string[]): Promise<Map<string, string>> {
  if (!codes.length) return new Map();
  const current = await currentVersion(tx);
  const rows = await tx.adminUnit.findMany({ where: { code: { in: codes } }, select: { code: true, fullName: true, version: true } });
  const names = new Map<string, string>();
  for (const r of rows) if (!names.has(r.code) || r.version === current?.id) names.set(r.code, r.fullName);
  return names;
}

async function resultsWhere(tx: Tx, where: Prisma.QuizAttemptWhereInput): Promise<QuizResults> {
  const all = await tx.quizAttempt.groupBy({ by: ["communeCode"], where, _count: { _all: true } });
  const done = await tx.quizAttempt.groupBy({ by: ["communeCode"], where: { ...where, finishedAt: { not: null } }, _count: { _all: true }, _avg: { score: true } });
  const finishedBy = new Map(done.map((d) => [d.communeCode, d]));
  const names = await communeNamesByCode(tx, all.flatMap((a) => (a.communeCode ? [a.communeCode] : [])));
  const communes = all.map((a): CommuneResult => {
    const f = finishedBy.get(a.communeCode);
    return {
      communeCode: a.communeCode,
      communeName: a.communeCode ? names.get(a.communeCode) ?? a.communeCode : UNKNOWN_COMMUNE,
      participants: a._count._all,
      finished: f?._count._all ?? 0,
      averageScore: round2(f?._avg.score ?? 0),
    };
  });
  communes.sort((a, b) => b.averageScore - a.averageScore || b.finished - a.finished || a.communeName.localeCompare(b.communeName, "vi"));
  const participants = communes.reduce((s, c) => s + c.participants, 0);
  const finished = communes.reduce((s, c) => s + c.finished, 0);
  const scoreSum = done.reduce((s, d) => s + (d._avg.score ?? 0) * d._count._all, 0);
  return { communes, totals: { participants, finished, averageScore: finished ? round2(scoreSum / finished) : 0 } };
}

/** Attempts started between two Vietnamese calendar days, both included. */
export function quizResults(tx: Tx, period: { from?: string; to?: string }): Promise<QuizResults> {
  return resultsWhere(tx, {
    ...(period.from || period.to
      ? {
          startedAt: {
            ...(period.from ? { gte: vietnamDayStart(period.from) } : {}),
            ...(period.to ? { lt: new Date(vietnamDayStart(period.to).getTime() + DAY_MS) } : {}),
          },
        }
      : {}),
  });
}

export interface Standing {
  communeName: string;
  finished: number;
  averageScore: number;
  rank: number;
  /** Communes with at least one finished attempt in the round. */
  communes: number;
}

/** Where a commune stands in a round, among the communes whose residents finished the quiz (ties share a rank). */
export async function communeStanding(tx: Tx, round: string, communeCode: string): Promise<Standing | undefined> {
  const { communes } = await resultsWhere(tx, { round, communeCode: { not: null }, finishedAt: { not: null } });
  const mine = communes.find((c) => c.communeCode === communeCode);
  if (!mine) return undefined;
  const rank = 1 + communes.filter((c) => c.averageScore > mine.averageScore).length;
  return { communeName: mine.communeName, finished: mine.finished, averageScore: mine.averageScore, rank, communes: communes.length };
}
