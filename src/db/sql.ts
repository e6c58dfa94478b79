/**
 * Raw SQL for the hot paths (the inbox and outbox queues, a conversation turn). Prisma compiles every model query
 * in WebAssembly before it runs it: about 0.3–0.6 ms of CPU per query against 0.08–0.14 ms for the same statement
 * as `$queryRaw` (measured on SQLite, findUnique 490 µs, updateMany 340 µs, $queryRaw 93 µs). A quiz turn made
 * ~20 queries, so that was most of its cost at festival scale (issue 12). Even `$queryRaw` goes through the
 * compiler: `query()`/`execute()` below run the statement straight on the driver where they can, outside transactions
 * and inside a batch of turns (on SQLite on the connection, with the same lock and busy waits; on PostgreSQL on
 * Prisma's pg adapter, direct-pg.ts), and through `$queryRaw` otherwise (other transactions). Elsewhere the model API
 * stays: it is typed and the code reads better.
 *
 * Statements are written with `sql` (Prisma's tagged template: `?` placeholders, `$1`… on PostgreSQL) and
 * double-quoted names, so one text runs on SQLite and PostgreSQL. Read values with `int()` and `date()`: integers
 * may come back as bigint and dates as text, depending on the path.
 */
import type { Sql } from "@prisma/client/runtime/client";
import type { DirectResult } from "./serialized-sqlite.ts";
export { empty, join, raw, sqltag as sql } from "@prisma/client/runtime/client";

/** Runs a statement; `want` says whether its rows or its count of changed rows are read (PostgreSQL needs to know). */
type Runner = (sql: string, args: readonly unknown[], want: "rows" | "changes") => DirectResult | Promise<DirectResult>;
interface QueryClient {
  $queryRaw<T = unknown>(query: Sql): PromiseLike<T>;
}
interface ExecuteClient {
  $executeRaw(query: Sql): PromiseLike<number>;
}

const runners = new WeakMap<object, { runner: Runner; numbered: boolean }>();

/**
 * Lets `query()`/`execute()` on this client or transaction run statements straight on the driver: with `?`
 * placeholders (SQLite), or `$1`, `$2`… (`numbered`, PostgreSQL).
 */
export function runDirectlyOn(client: object, runner: Runner, numbered = false): void {
  runners.set(client, { runner, numbered });
}

/** The rows of a statement (a SELECT, or a write with RETURNING). */
export async function query<T = Record<string, unknown>>(db: QueryClient, statement: Sql): Promise<T[]> {
  const direct = runners.get(db);
  if (direct) return (await direct.runner(direct.numbered ? statement.text : statement.sql, statement.values, "rows")).rows as T[];
  return db.$queryRaw<T[]>(statement);
}

/** The number of rows a statement changed. */
export async function execute(db: ExecuteClient, statement: Sql): Promise<number> {
  const direct = runners.get(db);
  if (direct) return (await direct.runner(direct.numbered ? statement.text : statement.sql, statement.values, "changes")).changes;
  return db.$executeRaw(statement);
}


/** A number from a raw row (bigint on some drivers). */
export function int(value: unknown): number {
  return typeof value === "bigint" ? Number(value) : Number(value ?? 0);
}

/** A date from a raw row (both drivers give Date; a string or number is parsed, null stays null). */
export function date(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(value as string | number);
}
