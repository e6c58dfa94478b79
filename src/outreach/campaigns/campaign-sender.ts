/**
 * Sends approved campaigns: starts each run at its time (one CampaignDelivery row per recipient, created in the
 * transaction that moves the campaign on, so two processes cannot both start it), then drains the rows lane by
 * lane (one lane per channel), by each channel's rules as data in its capabilities (`bulk`):
 *
 * - rate: slots reserved from a rate shared by every process (shared-rate.ts), one per platform message a delivery
 *   makes (`Channel.messagesIn`: a Hre/Co recording sent as its own voice note, an image, a split text each count);
 *   a 429 moves the shared rate on by `retry_after`; replies to residents (the outbox) do not wait for campaigns,
 *   they only move the rate on;
 * - consent, checked again right before each send: an opt-out or a block since the run started skips the row;
 * - a reply window (Zalo 7 days): outside it, the topic's approved template where one is configured, else skipped
 *   `window_closed`; quiet hours (Zalo 22:00–06:00 Vietnam time): held until they end.
 *
 * Exactly once: a row is claimed (lease) while still "queued", and marked "sending" in one write right before its
 * platform call. A row found "sending" after its process died may or may not have arrived, and Telegram and Zalo
 * offer no idempotency key: it is not sent again but counted as failed `interrupted` (a duplicate broadcast costs
 * residents' trust; a missed one is visible and small, at most the calls in flight at the crash). A claimed row
 * never marked "sending" is simply claimed again once its lease runs out.
 *
 * A delivery is one row whatever it carries: a recording and the text (two Telegram calls, sendVoice then
 * sendMessage) are one `channel.send`. A crash between the two leaves the row "sending": it is counted `interrupted`
 * and not sent again, so that resident has heard the recording without the text, never gets the recording twice.
 */
import { randomUUID } from "node:crypto";
import { setImmediate as nextTurn, setTimeout as sleep } from "node:timers/promises";
import type { AppContext } from "../../context.ts";
import type { Channel, ChannelName, OutboundMessage } from "../../channels/types.ts";
import type { Translator } from "../../i18n/index.ts";
import { dbFaultOf } from "../../db/db-fault.ts";
import { scrubSecrets } from "../../log.ts";
import { decide, SendError } from "../../outbox/send-error.ts";
import { unsubscribe } from "../consent.ts";
import { findAudience, stillConsents } from "./audience.ts";
import { composeCampaignMessage } from "./compose.ts";
import { parseCampaign, type ParsedCampaign } from "./manage-campaigns.ts";
import { nextOccurrence } from "./schedule.ts";
import { pushSlots, reserveSlots } from "./shared-rate.ts";
import { date, empty, execute, int, join, query, raw, sql } from "../../db/sql.ts";
import { broadcastBody } from "../../channels/zalo/broadcast.ts";
import { zaloCapabilities } from "../../channels/zalo/capabilities.ts";
import { articleAvailabilityOf } from "./zalo-article.ts";
import { sendWindowOf } from "../../channels/send-window.ts";

const VN_OFFSET_MS = 7 * 3600_000;
/** How late after its slot a send may still go on PostgreSQL (ms); see intervalOf. */
const LATE_MS = 25;
const HOUR_MS = 3600_000;
/** Rows of a claim checked and composed between two turns of the event loop (about 1 ms of work). */
const PREPARE_SLICE = 50;

export interface CampaignSenderOptions {
  /** How often due runs are looked for and idle lanes look again (ms). */
  pollMs?: number;
  /** How long a claim holds rows that are not yet being sent. */
  leaseMs?: number;
  maxAttempts?: number;
  /** Rows claimed at once, in seconds of the lane's rate (at least 1 row, at most 500). */
  claimSeconds?: number;
}

export interface CampaignSender {
  readonly owner: string;
  start(): void;
  stop(): Promise<void>;
  kick(): void;
  /** Starts due runs and closes finished ones (what the timer does each poll); for tests. */
  schedule(): Promise<void>;
  /** The rate (messages/s) a lane sends at. */
  rateOf(channel: ChannelName): number;
}

