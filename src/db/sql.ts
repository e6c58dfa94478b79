/**
 * Raw SQL for the hot paths (the inbox and outbox queues, a conversation turn). Prisma compiles every model query
 * in WebAssembly before it runs it: about 0.3–0.6 ms of CPU per query against 0.08–0.14 ms for the same statement
 * as `$queryRaw` (measured on SQLite, findUnique 490 µs, updateMany 340 µs, $queryRaw 93 µs). A quiz turn made
 * ~20 queries, so that was most of its cost at festival scale (issue 12). Elsewhere the model API stays: it is
 * typed and the code reads better.
 *
 * Statements here use Prisma's tagged template (its placeholders per dialect and its encoding of dates, the same as
 * the model API writes) and double-quoted names, so one text runs on SQLite and PostgreSQL. Integers may come back
 * as bigint (SQLite counts, PostgreSQL COUNT/SUM): read them with `int()`.
 */
export { join, raw, sqltag as sql } from "@prisma/client/runtime/client";

/** A number from a raw row (bigint on some drivers). */
export function int(value: unknown): number {
  return typeof value === "bigint" ? Number(value) : Number(value ?? 0);
}

/** A date from a raw row (both drivers give Date; a string or number is parsed, null stays null). */
export function date(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(value as string | number);
}
