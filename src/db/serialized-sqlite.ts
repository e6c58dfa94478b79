/**
 * SQLite through Prisma's better-sqlite3 adapter shares ONE connection. Without care, a query from
 * another request runs inside whatever interactive transaction is open on it, and is rolled back
 * with that transaction: a webhook stored and acknowledged could vanish. So statements outside a
 * transaction wait (in-process, bounded) until the open transaction ends.
 *
 * better-sqlite3 is synchronous: SQLite's own busy wait would freeze the whole event loop while
 * another process holds the write lock. So the busy timeout is tiny and every wait is ours, in
 * JavaScript: `BEGIN IMMEDIATE` and autocommit statements are retried on SQLITE_BUSY with timers,
 * releasing the in-process lock between tries so reads go on, up to `busyWaitMs`; then a
 * DbFaultError("database_locked").
 *
 * Transactions are begun, committed and rolled back here on the adapter's client (the adapter is
 * used only to run statements): its own startTransaction holds a mutex that only its commit() or
 * rollback() release, and Prisma skips those when its COMMIT statement fails (a full disk), which
 * hung every later query. Here the lock is released on every path: commit, failed commit (rolled
 * back), rollback, a rollback SQLite already did by itself, and Prisma's transaction timeout.
 */
import { setImmediate as nextTurn, setTimeout as sleep } from "node:timers/promises";
import type BetterSqlite3 from "better-sqlite3";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import {
  DriverAdapterError,
  type IsolationLevel,
  type SqlDriverAdapter,
  type SqlDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
  type Transaction,
  type TransactionOptions,
} from "@prisma/driver-adapter-utils";
import { DbFaultError, sqliteCodeOf, type DbFault } from "./db-fault.ts";
import { DbFaultMonitor } from "./fault-monitor.ts";
import { registerHashCounts } from "./sqlite-hash-counts.ts";
import { FALLBACK_CHECKPOINT_PAGES, startCheckpointer, type Checkpointer } from "./checkpointer.ts";

/** SQLite's own busy wait blocks the event loop: keep it to a few milliseconds, and wait in JavaScript. */
export const BUSY_TIMEOUT_MS = 5;
const PRAGMAS = `PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=${BUSY_TIMEOUT_MS}; PRAGMA foreign_keys=ON;`;
const WRITE = /^\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b/i;

export interface SerializedSqliteOptions {
  /** How long a statement or a transaction start waits for a lock before DbFaultError("database_locked"). */
  busyWaitMs: number;
  /** Told about full disks, locks and successful writes (for /healthz). */
  faults: DbFaultMonitor;
}

/** A FIFO in-process lock whose waits are bounded. */
class Lock {
  #held = false;
  #queue: ((release: () => void) => void)[] = [];

  /** Resolves with an idempotent release function, or rejects after `timeoutMs` in the queue. */
  acquire(timeoutMs: number): Promise<() => void> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const grant = (release: () => void) => {
        clearTimeout(timer);
        resolve(release);
      };
      const timer = setTimeout(() => {
        this.#queue = this.#queue.filter((g) => g !== grant);
        reject(new DbFaultError("database_locked", `waited ${timeoutMs} ms for a database transaction of this process to end`));
      }, Math.max(timeoutMs, 0));
      this.#queue.push(grant);
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#queue.shift();
      if (next) next(this.#releaser());
      else this.#held = false;
    };
  }
}

/**
 * Statements run directly on the connection inside the transaction that is open NOW (savepoints of
 * a batch of turns, src/db/turn-batches.ts), without a round through Prisma. Taken at the start of a
 * transaction's callback, when the open transaction is certainly the caller's; every statement then
 * checks that this very transaction is still open (after Prisma's timeout another could be).
 */
export interface OpenTransactionHandle {
  exec(sql: string): void;
  /** One statement with `?` arguments in this transaction: its rows (a reader, RETURNING included) or its changes. */
  direct(sql: string, args: readonly unknown[]): DirectResult;
}

/** What a statement run straight on the connection gives: rows for a reader, else the number of rows changed. */
export type DirectResult = { rows: Record<string, unknown>[]; changes: number };

/**
 * Arguments as Prisma's adapter writes them, so a value compares and reads back the same whichever wrote it:
 * a Date as ISO text with "+00:00", a boolean as 1/0.
 */
function sqliteArg(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString().replace("Z", "+00:00");
  if (typeof value === "boolean") return value ? 1 : 0;
  return value === undefined ? null : value;
}

