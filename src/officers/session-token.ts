/**
 * Officer session tokens. The browser (cookie) or script (Bearer) holds a random token; the
 * database keeps only its SHA-256 as the session id, so a leaked database cannot be replayed.
 */
import { createHash, randomBytes } from "node:crypto";

/** Sessions end after this long without a request. */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
/** lastSeenAt/expiresAt are refreshed at most this often (one write per minute, not per request). */
export const SESSION_TOUCH_MS = 60 * 1000;

export function newSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

export function newCsrfToken(): string {
  return randomBytes(24).toString("base64url");
}

export function sessionIdFor(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
