/**
 * A signed-in officer changes their own password. The current password is required; a wrong one
 * is audited as `auth.password_change_failed` and counts towards the login throttle (five wrong
 * tries in 15 minutes lock both the login and this form). The new password has at least 12
 * characters and is neither the username nor the current password. Sets `passwordChangedAt` and
 * ends the officer's other sessions (the one making the change stays open). Audited as
 * `auth.password_change`, never a password.
 *
 * @example await changeOwnPassword(ctx, auth, { currentPassword, newPassword }, req.ip)
 */
import type { AppContext } from "../context.ts";
import { AppError } from "../http/errors.ts";
import { hashPassword, verifyPassword } from "../security/passwords.ts";
import type { OfficerSessionAuth } from "./authenticate-session.ts";
import { LOGIN_TARGET, loginBlockedUntil, throttledMessage } from "./login-throttle.ts";
import { recordAudit } from "./record-audit.ts";

export const PASSWORD_MIN_LENGTH = 12;
export const WRONG_CURRENT_PASSWORD = "Mật khẩu hiện tại không đúng. Hãy nhập đúng mật khẩu bạn đang dùng để đăng nhập.";

export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
}

export async function changeOwnPassword(
  ctx: Pick<AppContext, "db" | "now">,
  auth: Pick<OfficerSessionAuth, "officer" | "sessionId">,
  change: PasswordChange,
  ip: string | null = null,
): Promise<{ otherSessionsEnded: number }> {
  const { officer } = auth;
  const blockedUntil = await loginBlockedUntil(ctx, officer.username);
  if (blockedUntil) {
    throw new AppError("too_many_requests", throttledMessage(blockedUntil, ctx.now()), { retryAt: blockedUntil.toISOString() });
  }
  checkNewPassword(change.newPassword, officer.username);

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

function checkNewPassword(password: string, username: string): void {
  if ([...password.normalize("NFC")].length < PASSWORD_MIN_LENGTH) {
    refuse(`Mật khẩu mới cần ít nhất ${PASSWORD_MIN_LENGTH} ký tự. Một câu ngắn dễ nhớ là mật khẩu tốt.`);
  }
  if (password.trim().toLowerCase() === username.toLowerCase()) {
    refuse("Mật khẩu mới không được trùng tên đăng nhập.");
  }
}

function refuse(message: string): never {
  throw new AppError("validation_failed", message, [{ path: "newPassword", message }]);
}
