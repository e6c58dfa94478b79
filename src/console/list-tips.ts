/**
 * The tip queue: urgent first, then the nearest deadline (`dueAt`: acknowledgement while a tip is
 * new, settlement after), filtered and searched without regard to diacritics ("ma tuy" finds
 * "ma túy", "duong" finds "đường") over the description, the place and the thread with the
 * reporter. Pages with an opaque keyset cursor, stable while new tips arrive.
 *
 * @example const page = await listTips(ctx, { scope: visibleTipsWhere(officer), officerId: officer.id, query: { limit: 50, statusGroup: "open" } })
 */
import type { AppContext } from "../context.ts";
import type { Prisma } from "../db/generated/sqlite/client.ts";
import { AppError } from "../http/errors.ts";
import { CLOSED_STATUSES, OPEN_STATUSES, overdueKind } from "../tips/workflow.ts";
import { communeNames } from "./commune-names.ts";
import { afterQueueCursor, countAttachments, tipSearchWhere } from "./queue-query.ts";
import type { TipListItem, TipListQuery } from "./schemas.ts";

export const EXCERPT_CHARS = 140;

export interface ListTipsInput {
  /** Which tips the officer may see (from permissions.ts). */
  scope: Prisma.TipWhereInput;
  /** The signed-in officer, for `assignee=me`. */
  officerId: string;
  query: TipListQuery;
}

/** The queue's filters without paging: what the count, the exports (CSV, XLSX) and every page share. */
export type TipFilterQuery = Omit<TipListQuery, "limit" | "cursor">;

/** The queue's order: urgent first, then the deadline that runs now, then id (one index walks it). */
export const QUEUE_ORDER = [{ urgent: "desc" }, { dueAt: "asc" }, { id: "asc" }] satisfies Prisma.TipOrderByWithRelationInput[];

/**
 * The tips a queue filter selects within the officer's scope, as one database condition. The queue's pages, its
 * count and its exports all use this, so "N tin" and the rows of a downloaded file are the queue's own.
 *
 * @example const where = await queueWhere(ctx, { scope: visibleTipsWhere(officer), officerId: officer.id, query })
 */
export async function queueWhere(
  ctx: Pick<AppContext, "db" | "now" | "config">,
  { scope, officerId, query }: { scope: Prisma.TipWhereInput; officerId: string; query: TipFilterQuery },
): Promise<Prisma.TipWhereInput> {
  return {
    AND: [
      scope,
      ...filtersOf(query, officerId, ctx.now()),
      // "wide": a search over closed tips too, where SQLite is faster finding the few matches first.
      await tipSearchWhere(ctx.db, query.q, { dialect: ctx.config.dialect, wide: !query.status && query.statusGroup !== "open" }),
    ],
  };
}

