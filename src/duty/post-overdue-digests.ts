/**
 * Queues the daily digest of overdue tips to every duty chat, once per chat per day across all
 * processes: from DUTY_DIGEST_HOUR (Vietnam time) until midnight, a process inserts the JobRun row
 * `overdue-digest:<YYYY-MM-DD>:<chat>` (a primary key) and writes the outbox message in the same
 * transaction. The process whose insert wins sends; the others get a unique violation and skip. A
 * process that was down at the hour sends when it comes back the same day.
 *
 * A chat's tips: those routed now to a unit whose duty chat it is (the global chat: units without
 * their own, and tips routed nowhere), open, with the acknowledgement or settlement deadline passed.
 *
 * @example await postOverdueDigests(ctx, { categoryLabel, now: new Date(), done: new Set() })
 */
import type { AppContext } from "../context.ts";
import type { Tx } from "../db/client.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { enqueueMessages, PRIORITY } from "../outbox/enqueue.ts";
import { OPEN_STATUSES, overdueKind } from "../tips/workflow.ts";
import { composeOverdueDigest, DIGEST_LIST_MAX, type OverdueDigest } from "./compose-overdue-digest.ts";
import { listDutyChats, type DutyChatScope } from "./find-duty-chats.ts";
import { loadAlertTips } from "./load-alert-tips.ts";
import { vietnamClock } from "./vietnam-time.ts";

export interface DigestOptions {
  categoryLabel(code: string): string;
  now: Date;
  /** JobRun ids this process already knows are taken (saves a query per chat per tick). */
  done: Set<string>;
}

type Ctx = Pick<AppContext, "db" | "vault" | "config" | "log">;

export const digestRunId = (date: string, chatId: string) => `overdue-digest:${date}:${chatId}`;

/** Returns how many digests this process queued. */
export async function postOverdueDigests(ctx: Ctx, options: DigestOptions): Promise<number> {
  const { date, hour } = vietnamClock(options.now);
  if (hour < ctx.config.duty.digestHour) return 0;
  for (const id of options.done) if (!id.startsWith(`overdue-digest:${date}:`)) options.done.delete(id);
  let queued = 0;
  for (const scope of await listDutyChats(ctx.db, ctx.config.telegram?.dutyChatId)) {
    const id = digestRunId(date, scope.chatId);
    if (options.done.has(id)) continue;
    if (!(await ctx.db.jobRun.findUnique({ where: { id }, select: { id: true } }))) {
      try {
        await ctx.db.$transaction(
          async (tx) => {
            await tx.jobRun.create({ data: { id, startedAt: options.now } });
            const digest = await readOverdueDigest(tx, scope, date, options);
            const text = composeOverdueDigest(digest, ctx.config.publicUrl);
            await enqueueMessages(tx, ctx.vault, [{ channel: "telegram", chatId: scope.chatId, message: { text, protect: true }, dedupeKey: id, priority: PRIORITY.notice }]);
            await tx.jobRun.update({ where: { id }, data: { finishedAt: options.now, data: JSON.stringify({ ack: digest.ack, settle: digest.settle }) } });
          },
          { timeout: 30_000, maxWait: 30_000 },
        );
        ctx.log.info({ job: id }, "overdue digest queued");
        queued++;
      } catch (e) {
        // Another process inserted the row first: it sends today's digest for this chat.
        if (!isUniqueViolation(e)) throw e;
      }
    }
    options.done.add(id);
  }
  return queued;
}

async function readOverdueDigest(tx: Tx, scope: DutyChatScope, date: string, options: DigestOptions): Promise<OverdueDigest> {
  const { now } = options;
  const rows = await tx.tip.findMany({
    where: {
      status: { in: [...OPEN_STATUSES] },
      AND: [
        { OR: [{ status: "new", ackDueAt: { lte: now } }, { settleDueAt: { lte: now } }] },
        {
          OR: [
            { routings: { some: { active: true, unitId: { in: scope.unitIds } } } },
            ...(scope.unrouted ? [{ routings: { none: { active: true } } }] : []),
          ],
        },
      ],
    },
    select: { id: true, status: true, ackDueAt: true, settleDueAt: true },
  });
  const overdue = rows
    .map((t) => {
      const kind = overdueKind(t, now);
      return kind ? { id: t.id, kind, lateMs: now.getTime() - (kind === "ack" ? t.ackDueAt : t.settleDueAt).getTime() } : null;
    })
    .filter((t) => t !== null)
    .sort((a, b) => b.lateMs - a.lateMs || a.id.localeCompare(b.id));
  const listed = overdue.slice(0, DIGEST_LIST_MAX);
  const facts = new Map((await loadAlertTips(tx, listed.map((t) => t.id), options.categoryLabel)).map((t) => [t.id, t]));
  return {
    date,
    ack: overdue.filter((t) => t.kind === "ack").length,
    settle: overdue.filter((t) => t.kind === "settle").length,
    oldest: listed.flatMap((t) => (facts.has(t.id) ? [{ tip: facts.get(t.id)!, kind: t.kind, lateMs: t.lateMs }] : [])),
  };
}
