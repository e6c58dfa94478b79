/**
 * Password tries (the login form, and the current password when changing it) are reserved before
 * the password is checked, in shared counters (src/security/rate-limit.ts) that are atomic across
 * requests and processes: 400 tries at once check at most `LOGIN_MAX_FAILURES` passwords.
 *
 * Two counters, both with growing back-off (each block twice as long as the last):
 * - per account and client address: `LOGIN_MAX_FAILURES` tries per `LOGIN_LOCK_MINUTES`. A stranger
 *   who guesses at `admin` locks only their own address out of `admin`, never the officer at theirs;
 * - per client address: `LOGIN_MAX_FAILURES_PER_ADDRESS` failures, whatever the usernames tried.
 * A success clears its (account, address) counter (unless other tries were reserved since: those
 * are still guesses in flight) and is not counted against the address.
 *
 * @example
 *   const attempt = await reserveLoginAttempt(ctx, "admin", req.ip); // throws 429 when blocked
 *   if (passwordOk) await attempt.succeeded();
 */
import type { AppContext } from "../context.ts";
import { AppError } from "../http/errors.ts";
import { addressScope } from "../security/client-address.ts";
import { hitLimit, limitKey, refundLimit, releaseLimit, type LimitRule } from "../security/rate-limit.ts";

/** AuditLog target for login attempts: the username as typed (normalised), known or not. */
export const LOGIN_TARGET = "login";

type Ctx = Pick<AppContext, "db" | "vault" | "now" | "config">;

/** Which counter refused a try: the account from this address, or the address as a whole. */
export type ThrottleScope = "account_address" | "address";

export interface ReservedAttempt {
  /** The password was right: forget this pair's failures and give the address its try back. */
  succeeded(): Promise<void>;
}

/** A refused try: 429 with the Vietnamese message, `retryAt` in details (for Retry-After) and which limit. */
export class LoginThrottled extends AppError {
  constructor(
    readonly retryAt: Date,
    readonly scope: ThrottleScope,
    now: Date,
  ) {
    super("too_many_requests", throttledMessage(retryAt, now, scope), { retryAt: retryAt.toISOString() });
  }
}

export async function reserveLoginAttempt(ctx: Ctx, username: string, ip: string | null | undefined): Promise<ReservedAttempt> {
  const address = addressScope(ip);
  const { pair, perAddress } = loginRules(ctx);
  const pairKey = limitKey(ctx, "login:account-address", username, address);
  const addressKey = limitKey(ctx, "login:address", address);

  const first = await hitLimit(ctx, pairKey, pair);
  if (!first.allowed) throw new LoginThrottled(first.retryAt!, "account_address", ctx.now());
  const second = await hitLimit(ctx, addressKey, perAddress);
  if (!second.allowed) {
    // Not checked, so not a try of this account.
    await refundLimit(ctx, pairKey);
    throw new LoginThrottled(second.retryAt!, "address", ctx.now());
  }
  return {
    async succeeded() {
      await releaseLimit(ctx, pairKey, first.count);
      await refundLimit(ctx, addressKey);
    },
  };
}

function loginRules(ctx: Pick<AppContext, "config">): { pair: LimitRule; perAddress: LimitRule } {
  const { maxFailures, maxFailuresPerAddress, lockMinutes } = ctx.config.login;
  const ms = lockMinutes * 60_000;
  return {
    pair: { limit: maxFailures, windowMs: ms, blockMs: ms },
    perAddress: { limit: maxFailuresPerAddress, windowMs: ms, blockMs: ms },
  };
}

/** "Đăng nhập sai quá nhiều lần… thử lại sau 14 phút (lúc 09:42)." */
export function throttledMessage(until: Date, now: Date, scope: ThrottleScope = "account_address"): string {
  const what =
    scope === "address"
      ? "Có quá nhiều lần đăng nhập sai từ địa chỉ mạng của bạn nên tạm thời không đăng nhập được từ đây"
      : "Đăng nhập sai quá nhiều lần nên tài khoản này tạm khóa đăng nhập từ máy của bạn";
  return `${what}, vui lòng thử lại sau ${waitText(until, now)}. Nếu quên mật khẩu, hãy nhờ quản trị hệ thống cấp lại.`;
}

/**
 * "14 phút (lúc 09:42)", "2 giờ 5 phút (lúc 11:47)": the span says which day the clock time is on
 * (blocks last at most a day).
 */
function waitText(until: Date, now: Date): string {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  const span = minutes < 60 ? `${minutes} phút` : `${Math.floor(minutes / 60)} giờ${minutes % 60 ? ` ${minutes % 60} phút` : ""}`;
  const clock = new Intl.DateTimeFormat("vi-VN", { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: "Asia/Ho_Chi_Minh" }).format(until);
  return `${span} (lúc ${clock})`;
}
