/**
 * Per-channel pacing from the channel's declared limits: a token bucket for the channel as a whole
 * (e.g. Telegram ~30 msg/s) and one per chat (Telegram ~1 msg/s on average, so a short burst — a
 * reply and the next question — goes out at once and longer runs are spread out). A 429 pauses the
 * whole channel for `retry_after`. In-process: with N processes, give each 1/N (see ARCHITECTURE.md).
 */
const CHAT_BURST = 3;

class Bucket {
  tokens: number;
  at: number;
  constructor(
    readonly capacity: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.at = now;
  }
  /** Ms until one token is available at `ratePerSecond` (0 means available now). */
  waitMs(now: number, ratePerSecond: number): number {
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.at) / 1000) * ratePerSecond);
    this.at = now;
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / ratePerSecond) * 1000);
  }
}

export class Pacer {
  #channel: Bucket;
  #chats = new Map<string, Bucket>();
  #pausedUntil = 0;

  constructor(
    private readonly perSecond: number,
    private readonly perChatPerSecond: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.#channel = new Bucket(Math.max(1, perSecond), clock());
  }

  /** Milliseconds until a message to `chatKey` may go, or 0 (and the send is counted). */
  reserve(chatKey: string): number {
    const now = this.clock();
    if (now < this.#pausedUntil) return this.#pausedUntil - now;
    let chat = this.#chats.get(chatKey);
    if (!chat) {
      if (this.#chats.size > 10_000) this.#forgetFull(now);
      chat = new Bucket(CHAT_BURST, now);
      this.#chats.set(chatKey, chat);
    }
    const wait = Math.max(chat.waitMs(now, this.perChatPerSecond), this.#channel.waitMs(now, this.perSecond));
    if (wait > 0) return wait;
    chat.tokens -= 1;
    this.#channel.tokens -= 1;
    return 0;
  }

  pause(ms: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, this.clock() + ms);
  }

  /** Chats whose bucket has refilled carry no information: drop them. */
  #forgetFull(now: number): void {
    for (const [key, bucket] of this.#chats) if (bucket.waitMs(now, this.perChatPerSecond) === 0 && bucket.tokens >= bucket.capacity) this.#chats.delete(key);
  }
}
