/**
 * Ends one session (the one making the request) and audits it.
 *
 * @example await logOutOfficer(ctx, auth, req.ip)
 */
import type { AppContext } from "../context.ts";
import type { OfficerSessionAuth } from "./authenticate-session.ts";
import { recordAudit } from "./record-audit.ts";

export async function logOutOfficer(
  ctx: Pick<AppContext, "db" | "now">,
  auth: Pick<OfficerSessionAuth, "officer" | "sessionId">,
  ip?: string | null,
): Promise<void> {
  await ctx.db.officerSession.deleteMany({ where: { id: auth.sessionId } });
  await recordAudit(ctx, { officerId: auth.officer.id, action: "auth.logout", targetType: "officer", targetId: auth.officer.id, ip });
}
