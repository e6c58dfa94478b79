/**
 * Processes stored inbound events: one chat at a time in arrival order, chats in parallel.
 * A failure leaves the event stored and retried with backoff up to INBOX_MAX_ATTEMPTS, then
 * marks it "failed" with the error visible (and moves on, so one bad event cannot block a chat).
 * A fault of the infrastructure (full disk, database locked by another process) is not the event's
 * fault: it is retried within seconds and does not spend an attempt, so nothing a resident sent
 * ends "failed" because of it, and the backlog drains once the cause is gone.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { AppContext } from "../context.ts";
import type { Tx } from "../db/client.ts";
import { CHANNEL_NAMES, type InboundMessage } from "../channels/types.ts";
import { ChatQueueWorker, interleave, QUEUE_COLUMNS, queueRowOf, type QueueRow } from "../jobs/chat-queue.ts";
import { backoff } from "../outbox/send-error.ts";
import { scrubSecrets } from "../log.ts";
import { dbFaultOf } from "../db/db-fault.ts";
import { execute, int, join, query, sql } from "../db/sql.ts";

/** Delay before an event that met a full disk or a locked database is tried again. */
export const FAULT_RETRY_MS = 2_000;

export interface InboxJob {
  eventId: number;
  /** 1-based attempt number of this processing. */
  attempt: number;
  lastAttempt: boolean;
  message: InboundMessage;
  /** Marks the event processed inside the handler's own transaction (exactly-once effects). */
  complete(tx: Tx): Promise<void>;
}

export type InboxHandler = (job: InboxJob) => Promise<void>;

type EventRow = QueueRow & { channel: string };

