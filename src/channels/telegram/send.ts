/**
 * Sends one OutboundMessage: plans the requests (plan.ts), then makes them in order. A failure part-way
 * throws; the outbox retries the whole message, so earlier parts (the voice clip, the first text part) may be
 * sent twice. Rare, and better than losing the rest.
 */
import type { OutboundMessage, SentReceipt } from "../types.ts";
import type { BotApi } from "./client.ts";
import { toSendError, UnexpectedAnswerError } from "./errors.ts";
import { planRequests, type KeyboardLabels } from "./plan.ts";

/**
 * @example await sendMessage(api, "42", { text: "Đã nhận tin báo của bạn." }) // → { providerMessageId: "17" }
 */
export async function sendMessage(api: BotApi, chatId: string, message: OutboundMessage, labels?: KeyboardLabels): Promise<SentReceipt> {
  const requests = planRequests(chatId, message, labels);
  let providerMessageId: string | undefined;
  for (const request of requests) {
    const result = await api.call(request.method, request.payload);
    providerMessageId = messageIdOf(result, request.method, api);
  }
  return providerMessageId === undefined ? {} : { providerMessageId };
}

function messageIdOf(result: unknown, method: string, api: BotApi): string {
  const id = typeof result === "object" && result !== null ? (result as { message_id?: unknown }).message_id : undefined;
  if (typeof id !== "number") throw toSendError(new UnexpectedAnswerError("result has no message_id"), method, api.redact);
  return String(id);
}
