/**
 * Checks a Zalo webhook before anything is stored. Zalo signs each event with
 * `X-ZEvent-Signature: mac=<hex SHA-256 of app_id + raw body + timestamp + OA secret key>` (plain SHA-256, not an
 * HMAC), where app_id and timestamp are read from the JSON body and the raw body is the exact bytes received.
 * Then: the event must be for our app, and recent (a replayed or very late event is refused).
 * Every refusal carries a `reason` the webhook router logs; none contains a secret.
 */
import { createHash } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { safeEqual } from "../../security/crypto.ts";
import type { WebhookVerdict } from "../types.ts";

export const SIGNATURE_HEADER = "x-zevent-signature";

export interface WebhookCheck {
  appId: string;
  oaSecretKey: string;
  /** Events older than this are refused as replays (ZALO_WEBHOOK_MAX_AGE_SECONDS). */
  maxAgeSeconds: number;
  /** Events dated further than this in the future are refused too (clock skew allowance). */
  maxFutureSeconds: number;
  now: () => Date;
}

const MAC = /^\s*(?:mac=)?([0-9a-fA-F]{64})\s*$/;

/**
 * @example verifyZaloWebhook(req.headers, rawBody, { appId, oaSecretKey, maxAgeSeconds: 300, maxFutureSeconds: 60, now })
 *   // { ok: true } or { ok: false, status: 401, reason: "signature does not match …" }
 */
export function verifyZaloWebhook(headers: IncomingHttpHeaders, rawBody: Buffer, check: WebhookCheck): WebhookVerdict {
  const given = headers[SIGNATURE_HEADER];
  const value = Array.isArray(given) ? given[0] : given;
  if (value === undefined || value.trim() === "") return { ok: false, status: 401, reason: "missing X-ZEvent-Signature header" };
  const mac = MAC.exec(value)?.[1];
  if (!mac) return { ok: false, status: 401, reason: "malformed X-ZEvent-Signature header (expected mac=<64 hex digits>)" };

  const fields = signedFields(rawBody);
  if (typeof fields === "string") return { ok: false, status: 400, reason: fields };
  if (fields.appId !== check.appId) {
    return { ok: false, status: 403, reason: `event is for another Zalo app (app_id ${fields.appId.slice(0, 40)} is not ZALO_APP_ID)` };
  }
  if (!safeEqual(mac.toLowerCase(), signature(fields.appId, rawBody, fields.timestamp, check.oaSecretKey))) {
    return { ok: false, status: 401, reason: "signature does not match (wrong ZALO_OA_SECRET_KEY, or the body was altered)" };
  }

  const sentAt = timestampMs(fields.timestamp);
  if (sentAt === undefined) return { ok: false, status: 400, reason: "timestamp is not a number" };
  const ageSeconds = Math.round((check.now().getTime() - sentAt) / 1000);
  if (ageSeconds > check.maxAgeSeconds) {
    return {
      ok: false,
      status: 401,
      reason: `stale event refused as a replay: sent ${ageSeconds} s ago, more than ZALO_WEBHOOK_MAX_AGE_SECONDS=${check.maxAgeSeconds}`,
    };
  }
  if (-ageSeconds > check.maxFutureSeconds) {
    return { ok: false, status: 401, reason: `event dated ${-ageSeconds} s in the future (clock skew over ${check.maxFutureSeconds} s, or forged)` };
  }
  return { ok: true };
}

/** hex SHA-256 of app_id + raw body + timestamp + OA secret key, over the exact bytes. */
export function signature(appId: string, rawBody: Buffer, timestamp: string, oaSecretKey: string): string {
  return createHash("sha256").update(appId).update(rawBody).update(timestamp).update(oaSecretKey).digest("hex");
}

/** app_id and timestamp as they appear in the body, or why the body is not a Zalo event. */
function signedFields(rawBody: Buffer): { appId: string; timestamp: string } | string {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString("utf8"));
  } catch {
    return "body is not JSON";
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return "body is not a Zalo event (not a JSON object)";
  const { app_id: appId, timestamp } = body as { app_id?: unknown; timestamp?: unknown };
  if (!isScalar(appId) || !isScalar(timestamp)) return "body is not a Zalo event (no app_id or timestamp)";
  return { appId: String(appId), timestamp: String(timestamp) };
}

const isScalar = (value: unknown): value is string | number =>
  (typeof value === "string" && value !== "") || (typeof value === "number" && Number.isFinite(value));

/** Zalo's timestamps are milliseconds as a string; a value that can only be seconds is read as seconds. */
export function timestampMs(value: string): number | undefined {
  const number = Number(value.trim());
  if (value.trim() === "" || !Number.isFinite(number) || number <= 0) return undefined;
  return number < 1e11 ? number * 1000 : number;
}
