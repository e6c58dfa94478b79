/**
 * A web chat upload the way an attacker or a careless client sends it: a multipart body generated
 * lazily (so a 300 MB body costs the test nothing), chunked or with a Content-Length, and the
 * answer read as soon as the server gives it, even while the body is still being sent.
 *
 * @example const res = await rawUpload(`${svc.url}/chat/api/upload`, { cookie, fileName: "a.png", head: PNG, size: 300 * MB, chunked: true });
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import { Readable } from "node:stream";

export interface RawUploadOptions {
  cookie?: string;
  clientMessageId?: string;
  caption?: string;
  fileName?: string;
  /** The file's first bytes (its real type); the rest up to `size` is zeros. */
  head: Buffer;
  size?: number;
  /** Transfer-Encoding: chunked, no Content-Length. */
  chunked?: boolean;
  /** Called once the request is under way, with the bytes of body sent so far. */
  onProgress?: (sent: number) => void;
  /** Pause (ms) between chunks: a slow phone. */
  chunkDelayMs?: number;
}

export interface RawUploadResult {
  status: number;
  body: { error?: { code: string; message: string }; accepted?: boolean };
  headers: http.IncomingHttpHeaders;
  /** Body bytes written before the answer came (or all of them). */
  sent: number;
}

const CHUNK = 64 * 1024;

/** Sends one upload and resolves with the server's answer. */
export function rawUpload(url: string, options: RawUploadOptions): Promise<RawUploadResult> {
  const boundary = `----tinbao${randomBytes(8).toString("hex")}`;
  const size = options.size ?? options.head.length;
  const fields = [
    ["clientMessageId", options.clientMessageId ?? `up-${randomBytes(6).toString("hex")}`],
    ...(options.caption ? [["caption", options.caption]] : []),
  ];
  const preamble = Buffer.from(
    fields.map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join("") +
      // As browsers do: the name in UTF-8, quotes and line breaks percent-encoded.
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${(options.fileName ?? "tep.bin").replace(/["\r\n]/g, encodeURIComponent)}"\r\n` +
      "Content-Type: application/octet-stream\r\n\r\n",
  );
  const closing = Buffer.from(`\r\n--${boundary}--\r\n`);
  const total = preamble.length + size + closing.length;

  async function* body() {
    yield preamble;
    yield options.head.subarray(0, size);
    const zeros = Buffer.alloc(CHUNK);
    for (let left = size - Math.min(size, options.head.length); left > 0; left -= CHUNK) {
      if (options.chunkDelayMs) await new Promise((r) => setTimeout(r, options.chunkDelayMs));
      yield left >= CHUNK ? zeros : zeros.subarray(0, left);
    }
    yield closing;
  }

  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = http.request(url, {
      method: "POST",
      headers: {
        "content-type": `multipart/form-data; boundary=${boundary}`,
        ...(options.chunked ? { "transfer-encoding": "chunked" } : { "content-length": String(total) }),
        ...(options.cookie ? { cookie: options.cookie } : {}),
      },
    });
    const source = Readable.from(body());
    source.on("data", (chunk: Buffer) => {
      sent += chunk.length;
      options.onProgress?.(sent);
    });
    req.on("response", (res) => {
      answered = true;
      // The answer is in: stop sending (what an honest client does after an early 413).
      source.unpipe(req);
      source.destroy();
      const parts: Buffer[] = [];
      res.on("data", (c: Buffer) => parts.push(c));
      res.on("end", () => {
        const text = Buffer.concat(parts).toString("utf8");
        let parsed: RawUploadResult["body"] = {};
        try {
          parsed = JSON.parse(text) as RawUploadResult["body"];
        } catch {
          /* not JSON */
        }
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body: parsed, headers: res.headers, sent });
      });
      res.on("error", () => {});
    });
    // Once answered, a reset while the rest of the body was still going out is expected.
    req.on("error", (err) => {
      if (!answered) reject(err);
    });
    source.pipe(req);
  });
}