export async function listTips(
  ctx: Pick<AppContext, "db" | "now" | "config">,
  { scope, officerId, query }: ListTipsInput,
): Promise<{ items: TipListItem[]; nextCursor: string | null }> {
  const now = ctx.now();
  const where: Prisma.TipWhereInput = {
    AND: [await queueWhere(ctx, { scope, officerId, query }), query.cursor ? afterQueueCursor(decodeCursor(query.cursor)) : {}],
  };
  const rows = await ctx.db.tip.findMany({
    where,
    orderBy: QUEUE_ORDER,
    take: query.limit + 1,
    select: {
      id: true,
      reference: true,
      category: true,
      status: true,
      urgent: true,
      channel: true,
      language: true,
      createdAt: true,
      ackDueAt: true,
      settleDueAt: true,
      dueAt: true,
      communeCode: true,
      adminDataVersion: true,
      placeText: true,
      unitId: true,
      unit: { select: { name: true } },
      routeRule: true,
      needsConfirmation: true,
      assignedOfficerId: true,
      assignedOfficer: { select: { displayName: true } },
      description: true,
      version: true,
      reporterActivityAt: true,
    },
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const [names, attachments] = await Promise.all([communeNames(ctx.db, page), countAttachments(ctx.db, page.map((t) => t.id))]);
  return {
    items: page.map((tip) => ({
      id: tip.id,
      reference: tip.reference,
      category: tip.category,
      status: tip.status,
      urgent: tip.urgent,
      channel: tip.channel,
      language: tip.language,
      createdAt: tip.createdAt.toISOString(),
      ackDueAt: tip.ackDueAt.toISOString(),
      settleDueAt: tip.settleDueAt.toISOString(),
      dueAt: (tip.dueAt ?? tip.settleDueAt).toISOString(),
      overdue: overdueKind(tip, now),
      communeCode: tip.communeCode,
      communeName: names.get(tip) ?? null,
      placeText: tip.placeText,
      unitId: tip.unitId,
      unitName: tip.unit?.name ?? null,
      routeRule: tip.routeRule,
      needsConfirmation: tip.needsConfirmation,
      assignedOfficerId: tip.assignedOfficerId,
      assignedOfficerName: tip.assignedOfficer?.displayName ?? null,
      excerpt: Array.from(tip.description).slice(0, EXCERPT_CHARS).join(""),
      attachments: attachments.get(tip.id) ?? 0,
      version: tip.version,
      reporterActivityAt: tip.reporterActivityAt?.toISOString() ?? null,
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor({ urgent: last.urgent, dueAt: last.dueAt ?? last.settleDueAt, id: last.id }) : null,
  };
}

function filtersOf(query: TipFilterQuery, officerId: string, now: Date): Prisma.TipWhereInput[] {
  const filters: Prisma.TipWhereInput[] = [];
  if (query.status) filters.push({ status: query.status });
  else if (query.statusGroup === "open") filters.push({ status: { in: [...OPEN_STATUSES] } });
  else if (query.statusGroup === "closed") filters.push({ status: { in: [...CLOSED_STATUSES] } });
  if (query.category) filters.push({ category: query.category });
  if (query.channel) filters.push({ channel: query.channel });
  if (query.language) filters.push({ language: query.language });
  if (query.communeCode) filters.push({ communeCode: query.communeCode });
  if (query.urgent !== undefined) filters.push({ urgent: query.urgent });
  if (query.unitId) filters.push({ routings: { some: { unitId: query.unitId, active: true } } });
  if (query.assignee) filters.push({ assignedOfficerId: query.assignee === "me" ? officerId : query.assignee === "none" ? null : query.assignee });
  if (query.from) filters.push({ createdAt: { gte: vietnamDayStart(query.from) } });
  if (query.to) filters.push({ createdAt: { lt: new Date(vietnamDayStart(query.to).getTime() + 24 * 3600_000) } });
  // Overdue: an open tip whose current deadline has passed (dueAt is the one that runs).
  if (query.overdue === true) filters.push({ status: { in: [...OPEN_STATUSES] }, dueAt: { lte: now } });
  if (query.overdue === false) filters.push({ OR: [{ status: { in: [...CLOSED_STATUSES] } }, { dueAt: { gt: now } }] });
  return filters;
}

/** Midnight in Vietnam (UTC+7, no daylight saving) of a YYYY-MM-DD day. */
function vietnamDayStart(day: string): Date {
  const at = new Date(`${day}T00:00:00+07:00`);
  if (Number.isNaN(at.getTime())) throw new AppError("validation_failed", `Ngày ${day} không hợp lệ.`);
  return at;
}

interface Cursor {
  urgent: boolean;
  dueAt: Date;
  id: string;
}

function encodeCursor(tip: Cursor): string {
  return Buffer.from(JSON.stringify([tip.urgent ? 1 : 0, tip.dueAt.toISOString(), tip.id])).toString("base64url");
}

function decodeCursor(cursor: string): Cursor {
  try {
    const [urgent, dueAt, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    const at = new Date(String(dueAt));
    if ((urgent === 0 || urgent === 1) && typeof id === "string" && !Number.isNaN(at.getTime())) {
      return { urgent: urgent === 1, dueAt: at, id };
    }
  } catch {
    // fall through
  }
  throw new AppError("bad_request", "Tham số cursor không hợp lệ. Hãy tải lại danh sách từ đầu.");
}