export function createInboxWorker(
  ctx: AppContext,
  handler: InboxHandler,
  options: { concurrency?: number; laneConcurrency?: number; pollMs?: number; leaseMs?: number } = {},
): ChatQueueWorker<EventRow> {
  const { db } = ctx;
  const maxAttempts = ctx.config.inboxMaxAttempts;

  /** What a claim read back (the claim's UPDATE … RETURNING), so processing needs no second read. */
  const claimed = new Map<number, { id: number; channel: string; payloadEnc: string }>();

  async function process(row: EventRow): Promise<void> {
    const attempt = row.attempts + 1;
    const read = claimed.get(row.id);
    claimed.delete(row.id);
    const event =
      read ??
      (await db.inboundEvent.findUnique({ where: { id: row.id } }).catch(async (err) => {
        if (!dbFaultOf(err)) throw err;
        await giveBack(row.id, scrubSecrets(String((err as Error)?.message ?? err)).slice(0, 2000));
        return null;
      }));
    if (!event) return;
    const log = ctx.log.child({ eventId: event.id, channel: event.channel });
    const channel = ctx.channels.get(event.channel as InboundMessage["channel"]);
    try {
      if (!channel) throw new Error(`channel ${event.channel} is not enabled`);
      const message = channel.receive(JSON.parse(ctx.vault.decrypt(event.payloadEnc)));
      if (!message) {
        await finish(row.id, "ignored");
        return;
      }
      let completed = false;
      await handler({
        eventId: event.id,
        attempt,
        lastAttempt: attempt >= maxAttempts,
        message,
        complete: async (tx) => {
          const n = await execute(tx, sql`UPDATE "InboundEvent" SET "status" = 'done', "processedAt" = ${ctx.now()}, "lockedBy" = NULL, "lockedUntil" = NULL, "lastError" = NULL WHERE "id" = ${event.id}`);
          if (n !== 1) throw new Error(`inbound event ${event.id} is gone`);
          completed = true;
        },
      });
      // The handler's transaction marked it done (and committed, or the handler would have thrown).
      if (!completed) await finish(row.id, "done");
      if (channel.acknowledge) await channel.acknowledge(message).catch((err) => log.warn({ err }, "acknowledge failed"));
    } catch (err) {
      const lastError = scrubSecrets(String((err as Error)?.message ?? err)).slice(0, 2000);
      const fault = dbFaultOf(err);
      if (fault) {
        log.warn({ err, fault }, "inbound event met an infrastructure fault; retried soon without spending an attempt");
        await giveBack(row.id, lastError);
        return;
      }
      if (attempt >= maxAttempts) {
        log.error({ err, attempt }, "inbound event failed for good; kept: replay it with npm run inbox:replay once the cause is fixed");
        await db.inboundEvent.update({
          where: { id: row.id },
          data: { status: "failed", lastError, lockedBy: null, lockedUntil: null },
        });
      } else {
        const delay = backoff(attempt);
        log.warn({ err, attempt, retryInMs: delay }, "inbound event failed; will retry");
        await db.inboundEvent.update({
          where: { id: row.id },
          data: { status: "pending", lastError, nextAttemptAt: new Date(ctx.now().getTime() + delay), lockedBy: null, lockedUntil: null },
        });
      }
    }
  }

  /**
   * Puts the event back as it was before this attempt, due again in a moment. The disk or the lock
   * may still refuse this write: then it is tried again until it is stored (or the worker stops, and
   * the lease brings the event back).
   */
  async function giveBack(id: number, lastError: string): Promise<void> {
    for (let tries = 0; ; tries++) {
      try {
        await db.inboundEvent.updateMany({
          where: { id, status: "processing", lockedBy: worker.owner },
          data: {
            status: "pending",
            attempts: { decrement: 1 },
            lastError,
            nextAttemptAt: new Date(ctx.now().getTime() + FAULT_RETRY_MS),
            lockedBy: null,
            lockedUntil: null,
          },
        });
        return;
      } catch (err) {
        if (!dbFaultOf(err) || worker.stopping) throw err;
        await sleep(Math.min(FAULT_RETRY_MS * 2 ** tries, 30_000));
      }
    }
  }

  /** Marks the event finished unless the handler already did inside its transaction. */
  async function finish(id: number, status: "done" | "ignored"): Promise<void> {
    await execute(db, sql`UPDATE "InboundEvent" SET "status" = ${status}, "processedAt" = ${ctx.now()}, "lockedBy" = NULL, "lockedUntil" = NULL WHERE "id" = ${id} AND "status" = 'processing'`);
  }

  /** One statement claims the events (those still due or whose lease ran out) and reads what processing needs. */
  async function claimEvents(ids: number[], owner: string, now: Date, leaseMs: number): Promise<Set<number>> {
    const rows = await query<Record<string, unknown>>(db, sql`
      UPDATE "InboundEvent" SET "status" = 'processing', "lockedBy" = ${owner}, "lockedUntil" = ${new Date(now.getTime() + leaseMs)}, "attempts" = "attempts" + 1
      WHERE "id" IN (${join(ids)})
        AND (("status" = 'pending' AND "nextAttemptAt" <= ${now}) OR ("status" = 'processing' AND "lockedUntil" < ${now}))
      RETURNING "id", "channel", "payloadEnc"`);
    const won = rows.map((r) => ({ id: int(r.id), channel: String(r.channel), payloadEnc: String(r.payloadEnc) }));
    for (const event of won) claimed.set(event.id, event);
    return new Set(won.map((e) => e.id));
  }

  const worker: ChatQueueWorker<EventRow> = new ChatQueueWorker<EventRow>(
    {
      async heads(limit) {
        // Per channel, so a backlog of one channel's chats never hides another channel's (no head-of-line blocking).
        // Raw, one statement per channel of the known few (asking which channels have open rows read them all):
        // scans run up to 20 times a second under a burst (src/db/sql.ts).
        const lanes = await Promise.all(
          CHANNEL_NAMES.map(async (channel) => {
            const rows = await query<Record<string, unknown>>(db, sql`
              SELECT ${QUEUE_COLUMNS} FROM "InboundEvent" WHERE "id" IN (
                SELECT MIN("id") FROM "InboundEvent" WHERE "channel" = ${channel} AND "status" IN ('pending', 'processing')
                GROUP BY "chatKey" ORDER BY MIN("id") LIMIT ${limit})
              ORDER BY "id"`);
            return rows.map(queueRowOf);
          }),
        );
        return interleave(lanes, limit);
      },
      async headOf(chatKey) {
        const rows = await query<Record<string, unknown>>(db, sql`
          SELECT ${QUEUE_COLUMNS} FROM "InboundEvent" WHERE "chatKey" = ${chatKey} AND "status" IN ('pending', 'processing') ORDER BY "id" LIMIT 1`);
        return rows[0] ? queueRowOf(rows[0]) : null;
      },
      async claim(row, owner, now, leaseMs) {
        return (await claimEvents([row.id], owner, now, leaseMs)).has(row.id);
      },
      claimMany(rows, owner, now, leaseMs) {
        return claimEvents(rows.map((r) => r.id), owner, now, leaseMs);
      },
      async claimNextOf(chatKey, owner, now, leaseMs) {
        // After each turn: one statement instead of reading the chat's head, then claiming it (issue 12's burst).
        const rows = await query<Record<string, unknown>>(db, sql`
          UPDATE "InboundEvent" SET "status" = 'processing', "lockedBy" = ${owner}, "lockedUntil" = ${new Date(now.getTime() + leaseMs)}, "attempts" = "attempts" + 1
          WHERE "id" = (SELECT "id" FROM "InboundEvent" WHERE "chatKey" = ${chatKey} AND "status" IN ('pending', 'processing') ORDER BY "id" LIMIT 1)
            AND "status" = 'pending' AND "nextAttemptAt" <= ${now}
          RETURNING ${QUEUE_COLUMNS}, "payloadEnc"`);
        const r = rows[0];
        if (!r) return null;
        const event = { id: int(r.id), channel: String(r.channel), payloadEnc: String(r.payloadEnc) };
        claimed.set(event.id, event);
        // As it was before this claim, as the handler sees a row from a scan.
        return { ...queueRowOf(r), status: "pending", attempts: int(r.attempts) - 1, lockedUntil: null };
      },
      async renew(ids, owner, until) {
        await db.inboundEvent.updateMany({ where: { id: { in: ids }, status: "processing", lockedBy: owner }, data: { lockedUntil: until } });
      },
      async expireOthers(owner, now) {
        const { count } = await db.inboundEvent.updateMany({
          where: { status: "processing", NOT: { lockedBy: owner } },
          data: { lockedUntil: new Date(now.getTime() - 1) },
        });
        return count;
      },
    },
    process,
    {
      name: "inbox",
      // Turns of chats in flight together share transactions (src/db/turn-batches.ts), so more chats in flight make
      // bigger batches: 12 chats, 8 per channel, took the quiz burst (bench:quiz, 1,000 × 4 on SQLite, quiet machine)
      // from 395 to 461 turns/s (2.50 → 2.17 ms CPU a turn); 24/16 gave 478. A web chat answer behind 1,000 waiting
      // Telegram residents (test/e2e/no-head-of-line.test.ts) came after 97–244 ms at 6/4, 327–407 ms at 12/8 with
      // three busy loops beside it. (At 32/24 under load 7–11 it once took 5.8 s: wider is not kept.)
      concurrency: options.concurrency ?? 12,
      laneConcurrency: options.laneConcurrency ?? 8,
      lane: (row) => row.channel,
      pollMs: options.pollMs ?? 1_000,
      // A scan reads every open event of each channel (grouped by chat): ~1 ms each with a quiz burst's backlog, 5 % of
      // the burst at 20 scans a second. While busy, the heads known from the last scan keep the handlers going, and a
      // chat that just wrote is seen within 150 ms.
      minRescanMs: 150,
      // Renewed every third of it while a message is processed: a dead process's messages are taken back within it.
      leaseMs: options.leaseMs ?? 15_000,
      reclaimOnStart: ctx.config.dialect === "sqlite",
      activeStatus: "processing",
      log: ctx.log,
      now: ctx.now,
    },
  );
  return worker;
}
