/**
 * A translator's recording, taken in: at most 10 MB and 3 minutes, checked by its real type (sniff.ts, then ffprobe),
 * stored once by its SHA-256 under `clips/` in the media folder with the copies the channels need (clip-files.ts),
 * and recorded as an AudioClip row. The same bytes sent again return the row already made, converted once.
 * Everything a translator can get wrong is refused in plain Vietnamese: not a recording, a damaged file, too long
 * (422), too large (413); a server without ffmpeg says so (503) and a busy one asks to wait (429).
 *
 * @example const { clip } = await storeClip(ctx, officer, req, "audio/webm") // then saveDraft(…, { clipId: clip.id })
 */
import { createHash, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { AppContext } from "../context.ts";
import type { AudioClip } from "../db/generated/sqlite/client.ts";
import { AppError } from "../http/errors.ts";
import { makeFolder, unavailable } from "../media/store.ts";
import { sniff, type Sniffed } from "../media/sniff.ts";
import { PRIVATE_FILE_MODE } from "../security/private-files.ts";
import { findAudioTools, ToolError, type AudioTools } from "./audio-tools.ts";
import { CLIP_DIR, clipFileNames } from "./clip-files.ts";
import { conversionGate } from "./conversion-gate.ts";
import { convertClip, isConvertible, probeAudio } from "./convert-clip.ts";

export const CLIP_MAX_BYTES = 10 * 1024 * 1024;
export const CLIP_MAX_SECONDS = 180;
/** Shorter than this is a tap on the button, not a recording. */
const CLIP_MIN_MS = 300;

export const CLIP_MESSAGES = {
  converterMissing:
    "Máy chủ chưa cài bộ chuyển đổi âm thanh (ffmpeg) nên chưa lưu được bản ghi âm. Bạn báo quản trị hệ thống cài ffmpeg rồi lưu lại; phần chữ của bản dịch vẫn lưu được như thường.",
  tooLarge: "Tệp ghi âm lớn quá: mỗi bản ghi tối đa 10 MB và 3 phút. Bạn ghi đoạn ngắn hơn hoặc chọn tệp nhỏ hơn nhé.",
  notAudio: "Tệp này không phải bản ghi âm. Bạn chọn tệp ghi âm (.m4a, .mp3, .ogg, .wav, .webm…) hoặc bấm Ghi âm để ghi ngay trên trang nhé.",
  video: "Tệp này là video, không phải bản ghi âm. Bạn chọn tệp chỉ có tiếng (.m4a, .mp3…) hoặc bấm Ghi âm để ghi ngay trên trang nhé.",
  damaged: "Không đọc được tệp ghi âm này: tệp bị hỏng hoặc ghi chưa xong. Bạn ghi âm lại hoặc chọn tệp khác nhé.",
  tooShort: "Bản ghi âm ngắn quá (chưa đến nửa giây), chưa nghe được gì. Bạn ghi âm lại nhé.",
} as const;

/** `capped`: measured on the converted copy, which stops a second past the limit, so only known to be longer. */
const tooLong = (ms: number, capped = false) => {
  if (capped) return "Bản ghi âm dài hơn 3 phút. Bạn ghi đoạn ngắn hơn (tối đa 3 phút) nhé.";
  const seconds = Math.round(ms / 1000);
  const length = seconds >= 60 ? `${Math.floor(seconds / 60)} phút ${seconds % 60} giây` : `${seconds} giây`;
  return `Bản ghi âm dài ${length}, quá 3 phút. Bạn ghi đoạn ngắn hơn (tối đa 3 phút) nhé.`;
};

export interface StoredClip {
  clip: AudioClip;
  /** False when the same bytes had been stored before (nothing was converted). */
  created: boolean;
}

type Ctx = Pick<AppContext, "db" | "config" | "log">;

/** Takes in a recording sent by `officer` (the raw request body, a multipart file stream or bytes). */
export async function storeClip(ctx: Ctx, officer: { id: string }, input: Readable | Buffer, declaredMime?: string): Promise<StoredClip> {
  if (declaredMime && !declaredAcceptable(declaredMime)) {
    if (input instanceof Readable) input.resume();
    throw new AppError("unprocessable", CLIP_MESSAGES.notAudio);
  }
  const tools = await findAudioTools(ctx.config.audio);
  if (!tools) {
    if (input instanceof Readable) input.resume();
    throw new AppError("unavailable", CLIP_MESSAGES.converterMissing);
  }
  const dir = path.join(ctx.config.mediaDir, CLIP_DIR);
  await makeFolder(dir);
  const received = await receive(dir, input);
  const made: string[] = [received.file];
  try {
    const known = await existingClip(ctx, received.sha256);
    if (known) return { clip: known, created: false };
    const type = received.size > 0 ? sniff(received.head) : undefined;
    if (!type || !isConvertible(type.mime)) {
      throw new AppError("unprocessable", type?.kind === "video" ? CLIP_MESSAGES.video : CLIP_MESSAGES.notAudio);
    }
    const converted = await conversionGate(ctx).run(() => convert(tools, received.file, type, dir, made));
    const names = clipFileNames(received.sha256, converted.mime);
    await moveInto(ctx.config.mediaDir, [
      [received.file, names.src],
      [converted.ogg, names.ogg],
      [converted.m4a, names.m4a],
    ]);
    return await recordClip(ctx, officer, { sha256: received.sha256, mime: converted.mime, bytes: received.size, durationMs: converted.durationMs, names });
  } finally {
    await Promise.all(made.map((file) => rm(file, { force: true }).catch(() => {})));
  }
}

/** Browsers label recordings audio/* (and a phone's file picker sometimes video/mp4 or nothing useful). */
function declaredAcceptable(mime: string): boolean {
  const type = mime.split(";")[0]!.trim().toLowerCase();
  return type === "" || type.startsWith("audio/") || type.startsWith("video/") || type === "application/octet-stream";
}

interface Received {
  file: string;
  sha256: string;
  size: number;
  head: Buffer;
}

/** Writes the input to a temporary file in `dir`, hashing it; refused past CLIP_MAX_BYTES. */
async function receive(dir: string, input: Readable | Buffer): Promise<Received> {
  const file = path.join(dir, `.${randomUUID()}.part`);
  const hash = createHash("sha256");
  let size = 0;
  let head = Buffer.alloc(0);
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > CLIP_MAX_BYTES) return callback(new AppError("payload_too_large", CLIP_MESSAGES.tooLarge));
      if (head.length < 4096) head = Buffer.concat([head, chunk.subarray(0, 4096 - head.length)]);
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  try {
    const source = input instanceof Readable ? input : Readable.from([input]);
    await pipeline(source, meter, createWriteStream(file, { mode: PRIVATE_FILE_MODE }));
  } catch (err) {
    await rm(file, { force: true }).catch(() => {});
    throw unavailable(err);
  }
  return { file, sha256: hash.digest("hex"), size, head };
}

