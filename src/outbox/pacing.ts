/**
 * Per-channel pacing from the channel's declared limits: a token bucket for the channel as a whole
 * (e.g. Telegram ~30 msg/s) and one per chat (Telegram ~1 msg/s on average, so a short burst — a
 * reply and the next question — goes out at once and longer runs are spread out). A 429 pauses the
 * whole channel for `retry_after`. In-process: with N processes, give each 1/N (see ARCHITECTURE.md).
 */
import { TokenBucket } from "../security/local-limits.ts";

const CHAT_BURST = 3;

export class Pacer {
  #channel: TokenBucket;
  #chats = new Map<string, TokenBucket>();
  #pausedUntil = 0;

  constructor(
    private readonly perSecond: number,
    private readonly perChatPerSecond: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.#channel = new TokenBucket(Math.max(1, perSecond), clock());
  }

  /** Milliseconds until a message to `chatKey` may go, or 0 (and the send is counted). */
  reserve(chatKey: string): number {
    const now = this.clock();
    if (now < this.#pausedUntil) return this.#pausedUntil - now;
    let chat = this.#chats.get(chatKey);
    if (!chat) {
      if (this.#chats.size > 10_000) this.#forgetFull(now);
      chat = new TokenBucket(CHAT_BURST, now);
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
    for (const [key, bucket] of this.#chats) if (bucket.waitMs(now, this.perChatPerSecond) === 0 && bucket.full) this.#chats.delete(key);
  }
}