export function createCampaignSender(ctx: AppContext, i18n: Translator, options: CampaignSenderOptions = {}): CampaignSender {
  const owner = randomUUID();
  const pollMs = options.pollMs ?? 1_000;
  const leaseMs = options.leaseMs ?? 30_000;
  const maxAttempts = options.maxAttempts ?? 6;
  const claimSeconds = options.claimSeconds ?? 0.5;
  const { db } = ctx;
  const templates = parseTemplates(ctx.config.zaloCampaignTemplates);
  // Dialect-specific clauses of the lane's statements (claim, mark; ARCHITECTURE decision 30).
  const pg = ctx.config.dialect === "postgresql";
  const skipLocked = pg ? raw(`FOR UPDATE OF d SKIP LOCKED`) : empty;
  const byLane = pg ? empty : raw(`INDEXED BY "CampaignDelivery_channel_state_id_idx"`);
  const byId = pg ? empty : raw(`NOT INDEXED`);
  let running = false;
  let stopping = false;
  const loops: Promise<void>[] = [];
  const wakers = new Set<() => void>();
  const campaigns = new Map<string, { at: number; parsed: ParsedCampaign }>();
  /**
   * Deliveries whose last try failed part-way (the voice note went, the text did not): how many parts went, so the
   * retry sends only the rest. Kept in this process only: a retry after a restart sends the whole message again.
   */
  const partsSent = new Map<number, number>();

  const rateOf = (name: ChannelName): number => {
    const channel = ctx.channels.get(name);
    if (!channel) return 0;
    if (name === "telegram" && ctx.config.telegram?.broadcastRate) return ctx.config.telegram.broadcastRate;
    return channel.capabilities.bulk.perSecond;
  };
  /**
   * Slot spacing in µs. On PostgreSQL, where several processes share the rate through the slots, a send goes at most
   * LATE_MS after its slot (later, the rest of the claim goes back and new slots are taken), so any second holds at
   * most (1000 + LATE_MS) / spacing sends, whichever process made them: the spacing is chosen so that this is the rate
   * (97.6% of it on average). SQLite has one process, whose own window (send-window.ts: a call counts until a second
   * after its answer) holds the rate exactly; the slots there only order the lane behind a 429's wait, so they are
   * spaced at the rate itself and a late group is not sent again.
   */
  const lateMs = pg ? LATE_MS : Number.POSITIVE_INFINITY;
  const intervalOf = (name: ChannelName) => BigInt(Math.ceil(((pg ? 1_000 + LATE_MS : 1_000) * 1_000) / rateOf(name)));
  const paidBroadcast = (name: ChannelName) => name === "telegram" && (ctx.config.telegram?.broadcastRate ?? 0) > 30;

  async function campaign(id: string): Promise<ParsedCampaign | null> {
    const hit = campaigns.get(id);
    const now = Date.now();
    if (hit && now - hit.at < 2_000) return hit.parsed;
    const row = await db.campaign.findUnique({ where: { id } });
    if (!row) return null;
    const parsed = parseCampaign(row);
    campaigns.set(id, { at: now, parsed });
    return parsed;
  }

  // ── runs ────────────────────────────────────────────────────────────────────────────────────
  async function schedule(): Promise<void> {
    const now = ctx.now();
    const due = await db.campaign.findMany({ where: { status: { in: ["approved", "sending"] }, nextRunAt: { lte: now } }, select: { id: true } });
    for (const { id } of due) await startRun(id, now);
    await closeFinished(now);
  }

  async function startRun(id: string, now: Date): Promise<void> {
    const started = await db.$transaction(
      async (tx) => {
        const row = await tx.campaign.findUnique({ where: { id } });
        if (!row || !row.nextRunAt || row.nextRunAt > now || !["approved", "sending"].includes(row.status)) return 0;
        const c = parseCampaign(row);
        const after = c.recurrence ? nextOccurrence(c.recurrence, row.nextRunAt) : null;
        const { count } = await tx.campaign.updateMany({
          where: { id, nextRun: row.nextRun, status: row.status, version: row.version },
          data: { nextRun: row.nextRun + 1, nextRunAt: after, status: "sending", startedAt: row.startedAt ?? now, version: { increment: 1 } },
        });
        if (count !== 1) return 0;
        if (c.kind === "zalo_article") {
          // One broadcast per run; the unique (campaignId, run) key makes a second row impossible.
          await tx.campaignBroadcast.create({ data: { campaignId: id, run: row.nextRun, nextAttemptAt: now } });
          return 1;
        }
        const recipients = await findAudience(tx, row.topic, c.audience);
        for (let i = 0; i < recipients.length; i += 500) {
          await tx.campaignDelivery.createMany({
            data: recipients.slice(i, i + 500).map((r) => ({ campaignId: id, run: row.nextRun, contactId: r.contactId, channel: r.channel, language: r.language, nextAttemptAt: now })),
          });
        }
        return recipients.length;
      },
      { timeout: 120_000, maxWait: 30_000 },
    );
    if (started > 0) {
      ctx.log.info({ campaignId: id, recipients: started }, "campaign run started");
      for (const wake of wakers) wake();
    }
  }

  /** A campaign whose run has nothing left to send waits for its next run, or is done. */
  async function closeFinished(now: Date): Promise<void> {
    const sending = await db.campaign.findMany({ where: { status: "sending" }, select: { id: true, nextRunAt: true, version: true } });
    for (const c of sending) {
      const open =
        (await db.campaignDelivery.count({ where: { campaignId: c.id, state: { in: ["queued", "sending"] } } })) +
        (await db.campaignBroadcast.count({ where: { campaignId: c.id, state: { in: ["queued", "sending"] } } }));
      if (open > 0) continue;
      await db.campaign.updateMany({
        where: { id: c.id, status: "sending", version: c.version },
        data: c.nextRunAt ? { status: "approved", version: { increment: 1 } } : { status: "done", finishedAt: now, version: { increment: 1 } },
      });
    }
  }

  // ── lanes ───────────────────────────────────────────────────────────────────────────────────
  /** Rows a dead process left: "sending" ones are not sent again (see above), "queued" ones are claimed again. */
  async function settleInterrupted(all: boolean): Promise<void> {
    const now = ctx.now();
    const stale = all ? { NOT: { lockedBy: owner } } : { lockedUntil: { lt: now } };
    const { count } = await db.campaignDelivery.updateMany({
      where: { state: "sending", ...stale },
      data: { state: "failed", reason: "interrupted", lockedBy: null, lockedUntil: null, lastError: "process stopped while sending; not sent again (it may have arrived)" },
    });
    if (count > 0) ctx.log.warn({ deliveries: count }, "campaign deliveries left mid-send by a stopped process; counted as interrupted, not sent again");
    if (all) await db.campaignDelivery.updateMany({ where: { state: "queued", lockedBy: { not: null }, NOT: { lockedBy: owner } }, data: { lockedBy: null, lockedUntil: null } });
    const broadcasts = await db.campaignBroadcast.updateMany({
      where: { state: "sending", ...stale },
      data: { state: "uncertain", reason: "interrupted", lockedBy: null, lockedUntil: null, lastError: "process stopped while broadcasting; not sent again (it may have gone out)" },
    });
    if (broadcasts.count > 0) ctx.log.warn({ broadcasts: broadcasts.count }, "zalo article broadcast left mid-call by a stopped process; marked uncertain, not sent again");
  }

  // ── broadcasts (zalo_article campaigns) ─────────────────────────────────────────────────────
  const broadcastLeaseMs = Math.max(leaseMs, 120_000);

  /** Sends the due broadcasts, one call each. */
  async function sendBroadcasts(): Promise<void> {
    const now = ctx.now();
    const due = await db.campaignBroadcast.findMany({
      where: { state: "queued", nextAttemptAt: { lte: now }, campaign: { status: "sending" } },
      select: { id: true },
      orderBy: { id: "asc" },
      take: 10,
    });
    for (const { id } of due) {
      if (stopping) return;
      await sendBroadcast(id);
    }
  }

  async function sendBroadcast(id: number): Promise<void> {
    const now = ctx.now();
    const row = await db.campaignBroadcast.findUnique({ where: { id }, include: { campaign: true } });
    if (!row || row.state !== "queued") return;
    const c = parseCampaign(row.campaign);
    const channel = ctx.channels.get("zalo");
    const stillQueued = { id, state: "queued", campaign: { status: "sending" } };
    if (!c.article || !channel?.broadcastArticle || !articleAvailabilityOf(ctx).available) {
      await db.campaignBroadcast.updateMany({ where: stillQueued, data: { state: "failed", reason: "not_configured", lastError: "article broadcast not configured when the run was due" } });
      return;
    }
    const quiet = zaloCapabilities.bulk.quietHours;
    if (quiet && inQuietHours(now, quiet)) {
      await db.campaignBroadcast.updateMany({ where: stillQueued, data: { heldReason: "night", nextAttemptAt: quietEnd(now, quiet) } });
      return;
    }
    const body = broadcastBody(c.article, ctx.config.zalo?.articleBroadcast?.cities ?? {});
    // The one write that allows the one call: only while still queued and the campaign still sending (a pause or a
    // cancel a moment ago wins), and only one process gets count 1.
    const { count } = await db.campaignBroadcast.updateMany({
      where: { ...stillQueued, nextAttemptAt: { lte: now } },
      data: { state: "sending", attempts: { increment: 1 }, lockedBy: owner, lockedUntil: new Date(now.getTime() + broadcastLeaseMs), requestJson: JSON.stringify(body), heldReason: null },
    });
    if (count !== 1) return;
    let outcome: { ok: true; messageId: string | null } | { ok: false; error: SendError };
    try {
      const receipt = await channel.broadcastArticle(body);
      outcome = { ok: true, messageId: receipt.providerMessageId ?? null };
    } catch (err) {
      outcome = { ok: false, error: err instanceof SendError ? err : new SendError("unexpected_response", String((err as Error)?.message ?? err)) };
    }
    await writeResults(async () => {
      const mine = { id, state: "sending", lockedBy: owner };
      if (outcome.ok) {
        await db.campaignBroadcast.updateMany({ where: mine, data: { state: "sent", sentAt: ctx.now(), providerMessageId: outcome.messageId, lockedBy: null, lockedUntil: null, lastError: null, reason: null } });
        ctx.log.info({ campaignId: row.campaignId, run: row.run }, "zalo article broadcast accepted by Zalo");
        return;
      }
      const error = outcome.error;
      const fields = { lastError: scrubSecrets(error.message).slice(0, 500), lockedBy: null, lockedUntil: null };
      if (error.kind === "throttled" && row.attempts + 1 < maxAttempts * 3) {
        // Zalo said no (rate limit, night ban, quota): nothing went out, so it is safe to try again after the wait.
        const night = error.details.providerCode === -234;
        await db.campaignBroadcast.updateMany({
          where: mine,
          data: { ...fields, state: "queued", reason: night ? null : "throttled", heldReason: night ? "night" : null, nextAttemptAt: new Date(ctx.now().getTime() + (error.details.retryAfterMs ?? 30_000)) },
        });
      } else if (error.kind === "connection" || error.kind === "server" || error.kind === "unexpected_response") {
        await db.campaignBroadcast.updateMany({ where: mine, data: { ...fields, state: "uncertain", reason: error.kind } });
      } else {
        await db.campaignBroadcast.updateMany({ where: mine, data: { ...fields, state: "failed", reason: error.kind } });
      }
      ctx.log.warn({ campaignId: row.campaignId, run: row.run, kind: error.kind, err: fields.lastError }, "zalo article broadcast not accepted");
    });
  }

  /**
   * Leases up to `limit` due rows of a lane to this process, oldest first: one statement (it ran at 1,000 messages/s,
   * where three model queries over 500 ids took ~40 ms and stalled the lane's groups). On PostgreSQL rows another
   * process is leasing at the same moment are skipped, not waited for, so two processes share a run.
   */
  async function claim(name: ChannelName, limit: number): Promise<{ id: number; campaignId: string; contactId: string; language: string; attempts: number }[]> {
    const now = ctx.now();
    // The rows are picked in a materialized CTE: PostgreSQL may run an `IN (SELECT … LIMIT … FOR UPDATE SKIP LOCKED)`
    // again per row and lease the whole run (measured: 150 rows for a limit of 15). SQLite, without statistics, chose
    // the (state, nextAttemptAt) index and sorted every queued row of the run (13 ms for 500 of 50,000 queued; 1.3 ms
    // by the lane's index), and read the queued rows again for the UPDATE instead of going by id.
    const rows = await query<Record<string, unknown>>(db, sql`
      WITH "picked" AS MATERIALIZED (
        SELECT d."id" FROM "CampaignDelivery" d ${byLane} JOIN "Campaign" c ON c."id" = d."campaignId"
        WHERE d."channel" = ${name} AND d."state" = 'queued' AND d."nextAttemptAt" <= ${now}
          AND (d."lockedUntil" IS NULL OR d."lockedUntil" < ${now}) AND c."status" = 'sending'
        ORDER BY d."id" LIMIT ${limit} ${skipLocked})
      UPDATE "CampaignDelivery" ${byId} SET "lockedBy" = ${owner}, "lockedUntil" = ${new Date(now.getTime() + leaseMs)}, "updatedAt" = ${now}
      WHERE "id" IN (SELECT "id" FROM "picked") AND "state" = 'queued' AND ("lockedUntil" IS NULL OR "lockedUntil" < ${now})
      RETURNING "id", "campaignId", "contactId", "language", "attempts"`);
    return rows
      .map((r) => ({ id: int(r.id), campaignId: String(r.campaignId), contactId: String(r.contactId), language: String(r.language), attempts: int(r.attempts) }))
      .sort((a, b) => a.id - b.id);
  }

  async function lane(name: ChannelName, channel: Channel): Promise<void> {
    const rate = rateOf(name);
    const batch = Math.max(1, Math.min(500, Math.round(rate * claimSeconds)));
    const failed = async (err: unknown) => {
      ctx.log.error({ err: asError(err), fault: dbFaultOf(err), channel: name }, "campaign lane failed; trying again");
      await sleep(pollMs);
      return undefined;
    };
    // The next claim is prepared while the current one is being sent, so the lane never pauses between claims.
    let next: Promise<Prepared | null | undefined> = prepare(name, channel, batch).catch(failed);
    while (!stopping) {
      const current = await next;
      if (current === null) {
        await idle(pollMs);
        next = prepare(name, channel, batch).catch(failed);
        continue;
      }
      next = prepare(name, channel, batch).catch(failed);
      if (!current) continue;
      try {
        const halted = await send(name, channel, current);
        if (halted) {
          // Paused, cancelled or throttled: the prepared claim's slots are no longer right; it goes back too.
          await next;
          await release();
          next = prepare(name, channel, batch).catch(failed);
        }
      } catch (err) {
        await failed(err);
      }
    }
    await next;
    await release().catch(() => undefined);
  }

  /** Rows this process claimed but has not started sending go back to the queue. */
  async function release(): Promise<void> {
    await db.campaignDelivery.updateMany({ where: { lockedBy: owner, state: "queued" }, data: { lockedBy: null, lockedUntil: null } });
  }

  function idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      wakers.add(done);
    });
  }

  /** `cost`: the platform messages this delivery makes (slots it takes from the rate). */
  type Ready = { id: number; chatId: string; message: OutboundMessage; via?: "template"; templateId?: string; attempts: number; contactId: string; cost: number };
  interface Prepared {
    ready: Ready[];
  }

  /**
   * One claim's worth of rows on a lane, checked (consent, window, quiet hours) and given their slots; null when
   * there was nothing to claim.
   */
  async function prepare(name: ChannelName, channel: Channel, batch: number): Promise<Prepared | null> {
    const rows = await claim(name, batch);
    if (rows.length === 0) return null;
    // Translations approved since the last batch (a campaign's own text, its buttons) go out with this one.
    await i18n.refresh?.(db, { mediaDir: ctx.config.mediaDir }).catch((err: unknown) => ctx.log.warn({ err }, "reviewed translations not reloaded; the previous ones are used"));
    const now = ctx.now();
    const contactIds = [...new Set(rows.map((r) => r.contactId))];
    // Raw, and the rows below in slices with a turn of the event loop between them: a claim of 500 read and composed in
    // one go stalled the lane's next group by up to 35 ms at 1,000/s, and a stalled slot is a slot lost.
    const [contacts, subs] = await Promise.all([
      query<Record<string, unknown>>(db, sql`
        SELECT "id", "stoppedAt", "lastInboundAt", "platformIdEnc" FROM "Contact" WHERE "id" IN (${join(contactIds)})`).then((found) =>
        found.map((c) => ({ id: String(c.id), stoppedAt: date(c.stoppedAt), lastInboundAt: date(c.lastInboundAt), platformIdEnc: String(c.platformIdEnc) })),
      ),
      query<Record<string, unknown>>(db, sql`
        SELECT "contactId", "topics", "stoppedAt" FROM "Subscription" WHERE "contactId" IN (${join(contactIds)})`).then((found) =>
        found.map((s) => ({ contactId: String(s.contactId), topics: String(s.topics), stoppedAt: date(s.stoppedAt) })),
      ),
    ]);
    const contactOf = new Map(contacts.map((c) => [c.id, c]));
    const subOf = new Map(subs.map((s) => [s.contactId, s]));
    const caps = channel.capabilities.bulk;

    const skips = new Map<string, number[]>();
    const held: number[] = [];
    const ready: Ready[] = [];
    const quiet = caps.quietHours && inQuietHours(now, caps.quietHours);
    for (const [k, row] of rows.entries()) {
      if (k % PREPARE_SLICE === PREPARE_SLICE - 1) await nextTurn();
      const c = await campaign(row.campaignId);
      if (!c) continue;
      const contact = contactOf.get(row.contactId) ?? null;
      const consent = stillConsents(subOf.get(row.contactId) ?? null, contact, c.row.topic, c.audience);
      if (consent !== "ok") {
        skips.set(consent, [...(skips.get(consent) ?? []), row.id]);
        continue;
      }
      if (quiet) {
        held.push(row.id);
        continue;
      }
      const composed = composeCampaignMessage(i18n, c, row.language, { paidBroadcast: paidBroadcast(name), deliveryId: row.id, mediaDir: ctx.config.mediaDir });
      const gone = partsSent.get(row.id);
      const message = gone ? { ...composed, sentParts: gone } : composed;
      const chatId = ctx.vault.decrypt(contact!.platformIdEnc);
      const windowHours = channel.capabilities.replyWindowHours;
      const inWindow = !caps.needsWindow || !windowHours || (contact!.lastInboundAt && contact!.lastInboundAt.getTime() + windowHours * HOUR_MS > now.getTime());
      if (!inWindow) {
        const templateId = templates[c.row.topic];
        if (!templateId || !channel.sendTemplate) {
          skips.set("window_closed", [...(skips.get("window_closed") ?? []), row.id]);
          continue;
        }
        ready.push({ id: row.id, chatId, message, via: "template", templateId, attempts: row.attempts, contactId: row.contactId, cost: 1 });
        continue;
      }
      ready.push({ id: row.id, chatId, message, attempts: row.attempts, contactId: row.contactId, cost: Math.max(1, (channel.messagesIn?.(composed) ?? 1) - (gone ?? 0)) });
    }
    for (const [reason, ids] of skips) {
      await db.campaignDelivery.updateMany({ where: { id: { in: ids }, lockedBy: owner }, data: { state: "skipped", reason, lockedBy: null, lockedUntil: null } });
    }
    if (held.length > 0) {
      await db.campaignDelivery.updateMany({
        where: { id: { in: held }, lockedBy: owner },
        data: { heldReason: "night", nextAttemptAt: quietEnd(now, caps.quietHours!), lockedBy: null, lockedUntil: null },
      });
    }
    return { ready };
  }

  /**
   * Sends a prepared claim: each row at its slot, in groups of those due within a few ms, several groups in flight.
   * True when it stopped early (paused, cancelled, throttled): then the rest went back to the queue.
   */
  async function send(name: ChannelName, channel: Channel, { ready }: Prepared): Promise<boolean> {
    const interval = intervalOf(name);
    const rate = rateOf(name);
    const calls = sendWindowOf(channel);
    const stepMs = Number(interval) / 1000;
    // A group is what the rate allows in ~20 ms (1 message at 30/s, 20 at 1,000/s; always at least one delivery,
    // with all its messages); its slots, one per message, are reserved from the shared rate just before it goes, so a
    // process that fell behind never sends into slots another process holds.
    const groupSize = Math.max(1, Math.floor(20 / stepMs));
    let halt: "stopped" | number | undefined;
    let haltAt = ready.length;
    let lateTries = 0;
    for (let i = 0; i < ready.length && !stopping && halt === undefined; ) {
      let j = i + 1;
      let messages = ready[i]!.cost;
      while (j < ready.length && messages + ready[j]!.cost <= groupSize) messages += ready[j++]!.cost;
      const slot = await reserveSlots(db, `bulk:${name}`, messages, interval, Date.now());
      // Never more than the rate in any second from this process either (the window is checked again right
      // before the calls, after the write that marks the group).
      const at = Math.max(slot, calls.opensAt(messages, rate, Date.now()));
      const wait = at - Date.now();
      if (wait > 0) await sleep(wait);
      const group = ready.slice(i, j);
      // One group at a time: the platform's answers pace the lane (several in flight measured 429s at 1,000/s, as
      // requests queued on either side arrived together). Late three times running: sent anyway.
      const result = await sendGroup(name, channel, group, lateTries >= 3 ? Number.POSITIVE_INFINITY : at);
      if (result === "late") {
        lateTries++;
        continue; // new slots for the same group
      }
      lateTries = 0;
      i = j;
      if (result === "stopped" || (typeof result === "number" && result > 0)) {
        halt = result;
        haltAt = j;
      }
    }
    if (halt === undefined && !stopping) return false;
    if (typeof halt === "number") {
      // Throttled: the rest go after the platform's wait, in their order.
      const rest = ready.slice(haltAt).map((r) => r.id);
      await db.campaignDelivery.updateMany({ where: { id: { in: rest }, lockedBy: owner, state: "queued" }, data: { lockedBy: null, lockedUntil: null, nextAttemptAt: new Date(Date.now() + halt) } });
    }
    // Paused or cancelled meanwhile (a cancel has already skipped the rest), or stopping: what is held goes back.
    await release();
    return true;
  }

  /** Sends one group; answers the platform's wait (ms) when it said 429, else 0. */
  async function sendGroup(
    name: ChannelName,
    channel: Channel,
    group: Ready[],
    slot: number,
  ): Promise<number | "stopped" | "late"> {
    const ids = group.map((g) => g.id);
    const startedAt = ctx.now();
    // Marked only while the campaign is still sending: a pause or a cancel stops the very next group. Raw, by id (on
    // SQLite the state index read every queued row of the run: 3 ms at 50,000): this runs 50 times a second at 1,000/s.
    const count = await execute(db, sql`
      UPDATE "CampaignDelivery" ${byId} SET "state" = 'sending', "attempts" = "attempts" + 1, "updatedAt" = ${startedAt}
      WHERE "id" IN (${join(ids)}) AND "lockedBy" = ${owner} AND "state" = 'queued'
        AND EXISTS (SELECT 1 FROM "Campaign" c WHERE c."id" = "CampaignDelivery"."campaignId" AND c."status" = 'sending')`);
    if (count === 0) return "stopped";
    if (count < ids.length) {
      const marked = new Set((await db.campaignDelivery.findMany({ where: { id: { in: ids }, lockedBy: owner, state: "sending" }, select: { id: true } })).map((r) => r.id));
      group = group.filter((g) => marked.has(g.id));
    }
    // The window is checked again right before the calls: a slow write above must not turn into a burst below.
    const calls = sendWindowOf(channel);
    const messages = group.reduce((n, g) => n + g.cost, 0);
    const rate = rateOf(name);
    for (let wait = calls.opensAt(messages, rate, Date.now()) - Date.now(); wait > 0; wait = calls.opensAt(messages, rate, Date.now()) - Date.now()) {
      await sleep(wait);
    }
    if (Date.now() - slot > lateMs) {
      // The write above was slow: not sent, so back to the queue as it was, to be sent in new slots.
      await db.campaignDelivery.updateMany({ where: { id: { in: group.map((g) => g.id) }, lockedBy: owner, state: "sending" }, data: { state: "queued", attempts: { decrement: 1 } } });
      return "late";
    }
    calls.begin(messages);
    const results = await Promise.all(
      group.map(async (g) => {
        try {
          const receipt =
            g.via === "template" ? await channel.sendTemplate!(g.chatId, g.templateId!, { content: g.message.text }) : await channel.send(g.chatId, g.message);
          return { g, ok: true as const, providerMessageId: receipt.providerMessageId ?? null };
        } catch (err) {
          const error = err instanceof SendError ? err : new SendError("unexpected_response", String((err as Error)?.message ?? err));
          return { g, ok: false as const, error };
        } finally {
          // All its messages (a voice note, then the text) counted as answered when the last one was.
          calls.end(g.cost);
        }
      }),
    );
    let throttledMs = 0;
    for (const r of results) {
      if (!r.ok && r.error.details.sentParts && decide(r.error, r.g.attempts + 1, maxAttempts).action === "retry") partsSent.set(r.g.id, r.error.details.sentParts);
      else partsSent.delete(r.g.id);
    }
    const keepIds = channel.capabilities.bulk.reportsReceipts === true;
    await writeResults(async () => {
      if (!keepIds && results.every((r) => r.ok && r.g.via !== "template")) {
        // The usual case, every message taken: one statement, no transaction.
        await execute(db, sql`
          UPDATE "CampaignDelivery" SET "state" = 'sent', "sentAt" = ${startedAt}, "heldReason" = NULL, "lockedBy" = NULL, "lockedUntil" = NULL, "updatedAt" = ${ctx.now()}
          WHERE "id" IN (${join(results.map((r) => r.g.id))})`);
        return;
      }
      await db.$transaction(async (tx) => {
        // One statement for the sent ones; each row its own only where the platform reports receipts by message id.
        const sent = results.filter((r) => r.ok).map((r) => r.g);
        if (!keepIds && sent.length > 0) {
          await tx.campaignDelivery.updateMany({
            where: { id: { in: sent.map((g) => g.id) } },
            data: { state: "sent", sentAt: startedAt, heldReason: null, lockedBy: null, lockedUntil: null },
          });
          const template = sent.filter((g) => g.via === "template").map((g) => g.id);
          if (template.length > 0) await tx.campaignDelivery.updateMany({ where: { id: { in: template } }, data: { via: "template" } });
        }
        for (const r of results) {
          if (r.ok && !keepIds) continue;
          if (r.ok) {
            await tx.campaignDelivery.update({
              where: { id: r.g.id },
              data: { state: "sent", sentAt: startedAt, providerMessageId: r.providerMessageId, via: r.g.via ?? null, heldReason: null, lockedBy: null, lockedUntil: null },
            });
            continue;
          }
          const error = r.error;
          const decision = decide(error, r.g.attempts + 1, maxAttempts);
          const fields = { lastError: scrubSecrets(error.message).slice(0, 500), lockedBy: null, lockedUntil: null };
          if (decision.action === "retry") {
            if (error.kind === "throttled") throttledMs = Math.max(throttledMs, decision.delayMs);
            await tx.campaignDelivery.update({ where: { id: r.g.id }, data: { ...fields, state: "queued", nextAttemptAt: new Date(Date.now() + decision.delayMs) } });
          } else if (decision.status === "window_closed") {
            await tx.campaignDelivery.update({ where: { id: r.g.id }, data: { ...fields, state: "skipped", reason: "window_closed" } });
          } else if (decision.stopContact) {
            await tx.campaignDelivery.update({ where: { id: r.g.id }, data: { ...fields, state: "skipped", reason: "blocked" } });
            await tx.contact.update({ where: { id: r.g.contactId }, data: { stoppedAt: ctx.now() } });
            await unsubscribe(tx, r.g.contactId, "blocked", { source: "platform" }, ctx.now());
          } else {
            await tx.campaignDelivery.update({ where: { id: r.g.id }, data: { ...fields, state: "failed", reason: error.kind } });
          }
        }
      });
    });
    if (throttledMs > 0) {
      ctx.log.warn({ channel: name, retryAfterMs: throttledMs }, "campaign lane throttled by the platform; waiting");
      await pushSlots(db, `bulk:${name}`, Date.now() + throttledMs);
    }
    return count < ids.length ? "stopped" : throttledMs;
  }

  /** What the platform took must be recorded: a locked database or a full disk is waited out, not turned into a resend. */
  async function writeResults(write: () => Promise<void>): Promise<void> {
    for (let tries = 0; ; tries++) {
      try {
        return await write();
      } catch (err) {
        if (!dbFaultOf(err) || stopping) throw err;
        await sleep(Math.min(500 * 2 ** tries, 10_000));
      }
    }
  }

  let timer: NodeJS.Timeout | undefined;
  async function tickSchedule(): Promise<void> {
    try {
      await settleInterrupted(false);
      await schedule();
      await sendBroadcasts();
    } catch (err) {
      ctx.log.error({ err: asError(err), fault: dbFaultOf(err) }, "campaign scheduling failed; trying again");
    }
    if (running && !stopping) timer = setTimeout(() => void tickSchedule(), pollMs);
  }

  return {
    owner,
    rateOf,
    schedule,
    start() {
      if (running) return;
      running = true;
      stopping = false;
      void (async () => {
        // One SQLite process: whatever another process left mid-send is settled at once.
        if (ctx.config.dialect === "sqlite") await settleInterrupted(true).catch(() => undefined);
        await tickSchedule();
      })();
      for (const [name, channel] of ctx.channels) loops.push(lane(name, channel));
    },
    kick() {
      for (const wake of wakers) wake();
    },
    async stop() {
      stopping = true;
      running = false;
      clearTimeout(timer);
      for (const wake of wakers) wake();
      await Promise.all(loops.splice(0));
    },
  };
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

function inQuietHours(now: Date, quiet: { from: number; to: number }): boolean {
  const hour = new Date(now.getTime() + VN_OFFSET_MS).getUTCHours();
  return quiet.from > quiet.to ? hour >= quiet.from || hour < quiet.to : hour >= quiet.from && hour < quiet.to;
}

/** The end of the quiet hours containing `now` (06:00 Vietnam time for Zalo). */
function quietEnd(now: Date, quiet: { from: number; to: number }): Date {
  const local = now.getTime() + VN_OFFSET_MS;
  const day = Math.floor(local / (24 * HOUR_MS)) * 24 * HOUR_MS;
  let end = day + quiet.to * HOUR_MS;
  if (end <= local) end += 24 * HOUR_MS;
  return new Date(end - VN_OFFSET_MS);
}

function parseTemplates(json: string | undefined): Record<string, string> {
  if (!json) return {};
  const parsed = JSON.parse(json) as unknown;
  if (!parsed || typeof parsed !== "object") return {};
  return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === "string"));
}
