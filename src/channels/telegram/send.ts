/**
 * Sends one OutboundMessage: plans the requests (plan.ts), then makes them in order. A failure part-way throws a
 * SendError saying how many parts went (`sentParts`), and the retry, told so in `message.sentParts`, sends only the
 * rest: the voice clip or the first text part is not received twice. A photo or a voice note is uploaded once per
 * process, then sent by file_id.
 */
import { partWay, SendError } from "../../outbox/send-error.ts";
import type { OutboundMessage, SentReceipt } from "../types.ts";
import type { BotApi } from "./client.ts";
import { toSendError, UnexpectedAnswerError } from "./errors.ts";
import { planRequests, type KeyboardLabels } from "./plan.ts";

/**
 * @example await sendMessage(api, "42", { text: "Đã nhận tin báo của bạn." }) // → { providerMessageId: "17" }
 */
export async function sendMessage(api: BotApi, chatId: string, message: OutboundMessage, labels?: KeyboardLabels, photos?: PhotoCache): Promise<SentReceipt> {
  const skip = message.sentParts ?? 0;
  const requests = planRequests(chatId, message, labels).slice(skip);
  let providerMessageId: string | undefined;
  for (const [i, request] of requests.entries()) {
    const cached = photos ? UPLOADED[request.method] : undefined;
    try {
      const result = cached ? await sendUploaded(api, request.method, cached, request.payload, photos!) : await api.call(request.method, request.payload);
      providerMessageId = messageIdOf(result, request.method, api);
    } catch (error) {
      throw partWay(error, skip + i);
    }
  }
  return providerMessageId === undefined ? {} : { providerMessageId };
}

/**
 * Telegram file ids of photos and voice notes already uploaded, by local file: a campaign image or a campaign's
 * Hre/Co recording goes to thousands of chats, and uploading it once (then sending its file_id) saves up to a
 * megabyte per recipient. Campaign images and workbench clips are named by their content, so a path always means
 * the same file.
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

/** Methods whose uploaded file is sent again by file_id: the field it goes in, and the file id Telegram answers. */
const UPLOADED: Record<string, { field: string; fileId: (result: Record<string, unknown>) => unknown }> = {
  // The largest size of the photo.
  sendPhoto: { field: "photo", fileId: (r) => (Array.isArray(r["photo"]) ? (r["photo"].at(-1) as { file_id?: unknown } | undefined)?.file_id : undefined) },
  sendVoice: { field: "voice", fileId: (r) => (r["voice"] as { file_id?: unknown } | undefined)?.file_id },
};

async function sendUploaded(api: BotApi, method: string, how: (typeof UPLOADED)[string], payload: Record<string, unknown>, files: PhotoCache): Promise<unknown> {
  const input = payload[how.field] as { source?: unknown } | string;
  const file = typeof input === "object" && typeof input.source === "string" ? input.source : undefined;
  if (!file) return api.call(method, payload);
  const known = files.get(file);
  if (known) {
    try {
      return await api.call(method, { ...payload, [how.field]: known });
    } catch (error) {
      // A file id Telegram no longer takes: upload the file again.
      if (!(error instanceof SendError && error.kind === "invalid_message")) throw error;
      files.delete(file);
    }
  }
  const result = await api.call(method, payload);
  const id = typeof result === "object" && result !== null ? how.fileId(result as Record<string, unknown>) : undefined;
  if (typeof id === "string" && id !== "") files.set(file, id);
  return result;
}

function messageIdOf(result: unknown, method: string, api: BotApi): string {
  const id = typeof result === "object" && result !== null ? (result as { message_id?: unknown }).message_id : undefined;
  if (typeof id !== "number") throw toSendError(new UnexpectedAnswerError("result has no message_id"), method, api.redact);
  return String(id);
}
