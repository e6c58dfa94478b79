/**
 * Every bot message is written to the outbox, in the same transaction as the change that caused
 * it, and sent afterwards by the outbox worker. The payload is encrypted (receipts carry secrets).
 */
import type { Tx } from "../db/client.ts";
import type { Vault } from "../security/crypto.ts";
import type { ChannelName, OutboundMessage } from "../channels/types.ts";

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
  await tx.outboxMessage.createMany({
    data: items.map((item) => ({
      channel: item.channel,
      contactId: item.contactId,
      chatKey: vault.hash(`chat:${item.channel}:${item.chatId}`),
      addressEnc: vault.encrypt(item.chatId),
      payload: vault.encrypt(JSON.stringify(item.message)),
      dedupeKey: item.dedupeKey,
      priority: item.priority ?? PRIORITY.reply,
      tipId: item.tipId,
    })),
  });
}
