/**
 * Sends outbox messages: per chat in order, paced per channel, retried or given up by the
 * send-error taxonomy. Each channel is its own lane (its own share of senders, its own pacing), and
 * within a channel chats whose next message answers a resident go before officers' and bulk ones.
 *
 * A message is marked "sending" before the platform is called. One found still "sending" after its
 * process died is sent again, whole: Telegram and Zalo offer no idempotency key, and a receipt sent
 * twice is far better than a receipt never received. Such resends are counted on the row (`resends`,
 * in /metrics) and shown in the tip's timeline when the message was about a tip.
 */
import type { AppContext } from "../context.ts";
import { CHANNEL_NAMES, type ChannelName, type OutboundMessage } from "../channels/types.ts";
import { ChatQueueWorker, interleave, QUEUE_COLUMNS, queueRowOf, type QueueRow } from "../jobs/chat-queue.ts";
import { scrubSecrets } from "../log.ts";
import { Pacer } from "./pacing.ts";
import { decide, SendError } from "./send-error.ts";
import { dbFaultOf } from "../db/db-fault.ts";
import { date, execute, int, query, sql } from "../db/sql.ts";
import { setTimeout as sleep } from "node:timers/promises";
import { yieldOneSlot } from "../outreach/campaigns/shared-rate.ts";
import { sendWindowOf } from "../channels/send-window.ts";

type OutboxRow = QueueRow & { channel: string };

