/**
 * Step one of every inbound path: store the raw event, unique per channel delivery, before
 * answering the platform. The payload is encrypted (it carries the resident's identity).
 */
import type { AppContext } from "../context.ts";
import type { ChannelName } from "../channels/types.ts";
import { execute, sql } from "../db/sql.ts";

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
 */
export async function storeInboundEvent(
  ctx: Pick<AppContext, "db" | "vault" | "bus" | "now">,
  event: RawEvent,
): Promise<"stored" | "duplicate"> {
  const now = ctx.now();
  const chatKey = chatKeyOf(ctx, event.channel, event.chatId);
  const payloadEnc = ctx.vault.encrypt(JSON.stringify(event.payload));
  const inserted = await execute(ctx.db, sql`
    INSERT INTO "InboundEvent" ("channel", "externalId", "chatKey", "payloadEnc", "receivedAt", "nextAttemptAt")
    VALUES (${event.channel}, ${event.externalId}, ${chatKey}, ${payloadEnc}, ${now}, ${now})
    ON CONFLICT ("channel", "externalId") DO NOTHING`);
  if (inserted === 0) return "duplicate";
  ctx.bus.emit("inbox:stored");
  return "stored";
}
