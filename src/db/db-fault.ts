/**
 * Faults of the infrastructure, not of the work: the disk is full, or the database is locked by
 * someone else. They say nothing about the event or request being handled, so the inbox retries
 * them soon without spending an attempt, and HTTP answers 503 (the client retries).
 */

export type DbFault = "disk_full" | "database_locked";

/** Thrown by the SQLite adapter; Prisma passes it on as is, or as a known error carrying `code`. */
export class DbFaultError extends Error {
  override name = "DbFaultError";
  /** SQLite's own code, so Prisma's known-error wrapper keeps it readable (`error.code`). */
  readonly code: "SQLITE_FULL" | "SQLITE_BUSY";
  constructor(
    readonly fault: DbFault,
    message: string,
  ) {
    super(message);
    this.code = fault === "disk_full" ? "SQLITE_FULL" : "SQLITE_BUSY";
  }
}

const BUSY = /^SQLITE_(BUSY|LOCKED)/;
const FULL = /^SQLITE_FULL/;
/** Node's file-system errors when the disk (or the user's quota) is full. */
const NO_SPACE = new Set(["ENOSPC", "EDQUOT"]);
/** PostgreSQL: disk_full (53100), out of memory (53200) is not ours to retry quickly. */
const PG_DISK_FULL = "53100";

/**
 * Which infrastructure fault an error is, if any: walks Prisma's wrappers (`code`, `cause`,
 * `meta.driverAdapterError`) for SQLite, PostgreSQL and file-system codes. A plain Error whose
 * message merely mentions a lock is not one: only codes count.
 *
 * @example dbFaultOf(await db.tip.create(...).catch((e) => e)) // "disk_full"
 */
export function dbFaultOf(error: unknown): DbFault | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length) {
    const e = queue.shift() as Record<string, unknown> | null | undefined;
    if (!e || typeof e !== "object" || seen.has(e)) continue;
    seen.add(e);
    if (e instanceof DbFaultError) return e.fault;
    if (typeof e.message === "string" && /^Unable to start a transaction in the given time/.test(e.message)) return "database_locked";
    for (const code of [e.code, e.originalCode]) {
      if (typeof code !== "string") continue;
      if (FULL.test(code) || NO_SPACE.has(code) || code === PG_DISK_FULL) return "disk_full";
      if (BUSY.test(code)) return "database_locked";
    }
    queue.push(e.cause, (e.meta as Record<string, unknown> | undefined)?.driverAdapterError);
  }
  return undefined;
}

/** SQLite's result code of a driver error (better-sqlite3's SqliteError or the adapter's wrapper). */
export function sqliteCodeOf(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: { originalCode?: unknown } } | null;
  if (typeof e?.code === "string" && e.code.startsWith("SQLITE_")) return e.code;
  const original = e?.cause?.originalCode;
  return typeof original === "string" ? original : undefined;
}

/**
 * Prisma's error when it tried to roll back a transaction whose COMMIT had just failed: inside its
 * implicit transactions (updateMany, nested writes) this error replaces the COMMIT's own, so a full
 * disk would read as a Prisma bug. DbFaultMonitor.explain() puts the real cause back.
 */
export function isRollbackAfterFailedCommit(error: unknown): boolean {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === "string" && message.includes("A rollback cannot be executed on a committed transaction");
}
