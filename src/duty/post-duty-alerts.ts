/**
 * Queues new-tip alerts for the duty chats (src/duty/find-duty-chats.ts decides which): an urgent
 * tip at once, one message per chat; other tips together, one message per chat once the oldest
 * waiting tip of that chat is DUTY_ALERT_BATCH_SECONDS old. Messages go through the outbox
 * (retries, 429 pacing, sent at most once).
 *
 * A tip is claimed with a conditional update (`dutyAlertedAt` still null) in the same transaction
 * that writes its outbox rows, so two processes scanning together alert it once, and a crash
 * before the commit leaves it to the next scan.
 *
 * Only tips filed since duty alerts were first switched on (JobRun `duty-alerts:since`, written
 * by the first process to start them) and within the last day are alerted: turning the feature on
 * does not flood the chat with old tips, and after a long outage the overdue digest covers the rest.
 *
 * @example const queued = await postDutyAlerts(ctx, { categoryLabel, now, since: await dutyAlertsSince(ctx, now) })
 */
import type { AppContext } from "../context.ts";
import type { Tx } from "../db/client.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { enqueueMessages, PRIORITY, type OutboxItem } from "../outbox/enqueue.ts";
import { OPEN_STATUSES } from "../tips/workflow.ts";
import { composeDutyAlert, composeDutyBatch } from "./compose-duty-alert.ts";
import { chatsOfTip } from "./find-duty-chats.ts";
import { loadAlertTips, type AlertTip } from "./load-alert-tips.ts";

export const ALERT_MAX_AGE_MS = 24 * 3600_000;
const SCAN_LIMIT = 500;
const SINCE_ID = "duty-alerts:since";

export interface DutyAlertOptions {
  categoryLabel(code: string): string;
  now: Date;
  /** From dutyAlertsSince: tips filed earlier are never alerted. */
  since: Date;
}

type Ctx = Pick<AppContext, "db" | "vault" | "config" | "log">;

/** Returns how many outbox messages it queued. */
export async function postDutyAlerts(ctx: Ctx, options: DutyAlertOptions): Promise<number> {
  const fallback = ctx.config.telegram?.dutyChatId;
  const { now } = options;
  const since = new Date(Math.max(options.since.getTime(), now.getTime() - ALERT_MAX_AGE_MS));
  const waiting = await ctx.db.tip.findMany({
    where: {
      dutyAlertedAt: null,
      createdAt: { gte: since },
      status: { in: [...OPEN_STATUSES] },
      // Without a global chat, only tips of units that have their own.
      ...(fallback ? {} : { routings: { some: { active: true, unit: { dutyChatId: { not: null } } } } }),
    },
    select: { id: true, urgent: true, createdAt: true, routings: { where: { active: true }, select: { unit: { select: { dutyChatId: true } } } } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: SCAN_LIMIT,
  });
  const chatsOf = new Map(waiting.map((t) => [t.id, chatsOfTip(t, fallback)] as const));
  const due = dueTips(waiting, chatsOf, now.getTime() - ctx.config.duty.alertBatchSeconds * 1000);
  let queued = 0;
  for (const tip of waiting.filter((t) => t.urgent)) queued += await claimAndQueue(ctx, [tip.id], chatsOf, options);
  if (due.length) queued += await claimAndQueue(ctx, due, chatsOf, options);
  return queued;
}

/** Non-urgent tips to send now: every waiting tip of a chat whose oldest waiting tip has waited a whole batch window. */
function dueTips(waiting: { id: string; urgent: boolean; createdAt: Date }[], chatsOf: Map<string, string[]>, windowStart: number): string[] {
  const oldest = new Map<string, number>();
  for (const tip of waiting.filter((t) => !t.urgent)) {
    for (const chat of chatsOf.get(tip.id)!) oldest.set(chat, Math.min(oldest.get(chat) ?? Infinity, tip.createdAt.getTime()));
  }
  const dueChats = new Set([...oldest].filter(([, at]) => at <= windowStart).map(([chat]) => chat));
  return waiting.filter((t) => !t.urgent && chatsOf.get(t.id)!.some((c) => dueChats.has(c))).map((t) => t.id);
}

/** Claims the tips no other process took and queues one message per chat for them, in one transaction. */
async function claimAndQueue(ctx: Ctx, ids: string[], chatsOf: Map<string, string[]>, options: DutyAlertOptions): Promise<number> {
  const facts = new Map((await loadAlertTips(ctx.db, ids, options.categoryLabel)).map((t) => [t.id, t]));
  const { claimed, items } = await ctx.db.$transaction(async (tx) => {
    const claimed: AlertTip[] = [];
    for (const id of ids) {
      const tip = facts.get(id);
      if (tip && (await claim(tx, id, options.now))) claimed.push(tip);
    }
    const items = outboxItems(claimed, chatsOf, ctx.config.publicUrl);
    await enqueueMessages(tx, ctx.vault, items);
    return { claimed, items };
  }, { timeout: 30_000, maxWait: 30_000 });
  for (const tip of claimed) ctx.log.info({ tipId: tip.id, urgent: tip.urgent, chats: chatsOf.get(tip.id)!.length }, "duty alert queued");
  return items.length;
}

function claim(tx: Tx, tipId: string, now: Date): Promise<boolean> {
  return tx.tip.updateMany({ where: { id: tipId, dutyAlertedAt: null }, data: { dutyAlertedAt: now } }).then((r) => r.count === 1);
}

function outboxItems(tips: AlertTip[], chatsOf: Map<string, string[]>, publicUrl: string): OutboxItem[] {
  const byChat = new Map<string, AlertTip[]>();
  for (const tip of tips) for (const chat of chatsOf.get(tip.id)!) byChat.set(chat, [...(byChat.get(chat) ?? []), tip]);
  return [...byChat].map(([chatId, list]) => ({
    channel: "telegram" as const,
    chatId,
    // The chat is a police group: keep tip content from being forwarded out of it.
    message: { text: list.length === 1 && list[0]!.urgent ? composeDutyAlert(list[0]!, publicUrl) : composeDutyBatch(list, publicUrl), protect: true },
    // Each tip is claimed once, so its id names the message in this chat for good.
    dedupeKey: list.length === 1 ? `duty:${list[0]!.id}:${chatId}` : `duty-batch:${chatId}:${list[0]!.id}`,
    // An urgent tip's alert goes with replies to residents; batches of ordinary tips after them.
    priority: list.some((t) => t.urgent) ? PRIORITY.reply : PRIORITY.notice,
  }));
}

/** When duty alerts were first switched on (by any process); written once. */
export async function dutyAlertsSince(ctx: Ctx, now: Date): Promise<Date> {
  const found = await ctx.db.jobRun.findUnique({ where: { id: SINCE_ID } });
  if (found) return found.startedAt;
  try {
    await ctx.db.jobRun.create({ data: { id: SINCE_ID, startedAt: now, finishedAt: now } });
    ctx.log.info("duty alerts switched on: tips filed before now are not alerted (the overdue digest covers them)");
    return now;
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    return (await ctx.db.jobRun.findUniqueOrThrow({ where: { id: SINCE_ID } })).startedAt;
  }
}
