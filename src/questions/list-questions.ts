/** The questions list for officers: open ones first, then newest first; folded search. */
import type { AppContext } from "../context.ts";
import { fold } from "../text/normalize.ts";

export interface QuestionListQuery {
  status?: "open" | "answered" | "closed" | undefined;
  q?: string | undefined;
  limit: number;
}

export async function listQuestions(ctx: Pick<AppContext, "db">, query: QuestionListQuery) {
  const folded = query.q ? fold(query.q) : "";
  const rows = await ctx.db.question.findMany({
    where: { ...(query.status ? { status: query.status } : {}), ...(folded ? { textFolded: { contains: folded } } : {}) },
    orderBy: [{ createdAt: "desc" }],
    take: 500,
  });
  // "open" sorts first; the status set is small, so this is done here rather than in SQL.
  const ordered = [...rows.filter((r) => r.status === "open"), ...rows.filter((r) => r.status !== "open")].slice(0, query.limit);
  return {
    items: ordered.map((r) => ({
      id: r.id,
      channel: r.channel,
      language: r.language,
      text: r.text,
      status: r.status as "open" | "answered" | "closed",
      createdAt: r.createdAt.toISOString(),
      answeredAt: r.answeredAt?.toISOString() ?? null,
      answeredBy: r.answeredBy,
      answer: r.answer,
    })),
  };
}
