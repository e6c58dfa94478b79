/**
 * A campaign's image: a JPEG or PNG of at most 1 MB (Zalo's limit for an uploaded image, and small enough for a
 * slow phone), checked by its structure (not its declared type: a PNG header on garbage is refused), and stored
 * once under the media folder by its SHA-256 as `campaign-images/<sha256>.jpg|png`. The id is the file name,
 * so the same image uploaded twice is one file, and a route serving it only ever takes names matching IMAGE_ID.
 *
 * @example const { imageId } = await storeCampaignImage(ctx.config.mediaDir, bytes) // "3f…a1.png"
 */
import { createHash, randomUUID } from "node:crypto";
import { mkdir, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import path from "node:path";
import { AppError } from "../../http/errors.ts";
import { PRIVATE_DIR_MODE } from "../../security/private-files.ts";

/** Zalo's /v2.0/oa/upload/image takes jpg/png up to 1 MB. */
export const CAMPAIGN_IMAGE_MAX_BYTES = 1024 * 1024;
export const IMAGE_ID = /^[0-9a-f]{64}\.(jpg|png)$/;
export const IMAGE_DIR = "campaign-images";

export const TOO_LARGE_MESSAGE = "Ảnh lớn quá. Ảnh của chiến dịch tối đa 1 MB (giới hạn của Zalo). Bạn hãy thu nhỏ ảnh rồi tải lên lại.";
export const NOT_AN_IMAGE_MESSAGE = "Tệp này không phải ảnh JPG hoặc PNG đọc được. Bạn hãy chọn ảnh JPG hoặc PNG.";

export interface StoredImage {
  imageId: string;
  mime: "image/jpeg" | "image/png";
  width?: number;
  height?: number;
}

/** Where residents' web chat (and the editor) load a campaign image; served by src/channels/webchat/routes.ts. */
export const campaignImageUrl = (imageId: string) => `/chat/campaign-images/${imageId}`;

export function imagePath(mediaDir: string, imageId: string): string {
  if (!IMAGE_ID.test(imageId)) throw new Error("bad campaign image id");
  return path.join(mediaDir, IMAGE_DIR, imageId);
}

export function imageMime(imageId: string): "image/jpeg" | "image/png" {
  return imageId.endsWith(".png") ? "image/png" : "image/jpeg";
}

export async function imageExists(mediaDir: string, imageId: string): Promise<boolean> {
  if (!IMAGE_ID.test(imageId)) return false;
  return (await stat(imagePath(mediaDir, imageId)).catch(() => null))?.isFile() ?? false;
}

/**
 * Reads a raw request body of at most `maxBytes`: a larger declared length is refused before a byte is read, and
 * a body growing past the limit (chunked, or lying about its length) stops being read at once.
 */
export function readBoundedBody(req: IncomingMessage, maxBytes: number, tooLarge: string = TOO_LARGE_MESSAGE): Promise<Buffer> {
  const declared = req.headers["content-length"] === undefined ? undefined : Number(req.headers["content-length"]);
  if (declared !== undefined && declared > maxBytes) return Promise.reject(new AppError("payload_too_large", tooLarge));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        req.unpipe();
        req.pause();
        reject(new AppError("payload_too_large", tooLarge));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

/** Checks the bytes are a whole JPEG or PNG and stores them; throws AppError with a Vietnamese message otherwise. */
export async function storeCampaignImage(mediaDir: string, bytes: Buffer): Promise<StoredImage> {
  if (bytes.length > CAMPAIGN_IMAGE_MAX_BYTES) throw new AppError("payload_too_large", TOO_LARGE_MESSAGE);
  const info = readPng(bytes) ?? readJpeg(bytes);
  if (!info) throw new AppError("unsupported_media_type", NOT_AN_IMAGE_MESSAGE);
  const sha = createHash("sha256").update(bytes).digest("hex");
  const imageId = `${sha}.${info.mime === "image/png" ? "png" : "jpg"}`;
  const dir = path.join(mediaDir, IMAGE_DIR);
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const target = path.join(dir, imageId);
  if (await imageExists(mediaDir, imageId)) {
    // Uploaded again: renewed, so the sweep of unused images (src/media/sweep-orphans.ts) leaves it to be saved.
    const now = new Date();
    await utimes(target, now, now);
  } else {
    const tmp = path.join(dir, `.${randomUUID()}.tmp`);
    try {
      await writeFile(tmp, bytes, { mode: 0o600 });
      await rename(tmp, target);
    } finally {
      await rm(tmp, { force: true }).catch(() => {});
    }
  }
  return { imageId, ...info };
}

type ImageInfo = Omit<StoredImage, "imageId">;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A PNG whose every chunk is whole with a correct CRC, starting with IHDR and ending with IEND. */
function readPng(b: Buffer): ImageInfo | undefined {
  if (b.length < 8 + 25 + 12 || !b.subarray(0, 8).equals(PNG_SIGNATURE)) return undefined;
  let at = 8;
  let first = true;
  while (at + 12 <= b.length) {
    const length = b.readUInt32BE(at);
    const type = b.toString("latin1", at + 4, at + 8);
    const end = at + 12 + length;
    if (end > b.length) return undefined;
    if (crc32(b.subarray(at + 4, at + 8 + length)) !== b.readUInt32BE(at + 8 + length)) return undefined;
    if (first && (type !== "IHDR" || length !== 13)) return undefined;
    first = false;
    if (type === "IEND") {
      if (end !== b.length) return undefined;
      const width = b.readUInt32BE(16);
      const height = b.readUInt32BE(20);
      return width > 0 && height > 0 ? { mime: "image/png", width, height } : undefined;
    }
    at = end;
  }
  return undefined;
}

/** A JPEG whose markers up to the image data are whole, with a frame header (SOF) and an end marker. */
function readJpeg(b: Buffer): ImageInfo | undefined {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8 || b[2] !== 0xff) return undefined;
  if (b[b.length - 2] !== 0xff || b[b.length - 1] !== 0xd9) return undefined;
  let at = 2;
  let size: { width: number; height: number } | undefined;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return undefined;
    const marker = b[at + 1]!;
    if (marker === 0xff) {
      at++;
      continue;
    }
    const length = b.readUInt16BE(at + 2);
    if (length < 2 || at + 2 + length > b.length) return undefined;
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (length < 8) return undefined;
      size = { height: b.readUInt16BE(at + 5), width: b.readUInt16BE(at + 7) };
    }
    if (marker === 0xda) return size && size.width > 0 && size.height > 0 ? { mime: "image/jpeg", ...size } : undefined;
    at += 2 + length;
  }
  return undefined;
}

let table: Uint32Array | undefined;
function crc32(data: Buffer): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of data) crc = table[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
