/**
 * A durable queue processed one chat at a time, in order, with different chats in parallel.
 * Shared by the inbox and the outbox. Only the oldest open row of a chat (its head) is ever
 * claimed, and a claim is a conditional update, so several processes can run the same worker.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "../log.ts";
import { dbFaultOf } from "../db/db-fault.ts";

export interface QueueRow {
  id: number;
  chatKey: string;
  status: string;
  attempts: number;
  nextAttemptAt: Date;
  lockedUntil: Date | null;
}

export interface QueueStore<R extends QueueRow> {
  /** Oldest open row (waiting or active) per chat, for up to `limit` chats. */
  heads(limit: number): Promise<R[]>;
  /** The oldest open row of one chat, if any (to go on with a chat without scanning every chat). */
  headOf(chatKey: string): Promise<R | null>;
  /** Conditionally marks the row active; true when this worker won it. */
  claim(row: R, owner: string, now: Date, leaseMs: number): Promise<boolean>;
}

export interface ChatQueueOptions<R extends QueueRow> {
  name: string;
  concurrency: number;
  pollMs: number;
  leaseMs: number;
  activeStatus: string;
  log: Logger;
  now(): Date;
  /** Pacing: ms to wait before this row may be claimed, or 0. */
  gate?(row: R): number;
  /** A row still active after its lease ran out (its process died). Return true to claim it again. */
  onStale?(row: R): Promise<boolean>;
}

export class ChatQueueWorker<R extends QueueRow> {
  readonly owner = randomUUID();
  #running = false;
  #timer: NodeJS.Timeout | undefined;
  #busyChats = new Set<string>();
  #inFlight = new Set<Promise<void>>();
  #ticking: Promise<void> | undefined;
  #again = false;
  #refresh = true;
  #stopping = false;
  /** Heads from the last scan: a head stays a head until it is finished, so a cached one is safe to claim. */
  #candidates: R[] = [];
  #scannedAt = 0;
  #faultLoggedAt = 0;

  constructor(
    private readonly store: QueueStore<R>,
    private readonly handle: (row: R) => Promise<void>,
    private readonly options: ChatQueueOptions<R>,
  ) {}

  /** True once stop() was called: long waits inside a handler should give up. */
  get stopping(): boolean {
    return this.#stopping;
  }

  start(): void {
    this.#running = true;
    this.#stopping = false;
    this.kick();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#stopping = true;
    clearTimeout(this.#timer);
    await this.#ticking;
    await Promise.allSettled([...this.#inFlight]);
  }

  /** Look for work now. From outside (something was stored) the next look scans every chat again. */
  kick(rescan = true): void {
    if (rescan) this.#refresh = true;
    if (!this.#running) return;
    if (this.#ticking) {
      this.#again = true;
      return;
    }
    // Start on the next turn of the event loop, so a busy queue never starves request handling.
    this.#ticking = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.#tick()).finally(() => {
      this.#ticking = undefined;
      if (this.#again) {
        this.#again = false;
        this.kick();
      }
    });
  }

  /** Processes until nothing is due now (tests, benchmarks). */
  async drain(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.#ticking;
      this.#refresh = true;
      const { claimed, resolved } = await this.#claim();
      await Promise.allSettled([...this.#inFlight]);
      if (claimed === 0 && resolved === 0 && this.#inFlight.size === 0) return;
      if (Date.now() > deadline) throw new Error(`${this.options.name}: drain timed out`);
    }
  }

  async #tick(): Promise<void> {
    clearTimeout(this.#timer);
    let wait = this.options.pollMs;
    try {
      const { soonestMs } = await this.#claim();
      if (soonestMs !== undefined) wait = Math.min(wait, soonestMs);
    } catch (err) {
      // A full disk or a foreign lock fails every poll until it is gone: say so, but not every second.
      const fault = dbFaultOf(err);
      if (!fault) this.options.log.error({ err, queue: this.options.name }, "queue poll failed");
      else if (Date.now() - this.#faultLoggedAt > 30_000) {
        this.#faultLoggedAt = Date.now();
        this.options.log.error({ err, fault, queue: this.options.name }, "queue poll failed: the database cannot take writes now; polling on");
      }
    }
    if (this.#running) this.#timer = setTimeout(() => this.kick(), Math.max(wait, 5));
  }

  /** Claims what is due; `resolved` counts stale rows settled without claiming (their chat can move on). */
  async #claim(): Promise<{ claimed: number; resolved: number; soonestMs?: number }> {
    const free = this.options.concurrency - this.#inFlight.size;
    if (free <= 0) return { claimed: 0, resolved: 0 };
    const now = this.options.now();
    if (this.#refresh || this.#candidates.length === 0 || Date.now() - this.#scannedAt > this.options.pollMs) {
      this.#refresh = false;
      this.#scannedAt = Date.now();
      this.#candidates = await this.store.heads(200);
    }
    const heads = this.#candidates;
    const keep: R[] = [];
    let claimed = 0;
    let resolved = 0;
    let soonestMs: number | undefined;
    const later = (ms: number) => (soonestMs = Math.min(soonestMs ?? ms, ms));
    for (const [i, row] of heads.entries()) {
      if (claimed >= free) {
        keep.push(...heads.slice(i));
        break;
      }
      // Our own chats go on by themselves (see #run).
      if (this.#busyChats.has(row.chatKey)) continue;
      if (row.status === this.options.activeStatus) {
        if (!row.lockedUntil || row.lockedUntil > now) {
          keep.push(row);
          continue;
        }
        if (this.options.onStale && !(await this.options.onStale(row))) {
          resolved++;
          continue;
        }
      } else if (row.nextAttemptAt > now) {
        later(row.nextAttemptAt.getTime() - now.getTime());
        keep.push(row);
        continue;
      }
      const waitMs = this.options.gate?.(row) ?? 0;
      if (waitMs > 0) {
        later(waitMs);
        keep.push(row);
        continue;
      }
      if (!(await this.store.claim(row, this.owner, now, this.options.leaseMs))) continue;
      claimed++;
      this.#run(row);
    }
    this.#candidates = keep;
    if (resolved > 0) soonestMs = 0;
    return { claimed, resolved, soonestMs };
  }

  #run(row: R): void {
    this.#busyChats.add(row.chatKey);
    const job: Promise<void> = this.#work(row)
      .catch((err) => this.options.log.error({ err, queue: this.options.name, rowId: row.id }, "queue handler threw"))
      .finally(() => {
        this.#busyChats.delete(row.chatKey);
        this.#inFlight.delete(job);
        this.kick(false);
      });
    this.#inFlight.add(job);
  }

  /** Handles a row, then the chat's next rows while they are due, in order. */
  async #work(first: R): Promise<void> {
    let row: R | null = first;
    for (;;) {
      await this.handle(row);
      row = await this.store.headOf(row.chatKey);
      const now = this.options.now();
      if (this.#stopping || !row || row.status !== "pending" || row.nextAttemptAt > now || (this.options.gate?.(row) ?? 0) > 0) return;
      if (!(await this.store.claim(row, this.owner, now, this.options.leaseMs))) return;
    }
  }
}
