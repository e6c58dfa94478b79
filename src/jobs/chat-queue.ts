/**
 * A durable queue processed one chat at a time, in order, with different chats in parallel.
 * Shared by the inbox and the outbox. Only the oldest open row of a chat (its head) is ever
 * claimed, and a claim is a conditional update, so several processes can run the same worker.
 *
 * Rows belong to lanes (a channel): each lane has its own share of the concurrency, and the store
 * hands out heads lane by lane, so a backlog on one channel never keeps another waiting.
 * Leases are short and renewed while a row is being handled: a dead process's rows are taken back
 * within one lease, not minutes later.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "../log.ts";
import { dbFaultOf } from "../db/db-fault.ts";
import { date, int, raw } from "../db/sql.ts";

export interface QueueRow {
  id: number;
  chatKey: string;
  status: string;
  attempts: number;
  nextAttemptAt: Date;
  lockedUntil: Date | null;
}

/** The columns a queue row is read with in raw SQL (the inbox's and the outbox's tables both have them). */
export const QUEUE_COLUMNS = raw(`"id", "chatKey", "status", "attempts", "nextAttemptAt", "lockedUntil", "channel"`);

/** A row read with QUEUE_COLUMNS. */
export function queueRowOf(r: Record<string, unknown>): QueueRow & { channel: string } {
  return {
    id: int(r.id),
    chatKey: String(r.chatKey),
    status: String(r.status),
    attempts: int(r.attempts),
    nextAttemptAt: date(r.nextAttemptAt)!,
    lockedUntil: date(r.lockedUntil),
    channel: String(r.channel),
  };
}

export interface QueueStore<R extends QueueRow> {
  /** Oldest open row (waiting or active) per chat, for up to `limit` chats. */
  heads(limit: number): Promise<R[]>;
  /** The oldest open row of one chat, if any (to go on with a chat without scanning every chat). */
  headOf(chatKey: string): Promise<R | null>;
  /** Conditionally marks the row active; true when this worker won it. */
  claim(row: R, owner: string, now: Date, leaseMs: number): Promise<boolean>;
  /** The same for several chats' heads in one statement; returns the ids this worker won. */
  claimMany?(rows: R[], owner: string, now: Date, leaseMs: number): Promise<Set<number>>;
  /**
   * headOf and claim in one statement, for a queue without a gate: claims the chat's oldest open row if it is waiting
   * and due, and returns it as it was before the claim (as headOf would have); null when the chat has none to go on
   * with now (no open row, or its head is active or not due: a scan finds it later).
   */
  claimNextOf?(chatKey: string, owner: string, now: Date, leaseMs: number): Promise<R | null>;
  /** Extends the lease of rows this worker is still handling. */
  renew(ids: number[], owner: string, until: Date): Promise<void>;
  /** Ends every lease not held by `owner` now (one process at start on SQLite: nobody else can be working). */
  expireOthers?(owner: string, now: Date): Promise<number>;
}

/**
 * Least time between two scans for heads while a scan is asked for and work is known (unless a queue sets its own
 * `minRescanMs`). A scan reads every open row (grouped by chat), so under a burst (every stored message or queued
 * reply asks for one) scanning at each ask cost more than the work itself; new work waits at most this long to be
 * seen.
 */
export const MIN_RESCAN_MS = 50;

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
  /** The lane a row belongs to (its channel); each lane gets `laneConcurrency` of the handlers. */
  lane?(row: R): string;
  laneConcurrency?: number;
  /** Least time between two scans while busy (MIN_RESCAN_MS unless set). */
  minRescanMs?: number;
  /** At start, take back at once what a previous (dead) process left active (SQLite: one process). */
  reclaimOnStart?: boolean;
  /** A row still active after its lease ran out (its process died). Return true to claim it again. */
  onStale?(row: R): Promise<boolean>;
}

