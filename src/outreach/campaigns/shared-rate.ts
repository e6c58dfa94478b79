/**
 * One send rate per channel's bulk lane, shared by every process: a row holds the next free slot (µs since
 * the epoch). A sender reserves n slots in one statement and sends each at its slot, so N processes together
 * keep the platform's rate (Telegram ~30 messages/s per bot) instead of N times it. Replies to residents do
 * not wait for it: on PostgreSQL the outbox only pushes the next slot on, so campaign traffic yields to them (on
 * SQLite, one process, the lane sees the replies in the bot's window: src/channels/send-window.ts).
 *
 * @example const first = await reserveSlots(db, "telegram", 10, 33_334n, now) // slots first, first+33 334 µs, …
 */
import type { Tx } from "../../db/client.ts";
import { execute, query, sql } from "../../db/sql.ts";

const us = (ms: number) => BigInt(Math.round(ms * 1000));

/** Reserves `n` consecutive slots `intervalUs` apart; answers when the first one is (ms since the epoch). */
export async function reserveSlots(tx: Tx, key: string, n: number, intervalUs: bigint, nowMs: number): Promise<number> {
  const now = us(nowMs);
  const span = BigInt(n) * intervalUs;
  const take = sql`
    UPDATE "SendRate" SET "nextAt" = (CASE WHEN "nextAt" > ${now} THEN "nextAt" ELSE ${now} END) + ${span}
    WHERE "key" = ${key} RETURNING "nextAt"`;
  let rows = await query<{ nextAt: bigint | number }>(tx, take);
  if (!rows[0]) {
    // The lane's first reservation ever.
    await execute(tx, sql`INSERT INTO "SendRate" ("key", "nextAt") VALUES (${key}, ${now}) ON CONFLICT ("key") DO NOTHING`);
    rows = await query<{ nextAt: bigint | number }>(tx, take);
  }
  const next = BigInt(rows[0]!.nextAt);
  return Number(next - span) / 1000;
}

/** Nothing may go on this lane before `untilMs` (Telegram's retry_after), nor for `n` slots after a reply went. */
export async function pushSlots(tx: Tx, key: string, untilMs: number): Promise<void> {
  const until = us(untilMs);
  await tx.$executeRaw`INSERT INTO "SendRate" ("key", "nextAt") VALUES (${key}, ${until}) ON CONFLICT ("key") DO NOTHING`;
  await tx.$executeRaw`UPDATE "SendRate" SET "nextAt" = ${until} WHERE "key" = ${key} AND "nextAt" < ${until}`;
}

/**
 * A message sent outside the lane (a reply) used one of the platform's slots: while the lane is busy, its next
 * free slot moves on by one. One statement, a no-op when no campaign is sending.
 */
export async function yieldOneSlot(tx: Tx, key: string, intervalUs: bigint, nowMs: number): Promise<void> {
  await execute(tx, sql`UPDATE "SendRate" SET "nextAt" = "nextAt" + ${intervalUs} WHERE "key" = ${key} AND "nextAt" > ${us(nowMs)}`);
}
