/**
 * The name an officer's download gets: from the file's real type (sniffed when it was stored) and
 * its hash, never from the name the resident gave, so "photo\u202Egpj.exe" cannot arrive as an
 * executable nor pose as a picture.
 *
 * @example evidenceFileName({ id: "…", sha256: "3fa1c2…", mime: "image/jpeg" }) === "bang-chung-3fa1c2d4.jpg"
 */

const EXTENSIONS: Record<string, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/gif": "gif",
  "image/webp": "webp",
  "image/heic": "heic",
  "audio/wav": "wav",
  "audio/mp4": "m4a",
  "audio/ogg": "ogg",
  "audio/mpeg": "mp3",
  "audio/amr": "amr",
  "audio/webm": "weba",
  "video/x-msvideo": "avi",
  "video/quicktime": "mov",
  "video/3gpp": "3gp",
  "video/mp4": "mp4",
  "video/webm": "webm",
  "application/pdf": "pdf",
  "application/zip": "zip",
  "application/msword": "doc",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
  "text/plain": "txt",
};

/** The usual extension of a mime type the store recognises; "bin" for anything else. */
export function extensionOf(mime: string | null | undefined): string {
  return (mime && EXTENSIONS[mime.toLowerCase()]) || "bin";
}

/** `bang-chung-<first 8 of the SHA-256>.<extension of the real type>` (the row id when there is no hash). */
export function evidenceFileName(attachment: { id: string; sha256?: string | null; mime?: string | null }): string {
  const short = (attachment.sha256 ?? attachment.id.replace(/[^0-9a-f]/gi, "")).slice(0, 8).toLowerCase();
  return `bang-chung-${short}.${extensionOf(attachment.mime)}`;
}