function runDirect(client: BetterSqlite3.Database, sql: string, args: readonly unknown[]): DirectResult {
  const stmt = client.prepare(sql);
  const bound = args.map(sqliteArg);
  if (stmt.reader) {
    const rows = stmt.all(bound) as Record<string, unknown>[];
    return { rows, changes: rows.length };
  }
  return { rows: [], changes: stmt.run(bound).changes };
}

export class SerializedSqliteFactory implements SqlDriverAdapterFactory {
  readonly provider = "sqlite" as const;
  readonly adapterName = "tinbao-serialized-better-sqlite3";
  readonly #inner: PrismaBetterSQLite3;
  readonly #options: SerializedSqliteOptions;
  #adapter: SerializedSqlite | undefined;

  /** The transaction open on the connection now (see OpenTransactionHandle), or undefined. */
  openTransaction(): OpenTransactionHandle | undefined {
    return this.#adapter?.openTransaction();
  }

  /**
   * One statement outside any transaction, straight on the connection (src/db/sql.ts): the same in-process lock and
   * busy waits as a statement through Prisma, without Prisma's compile of it.
   */
  direct(sql: string, args: readonly unknown[]): Promise<DirectResult> {
    if (!this.#adapter) throw new Error("the SQLite database is not connected");
    return this.#adapter.direct(sql, args);
  }

  constructor(url: string, options: Partial<SerializedSqliteOptions> = {}) {
    this.#inner = new PrismaBetterSQLite3({ url, timeout: BUSY_TIMEOUT_MS });
    this.#options = { busyWaitMs: options.busyWaitMs ?? 10_000, faults: options.faults ?? new DbFaultMonitor() };
  }

  async connect(): Promise<SqlDriverAdapter> {
    const inner = await this.#inner.connect();
    const client = (inner as unknown as { client: BetterSqlite3.Database }).client;
    cachePreparedStatements(client);
    registerHashCounts(client);
    // Checkpoints off the event loop (checkpointer.ts); SQLite's own, rarer, stays as the fallback.
    let checkpointer: Checkpointer | undefined;
    const adapter = new SerializedSqlite(inner, client, this.#options, () => checkpointer?.stop());
    this.#adapter = adapter;
    await adapter.executeScript(PRAGMAS);
    if (!client.memory) {
      checkpointer = startCheckpointer(client.name, {
        onFailure: (error) => {
          client.pragma("wal_autocheckpoint = 1000");
          process.emitWarning(`SQLite checkpoints run on the event loop again: ${error.message}`);
        },
      });
      client.pragma(`wal_autocheckpoint = ${FALLBACK_CHECKPOINT_PAGES}`);
    }
    this.#options.faults.probeWrite = () => adapter.probeWrite();
    return adapter;
  }
}

export type ProbeResult = "ok" | "unknown" | DbFault;

/** Distinct statements kept prepared (Prisma writes the same few dozen again and again; IN lists vary in length). */
export const STATEMENT_CACHE_SIZE = 500;

/**
 * Prisma's adapter prepares every statement anew (`client.prepare(sql).bind(args)`), and preparing costs about as
 * much as running a short one. Here `prepare` hands out the statement prepared before for the same SQL (least
 * recently used dropped past STATEMENT_CACHE_SIZE). A better-sqlite3 statement can be bound only once, so what is
 * handed out binds per call instead: `bind(args)` gives an object whose run/all/raw run the cached statement with
 * those arguments. Statements run synchronously, one at a time, so sharing one is safe.
 */
function cachePreparedStatements(client: BetterSqlite3.Database): void {
  const prepare = client.prepare.bind(client);
  const cache = new Map<string, BetterSqlite3.Statement>();
  const boundTo = (stmt: BetterSqlite3.Statement, args: unknown[]) => ({
    reader: stmt.reader,
    columns: () => stmt.columns(),
    run: () => stmt.run(args),
    all: () => stmt.raw(false).all(args),
    raw: (on = true) => ({ all: () => stmt.raw(on).all(args) }),
  });
  client.prepare = ((sql: string) => {
    let stmt = cache.get(sql);
    if (stmt) cache.delete(sql);
    else stmt = prepare(sql);
    cache.set(sql, stmt);
    if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    const prepared = stmt;
    return {
      reader: prepared.reader,
      bind: (...args: unknown[]) => boundTo(prepared, args.length === 1 && Array.isArray(args[0]) ? args[0] : args),
      run: (...args: unknown[]) => prepared.run(...args),
      get: (...args: unknown[]) => prepared.raw(false).get(...args),
      all: (...args: unknown[]) => prepared.raw(false).all(...args),
      columns: () => prepared.columns(),
    };
  }) as unknown as typeof client.prepare;
}

/** Retry delays while another process holds the lock: short at first, then every 100 ms. */
const retryDelay = (attempt: number) => Math.min(100, 5 * 2 ** attempt);

class SerializedSqlite implements SqlDriverAdapter {
  readonly provider = "sqlite" as const;
  readonly adapterName: string;
  readonly #lock = new Lock();
  #open: SqliteTransaction | undefined;

  constructor(
    private readonly inner: SqlDriverAdapter,
    private readonly client: BetterSqlite3.Database,
    private readonly options: SerializedSqliteOptions,
    private readonly beforeDispose: () => Promise<void> | undefined = () => undefined,
  ) {
    this.adapterName = inner.adapterName;
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.#autocommit(() => this.inner.queryRaw(query), WRITE.test(query.sql));
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.#autocommit(() => this.inner.executeRaw(query), WRITE.test(query.sql));
  }

  executeScript(script: string): Promise<void> {
    return this.#autocommit(() => this.inner.executeScript(script), true);
  }

  getConnectionInfo() {
    return this.inner.getConnectionInfo?.() ?? { supportsRelationJoins: false };
  }

  async dispose(): Promise<void> {
    await this.beforeDispose();
    return this.inner.dispose();
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    if (isolationLevel && isolationLevel !== "SERIALIZABLE") {
      throw new DriverAdapterError({ kind: "InvalidIsolationLevel", level: isolationLevel });
    }
    // Without this, a worker going through a backlog would chain transactions in microtasks and
    // never let the server answer a request (or /healthz).
    await nextTurn();
    const { release } = await this.#whenFree(() => this.client.prepare("BEGIN IMMEDIATE").run(), true);
    const transaction: SqliteTransaction = new SqliteTransaction(this.inner, this.client, this.options.faults, () => {
      if (this.#open === transaction) this.#open = undefined;
      release();
    });
    this.#open = transaction;
    return transaction;
  }

  openTransaction(): OpenTransactionHandle | undefined {
    const transaction = this.#open;
    if (!transaction) return undefined;
    return { exec: (sql) => transaction.exec(sql), direct: (sql, args) => transaction.direct(sql, args) };
  }

  direct(sql: string, args: readonly unknown[]): Promise<DirectResult> {
    return this.#autocommit(async () => runDirect(this.client, sql, args), WRITE.test(sql));
  }

  /**
   * Whether a write could start now, without waiting and without writing (/healthz): takes and
   * gives back the write lock. "unknown" while a transaction of this process holds the connection.
   */
  async probeWrite(): Promise<ProbeResult> {
    const release = await this.#lock.acquire(500).catch(() => undefined);
    if (!release) return "unknown";
    try {
      this.client.prepare("BEGIN IMMEDIATE").run();
      this.client.prepare("ROLLBACK").run();
      this.options.faults.noteUnlocked();
      return "ok";
    } catch (e) {
      const code = sqliteCodeOf(e) ?? "";
      if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
        this.options.faults.noteBusy();
        return "database_locked";
      }
      if (code.startsWith("SQLITE_FULL")) return "disk_full";
      throw e;
    } finally {
      try {
        if (this.client.inTransaction) this.client.prepare("ROLLBACK").run();
      } finally {
        release();
      }
    }
  }

  /** One statement outside a transaction: waits for the in-process lock, retries SQLITE_BUSY on timers. */
  async #autocommit<T>(run: () => Promise<T>, write: boolean): Promise<T> {
    const { value, release } = await this.#whenFree(run, write);
    release();
    if (write) this.options.faults.noteWritten();
    return value;
  }

  /**
   * Takes the in-process lock and runs `attempt`; on SQLITE_BUSY releases the lock, waits, and tries
   * again until `busyWaitMs` ran out. Resolves with the lock still held, and its release function.
   */
  async #whenFree<T>(attempt: () => T | Promise<T>, write: boolean): Promise<{ value: T; release: () => void }> {
    const { busyWaitMs, faults } = this.options;
    const deadline = Date.now() + busyWaitMs;
    for (let tries = 0; ; tries++) {
      const release = await this.#lock.acquire(deadline - Date.now());
      try {
        const value = await attempt();
        // A read succeeds under another process's write lock (WAL): only a write says the lock is gone.
        if (write) faults.noteUnlocked();
        return { value, release };
      } catch (e) {
        release();
        const code = sqliteCodeOf(e) ?? "";
        if (code.startsWith("SQLITE_FULL")) {
          faults.noteFull();
          throw new DbFaultError("disk_full", "the database's disk is full (SQLITE_FULL)");
        }
        if (!code.startsWith("SQLITE_BUSY") && !code.startsWith("SQLITE_LOCKED")) throw e;
        faults.noteBusy();
      }
      if (Date.now() + retryDelay(tries) > deadline) {
        throw new DbFaultError("database_locked", `the database stayed locked by another process for ${busyWaitMs} ms`);
      }
      await sleep(retryDelay(tries));
    }
  }
}

