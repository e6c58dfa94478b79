/**
 * Checks a webhook request before anything is stored: Telegram echoes setWebhook's `secret_token` in the
 * `X-Telegram-Bot-Api-Secret-Token` header; compare it in constant time, then make sure the body is an Update.
 */
import type { IncomingHttpHeaders } from "node:http";
import { safeEqual } from "../../security/crypto.ts";
import type { WebhookVerdict } from "../types.ts";

export const SECRET_HEADER = "x-telegram-bot-api-secret-token";

/**
 * @example verifyTelegramWebhook(req.headers, rawBody, config.webhookSecret) // { ok: true } or { ok: false, status: 401, … }
 */
export function verifyTelegramWebhook(headers: IncomingHttpHeaders, rawBody: Buffer, secret: string | undefined): WebhookVerdict {
  const given = headers[SECRET_HEADER];
  const value = Array.isArray(given) ? given[0] : given;
  if (!secret) return { ok: false, status: 401, reason: "no webhook secret is configured" };
  if (value === undefined || value === "") return { ok: false, status: 401, reason: "missing secret token header" };
  if (!safeEqual(value, secret)) return { ok: false, status: 401, reason: "wrong secret token" };
  if (!looksLikeUpdate(rawBody)) return { ok: false, status: 400, reason: "body is not a Telegram Update" };
  return { ok: true };
}

function looksLikeUpdate(rawBody: Buffer): boolean {
  try {
    const body: unknown = JSON.parse(rawBody.toString("utf8"));
    return typeof body === "object" && body !== null && Number.isSafeInteger((body as { update_id?: unknown }).update_id);
  } catch {
    return false;
  }
}