export class ChatQueueWorker<R extends QueueRow> {
  readonly owner = randomUUID();
  #running = false;
  #timer: NodeJS.Timeout | undefined;
  #busyChats = new Set<string>();
  #inFlight = new Set<Promise<void>>();
  /** Row being handled per chat (leases to renew) and handlers per lane. */
  #held = new Map<string, number>();
  #lanes = new Map<string, number>();
  #heartbeat: NodeJS.Timeout | undefined;
  #reclaimed: Promise<void> | undefined;
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
    this.#reclaimed ??= this.#reclaim();
    clearInterval(this.#heartbeat);
    this.#heartbeat = setInterval(() => void this.#renew(), Math.max(50, Math.floor(this.options.leaseMs / 3)));
    this.#heartbeat.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#stopping = true;
    clearTimeout(this.#timer);
    await this.#ticking;
    await Promise.allSettled([...this.#inFlight]);
    clearInterval(this.#heartbeat);
  }

  /**
   * Stops renewing the leases of rows still being handled, for a stop that will not wait any longer (the process is
   * about to exit): those rows go back to the queue when their lease runs out, for this or another process.
   */
  abandon(): void {
    this.#running = false;
    this.#stopping = true;
    clearTimeout(this.#timer);
    clearInterval(this.#heartbeat);
  }

  async #reclaim(): Promise<void> {
    if (!this.options.reclaimOnStart || !this.store.expireOthers) return;
    try {
      const n = await this.store.expireOthers(this.owner, this.options.now());
      if (n > 0) this.options.log.warn({ queue: this.options.name, rows: n }, "took back work a stopped process had left unfinished");
    } catch (err) {
      this.options.log.error({ err, queue: this.options.name }, "could not take back unfinished work at start");
    }
  }

  /** Keeps the leases of rows being handled alive, so only a dead process's rows ever expire. */
  async #renew(): Promise<void> {
    if (this.#held.size === 0) return;
    const until = new Date(this.options.now().getTime() + this.options.leaseMs);
    try {
      await this.store.renew([...this.#held.values()], this.owner, until);
    } catch (err) {
      this.options.log.warn({ err, queue: this.options.name }, "lease renewal failed");
    }
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
    await (this.#reclaimed ??= this.#reclaim());
    for (;;) {
      await this.#ticking;
      this.#refresh = true;
      const { claimed, resolved } = await this.#claim(true);
      await Promise.allSettled([...this.#inFlight]);
      if (claimed === 0 && resolved === 0 && this.#inFlight.size === 0) return;
      if (Date.now() > deadline) throw new Error(`${this.options.name}: drain timed out`);
    }
  }

  async #tick(): Promise<void> {
    clearTimeout(this.#timer);
    let wait = this.options.pollMs;
    try {
      await this.#reclaimed;
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
  async #claim(force = false): Promise<{ claimed: number; resolved: number; soonestMs?: number }> {
    const free = this.options.concurrency - this.#inFlight.size;
    if (free <= 0) return { claimed: 0, resolved: 0 };
    const now = this.options.now();
    let rescanInMs: number | undefined;
    if (this.#refresh || this.#candidates.length === 0 || Date.now() - this.#scannedAt > this.options.pollMs) {
      const sinceScan = Date.now() - this.#scannedAt;
      const minRescanMs = this.options.minRescanMs ?? MIN_RESCAN_MS;
      if (!force && sinceScan < minRescanMs && (this.#candidates.length > 0 || this.#inFlight.size > 0)) {
        // Scanned a moment ago and busy: go on with the heads known, look again shortly (#refresh stays asked).
        rescanInMs = minRescanMs - sinceScan;
      } else {
        this.#refresh = false;
        this.#scannedAt = Date.now();
        this.#candidates = await this.store.heads(200);
      }
    }
    const heads = this.#candidates;
    const keep: R[] = [];
    let claimed = 0;
    let resolved = 0;
    let soonestMs: number | undefined;
    const later = (ms: number) => (soonestMs = Math.min(soonestMs ?? ms, ms));
    // Chats due now, within their lane's share; claimed together, then started together.
    const due: R[] = [];
    const taken = new Map<string, number>();
    for (const [i, row] of heads.entries()) {
      if (due.length + claimed >= free) {
        keep.push(...heads.slice(i));
        break;
      }
      // Our own chats go on by themselves (see #run).
      if (this.#busyChats.has(row.chatKey)) continue;
      // A lane already using its share waits; the other lanes go on.
      const lane = this.options.lane?.(row);
      if (this.#laneFull(row, lane === undefined ? 0 : (taken.get(lane) ?? 0))) {
        keep.push(row);
        continue;
      }
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
      if (!this.store.claimMany) {
        if (!(await this.store.claim(row, this.owner, now, this.options.leaseMs))) continue;
        claimed++;
        this.#run(row);
        continue;
      }
      due.push(row);
      if (lane !== undefined) taken.set(lane, (taken.get(lane) ?? 0) + 1);
    }
    if (due.length > 0 && this.store.claimMany) {
      const won = due.length === 1
        ? (await this.store.claim(due[0]!, this.owner, now, this.options.leaseMs)) ? new Set([due[0]!.id]) : new Set<number>()
        : await this.store.claimMany(due, this.owner, now, this.options.leaseMs);
      for (const row of due) {
        if (!won.has(row.id)) continue;
        claimed++;
        this.#run(row);
      }
    }
    this.#candidates = keep;
    if (rescanInMs !== undefined) later(rescanInMs);
    if (resolved > 0) soonestMs = 0;
    return { claimed, resolved, soonestMs };
  }

  #laneFull(row: R, claimedNow = 0): boolean {
    if (!this.options.lane) return false;
    const limit = this.options.laneConcurrency ?? this.options.concurrency;
    return (this.#lanes.get(this.options.lane(row)) ?? 0) + claimedNow >= limit;
  }

  #run(row: R): void {
    this.#busyChats.add(row.chatKey);
    const lane = this.options.lane?.(row);
    if (lane !== undefined) this.#lanes.set(lane, (this.#lanes.get(lane) ?? 0) + 1);
    const job: Promise<void> = this.#work(row)
      .catch((err) => this.options.log.error({ err, queue: this.options.name, rowId: row.id }, "queue handler threw"))
      .finally(() => {
        this.#busyChats.delete(row.chatKey);
        this.#held.delete(row.chatKey);
        if (lane !== undefined) this.#lanes.set(lane, (this.#lanes.get(lane) ?? 1) - 1);
        this.#inFlight.delete(job);
        this.kick(false);
      });
    this.#inFlight.add(job);
  }

  /** Handles a row, then the chat's next rows while they are due, in order. */
  async #work(first: R): Promise<void> {
    let row: R | null = first;
    for (;;) {
      this.#held.set(row.chatKey, row.id);
      await this.handle(row);
      if (this.store.claimNextOf && !this.options.gate) {
        if (this.#stopping) return;
        row = await this.store.claimNextOf(row.chatKey, this.owner, this.options.now(), this.options.leaseMs);
        if (!row) return;
        continue;
      }
      row = await this.store.headOf(row.chatKey);
      const now = this.options.now();
      if (this.#stopping || !row || row.status !== "pending" || row.nextAttemptAt > now || (this.options.gate?.(row) ?? 0) > 0) return;
      if (!(await this.store.claim(row, this.owner, now, this.options.leaseMs))) return;
    }
  }
}

/**
 * Takes heads lane by lane: the first of each lane, then the second of each…, so a lane with a
 * thousand waiting chats cannot push another lane's chats out of the `limit`.
 */
export function interleave<T>(lanes: T[][], limit: number): T[] {
  const out: T[] = [];
  for (let i = 0; out.length < limit; i++) {
    let any = false;
    for (const lane of lanes) {
      const item = lane[i];
      if (item === undefined) continue;
      any = true;
      out.push(item);
      if (out.length >= limit) break;
    }
    if (!any) break;
  }
  return out;
}
