/**
 * Cheap in-process limits for the hot public paths, where a database counter per request would cost
 * more than the request: token buckets per key (a message rate) and concurrency slots per key (open
 * streams, running uploads). Per process: with N processes a key gets N times as much, which still
 * bounds what one stranger can make the service do.
 *
 * @example const wait = visitorMessages.take(visitorKey); if (wait > 0) throw 429 "retry in wait ms"
 */

/** A token bucket: `capacity` tokens, refilled at a rate the caller gives. */
export class TokenBucket {
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
  get full(): boolean {
    return this.tokens >= this.capacity;
  }
}

/** `perMinute` per key, in bursts of up to `perMinute`; full buckets are forgotten, so memory follows the active keys. */
export class KeyedRate {
  readonly #buckets = new Map<string, TokenBucket>();
  constructor(
    private readonly perMinute: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Takes one token for `key`: 0 when allowed, else the ms until the next one. */
  take(key: string): number {
    const now = this.clock();
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (this.#buckets.size >= 10_000) this.#forgetFull(now);
      bucket = new TokenBucket(this.perMinute, now);
      this.#buckets.set(key, bucket);
    }
    const wait = bucket.waitMs(now, this.perMinute / 60);
    if (wait === 0) bucket.tokens -= 1;
    return wait;
  }

  #forgetFull(now: number): void {
    for (const [key, bucket] of this.#buckets) if (bucket.waitMs(now, this.perMinute / 60) === 0 && bucket.full) this.#buckets.delete(key);
  }
}

/** At most `max` at once per key; `take` gives a release function (idempotent), or undefined when full. */
export class ConcurrencySlots {
  readonly #running = new Map<string, number>();
  constructor(readonly max: number) {}

  take(key: string): (() => void) | undefined {
    const n = this.#running.get(key) ?? 0;
    if (n >= this.max) return undefined;
    this.#running.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#running.get(key) ?? 1) - 1;
      if (left > 0) this.#running.set(key, left);
      else this.#running.delete(key);
    };
  }
}
