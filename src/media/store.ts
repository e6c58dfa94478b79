/**
 * The evidence store on local disk: files are streamed in with a size limit, hashed (SHA-256),
 * checked by their real type, and kept content-addressed (`ab/cd/<sha256>`), so the same file
 * sent twice is stored once and a retried download is harmless.
 */
import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { MediaTooLargeError } from "../channels/types.ts";
import { sniff, type Sniffed } from "./sniff.ts";

export interface StoredFile extends Sniffed {
  sha256: string;
  size: number;
  storageKey: string;
}

export class UnsupportedMediaError extends Error {
  override name = "UnsupportedMediaError";
}

/** A readable file of a type the caller does not take here (a photo where only a voice message fits). */
export class UnexpectedMediaError extends Error {
  override name = "UnexpectedMediaError";
  constructor(readonly type: Sniffed) {
    super(`${type.kind} not expected here`);
  }
}

export interface StoreOptions {
  /** Whether to keep a file of this real type; refused ones are never stored (UnexpectedMediaError). */
  accept?(type: Sniffed): boolean;
}

/** Streams `input` into the store; fails with MediaTooLargeError past `maxBytes`, UnsupportedMediaError for an unknown type. */
export async function storeStream(mediaDir: string, input: Readable, maxBytes: number, options: StoreOptions = {}): Promise<StoredFile> {
  const tmpDir = path.join(mediaDir, "tmp");
  await mkdir(tmpDir, { recursive: true });
  const tmp = path.join(tmpDir, randomUUID());
  const hash = createHash("sha256");
  let size = 0;
  let head = Buffer.alloc(0);
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      if (size > maxBytes) return cb(new MediaTooLargeError(size, maxBytes));
      if (head.length < 4096) head = Buffer.concat([head, chunk.subarray(0, 4096 - head.length)]);
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  try {
    await pipeline(input, meter, createWriteStream(tmp));
    const type = size > 0 ? sniff(head) : undefined;
    if (!type) throw new UnsupportedMediaError("file type not recognised or file empty");
    if (options.accept && !options.accept(type)) throw new UnexpectedMediaError(type);
    const sha256 = hash.digest("hex");
    const storageKey = path.posix.join(sha256.slice(0, 2), sha256.slice(2, 4), sha256);
    const target = path.join(mediaDir, storageKey);
    await mkdir(path.dirname(target), { recursive: true });
    await rename(tmp, target);
    return { ...type, sha256, size, storageKey };
  } finally {
    await rm(tmp, { force: true });
  }
}

export function openStored(mediaDir: string, storageKey: string): Readable {
  if (!/^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(storageKey)) throw new Error("bad storage key");
  return createReadStream(path.join(mediaDir, storageKey));
}

export async function storedSize(mediaDir: string, storageKey: string): Promise<number> {
  return (await stat(path.join(mediaDir, storageKey))).size;
}