export function createOutboxWorker(
  ctx: AppContext,
  options: { concurrency?: number; pollMs?: number; leaseMs?: number; maxAttempts?: number } = {},
): ChatQueueWorker<OutboxRow> {
  const { db } = ctx;
  const maxAttempts = options.maxAttempts ?? 6;
  const pacers = new Map<string, Pacer>();
  const pacerFor = (name: string): Pacer | undefined => {
    const channel = ctx.channels.get(name as ChannelName);
    if (!channel) return undefined;
    let pacer = pacers.get(name);
    if (!pacer) {
      pacer = new Pacer(channel.capabilities.rate.perSecond, channel.capabilities.rate.perChatPerSecond, () => ctx.now().getTime());
      pacers.set(name, pacer);
    }
    return pacer;
  };
  /** When the contact's reply window closed, if the channel has one and it has. */
  async function windowClosedAt(contactId: string | null, hours: number | undefined): Promise<Date | undefined> {
    if (!hours || !contactId) return undefined;
    const rows = await query<{ lastInboundAt: unknown }>(db, sql`SELECT "lastInboundAt" FROM "Contact" WHERE "id" = ${contactId}`);
    const last = date(rows[0]?.lastInboundAt);
    if (!last) return undefined;
    const closes = new Date(last.getTime() + hours * 3600_000);
    return closes <= ctx.now() ? closes : undefined;
  }


  async function send(row: OutboxRow): Promise<void> {
    const attempt = row.attempts + 1;
    const found = await query<Record<string, unknown>>(db, sql`
      SELECT "id", "channel", "contactId", "addressEnc", "payload" FROM "OutboxMessage" WHERE "id" = ${row.id}`);
    if (!found[0]) return;
    const item = {
      id: int(found[0].id),
      channel: String(found[0].channel),
      contactId: (found[0].contactId as string | null) ?? null,
      addressEnc: String(found[0].addressEnc),
      payload: String(found[0].payload),
    };
    const log = ctx.log.child({ outboxId: item.id, channel: item.channel });
    const channel = ctx.channels.get(item.channel as ChannelName);
    try {
      if (!channel) throw new SendError("config", `channel ${item.channel} is not enabled`);
      const closedAt = await windowClosedAt(item.contactId, channel.capabilities.replyWindowHours);
      if (closedAt) {
        // Not attempted blindly: the officer who wrote it sees that the window had closed, and when.
        log.info({ windowClosedAt: closedAt }, "reply window closed; not sent");
        await db.outboxMessage.update({
          where: { id: item.id },
          data: { status: "window_closed", windowClosedAt: closedAt, lastErrorKind: "window_closed", lastError: "reply window closed", lockedBy: null, lockedUntil: null },
        });
        return;
      }
      const message = JSON.parse(ctx.vault.decrypt(item.payload)) as OutboundMessage;
      // Counted in the bot's window, which this process's campaign lane paces itself by: the lane makes room after a
      // reply, the reply never waits for it.
      const calls = sendWindowOf(channel);
      const cost = Math.max(1, channel.messagesIn?.(message) ?? 1);
      calls.begin(cost);
      const receipt = await channel.send(ctx.vault.decrypt(item.addressEnc), message).finally(() => calls.end(cost));
      await markSent(item.id, receipt.providerMessageId ?? null);
      // On PostgreSQL another process's lane may be sending on this bot: the reply moves the shared rate's next slot on.
      if (ctx.config.dialect === "postgresql") {
        const lane = `bulk:${item.channel}`;
        const interval = BigInt(Math.ceil(1_000_000 / channel.capabilities.bulk.perSecond));
        void yieldOneSlot(db, lane, interval, Date.now()).catch(() => undefined);
      }
    } catch (err) {
      const error = err instanceof SendError ? err : new SendError("unexpected_response", String((err as Error)?.message ?? err));
      const decision = decide(error, attempt, maxAttempts);
      const fields = { lastErrorKind: error.kind, lastError: scrubSecrets(error.message).slice(0, 1000), lockedBy: null, lockedUntil: null };
      if (decision.action === "retry") {
        if (error.kind === "throttled") pacerFor(item.channel)?.pause(decision.delayMs);
        log.warn({ kind: error.kind, attempt, retryInMs: decision.delayMs, sentParts: error.details.sentParts }, "send failed; will retry");
        // Failed part-way (the voice note went, the text did not): the retry sends only the rest.
        const sentParts = error.details.sentParts;
        const payload = sentParts ? { payload: ctx.vault.encrypt(JSON.stringify({ ...(JSON.parse(ctx.vault.decrypt(item.payload)) as OutboundMessage), sentParts })) } : {};
        await db.outboxMessage.update({
          where: { id: item.id },
          data: { ...fields, ...payload, status: "pending", nextAttemptAt: new Date(ctx.now().getTime() + decision.delayMs) },
        });
        return;
      }
      log.warn({ kind: error.kind, attempt, providerCode: error.details.providerCode }, "send failed; giving up");
      const closed = decision.status === "window_closed" ? { windowClosedAt: ctx.now() } : {};
      await db.outboxMessage.update({ where: { id: item.id }, data: { ...fields, ...closed, status: decision.status } });
      if (decision.stopContact && item.contactId) {
        await db.contact.update({ where: { id: item.contactId }, data: { stoppedAt: ctx.now() } });
      }
    }
  }

  const worker: ChatQueueWorker<OutboxRow> = new ChatQueueWorker<OutboxRow>(
    {
      async heads(limit) {
        // Raw, one statement per channel of the known few (src/inbox/worker.ts says why).
        const lanes = await Promise.all(
          CHANNEL_NAMES.map(async (channel) => {
            // A chat's head is its oldest open message (order within a chat never changes); among chats, those
            // holding a reply to a resident (priority 0) go before duty alerts and bulk sends.
            const rows = await query<Record<string, unknown>>(db, sql`
              SELECT ${QUEUE_COLUMNS}, "h"."p" FROM "OutboxMessage" JOIN (
                SELECT MIN("id") AS "first", MIN("priority") AS "p" FROM "OutboxMessage"
                WHERE "channel" = ${channel} AND "status" IN ('pending', 'sending')
                GROUP BY "chatKey" ORDER BY MIN("priority"), MIN("id") LIMIT ${limit}) AS "h" ON "id" = "h"."first"
              ORDER BY "h"."p", "id"`);
            return rows.map(queueRowOf);
          }),
        );
        return interleave(lanes, limit);
      },
      async headOf(chatKey) {
        const rows = await query<Record<string, unknown>>(db, sql`
          SELECT ${QUEUE_COLUMNS} FROM "OutboxMessage" WHERE "chatKey" = ${chatKey} AND "status" IN ('pending', 'sending') ORDER BY "id" LIMIT 1`);
        return rows[0] ? queueRowOf(rows[0]) : null;
      },
      async claim(row, owner, now, leaseMs) {
        const count = await execute(db, sql`
          UPDATE "OutboxMessage" SET "status" = 'sending', "lockedBy" = ${owner}, "lockedUntil" = ${new Date(now.getTime() + leaseMs)}, "attempts" = "attempts" + 1
          WHERE "id" = ${row.id} AND "status" = 'pending' AND "nextAttemptAt" <= ${now}`);
        return count === 1;
      },
      async renew(ids, owner, until) {
        await db.outboxMessage.updateMany({ where: { id: { in: ids }, status: "sending", lockedBy: owner }, data: { lockedUntil: until } });
      },
      async expireOthers(owner, now) {
        const { count } = await db.outboxMessage.updateMany({
          where: { status: "sending", NOT: { lockedBy: owner } },
          data: { lockedUntil: new Date(now.getTime() - 1) },
        });
        return count;
      },
    },
    send,
    {
      name: "outbox",
      concurrency: options.concurrency ?? 16,
      laneConcurrency: 8,
      lane: (row) => row.channel,
      pollMs: options.pollMs ?? 1_000,
      // A scan reads every open message of a channel, and a burst of replies queues one every millisecond or two while
      // the platform takes 30 a second: scanning 20 times a second then cost more than the sends (issue 12), and with
      // a quiz burst's 20,000 replies waiting a scan takes ~3 ms. A reply queued while the outbox is busy is seen within
      // 500 ms; an idle outbox still scans at once.
      minRescanMs: 500,
      // Renewed while a send is in progress (sends time out after ~10 s): only a dead sender's lease runs out.
      leaseMs: options.leaseMs ?? 15_000,
      reclaimOnStart: ctx.config.dialect === "sqlite",
      activeStatus: "sending",
      log: ctx.log,
      now: ctx.now,
      gate: (row) => pacerFor(row.channel)?.reserve(row.chatKey) ?? 0,
      onStale: (row) => resendAfterCrash(row.id),
    },
  );
  return worker;

  /**
   * Records a send the platform accepted. A full disk or a locked database must not turn it into a resend
   * (a duplicate for the resident): the write is tried again, the lease kept alive meanwhile, until it lands.
   */
  async function markSent(id: number, providerMessageId: string | null): Promise<void> {
    for (let tries = 0; ; tries++) {
      try {
        await execute(db, sql`
          UPDATE "OutboxMessage" SET "status" = 'sent', "sentAt" = ${ctx.now()}, "providerMessageId" = ${providerMessageId}, "lockedBy" = NULL, "lockedUntil" = NULL
          WHERE "id" = ${id}`);
        return;
      } catch (err) {
        if (!dbFaultOf(err) || worker.stopping) throw err;
        ctx.log.warn({ outboxId: id, fault: dbFaultOf(err) }, "sent, but could not record it yet; trying again");
        await sleep(Math.min(1_000 * 2 ** tries, 30_000));
      }
    }
  }

  /**
   * The process sending this message died: it may or may not have arrived (or arrived in part). Send it
   * again, whole: a rare duplicate is far better than a lost receipt. Counted, and told to the tip's officers.
   */
  async function resendAfterCrash(id: number): Promise<boolean> {
    const now = ctx.now();
    const resent = await db.$transaction(async (tx) => {
      const { count } = await tx.outboxMessage.updateMany({
        where: { id, status: "sending", lockedUntil: { lt: now } },
        data: { status: "pending", nextAttemptAt: now, resends: { increment: 1 }, lockedBy: null, lockedUntil: null, lastError: "process stopped while sending; sent again" },
      });
      if (count === 0) return false;
      const row = await tx.outboxMessage.findUniqueOrThrow({ where: { id }, select: { tipId: true, channel: true } });
      if (row.tipId) {
        await tx.tipEvent.create({ data: { tipId: row.tipId, type: "message_resent", actor: "system", data: JSON.stringify({ channel: row.channel }) } });
      }
      return true;
    });
    if (resent) ctx.log.warn({ outboxId: id }, "outbox message left in sending by a stopped process; sending it again");
    return resent;
  }
}