async function existingClip(ctx: Ctx, sha256: string): Promise<AudioClip | null> {
  const row = await ctx.db.audioClip.findUnique({ where: { sha256 } });
  if (!row) return null;
  // A row whose files were lost (a database restored without its media) is converted again, keeping its id.
  const present = await Promise.all([row.file, row.oggFile, row.m4aFile].map((f) => (f ? stat(path.join(ctx.config.mediaDir, f)).then(() => true, () => false) : false)));
  return present.every(Boolean) ? row : null;
}

interface Converted {
  mime: string;
  durationMs: number;
  ogg: string;
  m4a: string;
}

/** Reads the recording, refuses what is not one, and makes both copies; temporary files are added to `made`. */
async function convert(tools: AudioTools, input: string, type: Sniffed, dir: string, made: string[]): Promise<Converted> {
  const info = await probeAudio(tools, input, type.mime).catch((err: unknown) => {
    throw refusal(err);
  });
  if (info.hasVideo) throw new AppError("unprocessable", CLIP_MESSAGES.video);
  if (!info.audioCodec) throw new AppError("unprocessable", CLIP_MESSAGES.damaged);
  if (info.durationMs !== undefined && info.durationMs > CLIP_MAX_SECONDS * 1000 + 500) throw new AppError("unprocessable", tooLong(info.durationMs));
  const ogg = path.join(dir, `.${randomUUID()}.ogg.part`);
  const m4a = path.join(dir, `.${randomUUID()}.m4a.part`);
  made.push(ogg, m4a);
  await convertClip(tools, input, type.mime, [{ file: ogg, copy: "ogg" }, { file: m4a, copy: "m4a" }], { maxSeconds: CLIP_MAX_SECONDS }).catch((err: unknown) => {
    throw refusal(err);
  });
  // What residents will hear decides the length: a browser's WebM recording often has no duration in its header.
  const heard = await probeAudio(tools, ogg, "audio/ogg").catch((err: unknown) => {
    throw refusal(err);
  });
  const durationMs = heard.durationMs ?? 0;
  if (durationMs > CLIP_MAX_SECONDS * 1000 + 500) throw new AppError("unprocessable", tooLong(durationMs, true));
  if (durationMs < CLIP_MIN_MS) throw new AppError("unprocessable", durationMs === 0 ? CLIP_MESSAGES.damaged : CLIP_MESSAGES.tooShort);
  return { mime: audioMime(type), durationMs, ogg, m4a };
}

