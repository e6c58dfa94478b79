/**
 * SQLite through Prisma's better-sqlite3 adapter shares ONE connection. Without care, a query
 * from another request runs inside whatever interactive transaction is open on it, and is rolled
 * back with that transaction: a webhook stored and acknowledged could vanish. This adapter makes
 * statements outside a transaction wait until the open transaction ends, and sets the pragmas
 * the service relies on (WAL, busy timeout, foreign keys), and yields to the event loop before each
 * transaction so HTTP requests are answered while workers are busy.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type {
  IsolationLevel,
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  Transaction,
} from "@prisma/driver-adapter-utils";

class Lock {
  #tail: Promise<void> = Promise.resolve();
  /** Resolves with a release function once every earlier holder has released. */
  acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const ready = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => next);
    return ready;
  }
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

const PRAGMAS = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;";

export class SerializedSqliteFactory implements SqlDriverAdapterFactory {
  readonly provider = "sqlite" as const;
  readonly adapterName = "tinbao-serialized-better-sqlite3";
  readonly #inner: PrismaBetterSQLite3;

  constructor(url: string) {
    this.#inner = new PrismaBetterSQLite3({ url, timeout: 10_000 });
  }

  async connect(): Promise<SqlDriverAdapter> {
    const inner = await this.#inner.connect();
    await inner.executeScript(PRAGMAS);
    return serialize(inner);
  }
}

function serialize(inner: SqlDriverAdapter): SqlDriverAdapter {
  const lock = new Lock();
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: (q: SqlQuery) => lock.run(() => inner.queryRaw(q)),
    executeRaw: (q: SqlQuery) => lock.run(() => inner.executeRaw(q)),
    executeScript: (script: string) => lock.run(() => inner.executeScript(script)),
    getConnectionInfo: inner.getConnectionInfo?.bind(inner),
    dispose: () => inner.dispose(),
    async startTransaction(level?: IsolationLevel): Promise<Transaction> {
      // better-sqlite3 answers synchronously: without this, a worker going through a backlog would
      // chain transactions in microtasks and never let the server answer a request (or /healthz).
      await nextTurn();
      const release = await lock.acquire();
      try {
        const tx = await inner.startTransaction(level);
        return {
          provider: tx.provider,
          adapterName: tx.adapterName,
          options: tx.options,
          queryRaw: (q) => tx.queryRaw(q),
          executeRaw: (q) => tx.executeRaw(q),
          commit: () => tx.commit().finally(release),
          rollback: () => tx.rollback().finally(release),
        };
      } catch (e) {
        release();
        throw e;
      }
    },
  };
}
