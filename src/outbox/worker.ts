/**
 * Sends outbox messages: per chat in order, paced per channel, retried or given up by the
 * send-error taxonomy. A message is marked "sending" before the platform is called; one found
 * still "sending" after a crash is marked "uncertain" and NOT sent again (no duplicates), and
 * stays visible to operators.
 */
import type { AppContext } from "../context.ts";
import type { ChannelName, OutboundMessage } from "../channels/types.ts";
import { ChatQueueWorker, type QueueRow } from "../jobs/chat-queue.ts";
import { scrubSecrets } from "../log.ts";
import { Pacer } from "./pacing.ts";
import { decide, SendError } from "./send-error.ts";

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
    const contact = await db.contact.findUnique({ where: { id: contactId }, select: { lastInboundAt: true } });
    if (!contact?.lastInboundAt) return undefined;
    const closes = new Date(contact.lastInboundAt.getTime() + hours * 3600_000);
    return closes <= ctx.now() ? closes : undefined;
  }

  const select = { id: true, chatKey: true, status: true, attempts: true, nextAttemptAt: true, lockedUntil: true, channel: true } as const;

  async function send(row: OutboxRow): Promise<void> {
    const attempt = row.attempts + 1;
    const item = await db.outboxMessage.findUnique({ where: { id: row.id } });
    if (!item) return;
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
      const receipt = await channel.send(ctx.vault.decrypt(item.addressEnc), message);
      await db.outboxMessage.update({
        where: { id: item.id },
        data: { status: "sent", sentAt: ctx.now(), providerMessageId: receipt.providerMessageId ?? null, lockedBy: null, lockedUntil: null },
      });
    } catch (err) {
      const error = err instanceof SendError ? err : new SendError("unexpected_response", String((err as Error)?.message ?? err));
      const decision = decide(error, attempt, maxAttempts);
      const fields = { lastErrorKind: error.kind, lastError: scrubSecrets(error.message).slice(0, 1000), lockedBy: null, lockedUntil: null };
      if (decision.action === "retry") {
        if (error.kind === "throttled") pacerFor(item.channel)?.pause(decision.delayMs);
        log.warn({ kind: error.kind, attempt, retryInMs: decision.delayMs }, "send failed; will retry");
        await db.outboxMessage.update({
          where: { id: item.id },
          data: { ...fields, status: "pending", nextAttemptAt: new Date(ctx.now().getTime() + decision.delayMs) },
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

  return new ChatQueueWorker<OutboxRow>(
    {
      async heads(limit) {
        const groups = await db.outboxMessage.groupBy({
          by: ["chatKey"],
          where: { status: { in: ["pending", "sending"] } },
          _min: { id: true },
          orderBy: { _min: { id: "asc" } },
          take: limit,
        });
        const ids = groups.map((g) => g._min.id).filter((id): id is number => id !== null);
        if (ids.length === 0) return [];
        return db.outboxMessage.findMany({ where: { id: { in: ids } }, select, orderBy: { id: "asc" } });
      },
      headOf(chatKey) {
        return db.outboxMessage.findFirst({ where: { chatKey, status: { in: ["pending", "sending"] } }, select, orderBy: { id: "asc" } });
      },
      async claim(row, owner, now, leaseMs) {
        const { count } = await db.outboxMessage.updateMany({
          where: { id: row.id, status: "pending", nextAttemptAt: { lte: now } },
          data: { status: "sending", lockedBy: owner, lockedUntil: new Date(now.getTime() + leaseMs), attempts: { increment: 1 } },
        });
        return count === 1;
      },
    },
    send,
    {
      name: "outbox",
      concurrency: options.concurrency ?? 8,
      pollMs: options.pollMs ?? 1_000,
      // Sends time out after ~10 s; a lease of a minute only expires when the sender died.
      leaseMs: options.leaseMs ?? 60_000,
      activeStatus: "sending",
      log: ctx.log,
      now: ctx.now,
      gate: (row) => pacerFor(row.channel)?.reserve(row.chatKey) ?? 0,
      async onStale(row) {
        // The process that was sending it died: it may or may not have arrived. Never send twice.
        await db.outboxMessage.updateMany({
          where: { id: row.id, status: "sending" },
          data: { status: "uncertain", lastError: "process stopped while sending; not retried to avoid a duplicate", lockedBy: null, lockedUntil: null },
        });
        ctx.log.warn({ outboxId: row.id }, "outbox message left in sending by a stopped process; marked uncertain");
        return false;
      },
    },
  );
}
