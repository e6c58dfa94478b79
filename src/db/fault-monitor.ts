/**
 * What the database adapter saw lately, for /healthz: SQLite said the disk was full, or writes kept
 * finding the database locked by another process. A successful write clears both (taking the write lock clears the lock), so the health
 * check turns green by itself once the cause is gone.
 */
import { DbFaultError, dbFaultOf, isRollbackAfterFailedCommit, type DbFault } from "./db-fault.ts";

/** A lock seen for less than this is ordinary contention, not a fault worth a 503. */
const LOCK_GRACE_MS = 1_000;
/** Without a write attempted since, an old observation says nothing about now. */
const STALE_MS = 60_000;
/** Prisma reports a failed COMMIT (as a refused rollback) right after it happened. */
const COMMIT_ECHO_MS = 5_000;

export class DbFaultMonitor {
  #fullAt: number | undefined;
  #busySince: number | undefined;
  #busyAt: number | undefined;
  #commitFailed: { fault: DbFault; at: number } | undefined;
  /** Checks, without waiting and without writing, whether a write could start now (the SQLite adapter sets it). */
  probeWrite: (() => Promise<"ok" | "unknown" | DbFault>) | undefined;

  constructor(private readonly clock: () => number = Date.now) {}

  /** SQLite answered SQLITE_FULL. */
  noteFull(): void {
    this.#fullAt = this.clock();
  }

  /** A write found the database locked by someone else. */
  noteBusy(): void {
    const now = this.clock();
    this.#busySince ??= now;
    this.#busyAt = now;
  }

  /** The write lock was taken: no other process holds it now. */
  noteUnlocked(): void {
    this.#busySince = undefined;
    this.#busyAt = undefined;
  }

  /** A COMMIT was refused because of `fault` (the transaction was rolled back). */
  noteCommitFailed(fault: DbFault): void {
    this.#commitFailed = { fault, at: this.clock() };
  }

  /**
   * The error to show for `error`: a DbFaultError in place of Prisma's "rollback on a committed
   * transaction" when a COMMIT has just failed on a fault (see isRollbackAfterFailedCommit).
   */
  explain(error: unknown): unknown {
    if (dbFaultOf(error) || !isRollbackAfterFailedCommit(error)) return error;
    const failed = this.#commitFailed;
    if (!failed || this.clock() - failed.at > COMMIT_ECHO_MS) return error;
    const fault = new DbFaultError(failed.fault, failed.fault === "disk_full" ? "the database's disk is full (SQLITE_FULL): the write was not committed" : "the database is locked: the write was not committed");
    fault.cause = error;
    return fault;
  }

  /** A write was stored: the disk has room and the lock is free. */
  noteWritten(): void {
    this.#fullAt = undefined;
    this.noteUnlocked();
  }

  /** Faults seen recently and not yet cleared by a successful write. */
  current(): DbFault[] {
    const now = this.clock();
    const faults: DbFault[] = [];
    if (this.#fullAt !== undefined && now - this.#fullAt < STALE_MS) faults.push("disk_full");
    if (this.#busySince !== undefined && this.#busyAt !== undefined && this.#busyAt - this.#busySince >= LOCK_GRACE_MS && now - this.#busyAt < STALE_MS) {
      faults.push("database_locked");
    }
    return faults;
  }

  /** Seconds writes have been finding the database locked, if they have. */
  lockedForSeconds(): number | undefined {
    if (this.#busySince === undefined) return undefined;
    return Math.round((this.clock() - this.#busySince) / 1000);
  }
}
