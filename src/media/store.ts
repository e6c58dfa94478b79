/**
 * The evidence store on local disk: files are streamed in with a size limit, hashed (SHA-256),
 * checked by their real type, and kept content-addressed (`ab/cd/<sha256>`), so the same file
 * sent twice is stored once and a retried download is harmless. Folders are 0700 and files 0600:
 * evidence is for officers, not for other users of the machine.
 */
import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { MediaTooLargeError } from "../channels/types.ts";
import { sniff, type Sniffed } from "./sniff.ts";
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from "../security/private-files.ts";

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

/** The evidence folder cannot take files now: its disk is full, or it is read-only. Not the file's fault. */
export class MediaUnavailableError extends Error {
  override name = "MediaUnavailableError";
  constructor(
    readonly reason: "no_space" | "unwritable",
    readonly code?: string,
  ) {
    super(reason === "no_space" ? `no space left for evidence files (${code ?? "below the free-space floor"})` : `the evidence folder cannot be written (${code})`);
  }
}

const NO_SPACE = new Set(["ENOSPC", "EDQUOT"]);
const UNWRITABLE = new Set(["EROFS", "EACCES", "EPERM"]);

/** A file-system error of the evidence folder as a MediaUnavailableError; other errors unchanged. */
export function unavailable(err: unknown): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return err;
  if (NO_SPACE.has(code)) return new MediaUnavailableError("no_space", code);
  if (UNWRITABLE.has(code)) return new MediaUnavailableError("unwritable", code);
  return err;
}

/** Creates an evidence folder; failing to is the folder's fault (a recursive mkdir on a read-only disk says ENOENT). */
export async function makeFolder(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw NO_SPACE.has(code ?? "") ? new MediaUnavailableError("no_space", code) : new MediaUnavailableError("unwritable", code);
  }
}

/** Streams `input` into the store; fails with MediaTooLargeError past `maxBytes`, UnsupportedMediaError for an unknown type. */
export async function storeStream(mediaDir: string, input: Readable, maxBytes: number, options: StoreOptions = {}): Promise<StoredFile> {
  const tmpDir = path.join(mediaDir, "tmp");
  await makeFolder(tmpDir);
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
    await pipeline(input, meter, createWriteStream(tmp, { mode: PRIVATE_FILE_MODE })).catch((err) => {
      throw unavailable(err);
    });
    const type = size > 0 ? sniff(head) : undefined;
    if (!type) throw new UnsupportedMediaError("file type not recognised or file empty");
    if (options.accept && !options.accept(type)) throw new UnexpectedMediaError(type);
    const sha256 = hash.digest("hex");
    const storageKey = path.posix.join(sha256.slice(0, 2), sha256.slice(2, 4), sha256);
    const target = path.join(mediaDir, storageKey);
    await makeFolder(path.dirname(target));
    await rename(tmp, target).catch((err) => {
      throw unavailable(err);
    });
    return { ...type, sha256, size, storageKey };
  } finally {
    await rm(tmp, { force: true }).catch(() => {});
  }
}

export function openStored(mediaDir: string, storageKey: string): Readable {
  if (!/^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(storageKey)) throw new Error("bad storage key");
  return createReadStream(path.join(mediaDir, storageKey));
}

export async function storedSize(mediaDir: string, storageKey: string): Promise<number> {
  return (await stat(path.join(mediaDir, storageKey))).size;
}
