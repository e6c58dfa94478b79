/**
 * PostgreSQL's side of the direct path in src/db/sql.ts: a raw statement runs on Prisma's own pg driver adapter (the
 * same pool, the same conversion of arguments and of values) without Prisma's client compiling it first. Outside
 * transactions it runs on the pool; inside a batch of turns (turn-batches.ts), on the connection of the batch's
 * transaction, found by its backend process id. Profiled under the quiz burst on PostgreSQL, Prisma's client and
 * its WebAssembly compiler took about a quarter of the service's CPU, the raw statements of the queues and of a
 * turn included.
 *
 * What a statement gives back is the driver's values, as on SQLite's direct path: integers of 8 bytes and sums as
 * text, dates as ISO text; read them with `int()` and `date()`.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import type { ArgType, SqlDriverAdapter, SqlDriverAdapterFactory, SqlQueryable, Transaction } from "@prisma/driver-adapter-utils";
import type { DirectResult } from "./serialized-sqlite.ts";

/** Arguments go as the adapter sends a raw query's: dates as UTC text, the rest as they are. */
const ANY: ArgType = { scalarType: "unknown", arity: "scalar" };

export type DirectRunner = (sql: string, args: readonly unknown[], want: "rows" | "changes") => Promise<DirectResult>;

export class DirectPgFactory implements SqlDriverAdapterFactory {
  readonly provider = "postgres" as const;
  readonly adapterName = "tinbao-direct-pg";
  readonly #inner: PrismaPg;
  #adapter: SqlDriverAdapter | undefined;
  /** The transactions open now, by their connection's backend process id. */
  readonly #open = new Map<number, Transaction>();

  constructor(url: string, max: number) {
    this.#inner = new PrismaPg({ connectionString: url, max });
  }

  async connect(): Promise<SqlDriverAdapter> {
    const adapter = await this.#inner.connect();
    const start = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (level) => {
      const tx = await start(level);
      const pid = (tx as unknown as { client?: { processID?: unknown } }).client?.processID;
      if (typeof pid !== "number") return tx;
      this.#open.set(pid, tx);
      const forget = () => {
        if (this.#open.get(pid) === tx) this.#open.delete(pid);
      };
      const commit = tx.commit.bind(tx);
      const rollback = tx.rollback.bind(tx);
      tx.commit = () => (forget(), commit());
      tx.rollback = () => (forget(), rollback());
      return tx;
    };
    this.#adapter = adapter;
    return adapter;
  }

  /** A statement outside any transaction, on the pool. */
  readonly direct: DirectRunner = (sql, args, want) => {
    if (!this.#adapter) return Promise.reject(new Error("the PostgreSQL database is not connected"));
    return run(this.#adapter, sql, args, want);
  };

  /** Statements on the open transaction whose connection is backend `pid` (SELECT pg_backend_pid() in it). */
  inTransaction(pid: number): DirectRunner | undefined {
    const tx = this.#open.get(pid);
    return tx && ((sql, args, want) => run(tx, sql, args, want));
  }
}

async function run(on: SqlQueryable, sql: string, args: readonly unknown[], want: "rows" | "changes"): Promise<DirectResult> {
  const query = { sql, args: [...args], argTypes: args.map(() => ANY) };
  if (want === "changes") return { rows: [], changes: await on.executeRaw(query).catch(explained) };
  const result = await on.queryRaw(query).catch(explained);
  const rows = result.rows.map((values) => {
    const row: Record<string, unknown> = {};
    result.columnNames.forEach((name, i) => (row[name] = values[i]));
    return row;
  });
  return { rows, changes: rows.length };
}

/**
 * The adapter's error names only a kind ("TableDoesNotExist"); PostgreSQL's own code and message go into the one
 * thrown, as Prisma's client would put them (an event's lastError, the logs).
 */
function explained(error: unknown): never {
  const cause = (error as { name?: string; cause?: Record<string, unknown> } | null)?.cause;
  if ((error as { name?: string } | null)?.name !== "DriverAdapterError" || !cause) throw error;
  const detail = typeof cause.originalMessage === "string" ? cause.originalMessage : JSON.stringify(cause);
  const code = typeof cause.originalCode === "string" ? ` ${cause.originalCode}` : "";
  throw new Error(`PostgreSQL${code}: ${String(cause.kind ?? "error")}: ${detail}`, { cause: error });
}
