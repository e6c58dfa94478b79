/**
 * Finds the officer behind a session token (cookie or Bearer). Expired sessions and disabled
 * officers get null. A session ends `SESSION_IDLE_HOURS` after its last request and, however
 * busy, `SESSION_MAX_HOURS` after the login; an active session slides its idle expiry forward up
 * to that absolute end. `mustChangePassword` says the officer is still on a generated password.
 *
 * @example const auth = await authenticateSession(ctx, token); if (!auth) throw new AppError("unauthorized", …)
 */
import type { AppContext } from "../context.ts";
import { toSignedInOfficer, type SignedInOfficer } from "./roles.ts";
import { SESSION_TOUCH_MS, sessionEnds, sessionIdFor } from "./session-token.ts";

export interface OfficerSessionAuth {
  officer: SignedInOfficer;
  sessionId: string;
  csrfToken: string;
  expiresAt: Date;
  /** A generated password (first login, or reset by an administrator) not yet replaced by the officer's own. */
  mustChangePassword: boolean;
}

/**
 * Whether a session is still open, without counting as activity: for a long-lived connection (the
 * console's event stream) that must end when its session does (sign out, idle or absolute end,
 * account disabled or its password reset).
 */
export async function sessionStillOpen(ctx: Pick<AppContext, "db" | "now" | "config">, sessionId: string): Promise<boolean> {
  const session = await ctx.db.officerSession.findUnique({ where: { id: sessionId }, include: { officer: { select: { disabledAt: true } } } });
  if (!session || session.officer.disabledAt) return false;
  const now = ctx.now();
  return session.expiresAt > now && sessionEnds(ctx.config, session.createdAt, session.lastSeenAt) > now;
}

export async function authenticateSession(
  ctx: Pick<AppContext, "db" | "now" | "config">,
  token: string,
): Promise<OfficerSessionAuth | null> {
  if (!token || token.length > 200) return null;
  const id = sessionIdFor(token);
  const session = await ctx.db.officerSession.findUnique({ where: { id }, include: { officer: true } });
  if (!session) return null;
  const now = ctx.now();
  // The absolute end is checked as well as the stored expiry: a session stored before it existed, or
  // under a longer SESSION_MAX_HOURS, still ends on time.
  const end = sessionEnds(ctx.config, session.createdAt, session.lastSeenAt);
  if (session.expiresAt <= now || end <= now) {
    await ctx.db.officerSession.deleteMany({ where: { id } });
    return null;
  }
  if (session.officer.disabledAt) return null;

  let expiresAt = session.expiresAt < end ? session.expiresAt : end;
  if (now.getTime() - session.lastSeenAt.getTime() >= SESSION_TOUCH_MS) {
    expiresAt = sessionEnds(ctx.config, session.createdAt, now);
    await ctx.db.officerSession.updateMany({ where: { id }, data: { lastSeenAt: now, expiresAt } });
  }
  return {
    officer: toSignedInOfficer(session.officer),
    sessionId: id,
    csrfToken: session.csrfToken,
    expiresAt,
    mustChangePassword: session.officer.passwordChangedAt === null,
  };
}
