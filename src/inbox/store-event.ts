/**
 * Step one of every inbound path: store the raw event, unique per channel delivery, before
 * answering the platform. The payload is encrypted (it carries the resident's identity).
 */
import type { AppContext } from "../context.ts";
import type { ChannelName } from "../channels/types.ts";
import { join, query, sql } from "../db/sql.ts";

export interface RawEvent {
  channel: ChannelName;
  externalId: string;
  chatId: string;
  payload: unknown;
}

export function chatKeyOf(ctx: Pick<AppContext, "vault">, channel: ChannelName, chatId: string): string {
  return ctx.vault.hash(`chat:${channel}:${chatId}`);
}

/**
 * Returns "stored", or "duplicate" when this delivery was stored before (acknowledge and ignore it).
 * One `INSERT … ON CONFLICT DO NOTHING` (same on SQLite and PostgreSQL): this is every webhook's hot
 * path, and a duplicate must not cost an exception.
 *
 * Deliveries arriving in the same turn of the event loop are stored by ONE such statement (one commit): under a
 * burst (50 connections posting quiz answers) a commit per webhook was most of the webhook's cost. Each caller
 * still answers only after its row is committed, and a failed statement fails every caller of that batch, none of
 * whose rows were stored (one statement is atomic).
 */
export async function storeInboundEvent(
  ctx: Pick<AppContext, "db" | "vault" | "bus" | "now">,
  event: RawEvent,
): Promise<"stored" | "duplicate"> {
  const now = ctx.now();
  const row: PendingRow = {
    channel: event.channel,
    externalId: event.externalId,
    chatKey: chatKeyOf(ctx, event.channel, event.chatId),
    payloadEnc: ctx.vault.encrypt(JSON.stringify(event.payload)),
    at: now,
  };
  let batcher = batchers.get(ctx.db);
  if (!batcher) batchers.set(ctx.db, (batcher = { rows: [], scheduled: false }));
  const own = batcher;
  return new Promise((resolve, reject) => {
    own.rows.push({ ...row, resolve, reject });
    if (!own.scheduled) {
      own.scheduled = true;
      setImmediate(() => void flush(ctx, own));
    }
  });
}

/** Most rows in one statement (6 arguments each, well under SQLite's and PostgreSQL's limits). */
export const MAX_STORE_BATCH = 200;

interface PendingRow {
  channel: ChannelName;
  externalId: string;
  chatKey: string;
  payloadEnc: string;
  at: Date;
}
interface Waiting extends PendingRow {
  resolve(result: "stored" | "duplicate"): void;
  reject(error: unknown): void;
}
interface Batcher {
  rows: Waiting[];
  scheduled: boolean;
}
const batchers = new WeakMap<object, Batcher>();

async function flush(ctx: Pick<AppContext, "db" | "bus">, batcher: Batcher): Promise<void> {
  batcher.scheduled = false;
  while (batcher.rows.length > 0) {
    const batch = batcher.rows.splice(0, MAX_STORE_BATCH);
    const key = (r: { channel: string; externalId: string }) => `${r.channel}\u0000${r.externalId}`;
    // The same delivery twice in one batch (a platform's quick retry): the first is stored, the second is a duplicate.
    const first = new Map<string, Waiting>();
    for (const r of batch) if (!first.has(key(r))) first.set(key(r), r);
    const rows = [...first.values()];
    try {
      const inserted = await query<{ channel: string; externalId: string }>(ctx.db, sql`
        INSERT INTO "InboundEvent" ("channel", "externalId", "chatKey", "payloadEnc", "receivedAt", "nextAttemptAt")
        VALUES ${join(rows.map((r) => sql`(${r.channel}, ${r.externalId}, ${r.chatKey}, ${r.payloadEnc}, ${r.at}, ${r.at})`))}
        ON CONFLICT ("channel", "externalId") DO NOTHING
        RETURNING "channel", "externalId"`);
      const stored = new Set(inserted.map((r) => key({ channel: String(r.channel), externalId: String(r.externalId) })));
      if (stored.size > 0) ctx.bus.emit("inbox:stored");
      for (const r of batch) r.resolve(stored.has(key(r)) && first.get(key(r)) === r ? "stored" : "duplicate");
    } catch (error) {
      for (const r of batch) r.reject(error);
    }
  }
}
