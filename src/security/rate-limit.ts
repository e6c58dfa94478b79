/**
 * Counters for everything a stranger can repeat: logins, follow-up secrets, new web chat visitors,
 * upload bytes. One row per scope in `RateLimit`, shared by every process. A hit is counted in one
 * transaction that holds the row (PostgreSQL `FOR UPDATE`; SQLite transactions are exclusive), so
 * 400 parallel attempts get exactly `limit` through, whatever the number of processes.
 *
 * A rule with `blockMs` blocks the scope once the limit is passed, each block twice as long as the
 * one before (up to `maxBlockMs`): a patient attacker gets slower and slower. Without it the scope
 * simply waits for its window to end (quotas such as bytes per hour).
 *
 * @example
 *   const r = await hitLimit(ctx, limitKey(ctx, "login:address", ip), { limit: 20, windowMs: 15 * 60_000, blockMs: 15 * 60_000 });
 *   if (!r.allowed) throw new AppError("too_many_requests", `… thử lại sau ${minutesUntil(r.retryAt)} phút`);
 */
import type { AppContext } from "../context.ts";
import type { Tx } from "../db/client.ts";
import type { Dialect } from "../config.ts";

export interface LimitRule {
  /** Hits (or cost units) allowed per window. */
  limit: number;
  windowMs: number;
  /** Passing the limit blocks the scope this long, doubling with each block; omitted: wait for the window. */
  blockMs?: number;
  /** Longest block (default 24 h). Strikes are forgotten after a quiet period this long. */
  maxBlockMs?: number;
  /** Start the block as soon as a hit reaches the limit (that hit is still allowed): "5 wrong, then locked". */
  blockAtLimit?: boolean;
}

export interface LimitResult {
  allowed: boolean;
  /** Counted in the current window (after this hit when allowed). */
  count: number;
  remaining: number;
  /** When a refused caller may try again. */
  retryAt?: Date;
  /** This hit started a block (the caller may want to tell someone: a timeline event, a log line). */
  blockStarted: boolean;
  /** Blocks so far (1 for the first). */
  strikes: number;
}

type Ctx = Pick<AppContext, "db" | "vault" | "now" | "config">;

interface Row {
  count: number;
  windowStart: Date;
  blockedUntil: Date | null;
  strikes: number;
  updatedAt: Date;
}

const DAY_MS = 24 * 3600_000;

/** A scope key that never stores the subject (an address, a username, a code) in clear. */
export function limitKey(ctx: Pick<AppContext, "vault">, scope: string, ...subject: string[]): string {
  return `${scope}:${ctx.vault.hash(`rate-limit:${scope}:${subject.join("\u0000")}`)}`;
}

/** Counts `cost` against the scope and says whether it is allowed. Refused hits are not counted. */
export async function hitLimit(ctx: Ctx, key: string, rule: LimitRule, cost = 1): Promise<LimitResult> {
  return ctx.db.$transaction((tx) => hitLimitIn(tx, ctx.config.dialect, key, rule, ctx.now(), cost), HIT_WAIT);
}

/**
 * `hitLimit` inside a transaction the caller already holds (a conversation turn): the count commits or
 * rolls back with the rest of the turn. On SQLite never call `hitLimit` from inside a transaction.
 */
export async function hitLimitIn(tx: Tx, dialect: Dialect, key: string, rule: LimitRule, now: Date, cost = 1): Promise<LimitResult> {
  const row = await lockRow(dialect, tx, key, now);
  const state = current(row, rule, now);
  if (state.blockedUntil && state.blockedUntil > now) {
    return { allowed: false, count: state.count, remaining: 0, retryAt: state.blockedUntil, blockStarted: false, strikes: state.strikes };
  }
  const count = state.count + cost;
  if (count < rule.limit || (count === rule.limit && !(rule.blockAtLimit && rule.blockMs))) {
    await save(tx, key, { ...state, count, updatedAt: now });
    return { allowed: true, count, remaining: rule.limit - count, blockStarted: false, strikes: state.strikes };
  }
  if (!rule.blockMs) {
    await save(tx, key, { ...state, updatedAt: now });
    const retryAt = new Date(state.windowStart.getTime() + rule.windowMs);
    return { allowed: false, count: state.count, remaining: Math.max(0, rule.limit - state.count), retryAt, blockStarted: false, strikes: state.strikes };
  }
  const strikes = state.strikes + 1;
  const blockMs = Math.min(rule.maxBlockMs ?? DAY_MS, rule.blockMs * 2 ** (strikes - 1));
  const blockedUntil = new Date(now.getTime() + blockMs);
  await save(tx, key, { count: 0, windowStart: now, blockedUntil, strikes, updatedAt: now });
  // With blockAtLimit the hit that reaches the limit still counts (it is evaluated), and the block starts with it.
  const allowed = count === rule.limit;
  return { allowed, count, remaining: 0, retryAt: blockedUntil, blockStarted: true, strikes };
}