/**
 * An interactive transaction on the shared connection, holding the in-process lock from BEGIN
 * IMMEDIATE until it ends. Prisma calls commit() or rollback() directly (`usePhantomQuery`), and
 * its transaction timeout calls rollback(), so the lock cannot outlive the transaction.
 */
class SqliteTransaction implements Transaction {
  readonly provider = "sqlite" as const;
  readonly adapterName: string;
  readonly options: TransactionOptions = { usePhantomQuery: true };
  #closed = false;

  constructor(
    private readonly inner: SqlDriverAdapter,
    private readonly client: BetterSqlite3.Database,
    private readonly faults: DbFaultMonitor,
    private readonly release: () => void,
  ) {
    this.adapterName = inner.adapterName;
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.#run(() => this.inner.queryRaw(query));
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.#run(() => this.inner.executeRaw(query));
  }

  /** A statement on the connection within this transaction (savepoints); refused once it has ended. */
  exec(sql: string): void {
    this.direct(sql, []);
  }

  /** A statement with arguments within this transaction (src/db/sql.ts); refused once it has ended. */
  direct(sql: string, args: readonly unknown[]): DirectResult {
    if (this.#closed || !this.client.inTransaction) {
      throw new DriverAdapterError({ kind: "TransactionAlreadyClosed", cause: "the transaction has ended" });
    }
    try {
      return runDirect(this.client, sql, args);
    } catch (e) {
      throw this.#fault(e);
    }
  }

