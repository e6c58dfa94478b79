/**
 * Recognises a file's real type from its first bytes, so a renamed executable or a corrupt file
 * is refused whatever its name or declared type says. Only types residents send as evidence.
 */
import type { MediaKind } from "../channels/types.ts";

export interface Sniffed {
  mime: string;
  kind: MediaKind;
}

const ascii = (b: Buffer, at: number, s: string) => b.length >= at + s.length && b.toString("latin1", at, at + s.length) === s;

export function sniff(head: Buffer): Sniffed | undefined {
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return { mime: "image/jpeg", kind: "photo" };
  if (ascii(head, 0, "\x89PNG\r\n\x1a\n")) return { mime: "image/png", kind: "photo" };
  if (ascii(head, 0, "GIF87a") || ascii(head, 0, "GIF89a")) return { mime: "image/gif", kind: "photo" };
  if (ascii(head, 0, "RIFF") && ascii(head, 8, "WEBP")) return { mime: "image/webp", kind: "photo" };
  if (ascii(head, 0, "RIFF") && ascii(head, 8, "WAVE")) return { mime: "audio/wav", kind: "audio" };
  if (ascii(head, 0, "RIFF") && ascii(head, 8, "AVI ")) return { mime: "video/x-msvideo", kind: "video" };
  if (ascii(head, 4, "ftyp")) return ftyp(head.toString("latin1", 8, 12));
  if (ascii(head, 0, "OggS")) return { mime: "audio/ogg", kind: "voice" };
  if (ascii(head, 0, "ID3") || (head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0)) return { mime: "audio/mpeg", kind: "audio" };
  if (ascii(head, 0, "#!AMR")) return { mime: "audio/amr", kind: "voice" };
  if (ascii(head, 0, "fLaC")) return { mime: "audio/flac", kind: "audio" };
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return webm(head);
  if (ascii(head, 0, "%PDF-")) return { mime: "application/pdf", kind: "document" };
  if (ascii(head, 0, "PK\x03\x04")) return officeOrZip(head);
  if (head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) return { mime: "application/msword", kind: "document" };
  if (looksLikeText(head)) return { mime: "text/plain", kind: "document" };
  return undefined;
}

function ftyp(brand: string): Sniffed {
  if (/^(heic|heix|mif1|msf1|hevc)/.test(brand)) return { mime: "image/heic", kind: "photo" };
  if (/^(M4A |M4B )/.test(brand)) return { mime: "audio/mp4", kind: "audio" };
  if (/^qt/.test(brand)) return { mime: "video/quicktime", kind: "video" };
  if (/^3g/.test(brand)) return { mime: "video/3gpp", kind: "video" };
  return { mime: "video/mp4", kind: "video" };
}

/** A browser's voice recording is WebM with only an audio track (A_OPUS / A_VORBIS, no V_ codec). */
function webm(head: Buffer): Sniffed {
  const text = head.toString("latin1");
  const audioOnly = /A_(OPUS|VORBIS)/.test(text) && !/V_(VP8|VP9|AV1|MPEG)/.test(text);
  return audioOnly ? { mime: "audio/webm", kind: "voice" } : { mime: "video/webm", kind: "video" };
}

/** Word, Excel and PowerPoint files are zip archives whose first entries name their folder. */
function officeOrZip(head: Buffer): Sniffed {
  const text = head.toString("latin1");
  if (text.includes("word/")) return { mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", kind: "document" };
  if (text.includes("xl/")) return { mime: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", kind: "document" };
  if (text.includes("ppt/")) return { mime: "application/vnd.openxmlformats-officedocument.presentationml.presentation", kind: "document" };
  return { mime: "application/zip", kind: "document" };
}

function looksLikeText(head: Buffer): boolean {
  if (head.length === 0 || head.includes(0)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(head.subarray(0, Math.max(0, head.length - 4)));
    return true;
  } catch {
    return false;
  }
}
