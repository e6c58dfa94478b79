/**
 * The closed taxonomy of send failures. Channels classify what the platform said; the outbox,
 * not the channel, decides what to do (see `decide`).
 */
export type SendErrorKind =
  | "config" // our credentials or setup are wrong (401, bad token)
  | "invalid_message" // the platform refused this payload (400 bad request)
  | "connection" // network failure or timeout: we don't know if it arrived
  | "throttled" // 429: wait retryAfterMs
  | "server" // 5xx
  | "rejected" // the platform refused for another stated reason (provider code kept)
  | "contact_stopped" // the resident blocked the bot / unfollowed
  | "window_closed" // outside the platform's reply window (Zalo 7 days)
  | "unexpected_response"; // an answer we cannot read

export class SendError extends Error {
  override name = "SendError";
  constructor(
    readonly kind: SendErrorKind,
    message: string,
    readonly details: { retryAfterMs?: number; providerCode?: string | number; sentParts?: number } = {},
  ) {
    super(message);
  }
}

/**
 * The error of a message that failed part-way, saying how many of its parts had gone (counting those of earlier
 * attempts): a retry then sends only the rest, so a voice note or an image is not received twice.
 */
export function partWay(error: unknown, sentParts: number): unknown {
  if (sentParts <= 0) return error;
  if (!(error instanceof SendError)) return new SendError("unexpected_response", String((error as Error)?.message ?? error), { sentParts });
  // The same error (its class may say more, e.g. a Zalo token error), now with the parts that went.
  error.details.sentParts = sentParts;
  return error;
}

export type SendDecision =
  | { action: "retry"; delayMs: number }
  | { action: "give_up"; status: "failed" | "window_closed"; stopContact: boolean };

const BACKOFF_BASE_MS = 1_000;
const BACKOFF_MAX_MS = 5 * 60_000;

/** What the outbox does after a failed attempt number `attempt` (1-based). */
export function decide(error: SendError, attempt: number, maxAttempts: number): SendDecision {
  const giveUp = (status: "failed" | "window_closed" = "failed", stopContact = false): SendDecision => ({
    action: "give_up",
    status,
    stopContact,
  });
  switch (error.kind) {
    case "throttled":
      // Honour the platform's wait; 429s do not use up attempts quickly.
      return attempt >= maxAttempts * 3 ? giveUp() : { action: "retry", delayMs: error.details.retryAfterMs ?? 1_000 };
    case "connection":
    case "server":
    case "unexpected_response":
      return attempt >= maxAttempts ? giveUp() : { action: "retry", delayMs: backoff(attempt) };
    case "contact_stopped":
      return giveUp("failed", true);
    case "window_closed":
      return giveUp("window_closed");
    case "config":
    case "invalid_message":
    case "rejected":
      return giveUp();
  }
}

/** Exponential backoff with jitter: ~1 s, 2 s, 4 s … capped at 5 min. */
export function backoff(attempt: number): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}
