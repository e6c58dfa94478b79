/**
 * Opens the database: SQLite (embedded default) or PostgreSQL, chosen by DATABASE_URL.
 * Both generated clients have the same model shapes; the rest of the code sees one `Db` type.
 */
import type { PrismaClient as SqliteClient } from "./generated/sqlite/client.ts";
import { sqlitePath, type Dialect } from "../config.ts";
import { ensurePrivateSqliteFile } from "../security/private-files.ts";
import { DbFaultMonitor } from "./fault-monitor.ts";
import { SerializedSqliteFactory, type OpenTransactionHandle } from "./serialized-sqlite.ts";
import { int, query, runDirectlyOn, sql } from "./sql.ts";
import { DirectPgFactory, type DirectRunner } from "./direct-pg.ts";

export type Db = SqliteClient;
export type Tx = Omit<Db, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

export interface Database {
  db: Db;
  dialect: Dialect;
  /** Full disk and lock faults the SQLite adapter saw (always clear on PostgreSQL), for /healthz. */
  faults: DbFaultMonitor;
  /**
   * SQLite: the transaction open on the connection now, to run a batch's savepoints and raw statements on it
   * directly (turn-batches.ts).
   */
  openTransaction?(): OpenTransactionHandle | undefined;
  /** PostgreSQL: the same for the transaction `tx` (its connection found by its backend process id). */
  directIn?(tx: Tx): Promise<DirectRunner | undefined>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** SQLite: how long a write waits for another process's lock (SQLITE_BUSY_WAIT_MS). */
  busyWaitMs?: number;
}

export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Database> {
  const faults = new DbFaultMonitor();
  if (url.startsWith("file:")) {
    const file = sqlitePath(url);
    ensurePrivateSqliteFile(file);
    const { PrismaClient } = await import("./generated/sqlite/client.ts");
    const factory = new SerializedSqliteFactory(`file:${file}`, { busyWaitMs: options.busyWaitMs, faults });
    const client = new PrismaClient({ adapter: factory });
    await client.$connect();
    // Every query's error goes through the monitor, which names a full disk that Prisma's own
    // implicit transactions would report as "Transaction already closed".
    const db = client.$extends({
      query: {
        async $allOperations({ args, query }) {
          try {
            return await query(args);
          } catch (e) {
            throw faults.explain(e);
          }
        },
      },
    }) as unknown as Db;
    runDirectlyOn(db, (sql, args) => factory.direct(sql, args).catch((e: unknown) => Promise.reject(faults.explain(e))));
    return { db, dialect: "sqlite", faults, openTransaction: () => factory.openTransaction(), close: () => client.$disconnect() };
  }
  const { PrismaClient } = await import("./generated/postgresql/client.ts");
  const adapter = new DirectPgFactory(url, 10);
  const db = new PrismaClient({ adapter }) as unknown as Db;
  await db.$connect();
  runDirectlyOn(db, adapter.direct, true);
  const directIn = async (tx: Tx) => {
    const [row] = await query<{ pid: unknown }>(tx, sql`SELECT pg_backend_pid() AS "pid"`);
    return adapter.inTransaction(int(row?.pid));
  };
  return { db, dialect: "postgresql", faults, directIn, close: () => db.$disconnect() };
}
