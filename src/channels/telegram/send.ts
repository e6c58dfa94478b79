/**
 * Sends one OutboundMessage: plans the requests (plan.ts), then makes them in order. A failure part-way
 * throws; the outbox retries the whole message, so earlier parts (the voice clip, the first text part) may be
 * sent twice. Rare, and better than losing the rest. A photo is uploaded once per process, then sent by file_id.
 */
import { SendError } from "../../outbox/send-error.ts";
import type { OutboundMessage, SentReceipt } from "../types.ts";
import type { BotApi } from "./client.ts";
import { toSendError, UnexpectedAnswerError } from "./errors.ts";
import { planRequests, type KeyboardLabels } from "./plan.ts";

/**
 * @example await sendMessage(api, "42", { text: "Đã nhận tin báo của bạn." }) // → { providerMessageId: "17" }
 */
export async function sendMessage(api: BotApi, chatId: string, message: OutboundMessage, labels?: KeyboardLabels, photos?: PhotoCache): Promise<SentReceipt> {
  const requests = planRequests(chatId, message, labels);
  let providerMessageId: string | undefined;
  for (const request of requests) {
    const result = request.method === "sendPhoto" && photos ? await sendPhoto(api, request.payload, photos) : await api.call(request.method, request.payload);
    providerMessageId = messageIdOf(result, request.method, api);
  }
  return providerMessageId === undefined ? {} : { providerMessageId };
}

/**
 * Telegram file ids of photos already uploaded, by local file: a campaign image goes to thousands of chats, and
 * uploading it once (then sending its file_id) saves a megabyte per recipient. Campaign images are named by
 * their content, so a path always means the same picture.
 */
export interface PhotoCache {
  get(file: string): string | undefined;
  set(file: string, fileId: string): void;
  delete(file: string): void;
}

export function createPhotoCache(max = 200): PhotoCache {
  const ids = new Map<string, string>();
  return {
    get: (file) => ids.get(file),
    set(file, fileId) {
      ids.delete(file);
      ids.set(file, fileId);
      if (ids.size > max) ids.delete(ids.keys().next().value!);
    },
    delete: (file) => void ids.delete(file),
  };
}

async function sendPhoto(api: BotApi, payload: Record<string, unknown>, photos: PhotoCache): Promise<unknown> {
  const photo = payload["photo"] as { source?: unknown } | string;
  const file = typeof photo === "object" && typeof photo.source === "string" ? photo.source : undefined;
  if (!file) return api.call("sendPhoto", payload);
  const known = photos.get(file);
  if (known) {
    try {
      return await api.call("sendPhoto", { ...payload, photo: known });
    } catch (error) {
      // A file id Telegram no longer takes: upload the file again.
      if (!(error instanceof SendError && error.kind === "invalid_message")) throw error;
      photos.delete(file);
    }
  }
  const result = await api.call("sendPhoto", payload);
  const sizes = typeof result === "object" && result !== null ? (result as { photo?: { file_id?: unknown }[] }).photo : undefined;
  const largest = Array.isArray(sizes) ? sizes.at(-1)?.file_id : undefined;
  if (typeof largest === "string" && largest !== "") photos.set(file, largest);
  return result;
}

function messageIdOf(result: unknown, method: string, api: BotApi): string {
  const id = typeof result === "object" && result !== null ? (result as { message_id?: unknown }).message_id : undefined;
  if (typeof id !== "number") throw toSendError(new UnexpectedAnswerError("result has no message_id"), method, api.redact);
  return String(id);
}
