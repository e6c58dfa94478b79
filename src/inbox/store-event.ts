/**
 * Step one of every inbound path: store the raw event, unique per channel delivery, before
 * answering the platform. The payload is encrypted (it carries the resident's identity).
 */
import type { AppContext } from "../context.ts";
import type { ChannelName } from "../channels/types.ts";
import { isUniqueViolation } from "../db/errors.ts";

export interface RawEvent {
  channel: ChannelName;
  externalId: string;
  chatId: string;
  payload: unknown;
}

export function chatKeyOf(ctx: Pick<AppContext, "vault">, channel: ChannelName, chatId: string): string {
  return ctx.vault.hash(`chat:${channel}:${chatId}`);
}

/** Returns "stored", or "duplicate" when this delivery was stored before (acknowledge and ignore it). */
export async function storeInboundEvent(
  ctx: Pick<AppContext, "db" | "vault" | "bus">,
  event: RawEvent,
): Promise<"stored" | "duplicate"> {
  try {
    await ctx.db.inboundEvent.create({
      data: {
        channel: event.channel,
        externalId: event.externalId,
        chatKey: chatKeyOf(ctx, event.channel, event.chatId),
        payloadEnc: ctx.vault.encrypt(JSON.stringify(event.payload)),
      },
      select: { id: true },
    });
  } catch (e) {
    if (isUniqueViolation(e)) return "duplicate";
    throw e;
  }
  ctx.bus.emit("inbox:stored");
  return "stored";
}
