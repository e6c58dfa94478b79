/**
 * Every bot message is written to the outbox, in the same transaction as the change that caused
 * it, and sent afterwards by the outbox worker. The payload is encrypted (receipts carry secrets).
 */
import type { Tx } from "../db/client.ts";
import type { Vault } from "../security/crypto.ts";
import type { ChannelName, OutboundMessage } from "../channels/types.ts";
import { execute, join, sql } from "../db/sql.ts";

/** Order among a channel's chats: a reply to someone talking now first, bulk (campaigns) last. */
export const PRIORITY = { reply: 0, notice: 1, bulk: 2 } as const;

export interface OutboxItem {
  channel: ChannelName;
  chatId: string;
  contactId?: string;
  message: OutboundMessage;
  /** Unique per logical message (e.g. `in:<eventId>:<n>`), so a retried transaction cannot add it twice. */
  dedupeKey: string;
  /** PRIORITY.reply unless said otherwise. */
  priority?: number;
  /** The tip the message is about (a resend after a crash is shown in its timeline). */
  tipId?: string;
}

export async function enqueueMessages(tx: Tx, vault: Vault, items: OutboxItem[]): Promise<void> {
  if (items.length === 0) return;
  // Raw: every turn queues its replies (src/db/sql.ts says why). The dates are the ones Prisma would have set.
  const now = new Date();
  const rows = items.map(
    (item) => sql`(${item.channel}, ${item.contactId ?? null}, ${vault.hash(`chat:${item.channel}:${item.chatId}`)}, ${vault.encrypt(item.chatId)},
      ${vault.encrypt(JSON.stringify(item.message))}, ${item.dedupeKey}, 'pending', 0, ${now}, ${now}, ${item.priority ?? PRIORITY.reply}, ${item.tipId ?? null}, 0)`,
  );
  await execute(tx, sql`
    INSERT INTO "OutboxMessage" ("channel", "contactId", "chatKey", "addressEnc", "payload", "dedupeKey", "status", "attempts", "nextAttemptAt", "createdAt", "priority", "tipId", "resends")
    VALUES ${join(rows)}`);
}
