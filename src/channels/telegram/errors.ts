/**
 * Classifies every way a Bot API call can fail into the closed SendError taxonomy
 * (src/outbox/send-error.ts). Where it happened decides the kind: Telegram said no (TelegramError),
 * the network failed or timed out (connection), or the answer was not the Bot API shape.
 * Messages are scrubbed: a bot token never leaves this module inside an error.
 */
import { TelegramError } from "telegraf";
import { SendError } from "../../outbox/send-error.ts";

/** Removes the bot token from text (URLs in network errors carry it). */
export type Redact = (text: string) => string;

/** Thrown by our own checks when an answer has `ok: true` but not the expected result shape. */
export class UnexpectedAnswerError extends Error {
  override name = "UnexpectedAnswerError";
}

const CONTACT_STOPPED = /blocked by the user|user is deactivated|can't initiate conversation|bots can't send messages to bots/i;
const CHAT_NOT_FOUND = /chat not found|PEER_ID_INVALID|user not found/i;
const NETWORK_CODES = new Set([
  "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "EPIPE", "EHOSTUNREACH", "ENETUNREACH",
  "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT",
]);
const LOCAL_FILE_CODES = new Set(["ENOENT", "EACCES", "EISDIR", "EPERM"]);

/**
 * Maps a Bot API error answer to a SendError.
 *
 * @example fromBotApiAnswer("sendMessage", 429, "Too Many Requests: retry after 5", 5) // throttled, 5000 ms
 */
export function fromBotApiAnswer(method: string, code: number, description: string, retryAfter?: number): SendError {
  const message = `telegram ${method}: ${code} ${description}`;
  const providerCode = code;
  if (code === 429) {
    const retryAfterMs = Math.max(1, retryAfter ?? 1) * 1000;
    return new SendError("throttled", message, { retryAfterMs, providerCode });
  }
  if (code === 401 || code === 404) return new SendError("config", `${message} (check TELEGRAM_BOT_TOKEN and TELEGRAM_API_ROOT)`, { providerCode });
  if (code === 403) {
    return CONTACT_STOPPED.test(description)
      ? new SendError("contact_stopped", message, { providerCode })
      : new SendError("rejected", message, { providerCode });
  }
  if (code === 400) {
    return CHAT_NOT_FOUND.test(description)
      ? new SendError("rejected", message, { providerCode })
      : new SendError("invalid_message", message, { providerCode });
  }
  if (code >= 500) return new SendError("server", message, { providerCode });
  return new SendError("rejected", message, { providerCode });
}

/**
 * Any failure of a call to `method` → SendError, with the token scrubbed from the message.
 *
 * @example throw toSendError(error, "sendMessage", redact)
 */
export function toSendError(error: unknown, method: string, redact: Redact): SendError {
  if (error instanceof SendError) return error;
  if (error instanceof TelegramError) {
    const code: unknown = error.response?.error_code;
    const description = typeof error.response?.description === "string" ? error.response.description : "";
    if (typeof code !== "number") {
      return new SendError("unexpected_response", redact(`telegram ${method}: answer is not a Bot API response`));
    }
    const retryAfter = error.parameters?.retry_after;
    const mapped = fromBotApiAnswer(method, code, description, typeof retryAfter === "number" ? retryAfter : undefined);
    return new SendError(mapped.kind, redact(mapped.message), mapped.details);
  }
  const err = error instanceof Error ? error : new Error(String(error));
  const detail = redact(`telegram ${method}: ${err.name}: ${err.message}`);
  const code = errorCode(err);
  if (err instanceof UnexpectedAnswerError) return new SendError("unexpected_response", detail);
  if (err.name === "AbortError" || err.name === "TimeoutError") return new SendError("connection", `${detail} (timed out or aborted)`);
  if (err.name === "FetchError") {
    const type = (err as { type?: unknown }).type;
    // node-fetch: "invalid-json" means the body was not JSON (an HTML proxy page, a truncated answer).
    if (type === "invalid-json") return new SendError("unexpected_response", detail);
    return new SendError("connection", detail);
  }
  if (code && LOCAL_FILE_CODES.has(code)) return new SendError("config", `${detail} (a local file to upload is missing)`);
  if ((code && NETWORK_CODES.has(code)) || err.message === "fetch failed") return new SendError("connection", detail);
  if (err instanceof SyntaxError) return new SendError("unexpected_response", detail);
  return new SendError("unexpected_response", detail);
}

function errorCode(err: Error): string | undefined {
  const own = (err as { code?: unknown }).code;
  if (typeof own === "string") return own;
  const cause = (err as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === "string" ? cause.code : undefined;
}
