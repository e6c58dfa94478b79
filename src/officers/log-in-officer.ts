/**
 * Checks a username and password and opens a session. The try is reserved first (login-throttle.ts:
 * per account and address, and per address), so parallel guesses cannot outrun the limit. Unknown
 * usernames cost the same scrypt work as known ones, and every outcome gives the same answer, so
 * the endpoint tells an attacker nothing about which accounts exist. Every attempt is audited
 * (never the password) with the client address. An officer still on a generated password
 * (`passwordChangedAt` null) gets a session with `mustChangePassword`: only the password form works.
 *
 * @example const { token, csrfToken, officer } = await logInOfficer(ctx, { username, password, ip: req.ip })
 */
import type { AppContext } from "../context.ts";
import { AppError } from "../http/errors.ts";
import { hashPassword, verifyPassword } from "../security/passwords.ts";
import { recordAudit } from "./record-audit.ts";
import { LOGIN_TARGET, LoginThrottled, reserveLoginAttempt, type ReservedAttempt } from "./login-throttle.ts";
import { toSignedInOfficer, type SignedInOfficer } from "./roles.ts";
import { newCsrfToken, newSessionToken, sessionEnds, sessionIdFor } from "./session-token.ts";

export interface LoginAttempt {
  username: string;
  password: string;
  ip?: string | null;
}

export interface OpenedSession {
  officer: SignedInOfficer;
  /** Goes to the client once (cookie or Bearer); only its hash is stored. */
  token: string;
  csrfToken: string;
  expiresAt: Date;
  /** The officer must choose a password before anything else (first login, or after a reset). */
  mustChangePassword: boolean;
}

export const WRONG_CREDENTIALS = "Sai tên đăng nhập hoặc mật khẩu.";

let decoyHash: Promise<string> | undefined;
/** A real scrypt hash to verify against when the username is unknown (same cost, always false). */
function decoy(): Promise<string> {
  decoyHash ??= hashPassword(`decoy-${Math.random()}`);
  return decoyHash;
}

export async function logInOfficer(ctx: Pick<AppContext, "db" | "now" | "vault" | "config">, attempt: LoginAttempt): Promise<OpenedSession> {
  const username = attempt.username.trim().toLowerCase().slice(0, 64);
  const ip = attempt.ip ?? null;

  let reserved: ReservedAttempt;
  try {
    reserved = await reserveLoginAttempt(ctx, username, ip);
  } catch (e) {
    if (e instanceof LoginThrottled) {
      await recordAudit(ctx, { action: "auth.login_throttled", targetType: LOGIN_TARGET, targetId: username, data: { limit: e.scope }, ip });
    }
    throw e;
  }

  // Awaited for every attempt, so the first login in a process costs the same whoever it names.
  const fallbackHash = await decoy();
  const row = await ctx.db.officer.findUnique({ where: { username } });
  const passwordOk = await verifyPassword(attempt.password, row?.passwordHash ?? fallbackHash);
  const refusal = !row ? "unknown_user" : !passwordOk ? "wrong_password" : row.disabledAt ? "disabled" : null;
  if (!row || refusal) {
    await recordAudit(ctx, {
      officerId: row?.id,
      action: "auth.login_failed",
      targetType: LOGIN_TARGET,
      targetId: username,
      data: { reason: refusal },
      ip,
    });
    throw new AppError("unauthorized", WRONG_CREDENTIALS);
  }
  await reserved.succeeded();

  const now = ctx.now();
  const token = newSessionToken();
  const csrfToken = newCsrfToken();
  const expiresAt = sessionEnds(ctx.config, now, now);
  await ctx.db.$transaction([
    ctx.db.officerSession.deleteMany({ where: { officerId: row.id, expiresAt: { lte: now } } }),
    ctx.db.officerSession.create({
      data: { id: sessionIdFor(token), officerId: row.id, csrfToken, createdAt: now, lastSeenAt: now, expiresAt },
    }),
  ]);
  await recordAudit(ctx, { officerId: row.id, action: "auth.login", targetType: LOGIN_TARGET, targetId: username, ip });
  return { officer: toSignedInOfficer(row), token, csrfToken, expiresAt, mustChangePassword: row.passwordChangedAt === null };
}
