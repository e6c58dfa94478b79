/**
 * Classifies every way an OA API call can fail into the closed SendError taxonomy (src/outbox/send-error.ts).
 * Zalo answers most failures with HTTP 200 and a negative `error` in the body; the code decides the kind.
 * Where it happened decides the rest: Zalo said no (a code), the HTTP layer failed (status), the network failed or
 * timed out (connection), or the answer was unreadable. Messages are redacted: no token leaves this module.
 */
import { SendError } from "../../outbox/send-error.ts";

/** Removes tokens and secrets from text. */
export type Redact = (text: string) => string;

/** Thrown by our own checks when an answer is not the OA API shape (or not JSON at all). */
export class UnexpectedAnswerError extends Error {
  override name = "UnexpectedAnswerError";
}

/** Thrown by the client when Zalo answered with a non-zero `error`; turned into a SendError by `toSendError`. */
export class ZaloApiError extends Error {
  override name = "ZaloApiError";
  constructor(
    readonly code: number,
    readonly zaloMessage: string,
    readonly httpStatus: number,
  ) {
    super(`error ${code}: ${zaloMessage}`);
  }
}

export interface ErrorPolicy {
  /** Codes meaning "this access token is invalid or expired" (refresh and retry once). Default -216, -220. */
  tokenCodes: readonly number[];
  /** Wait after -32 (over 4,000 requests a minute): the window is one minute. */
  rateLimitDelayMs: number;
  /** Wait after -211/-218 (the OA's message quota is used up). */
  quotaDelayMs: number;
}

export const DEFAULT_ERROR_POLICY: Readonly<ErrorPolicy> = Object.freeze({
  tokenCodes: Object.freeze([-216, -220]),
  rateLimitDelayMs: 30_000,
  quotaDelayMs: 60 * 60_000,
});

const INVALID_PAYLOAD = new Set([-201, -202, -210]);
const CONTACT_STOPPED = new Set([-213, -217, -244]);
const WINDOW_CLOSED = new Set([-230, -232]);
const QUOTA = new Set([-211, -218]);
const OA_NOT_ALLOWED = new Set([-221, -224]);
const NIGHT_BAN = -234;
const RATE_LIMITED = -32;

/**
 * Maps an OA API error code to a SendError.
 *
 * -213 (not a follower) is contact_stopped, not rejected: retrying cannot reach that person, and a stopped contact is
 * reopened by the next thing they send us (a follow or a message), so nothing is lost by stopping.
 *
 * @example fromZaloCode("message/cs", -32, "Rate limit", new Date()) // throttled, 30 s
 */
export function fromZaloCode(what: string, code: number, zaloMessage: string, now: Date, policy: ErrorPolicy = DEFAULT_ERROR_POLICY): SendError {
  const message = `zalo ${what}: error ${code}${zaloMessage ? ` ${zaloMessage}` : ""}`;
  const providerCode = code;
  if (code === RATE_LIMITED) return new SendError("throttled", message, { retryAfterMs: policy.rateLimitDelayMs, providerCode });
  if (QUOTA.has(code)) return new SendError("throttled", `${message} (the OA's message quota is used up)`, { retryAfterMs: policy.quotaDelayMs, providerCode });
  if (code === NIGHT_BAN) return new SendError("throttled", `${message} (not sent between 22:00 and 06:00)`, { retryAfterMs: msUntilMorning(now), providerCode });
  if (policy.tokenCodes.includes(code)) {
    return new SendError("config", `${message} (the access token was refused even after a refresh)`, { providerCode });
  }
  if (CONTACT_STOPPED.has(code)) return new SendError("contact_stopped", message, { providerCode });
  if (WINDOW_CLOSED.has(code)) return new SendError("window_closed", `${message} (the resident's 7-day window has closed)`, { providerCode });
  if (INVALID_PAYLOAD.has(code)) return new SendError("invalid_message", message, { providerCode });
  if (OA_NOT_ALLOWED.has(code)) {
    return new SendError("config", `${message} (the Official Account must be verified or upgraded to use this API)`, { providerCode });
  }
  return new SendError("rejected", message, { providerCode });
}

/** Plain HTTP failures without an OA API body. */
export function fromHttpStatus(what: string, status: number): SendError {
  const message = `zalo ${what}: HTTP ${status}`;
  if (status >= 500) return new SendError("server", message, { providerCode: status });
  if (status === 429) return new SendError("throttled", message, { retryAfterMs: DEFAULT_ERROR_POLICY.rateLimitDelayMs, providerCode: status });
  if (status === 401 || status === 403 || status === 404) {
    return new SendError("config", `${message} (check ZALO_API_BASE and ZALO_OAUTH_BASE)`, { providerCode: status });
  }
  return new SendError("rejected", message, { providerCode: status });
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "EPIPE", "EHOSTUNREACH", "ENETUNREACH",
  "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_CLOSED",
]);
const LOCAL_FILE_CODES = new Set(["ENOENT", "EACCES", "EISDIR", "EPERM"]);

/**
 * Any failure of a call → SendError, with tokens scrubbed from the message.
 *
 * @example throw toSendError(error, "message/cs", redact, now)
 */
export function toSendError(error: unknown, what: string, redact: Redact, now: Date = new Date(), policy?: ErrorPolicy): SendError {
  if (error instanceof SendError) return new SendError(error.kind, redact(error.message), error.details);
  if (error instanceof ZaloApiError) {
    const mapped = fromZaloCode(what, error.code, error.zaloMessage, now, policy);
    return new SendError(mapped.kind, redact(mapped.message), mapped.details);
  }
  const err = error instanceof Error ? error : new Error(String(error));
  const detail = redact(`zalo ${what}: ${err.name}: ${err.message}`);
  const code = errorCode(err);
  if (err instanceof UnexpectedAnswerError || err instanceof SyntaxError) return new SendError("unexpected_response", detail);
  if (err.name === "AbortError" || err.name === "TimeoutError") return new SendError("connection", `${detail} (timed out or aborted)`);
  if (code && LOCAL_FILE_CODES.has(code)) return new SendError("config", `${detail} (a local file to upload is missing)`);
  if ((code && NETWORK_CODES.has(code)) || err.message === "fetch failed" || err.message === "terminated") {
    return new SendError("connection", detail);
  }
  return new SendError("unexpected_response", detail);
}

/** Milliseconds from `now` until 06:00 in Asia/Ho_Chi_Minh (UTC+7 all year), when Zalo's night ban ends. */
export function msUntilMorning(now: Date): number {
  const offsetMs = 7 * 3600_000;
  const local = new Date(now.getTime() + offsetMs);
  const morning = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), 6, 0, 0);
  const next = local.getTime() < morning ? morning : morning + 24 * 3600_000;
  return next - local.getTime();
}

function errorCode(err: Error): string | undefined {
  const own = (err as { code?: unknown }).code;
  if (typeof own === "string") return own;
  const cause = (err as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === "string" ? cause.code : undefined;
}
