/**
 * Refuses logins for a username after too many failures. The count lives in the AuditLog
 * (rows `auth.login_failed`, and `auth.password_change_failed` — a wrong current password when
 * changing it — for that username since its last successful login, within the window), so every
 * process sees the same number and an open session cannot guess the password faster than the
 * login form.
 */
import type { AppContext } from "../context.ts";

export const LOGIN_MAX_FAILURES = 5;
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
/** AuditLog target for login attempts: the username as typed (normalised), known or not. */
export const LOGIN_TARGET = "login";
/** Audit actions that count as a failed try. */
export const LOGIN_FAILURE_ACTIONS = ["auth.login_failed", "auth.password_change_failed"];

/** When the username may try again, or null when it may try now. */
export async function loginBlockedUntil(ctx: Pick<AppContext, "db" | "now">, username: string): Promise<Date | null> {
  const now = ctx.now();
  const lastSuccess = await ctx.db.auditLog.findFirst({
    where: { targetType: LOGIN_TARGET, targetId: username, action: "auth.login" },
    orderBy: { createdAt: "desc" },
    select: { createdAt: true },
  });
  const windowStart = new Date(now.getTime() - LOGIN_WINDOW_MS);
  const since = lastSuccess && lastSuccess.createdAt > windowStart ? lastSuccess.createdAt : windowStart;
  const failures = await ctx.db.auditLog.findMany({
    where: { targetType: LOGIN_TARGET, targetId: username, action: { in: LOGIN_FAILURE_ACTIONS }, createdAt: { gt: since } },
    orderBy: { createdAt: "desc" },
    take: LOGIN_MAX_FAILURES,
    select: { createdAt: true },
  });
  const oldestCounted = failures[LOGIN_MAX_FAILURES - 1];
  if (!oldestCounted) return null;
  return new Date(oldestCounted.createdAt.getTime() + LOGIN_WINDOW_MS);
}

/** "Đăng nhập sai quá nhiều lần… thử lại sau 14 phút (lúc 09:42)." */
export function throttledMessage(until: Date, now: Date): string {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  const clock = new Intl.DateTimeFormat("vi-VN", {
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
    timeZone: "Asia/Ho_Chi_Minh",
  }).format(until);
  return `Đăng nhập sai quá ${LOGIN_MAX_FAILURES} lần. Tài khoản tạm khóa đăng nhập, vui lòng thử lại sau ${minutes} phút (lúc ${clock}).`;
}
