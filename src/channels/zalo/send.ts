/**
 * Sends one OutboundMessage: plans the messages (plan.ts), then posts them in order to /v3.0/oa/message/cs.
 * A failure part-way throws; the outbox retries the whole message, so an earlier part may be sent twice. Rare, and
 * better than losing the rest.
 *
 * Recorded prompts: Zalo has no voice-note API for OAs, so a clip is uploaded with /v2.0/oa/upload/file and sent
 * as a file attachment the resident taps to play. Upload tokens are cached per file (re-sending the same greeting
 * clip costs one request); how long Zalo keeps them is not documented, so the cache is short and a refused token is
 * uploaded again. A translator's clip (stored under the media folder, see src/audio/clip-files.ts) is uploaded as its
 * M4A copy, which every phone plays; Zalo's docs list only PDF/DOC/DOCX for upload/file, so when Zalo refuses it the
 * resident gets a "▶ 🔊" link button to the clip's public address instead (only reviewed clips are served there),
 * and that refusal is remembered for a while. Any other clip Zalo refuses is skipped with a warning: the text must
 * still go.
 * Images (a campaign's) go the same way through /v2.0/oa/upload/image and a media template message.
 */
import { stat, readFile } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "../../log.ts";
import { partWay, SendError } from "../../outbox/send-error.ts";
import type { OutboundMessage, SentReceipt } from "../types.ts";
import { PATHS, requireString, type OaApi } from "./client.ts";
import { fileMessage, imageMessage, linkMessage, planMessages, type CsMessage, type PlanOptions } from "./plan.ts";

export interface ClipCache {
  /** An upload token for the clip, from the cache or a new upload. */
  tokenFor(file: string, mime: string): Promise<{ token: string; cached: boolean }>;
  forget(file: string): void;
  /** An attachment_id for the image (jpg/png up to 1 MB), from the cache or a new /v2.0/oa/upload/image. */
  imageFor(file: string, mime: string): Promise<{ attachmentId: string; cached: boolean }>;
  forgetImage(file: string): void;
  /** Zalo refused to take this clip as a file lately: send its link without trying again. */
  refused(file: string): boolean;
  markRefused(file: string): void;
}

/** A translator's clip: the copy to upload and, when the service has a public https address, its link. */
export interface RecordedClip {
  upload: { file: string; mime: string };
  url?: string;
}

/** Zalo's upload/image limit. */
const IMAGE_MAX_BYTES = 1024 * 1024;

/**
 * @example const clips = createClipCache(api, { ttlMs: 24 * 3600_000, maxBytes: 5 * 1024 * 1024, now })
 */
export function createClipCache(api: OaApi, options: { ttlMs: number; maxBytes: number; now: () => Date }): ClipCache {
  const cache = new Map<string, { key: string; token: string; at: number }>();
  const images = new Map<string, { key: string; attachmentId: string; at: number }>();
  const refusals = new Map<string, number>();
  return {
    refused(file) {
      const at = refusals.get(file);
      return at !== undefined && options.now().getTime() - at < options.ttlMs;
    },
    markRefused(file) {
      if (refusals.size >= 1000) refusals.clear();
      refusals.set(file, options.now().getTime());
    },
    async imageFor(file, mime) {
      const info = await stat(file);
      const key = `${info.size}:${info.mtimeMs}`;
      const hit = images.get(file);
      if (hit && hit.key === key && options.now().getTime() - hit.at < options.ttlMs) return { attachmentId: hit.attachmentId, cached: true };
      if (info.size > IMAGE_MAX_BYTES) throw new SendError("invalid_message", `zalo upload/image: image of ${info.size} bytes is over the ${IMAGE_MAX_BYTES}-byte limit`);
      const attachmentId = await uploadImage(api, { data: await readFile(file), filename: path.basename(file), contentType: mime.split(";")[0]!.trim() });
      images.set(file, { key, attachmentId, at: options.now().getTime() });
      return { attachmentId, cached: false };
    },
    forgetImage: (file) => void images.delete(file),
    async tokenFor(file, mime) {
      const info = await stat(file);
      const key = `${info.size}:${info.mtimeMs}`;
      const hit = cache.get(file);
      if (hit && hit.key === key && options.now().getTime() - hit.at < options.ttlMs) return { token: hit.token, cached: true };
      if (info.size > options.maxBytes) {
        throw new SendError("invalid_message", `zalo upload/file: clip of ${info.size} bytes is over the ${options.maxBytes}-byte limit`);
      }
      const data = await api.upload(PATHS.uploadFile, { data: await readFile(file), filename: path.basename(file), contentType: mime.split(";")[0]!.trim() });
      const token = requireString(data, "token", "upload/file", api.redact);
      cache.set(file, { key, token, at: options.now().getTime() });
      return { token, cached: false };
    },
    forget: (file) => void cache.delete(file),
  };
}

/**
 * @example await sendMessage(api, clips, "2512523625412515", { text: "Đã nhận tin báo của bạn." }, options, log) // → { providerMessageId: "…" }
 */
