/**
 * A signed-in officer changes their own password. The current password is required, and the try
 * is reserved like a login (login-throttle.ts, same counters): a wrong one is audited as
 * `auth.password_change_failed` and counts as a failed login, so an open session cannot guess
 * faster than the login form. The new password must pass passwordWeakness (length, common and
 * trivial passwords, the officer's own names) and differ from the current one. Sets
 * `passwordChangedAt` (which lifts a required change) and ends the officer's other sessions (the
 * one making the change stays open). Audited as `auth.password_change`, never a password.
 *
 * @example await changeOwnPassword(ctx, auth, { currentPassword, newPassword }, req.ip)
 */
import type { AppContext } from "../context.ts";
import { AppError } from "../http/errors.ts";
import { passwordWeakness } from "../security/password-strength.ts";
import { hashPassword, verifyPassword } from "../security/passwords.ts";
import type { OfficerSessionAuth } from "./authenticate-session.ts";
import { LOGIN_TARGET, LoginThrottled, reserveLoginAttempt } from "./login-throttle.ts";
import { recordAudit } from "./record-audit.ts";

export { PASSWORD_MIN_LENGTH } from "../security/password-strength.ts";
export const WRONG_CURRENT_PASSWORD = "Mật khẩu hiện tại không đúng. Hãy nhập đúng mật khẩu bạn đang dùng để đăng nhập.";

export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
}

export async function changeOwnPassword(
  ctx: Pick<AppContext, "db" | "now" | "vault" | "config">,
  auth: Pick<OfficerSessionAuth, "officer" | "sessionId">,
  change: PasswordChange,
  ip: string | null = null,
): Promise<{ otherSessionsEnded: number }> {
  const { officer } = auth;
  const weakness = passwordWeakness(change.newPassword, officer);
  if (weakness) refuse(weakness);

  let reserved;
  try {
    reserved = await reserveLoginAttempt(ctx, officer.username, ip);
  } catch (e) {
    if (e instanceof LoginThrottled) {
      await recordAudit(ctx, {
        officerId: officer.id,
        action: "auth.password_change_throttled",
        targetType: LOGIN_TARGET,
        targetId: officer.username,
        data: { limit: e.scope },
        ip,
      });
    }
    throw e;
  }
  const row = await ctx.db.officer.findUniqueOrThrow({ where: { id: officer.id }, select: { passwordHash: true } });
  if (!(await verifyPassword(change.currentPassword, row.passwordHash))) {
    await recordAudit(ctx, {
      officerId: officer.id,
      action: "auth.password_change_failed",
      targetType: LOGIN_TARGET,
      targetId: officer.username,
      data: { reason: "wrong_current_password" },
      ip,
    });
    throw new AppError("forbidden", WRONG_CURRENT_PASSWORD);
  }
  await reserved.succeeded();
  if (change.newPassword.normalize("NFC") === change.currentPassword.normalize("NFC")) {
    refuse("Mật khẩu mới phải khác mật khẩu hiện tại.");
  }

  const passwordHash = await hashPassword(change.newPassword);
  return ctx.db.$transaction(async (tx) => {
    await tx.officer.update({ where: { id: officer.id }, data: { passwordHash, passwordChangedAt: ctx.now() } });
    const ended = await tx.officerSession.deleteMany({ where: { officerId: officer.id, id: { not: auth.sessionId } } });
    await recordAudit(
      ctx,
      { officerId: officer.id, action: "auth.password_change", targetType: "officer", targetId: officer.id, data: { otherSessionsEnded: ended.count }, ip },
      tx,
    );
    return { otherSessionsEnded: ended.count };
  });
}

function refuse(message: string): never {
  throw new AppError("validation_failed", message, [{ path: "newPassword", message }]);
}
