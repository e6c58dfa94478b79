/**
 * Group commit for conversation turns: the turns that want a transaction while one is running wait
 * together and then run in ONE transaction (one BEGIN IMMEDIATE … COMMIT on SQLite, one commit on
 * PostgreSQL), each inside its own savepoint. A turn that throws is rolled back to its savepoint and
 * only its caller sees the error; the others commit. Each caller's promise settles after the COMMIT,
 * so "effects and event done in one transaction" holds per turn exactly as with a transaction each.
 *
 * A fault of the database itself (full disk, lock held by another process: db-fault.ts) aborts the
 * whole batch: SQLite may already have undone the transaction, and those errors are not the turn's
 * fault anyway (the inbox retries them without spending an attempt). A failed COMMIT fails every
 * turn of the batch, none of whose effects were stored.
 *
 * Why: on SQLite every turn's transaction serializes on the one connection anyway; batching saves a
 * BEGIN/COMMIT and a turn of the event loop per turn, and lets the turns of a batch share reads
 * (the quiz's question bank, memoised per transaction by `perTransaction`). On PostgreSQL it saves a
 * commit (a WAL flush) per turn.
 */
import type { Database, Tx } from "./client.ts";
import { dbFaultOf } from "./db-fault.ts";
import { runDirectlyOn } from "./sql.ts";

export interface TurnBatchOptions {
  /** Most turns in one transaction (a batch holds the SQLite write lock while it runs). */
  maxBatch?: number;
  /** Batches running at once per lane: 1 on SQLite (one connection), a few on PostgreSQL (a pool). */
  concurrency?: number;
  /** Prisma's transaction timeout, for the whole batch. */
  timeoutMs?: number;
}

interface Entry {
  fn: (tx: Tx) => Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface TurnBatches {
  /**
   * Runs `fn` in a transaction shared with the turns of the same `lane` (the channel) waiting at the same time.
   * Lanes never wait for each other's queue (no head-of-line blocking between channels): on SQLite they take
   * turns on the connection's lock, one batch at a time; on PostgreSQL they run side by side.
   */
  run<T>(fn: (tx: Tx) => Promise<T>, lane?: string): Promise<T>;
}

const SAVEPOINT = "tinbao_turn";

export function createTurnBatches(database: Pick<Database, "db" | "dialect" | "openTransaction" | "directIn">, options: TurnBatchOptions = {}): TurnBatches {
  const maxBatch = options.maxBatch ?? 16;
  const concurrency = options.concurrency ?? (database.dialect === "sqlite" ? 1 : 2);
  const timeout = options.timeoutMs ?? 30_000;
  const lanes = new Map<string, { queue: Entry[]; running: number }>();

  function pump(lane: { queue: Entry[]; running: number }): void {
    while (lane.running < concurrency && lane.queue.length > 0) {
      const batch = lane.queue.splice(0, maxBatch);
      lane.running++;
      void runBatch(batch).finally(() => {
        lane.running--;
        pump(lane);
      });
    }
  }

  async function runBatch(batch: Entry[]): Promise<void> {
    const outcomes: Outcome[] = [];
    try {
      await database.db.$transaction(
        async (tx) => {
          // The turns' raw statements (src/db/sql.ts) and the savepoints run straight on the driver, in this
          // transaction: on SQLite the one open on the connection (taken now, while it is surely this one), on
          // PostgreSQL the one on this transaction's connection.
          const open = database.openTransaction?.();
          const direct = open ? undefined : await database.directIn?.(tx);
          if (open) runDirectlyOn(tx, (sql, args) => open.direct(sql, args));
          else if (direct) runDirectlyOn(tx, direct, true);
          if (batch.length === 1) {
            // Alone: no savepoint needed, its error rolls the transaction back as before.
            outcomes.push({ ok: true, value: await batch[0]!.fn(tx) });
            return;
          }
          const statement = open
            ? async (sql: string) => open.exec(sql)
            : direct
              ? async (sql: string) => void (await direct(sql, [], "changes"))
              : async (sql: string) => void (await tx.$executeRawUnsafe(sql));
          for (const entry of batch) {
            await statement(`SAVEPOINT ${SAVEPOINT}`);
            try {
              const value = await entry.fn(tx);
              await statement(`RELEASE SAVEPOINT ${SAVEPOINT}`);
              outcomes.push({ ok: true, value });
            } catch (error) {
              if (dbFaultOf(error)) throw error;
              await statement(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
              await statement(`RELEASE SAVEPOINT ${SAVEPOINT}`);
              outcomes.push({ ok: false, error });
            }
          }
        },
        { timeout, maxWait: timeout },
      );
    } catch (error) {
      // Nothing of the batch was stored: every turn fails (with its own error when it had one).
      batch.forEach((entry, i) => {
        const own = outcomes[i];
        entry.reject(own && !own.ok ? own.error : error);
      });
      return;
    }
    batch.forEach((entry, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) entry.resolve(outcome.value);
      else entry.reject(outcome.error);
    });
  }

  return {
    run<T>(fn: (tx: Tx) => Promise<T>, laneName = ""): Promise<T> {
      let lane = lanes.get(laneName);
      if (!lane) lanes.set(laneName, (lane = { queue: [], running: 0 }));
      const entered = lane;
      return new Promise<T>((resolve, reject) => {
        entered.queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
        pump(entered);
      });
    },
  };
}

const memos = new WeakMap<object, Map<string, Promise<unknown>>>();

/**
 * A read shared by every turn of one transaction (the same value for all of them: the transaction
 * sees one state of what no turn writes, like the quiz's question bank). Never for rows a turn writes.
 */
export function perTransaction<T>(tx: object, key: string, load: () => Promise<T>): Promise<T> {
  let memo = memos.get(tx);
  if (!memo) memos.set(tx, (memo = new Map()));
  let value = memo.get(key) as Promise<T> | undefined;
  if (!value) {
    value = load();
    memo.set(key, value);
    // A failed read is not kept: the next turn reads again.
    value.catch(() => memo.delete(key));
  }
  return value;
}