/** A container sniffed as video that holds only sound (a phone's voice memo in MP4) is an audio file. */
function audioMime(type: Sniffed): string {
  if (type.mime === "video/mp4" || type.mime === "video/quicktime" || type.mime === "video/3gpp") return "audio/mp4";
  if (type.mime === "video/webm") return "audio/webm";
  return type.mime;
}

/** ffmpeg could not read the file: the translator's to fix. A vanished ffmpeg is the server's. */
function refusal(err: unknown): unknown {
  if (!(err instanceof ToolError)) return err instanceof SyntaxError ? new AppError("unprocessable", CLIP_MESSAGES.damaged) : err;
  if (err.reason === "missing") return new AppError("unavailable", CLIP_MESSAGES.converterMissing);
  // Failed or too slow (60 s for at most 3 minutes of sound: only a file built to choke the decoder): the file's fault.
  return new AppError("unprocessable", CLIP_MESSAGES.damaged);
}

/** Renames the finished files into place (same folder, so each appears whole or not at all). */
async function moveInto(mediaDir: string, moves: [from: string, to: string][]): Promise<void> {
  for (const [from, to] of moves) {
    await rename(from, path.join(mediaDir, to)).catch((err: unknown) => {
      throw unavailable(err);
    });
  }
}

async function recordClip(
  ctx: Ctx,
  officer: { id: string },
  c: { sha256: string; mime: string; bytes: number; durationMs: number; names: ReturnType<typeof clipFileNames> },
): Promise<StoredClip> {
  try {
    const files = { mime: c.mime, bytes: c.bytes, durationMs: c.durationMs, file: c.names.src, oggFile: c.names.ogg, m4aFile: c.names.m4a };
    const clip = await ctx.db.audioClip.upsert({ where: { sha256: c.sha256 }, create: { sha256: c.sha256, ...files, createdBy: officer.id }, update: files });
    return { clip, created: true };
  } catch (err) {
    // The same recording saved twice at once (two tabs): the other request's row stands, and its files are these.
    const row = (err as { code?: string }).code === "P2002" ? await ctx.db.audioClip.findUnique({ where: { sha256: c.sha256 } }) : null;
    if (row) return { clip: row, created: false };
    throw err;
  }
}
