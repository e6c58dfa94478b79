/**
 * The filters of the audit log (browsing and export share them) as a database condition.
 * `action` is exact ("tip.read") or a prefix when it ends with a dot or `*` ("tip." or "tip.*":
 * every tip action). Days are calendar days in Vietnam (UTC+7 all year), both ends included.
 *
 * @example ctx.db.auditLog.findMany({ where: auditWhere({ action: "officer.", from: "2026-03-01" }) })
 */
import type { Prisma } from "../db/generated/sqlite/client.ts";

export interface AuditFilter {
  officerId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  /** YYYY-MM-DD, Vietnam time. */
  from?: string;
  to?: string;
}

const DAY_MS = 24 * 3600_000;

export function auditWhere(filter: AuditFilter): Prisma.AuditLogWhereInput {
  return {
    ...(filter.officerId ? { officerId: filter.officerId } : {}),
    ...(filter.action ? { action: actionCondition(filter.action) } : {}),
    ...(filter.targetType ? { targetType: filter.targetType } : {}),
    ...(filter.targetId ? { targetId: filter.targetId } : {}),
    ...(filter.from || filter.to
      ? {
          createdAt: {
            ...(filter.from ? { gte: vietnamDayStart(filter.from) } : {}),
            ...(filter.to ? { lt: new Date(vietnamDayStart(filter.to).getTime() + DAY_MS) } : {}),
          },
        }
      : {}),
  };
}

function actionCondition(action: string): Prisma.StringFilter | string {
  const prefix = action.endsWith("*") ? action.slice(0, -1) : action.endsWith(".") ? action : null;
  return prefix === null ? action : { startsWith: prefix };
}

/** Midnight of a Vietnamese calendar day. */
export function vietnamDayStart(day: string): Date {
  return new Date(`${day}T00:00:00+07:00`);
}

/** "2026-03-01 09:15:07", Vietnam time: what an officer reads in a spreadsheet. */
export function vietnamDateTime(at: Date): string {
  return new Date(at.getTime() + 7 * 3600_000).toISOString().slice(0, 19).replace("T", " ");
}
