/**
 * Finds the officer behind a session token (cookie or Bearer). Expired sessions and disabled
 * officers get null; an active session slides its idle expiry forward.
 *
 * @example const auth = await authenticateSession(ctx, token); if (!auth) throw new AppError("unauthorized", …)
 */
import type { AppContext } from "../context.ts";
import { toSignedInOfficer, type SignedInOfficer } from "./roles.ts";
import { SESSION_IDLE_MS, SESSION_TOUCH_MS, sessionIdFor } from "./session-token.ts";

export interface OfficerSessionAuth {
  officer: SignedInOfficer;
  sessionId: string;
  csrfToken: string;
  expiresAt: Date;
}

export async function authenticateSession(
  ctx: Pick<AppContext, "db" | "now">,
  token: string,
): Promise<OfficerSessionAuth | null> {
  if (!token || token.length > 200) return null;
  const id = sessionIdFor(token);
  const session = await ctx.db.officerSession.findUnique({ where: { id }, include: { officer: true } });
  if (!session) return null;
  const now = ctx.now();
  if (session.expiresAt <= now) {
    await ctx.db.officerSession.deleteMany({ where: { id } });
    return null;
  }
  if (session.officer.disabledAt) return null;

  let expiresAt = session.expiresAt;
  if (now.getTime() - session.lastSeenAt.getTime() >= SESSION_TOUCH_MS) {
    expiresAt = new Date(now.getTime() + SESSION_IDLE_MS);
    await ctx.db.officerSession.updateMany({ where: { id }, data: { lastSeenAt: now, expiresAt } });
  }
  return { officer: toSignedInOfficer(session.officer), sessionId: id, csrfToken: session.csrfToken, expiresAt };
}
