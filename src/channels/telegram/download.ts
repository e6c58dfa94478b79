/**
 * Opens a download of a resident's photo, video or voice note: getFile, then a streamed GET of
 * `{apiRoot}/file/bot<token>/<file_path>`. Sizes are checked before anything is fetched whenever
 * Telegram told us the size, and the stream is cut the moment it passes `maxBytes`.
 */
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { SendError } from "../../outbox/send-error.ts";
import { MediaTooLargeError, type InboundMedia } from "../types.ts";
import { TELEGRAM_MAX_DOWNLOAD_BYTES } from "./capabilities.ts";
import type { BotApi } from "./client.ts";
import { toSendError, UnexpectedAnswerError } from "./errors.ts";
import { byteLimit } from "../../media/byte-limit.ts";

/**
 * @example const stream = await downloadMedia(api, media, 20 * 1024 * 1024, 120_000); stream.pipe(createWriteStream(path))
 */
export async function downloadMedia(api: BotApi, media: InboundMedia, maxBytes: number, downloadTimeoutMs: number): Promise<Readable> {
  if (media.size !== undefined && media.size > maxBytes) throw new MediaTooLargeError(media.size, maxBytes);
  const file = await getFile(api, media);
  if (file.size !== undefined && file.size > maxBytes) throw new MediaTooLargeError(file.size, maxBytes);

  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), downloadTimeoutMs).unref(); // an unread stream must not hold the process
  const headersTimer = setTimeout(() => abort.abort(), api.callTimeoutMs);
  let response: Response;
  try {
    response = await fetch(api.fileUrl(file.path), { signal: abort.signal });
  } catch (error) {
    clearTimeout(timer);
    throw toSendError(error, "file download", api.redact);
  } finally {
    clearTimeout(headersTimer);
  }
  const fail = (error: Error): never => {
    clearTimeout(timer);
    abort.abort();
    throw error;
  };
  if (!response.ok || !response.body) {
    return fail(downloadRefused(response.status));
  }
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) return fail(new MediaTooLargeError(declared, maxBytes));

  const limiter = byteLimit(maxBytes, () => abort.abort());
  const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  body.on("error", (error) => limiter.destroy(toSendError(error, "file download", api.redact)));
  limiter.on("close", () => {
    clearTimeout(timer);
    if (!body.destroyed) body.destroy();
  });
  body.pipe(limiter);
  return limiter;
}

/** The file server answers plain HTTP statuses: 401 is our token; anything else refuses this file. */
function downloadRefused(status: number): SendError {
  const message = `telegram file download: HTTP ${status}`;
  if (status === 401) return new SendError("config", message, { providerCode: status });
  if (status === 429) return new SendError("throttled", message, { retryAfterMs: 1_000, providerCode: status });
  if (status >= 500) return new SendError("server", message, { providerCode: status });
  return new SendError("rejected", message, { providerCode: status });
}

async function getFile(api: BotApi, media: InboundMedia): Promise<{ path: string; size?: number }> {
  let result: unknown;
  try {
    result = await api.call("getFile", { file_id: media.ref });
  } catch (error) {
    if (error instanceof SendError && error.details.providerCode === 400 && /file is too big/i.test(error.message)) {
      // Telegram does not say how big; it is at least one byte over its limit.
      throw new MediaTooLargeError(media.size ?? TELEGRAM_MAX_DOWNLOAD_BYTES + 1, TELEGRAM_MAX_DOWNLOAD_BYTES);
    }
    throw error;
  }
  const file = (typeof result === "object" && result !== null ? result : {}) as { file_path?: unknown; file_size?: unknown };
  if (typeof file.file_path !== "string" || file.file_path === "") {
    throw toSendError(new UnexpectedAnswerError("getFile result has no file_path"), "getFile", api.redact);
  }
  return { path: file.file_path, ...(typeof file.file_size === "number" ? { size: file.file_size } : {}) };
}
