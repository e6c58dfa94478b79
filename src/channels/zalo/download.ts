/**
 * Opens a download of what a resident sent: the attachment URL from the webhook event, fetched at once (Zalo's
 * links do not last). Only http(s); no token is sent (the URL is a CDN link, not the OA API). Sizes are checked
 * before anything is read when known (the event's `size`, then Content-Length), and the stream is cut the moment
 * it passes `maxBytes`. The URL is the resident's data: it appears in no error message.
 */
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { MediaTooLargeError, type InboundMedia } from "../types.ts";
import { byteLimit } from "../../media/byte-limit.ts";

/** The attachment could not be fetched; the inbox retries the event, then the flow goes on without the file. */
export class AttachmentDownloadError extends Error {
  override name = "AttachmentDownloadError";
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface DownloadTimeouts {
  /** Until the response headers arrive. */
  headersMs: number;
  /** For the whole body. */
  totalMs: number;
}

/**
 * @example const stream = await downloadAttachment(media, 20 * 1024 * 1024, { headersMs: 10_000, totalMs: 120_000 })
 */
export async function downloadAttachment(media: InboundMedia, maxBytes: number, timeouts: DownloadTimeouts): Promise<Readable> {
  if (media.size !== undefined && media.size > maxBytes) throw new MediaTooLargeError(media.size, maxBytes);
  let url: URL;
  try {
    url = new URL(media.ref);
  } catch {
    throw new AttachmentDownloadError("zalo attachment: the link is not a URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new AttachmentDownloadError(`zalo attachment: refusing a ${url.protocol} link (http(s) only)`);

  const abort = new AbortController();
  const total = setTimeout(() => abort.abort(), timeouts.totalMs).unref(); // an unread stream must not hold the process
  const headers = setTimeout(() => abort.abort(), timeouts.headersMs);
  let response: Response;
  try {
    response = await fetch(url, { signal: abort.signal, redirect: "follow" });
  } catch (error) {
    clearTimeout(total);
    const err = error as Error;
    const why = err.name === "AbortError" ? "timed out" : `${err.name}: ${(err as { cause?: { code?: string } }).cause?.code ?? err.message}`;
    throw new AttachmentDownloadError(`zalo attachment download failed: ${why}`);
  } finally {
    clearTimeout(headers);
  }
  const fail = (error: Error): never => {
    clearTimeout(total);
    abort.abort();
    throw error;
  };
  if (!response.ok || !response.body) {
    const hint = response.status === 404 || response.status === 410 ? " (Zalo's link may have expired)" : "";
    return fail(new AttachmentDownloadError(`zalo attachment download: HTTP ${response.status}${hint}`, response.status));
  }
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) return fail(new MediaTooLargeError(declared, maxBytes));

  const limiter = byteLimit(maxBytes, () => abort.abort());
  const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  body.on("error", (error) => {
    if (!limiter.destroyed) limiter.destroy(new AttachmentDownloadError(`zalo attachment download broke off: ${error.name}`));
  });
  limiter.on("close", () => {
    clearTimeout(total);
    if (!body.destroyed) body.destroy();
  });
  body.pipe(limiter);
  return limiter;
}