/**
 * Hundreds of hits at once queue for one row (and, on PostgreSQL, for the pool's 10 connections):
 * Prisma's default 2 s wait to start a transaction turned a busy burst into 500s.
 */
const HIT_WAIT = { maxWait: 30_000, timeout: 10_000 };

/** Whether the scope would refuse a hit of `cost` now (no counting). */
export async function peekLimit(ctx: Ctx, key: string, rule: LimitRule, cost = 1): Promise<LimitResult> {
  const now = ctx.now();
  const row = await ctx.db.rateLimit.findUnique({ where: { key } });
  const state = current(row, rule, now);
  if (state.blockedUntil && state.blockedUntil > now) {
    return { allowed: false, count: state.count, remaining: 0, retryAt: state.blockedUntil, blockStarted: false, strikes: state.strikes };
  }
  const allowed = state.count + cost <= rule.limit;
  return {
    allowed,
    count: state.count,
    remaining: Math.max(0, rule.limit - state.count),
    retryAt: allowed ? undefined : new Date(state.windowStart.getTime() + rule.windowMs),
    blockStarted: false,
    strikes: state.strikes,
  };
}

/** Forgets the scope (a successful login clears the failures of its account and address). */
export async function resetLimit(ctx: { db: Pick<Tx, "rateLimit"> }, key: string): Promise<void> {
  await ctx.db.rateLimit.deleteMany({ where: { key } });
}

/**
 * Gives back `cost` counted by an allowed hit that turned out harmless (a login that succeeded
 * does not count against its address). One conditional update: never below zero, never lifts a block.
 */
export async function refundLimit(ctx: Pick<AppContext, "db">, key: string, cost = 1): Promise<void> {
  await ctx.db.rateLimit.updateMany({ where: { key, count: { gte: cost } }, data: { count: { decrement: cost } } });
}

/**
 * Forgets the scope's count and strikes if nothing was counted since the allowed hit that returned
 * `count`: a successful login clears its own failures, but not tries that are still in flight
 * (100 guesses at once with the right one among them still check at most `limit`). One
 * conditional update; a running block started since then stays.
 */
export async function releaseLimit(ctx: Pick<AppContext, "db">, key: string, count: number): Promise<void> {
  await ctx.db.rateLimit.updateMany({ where: { key, count }, data: { count: 0, strikes: 0 } });
}

/** Removes counters nobody has touched for `olderThanMs` and that block nothing (run periodically). */
export async function pruneLimits(ctx: Pick<AppContext, "db" | "now">, olderThanMs = 2 * DAY_MS): Promise<number> {
  const before = new Date(ctx.now().getTime() - olderThanMs);
  const { count } = await ctx.db.rateLimit.deleteMany({
    where: { updatedAt: { lt: before }, OR: [{ blockedUntil: null }, { blockedUntil: { lt: ctx.now() } }] },
  });
  return count;
}

/** Whole minutes until `at` (at least 1), for messages people read. */
export function minutesUntil(at: Date | undefined, now: Date): number {
  if (!at) return 1;
  return Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 60_000));
}

/** The row as it stands now: a window that ended starts again; strikes are forgotten after a quiet day. */
function current(row: Row | null, rule: LimitRule, now: Date): Row {
  if (!row) return { count: 0, windowStart: now, blockedUntil: null, strikes: 0, updatedAt: now };
  const quiet = now.getTime() - Math.max(row.updatedAt.getTime(), row.blockedUntil?.getTime() ?? 0) > (rule.maxBlockMs ?? DAY_MS);
  const windowOver = row.windowStart.getTime() + rule.windowMs <= now.getTime();
  return {
    count: windowOver ? 0 : row.count,
    windowStart: windowOver ? now : row.windowStart,
    blockedUntil: row.blockedUntil,
    strikes: quiet ? 0 : row.strikes,
    updatedAt: row.updatedAt,
  };
}

/** Makes sure the row exists, then holds it until the transaction ends. */
async function lockRow(dialect: Dialect, tx: Tx, key: string, now: Date): Promise<Row | null> {
  await tx.$executeRaw`
    INSERT INTO "RateLimit" ("key", "count", "windowStart", "strikes", "updatedAt")
    VALUES (${key}, 0, ${now}, 0, ${now})
    ON CONFLICT ("key") DO NOTHING`;
  if (dialect === "postgresql") {
    await tx.$executeRaw`SELECT 1 FROM "RateLimit" WHERE "key" = ${key} FOR UPDATE`;
  }
  return tx.rateLimit.findUnique({ where: { key } });
}

async function save(tx: Tx, key: string, row: Row): Promise<void> {
  await tx.rateLimit.update({ where: { key }, data: row });
}
