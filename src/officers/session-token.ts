/**
 * Officer session tokens. The browser (cookie) or script (Bearer) holds a random token; the
 * database keeps only its SHA-256 as the session id, so a leaked database cannot be replayed.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Config } from "../config.ts";

const HOUR_MS = 3600_000;
/** lastSeenAt/expiresAt are refreshed at most this often (one write per minute, not per request). */
export const SESSION_TOUCH_MS = 60 * 1000;

/**
 * When a session opened at `openedAt` ends if nothing happens after `lastSeenAt`: `SESSION_IDLE_HOURS`
 * after the last request, and never later than `SESSION_MAX_HOURS` after the login.
 */
export function sessionEnds(config: Pick<Config, "sessions">, openedAt: Date, lastSeenAt: Date): Date {
  return new Date(Math.min(lastSeenAt.getTime() + config.sessions.idleHours * HOUR_MS, sessionLastMoment(config, openedAt).getTime()));
}

/** The absolute end of a session opened at `openedAt`, however busy the officer is. */
export function sessionLastMoment(config: Pick<Config, "sessions">, openedAt: Date): Date {
  return new Date(openedAt.getTime() + config.sessions.maxHours * HOUR_MS);
}

export function newSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

export function newCsrfToken(): string {
  return randomBytes(24).toString("base64url");
}

export function sessionIdFor(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
