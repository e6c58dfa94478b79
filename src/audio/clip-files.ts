/**
 * Where a recorded clip lives: `clips/` under the media folder, every file named by the SHA-256 of the bytes the
 * translator sent, so the same recording uploaded twice is one set of files:
 *
 *   clips/<sha256>.src.<ext>   the file as received (webm, mp3, m4a, wav, ogg…), kept for a later re-encode
 *   clips/<sha256>.ogg         OGG/Opus, mono, voice bitrate: Telegram's voice note, web chat (Chromium, Firefox)
 *   clips/<sha256>.m4a         AAC in MP4: Safari and iPhones, and the copy Zalo gets
 *
 * The AudioClip row stores these paths relative to the media folder.
 */
import path from "node:path";

export const CLIP_DIR = "clips";
/** A copy a browser or channel may ask for by the clip's checksum: `<sha256>.ogg` or `<sha256>.m4a`. */
export const PUBLIC_CLIP_NAME = /^([0-9a-f]{64})\.(ogg|m4a)$/;

export type ClipCopy = "ogg" | "m4a" | "src";

export const COPY_MIME: Record<Exclude<ClipCopy, "src">, string> = { ogg: "audio/ogg", m4a: "audio/mp4" };

/** The received file's extension by its real type. */
const SOURCE_EXT: Record<string, string> = {
  "audio/webm": "webm",
  "video/webm": "webm",
  "audio/ogg": "ogg",
  "audio/mpeg": "mp3",
  "audio/wav": "wav",
  "audio/mp4": "m4a",
  "video/mp4": "mp4",
  "video/quicktime": "mov",
  "video/3gpp": "3gp",
  "audio/amr": "amr",
  "audio/flac": "flac",
};

export function sourceExtension(mime: string): string {
  return SOURCE_EXT[mime] ?? "bin";
}

export function clipFileNames(sha256: string, mime: string): Record<ClipCopy, string> {
  return {
    src: path.posix.join(CLIP_DIR, `${sha256}.src.${sourceExtension(mime)}`),
    ogg: path.posix.join(CLIP_DIR, `${sha256}.ogg`),
    m4a: path.posix.join(CLIP_DIR, `${sha256}.m4a`),
  };
}

/** The absolute path of a file named in an AudioClip row; refuses anything that is not a clip file name. */
export function clipPath(mediaDir: string, relative: string): string {
  if (!/^clips\/[0-9a-f]{64}\.(ogg|m4a|src\.[a-z0-9]{2,4})$/.test(relative)) throw new Error("bad clip file name");
  return path.resolve(mediaDir, relative);
}

/** The public web chat address of a reviewed clip's copy (served by src/channels/webchat/routes.ts). */
export const publicClipUrl = (sha256: string, copy: "ogg" | "m4a") => `/chat/audio/clip/${sha256}.${copy}`;

/** The console's playback address of a clip (translators and administrators only). */
export const consoleClipUrl = (clipId: string, copy: ClipCopy = "ogg") => `/api/translations/clips/${clipId}.${copy}`;

/**
 * The checksum and copy of an absolute path inside the media folder's clips, or undefined for any other file (a clip
 * from the locales folder, evidence). Channels use it to find a clip's other copy and its public address.
 */
export function clipOfFile(mediaDir: string, file: string): { sha256: string; copy: "ogg" | "m4a" } | undefined {
  const dir = path.resolve(mediaDir, CLIP_DIR);
  if (path.dirname(path.resolve(file)) !== dir) return undefined;
  const match = PUBLIC_CLIP_NAME.exec(path.basename(file));
  return match ? { sha256: match[1]!, copy: match[2] as "ogg" | "m4a" } : undefined;
}

/**
 * What Zalo gets of a translator's clip (see src/channels/zalo/send.ts): the M4A copy to upload, which every phone
 * plays, and, when the service has a public https address, the link to that copy for when Zalo refuses audio files.
 */
export function zaloClipCopies(mediaDir: string, publicUrl: string): (file: string) => { upload: { file: string; mime: string }; url?: string } | undefined {
  return (file) => {
    const clip = clipOfFile(mediaDir, file);
    if (!clip) return undefined;
    const upload = { file: path.join(path.resolve(mediaDir, CLIP_DIR), `${clip.sha256}.m4a`), mime: COPY_MIME.m4a };
    return publicUrl.startsWith("https://") ? { upload, url: `${publicUrl}${publicClipUrl(clip.sha256, "m4a")}` } : { upload };
  };
}