export async function sendMessage(
  api: OaApi,
  clips: ClipCache,
  userId: string,
  message: OutboundMessage,
  options: PlanOptions,
  log: Logger,
  recorded: (file: string) => RecordedClip | undefined = () => undefined,
): Promise<SentReceipt> {
  let providerMessageId: string | undefined;
  // A retry after a failure part-way sends only the parts that did not go (telegram/send.ts says why).
  const skip = message.sentParts ?? 0;
  for (const [i, step] of planMessages(message, options).slice(skip).entries()) {
    try {
      if (step.kind === "image") {
        providerMessageId = (await sendImageStep(api, clips, userId, step.file, step.mime, log)) ?? providerMessageId;
        continue;
      }
      if (step.kind === "clip") {
        const clip = recorded(step.file);
        if (clip) await sendRecordedClip(api, clips, userId, clip, options, log);
        else await sendClip(api, clips, userId, step.file, step.mime, log);
        continue;
      }
      providerMessageId = (await postMessage(api, userId, step.message)) ?? providerMessageId;
    } catch (error) {
      throw partWay(error, skip + i);
    }
  }
  return providerMessageId === undefined ? {} : { providerMessageId };
}

/**
 * Sends an image by public URL or uploaded attachment id (jpg/png up to 1 MB via /v2.0/oa/upload/image).
 *
 * @example await sendImage(api, userId, { url: "https://tinbao.example.vn/poster.png" })
 */
export async function sendImage(api: OaApi, userId: string, image: { url: string } | { attachmentId: string }): Promise<SentReceipt> {
  const id = await postMessage(api, userId, imageMessage(image));
  return id === undefined ? {} : { providerMessageId: id };
}

/** Uploads an image (jpg or png) and returns its attachment_id for {@link sendImage}. */
export async function uploadImage(api: OaApi, image: { data: Buffer; filename: string; contentType: string }): Promise<string> {
  return requireString(await api.upload(PATHS.uploadImage, image), "attachment_id", "upload/image", api.redact);
}

/** Like a clip: a cached attachment Zalo no longer knows is uploaded again once; an image Zalo refuses is left out. */
async function sendImageStep(api: OaApi, clips: ClipCache, userId: string, file: string, mime: string, log: Logger): Promise<string | undefined> {
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      const { attachmentId, cached } = await clips.imageFor(file, mime);
      try {
        return await postMessage(api, userId, imageMessage({ attachmentId }));
      } catch (error) {
        if (cached && error instanceof SendError && error.kind === "invalid_message") {
          clips.forgetImage(file);
          continue;
        }
        throw error;
      }
    } catch (error) {
      if (error instanceof SendError && error.kind !== "invalid_message") throw error;
      clips.forgetImage(file);
      log.warn({ err: error, image: path.basename(file) }, "zalo refused an image; sending the text without it");
      return undefined;
    }
  }
  return undefined;
}

/** A translator's clip: its M4A as a file; refused as a file type, its public link (remembered for the next sends). */
async function sendRecordedClip(api: OaApi, clips: ClipCache, userId: string, clip: RecordedClip, options: PlanOptions, log: Logger): Promise<void> {
  const { file, mime } = clip.upload;
  if (!clips.refused(file) && (await sendClip(api, clips, userId, file, mime, log))) return;
  if (!clip.url) return;
  clips.markRefused(file);
  await postMessage(api, userId, linkMessage(clip.url, options.buttonShape));
}

/** Uploads and sends the clip as a file; false when Zalo refused it (or it is missing here), after a warning. */
async function sendClip(api: OaApi, clips: ClipCache, userId: string, file: string, mime: string, log: Logger): Promise<boolean> {
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      const { token, cached } = await clips.tokenFor(file, mime);
      try {
        await postMessage(api, userId, fileMessage(token));
        return true;
      } catch (error) {
        // A cached upload token Zalo no longer knows: upload again once.
        if (cached && error instanceof SendError && error.kind === "invalid_message") {
          clips.forget(file);
          continue;
        }
        throw error;
      }
    } catch (error) {
      // Zalo refused the clip itself, or the clip file is missing here: the prompt's text still goes.
      if (error instanceof SendError && error.kind !== "invalid_message") throw error;
      clips.forget(file);
      log.warn({ err: error, clip: path.basename(file) }, "zalo refused a recorded prompt; sending the text without it");
      return false;
    }
  }
  return false;
}

/**
 * An approved ZBS template to one user, outside the 7-day window (campaigns only).
 *
 * @example await sendTemplate(api, "2512523625412515", "301234", { content: "Cảnh báo lừa đảo…" })
 */
export async function sendTemplate(api: OaApi, userId: string, templateId: string, data: Record<string, string>): Promise<SentReceipt> {
  const answer = await api.post(PATHS.template, { user_id: userId, template_id: templateId, template_data: data });
  const id = typeof answer === "object" && answer !== null ? (answer as { message_id?: unknown; msg_id?: unknown }).message_id ?? (answer as { msg_id?: unknown }).msg_id : undefined;
  return { providerMessageId: typeof id === "string" && id !== "" ? id : typeof id === "number" ? String(id) : undefined };
}

async function postMessage(api: OaApi, userId: string, message: CsMessage): Promise<string | undefined> {
  const data = await api.post(PATHS.message, { recipient: { user_id: userId }, message });
  // error 0 means Zalo took it: a missing id must not make the outbox send it again.
  const id = typeof data === "object" && data !== null ? (data as { message_id?: unknown }).message_id : undefined;
  return typeof id === "string" && id !== "" ? id : typeof id === "number" ? String(id) : undefined;
}
