/**
 * The one way officer actions reach the AuditLog table. Never put secrets or residents'
 * identities in `data`.
 *
 * @example await recordAudit(ctx, { officerId, action: "tip.read", targetType: "tip", targetId: tip.id, ip })
 */
import type { AppContext } from "../context.ts";
import type { Tx } from "../db/client.ts";
import type { AuditAction } from "./audit-sentences.ts";

export interface AuditEntry {
  officerId?: string | null;
  /** Dotted verb: `auth.login`, `tip.read`, `attachment.read`… Each has its sentence in AUDIT_SENTENCES. */
  action: AuditAction;
  targetType?: string;
  targetId?: string;
  data?: Record<string, unknown>;
  ip?: string | null;
}

export async function recordAudit(ctx: Pick<AppContext, "db" | "now">, entry: AuditEntry, tx: Tx = ctx.db): Promise<void> {
  await tx.auditLog.create({
    data: {
      officerId: entry.officerId ?? null,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      data: JSON.stringify(entry.data ?? {}),
      ip: entry.ip ?? null,
      createdAt: ctx.now(),
    },
  });
}
