/**
 * Reads a multipart upload as a stream (busboy) straight into the evidence store: nothing is
 * buffered, and the raw request is counted whatever its framing (Content-Length or chunked).
 * Past `requestBytes` or a file past `fileBytes`, reading stops at once (the request is unpiped and
 * paused, the partial file removed) and the caller answers 413 with `Connection: close`, so the
 * socket is closed after the answer instead of being drained.
 *
 * @example const upload = await receiveUpload(req, { mediaDir, requestBytes, fileBytes, accept });
 */
import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import busboy from "busboy";
import { MediaTooLargeError } from "../types.ts";
import { storeStream, type StoredFile, type StoreOptions } from "../../media/store.ts";

export interface UploadLimits<F = StoredFile> {
  mediaDir: string;
  /** Bytes of the whole request body (file, fields and multipart framing). */
  requestBytes: number;
  /** Bytes of the one file. */
  fileBytes: number;
  accept?: StoreOptions["accept"];
  /** Where the file goes (default: the evidence store, bounded by `fileBytes` and `accept`). */
  store?: (file: Readable, declaredMime: string) => Promise<F>;
}

export interface ReceivedUpload<F = StoredFile> {
  fields: Record<string, string>;
  /** Absent when the form had no part named "file". */
  file?: F;
  /** The name the sender's device gave the file (raw: clean it before showing it). */
  fileName?: string;
}

/** The request went past `requestBytes` (or its file past `fileBytes`). */
export class UploadTooLargeError extends Error {
  override name = "UploadTooLargeError";
  constructor(readonly bytesSeen: number) {
    super("upload too large");
  }
}

/** Not a readable multipart form (bad boundary, cut short, too many parts). */
export class MalformedUploadError extends Error {
  override name = "MalformedUploadError";
}

const FIELD_BYTES = 16_384;

/** Parses the form and stores its file; rejects with UploadTooLargeError, MalformedUploadError or the store's errors. */
export function receiveUpload<F = StoredFile>(req: IncomingMessage, limits: UploadLimits<F>): Promise<ReceivedUpload<F>> {
  const store = limits.store ?? ((file: Readable) => storeStream(limits.mediaDir, file, limits.fileBytes, { accept: limits.accept }) as Promise<F>);
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        // Browsers send file names as raw UTF-8 (Vietnamese names); busboy's default would read them as latin1.
        defParamCharset: "utf8",
        limits: { files: 1, fields: 8, parts: 10, fieldSize: FIELD_BYTES, fileSize: limits.fileBytes + 1, headerPairs: 20 },
      });
    } catch {
      reject(new MalformedUploadError("not a multipart form"));
      return;
    }
    const fields: Record<string, string> = {};
    let stored: Promise<F> | undefined;
    let fileName: string | undefined;
    let fileStream: NodeJS.ReadableStream & { destroy(error?: Error): void } | undefined;
    let seen = 0;
    let settled = false;

    const stopReading = () => {
      req.off("data", count);
      req.unpipe(parser);
      req.pause();
    };
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      stopReading();
      fileStream?.destroy(error);
      reject(error);
    };
    const count = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > limits.requestBytes) fail(new UploadTooLargeError(seen));
    };

    parser.on("field", (name, value, info) => {
      if (info.valueTruncated) return fail(new MalformedUploadError(`field ${name} too long`));
      fields[name] = value;
    });
    parser.on("file", (name, stream, info) => {
      if (name !== "file" || stored) {
        stream.resume();
        return;
      }
      fileName = info.filename;
      fileStream = stream;
      // Its errors reach us through `stored` (or `fail` caused them); before the store pipes it (a folder that
      // cannot be made), nothing else listens, and an unheard 'error' would crash the process.
      stream.on("error", () => {});
      stream.on("limit", () => fail(new UploadTooLargeError(seen)));
      stored = store(stream, info.mimeType);
      stored.catch((error: Error) => fail(error instanceof MediaTooLargeError ? new UploadTooLargeError(seen) : error));
    });
    parser.on("filesLimit", () => fail(new MalformedUploadError("more than one file")));
    parser.on("partsLimit", () => fail(new MalformedUploadError("too many parts")));
    parser.on("error", () => fail(new MalformedUploadError("malformed multipart body")));
    parser.on("close", () => {
      if (settled) return;
      (stored ?? Promise.resolve(undefined)).then(
        (file) => {
          if (settled) return;
          settled = true;
          req.off("data", count);
          resolve({ fields, ...(file ? { file } : {}), ...(fileName !== undefined ? { fileName } : {}) });
        },
        (error: Error) => fail(error),
      );
    });
    // A client that goes away mid-upload: stop, and let the store remove its partial file.
    req.on("close", () => {
      if (!req.complete) fail(new MalformedUploadError("request aborted"));
    });

    req.on("data", count);
    req.pipe(parser);
  });
}