  async commit(): Promise<void> {
    if (this.#closed) return;
    try {
      this.client.prepare("COMMIT").run();
      this.faults.noteWritten();
    } catch (e) {
      // A COMMIT refused (full disk) leaves the transaction open or already undone: undo it for sure.
      this.#rollbackQuietly();
      const error = this.#fault(e);
      if (error instanceof DbFaultError) this.faults.noteCommitFailed(error.fault);
      throw error;
    } finally {
      this.#close();
    }
  }

  async rollback(): Promise<void> {
    if (this.#closed) return;
    try {
      this.#rollbackQuietly();
    } finally {
      this.#close();
    }
  }

  async #run<T>(statement: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new DriverAdapterError({ kind: "TransactionAlreadyClosed", cause: "the transaction has ended" });
    if (!this.client.inTransaction) {
      // SQLite undoes a transaction by itself after some errors (SQLITE_FULL, I/O): a statement run
      // now would be committed on its own, outside the transaction it belongs to.
      throw new DriverAdapterError({ kind: "TransactionAlreadyClosed", cause: "SQLite rolled the transaction back after an error" });
    }
    try {
      return await statement();
    } catch (e) {
      throw this.#fault(e);
    }
  }

  #rollbackQuietly(): void {
    try {
      if (this.client.inTransaction) this.client.prepare("ROLLBACK").run();
    } catch {
      // Nothing left to undo, or nothing more we can do: the lock is released either way.
    }
  }

  /** A full disk becomes a DbFaultError (and is noted for /healthz); other errors pass unchanged. */
  #fault(e: unknown): unknown {
    const code = sqliteCodeOf(e) ?? "";
    if (code.startsWith("SQLITE_FULL")) {
      this.faults.noteFull();
      return new DbFaultError("disk_full", "the database's disk is full (SQLITE_FULL)");
    }
    if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
      this.faults.noteBusy();
      return new DbFaultError("database_locked", "the database is locked by another process");
    }
    return e;
  }

  #close(): void {
    this.#closed = true;
    this.release();
  }
}
