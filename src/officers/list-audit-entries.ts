/**
 * One page of the audit log, newest first, with a keyset cursor (the last id seen), so pages stay
 * stable while new rows are written. Each row carries the acting officer's display name.
 *
 * @example const page = await listAuditEntries(ctx, { action: "tip." }, { limit: 50 })
 */
import type { AppContext } from "../context.ts";
import type { Tx } from "../db/client.ts";
import { auditWhere, type AuditFilter } from "./audit-filter.ts";
import { auditNames, auditSentence } from "./audit-sentences.ts";

export interface AuditEntryView {
  id: number;
  officerId: string | null;
  officerName: string | null;
  /** "Cán bộ Lan xem tin QN-7K3P9 lúc 09:42 ngày 03/12/2026." */
  sentence: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  data: Record<string, unknown>;
  ip: string | null;
  createdAt: string;
}

export interface AuditRow {
  id: number;
  officerId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  data: string;
  ip: string | null;
  createdAt: Date;
}

export async function listAuditEntries(
  ctx: Pick<AppContext, "db">,
  filter: AuditFilter,
  page: { limit: number; cursor?: number },
): Promise<{ items: AuditEntryView[]; nextCursor: string | null }> {
  const rows = await readAuditPage(ctx.db, filter, page.limit + 1, page.cursor);
  const more = rows.length > page.limit;
  const shown = more ? rows.slice(0, page.limit) : rows;
  const parsed = shown.map((r) => ({ ...r, data: parseData(r.data) }));
  const names = await auditNames(ctx.db, parsed);
  const items = parsed.map((r) => ({
    id: r.id,
    officerId: r.officerId,
    officerName: r.officerId ? (names.officers.get(r.officerId) ?? null) : null,
    sentence: auditSentence(r, r.createdAt, names),
    action: r.action,
    targetType: r.targetType,
    targetId: r.targetId,
    data: r.data,
    ip: r.ip,
    createdAt: r.createdAt.toISOString(),
  }));
  return { items, nextCursor: more ? String(shown.at(-1)!.id) : null };
}

/** Rows older than `before` (an id), newest first. */
export function readAuditPage(db: Tx, filter: AuditFilter, take: number, before?: number): Promise<AuditRow[]> {
  const where = auditWhere(filter);
  return db.auditLog.findMany({
    where: before === undefined ? where : { AND: [where, { id: { lt: before } }] },
    orderBy: { id: "desc" },
    take,
  });
}

export function parseData(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  } catch {
    return { raw: text };
  }
}
