/**
 * The platform's one-second count of a bot's messages, as this process can know it: a call counts from the moment
 * it is made until one second after its answer came back. The platform counted it at some moment in between (its
 * arrival), so "fewer than the limit in flight or answered within the last second" before each call means the
 * platform never sees more than the limit in any second, however late requests arrive, however the event loop on
 * either side stalls, and without any margin guessed for it. What it costs is the round trip, once per second
 * (locally ~1 ms: 99.9 % of the rate; 100 ms to Telegram: 91 %).
 *
 * One per bot and process (channel instances with the same `rateKey` share it, others have one each): the campaign
 * lane paces itself by it, and the outbox's replies are counted in it (they do not wait for it; the lane makes room
 * after them). Several processes share the rate through the slots of shared-rate.ts instead; each still keeps its
 * own window.
 *
 * @example
 * const calls = sendWindowOf(channel);
 * const at = calls.opensAt(2, 30, Date.now());      // ≤ now: at once
 * calls.begin(2); try { await channel.send(chat, msg) } finally { calls.end(2) }
 */
import type { Channel } from "./types.ts";

const SECOND_MS = 1_000;

export class SendWindow {
  private inFlight = 0;
  /** When answers came back (ms, ascending); from `head` on are the ones that may still count. */
  private answered: number[] = [];
  private head = 0;

  /** `n` platform messages are being sent now. */
  begin(n: number): void {
    this.inFlight += n;
  }

  /** The call for `n` messages came back (answered, refused or failed: counted either way, which is safe). */
  end(n: number, atMs = Date.now()): void {
    this.inFlight = Math.max(0, this.inFlight - n);
    const last = this.answered[this.answered.length - 1] ?? 0;
    const at = Math.max(atMs, last); // the clock may step back; the list stays sorted
    for (let k = 0; k < n; k++) this.answered.push(at);
    // Forgotten here too, not only when asked: a bot that only replies (no campaign asks) must not keep them all.
    this.forget(at);
    if (this.head > 4_096) {
      this.answered = this.answered.slice(this.head);
      this.head = 0;
    }
  }

  /** Answers kept in memory: those of the last second, and up to 4,096 older ones not yet dropped. */
  get kept(): number {
    return this.answered.length;
  }

  private forget(nowMs: number): void {
    while (this.head < this.answered.length && this.answered[this.head]! + SECOND_MS <= nowMs) this.head++;
  }

  /**
   * When `n` more messages may go so that at most `limit` count at once (ms since the epoch; ≤ `nowMs`: now). With
   * more than `limit` in flight the time is unknown: a few ms from now, to look again.
   */
  opensAt(n: number, limit: number, nowMs: number): number {
    this.forget(nowMs);
    // A delivery of more messages than a second holds waits for an empty window.
    const wanted = Math.min(n, limit);
    const over = this.inFlight + (this.answered.length - this.head) + wanted - limit;
    if (over <= 0) return nowMs;
    const index = this.head + over - 1;
    if (index >= this.answered.length) return nowMs + 5;
    return this.answered[index]! + SECOND_MS;
  }
}

const windows = new WeakMap<Channel, SendWindow>();
/** By channel name and rateKey: a handful of bots in a process (one per platform in production). */
const byAccount = new Map<string, SendWindow>();

/** The window of a bot in this process: the channel instance's own, or the one of every instance with its rateKey. */
export function sendWindowOf(channel: Channel): SendWindow {
  let window = windows.get(channel);
  if (!window) {
    const account = channel.rateKey === undefined ? undefined : `${channel.name}\u0000${channel.rateKey}`;
    window = (account && byAccount.get(account)) || new SendWindow();
    if (account) byAccount.set(account, window);
    windows.set(channel, window);
  }
  return window;
}
