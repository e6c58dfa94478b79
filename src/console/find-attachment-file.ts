/**
 * Locates one stored piece of evidence of a tip on disk and says how to serve it: the recorded
 * mime type, inline only for pictures, sound and video (anything else downloads), never a path
 * outside the media directory. The file is named from its real type (`bang-chung-<sha>.jpg`),
 * never with the resident's name or extension. The read is audited (`attachment.read`).
 * A file about who the reporter is (Attachment.identityStep: a name read aloud) is not evidence: it is found only with
 * `identity: true`, by the reporter-identity route that checked canRevealIdentity, and audited as `tip.identity_file`.
 *
 * @example const file = await findAttachmentFile(ctx, { tipId, attachmentId, officerId, ip }); res.sendFile(file.path)
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import type { AppContext } from "../context.ts";
import { AppError } from "../http/errors.ts";
import { recordAudit } from "../officers/record-audit.ts";
import { evidenceFileName } from "../media/evidence-file-name.ts";

export interface AttachmentFile {
  path: string;
  mime: string;
  size: number;
  /** Value for the Content-Disposition header. */
  disposition: string;
}

export interface FindAttachmentFileInput {
  tipId: string;
  attachmentId: string;
  officerId: string;
  ip?: string | null;
  /** Serve a file about who the reporter is (the reveal route, having checked the officer may), audited as such. */
  identity?: boolean;
}

const GONE = "Không tìm thấy tệp đính kèm này.";

export async function findAttachmentFile(
  ctx: Pick<AppContext, "db" | "now" | "config">,
  input: FindAttachmentFileInput,
): Promise<AttachmentFile> {
  // A file about who the reporter is is never served as evidence (404), nor evidence as identity.
  const attachment = await ctx.db.attachment.findFirst({ where: { id: input.attachmentId, tipId: input.tipId, identityStep: input.identity ? { not: null } : null } });
  if (!attachment || attachment.status !== "stored" || !attachment.storageKey) throw new AppError("not_found", GONE);

  const root = path.resolve(ctx.config.mediaDir);
  const file = path.resolve(root, attachment.storageKey);
  if (!file.startsWith(root + path.sep)) throw new AppError("not_found", GONE);
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) throw new AppError("not_found", "Tệp đính kèm không còn trên máy chủ.");

  await recordAudit(ctx, {
    officerId: input.officerId,
    action: input.identity ? "tip.identity_file" : "attachment.read",
    targetType: "attachment",
    targetId: attachment.id,
    data: { tipId: input.tipId },
    ip: input.ip,
  });
  const mime = safeMime(attachment.mime);
  const name = evidenceFileName({ id: attachment.id, sha256: attachment.sha256, mime });
  return { path: file, mime, size: info.size, disposition: contentDisposition(isInline(mime) ? "inline" : "attachment", name) };
}

function safeMime(mime: string | null): string {
  return mime && /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i.test(mime) ? mime.toLowerCase() : "application/octet-stream";
}

/** Pictures, sound and video open in the browser; SVG can carry script, so it downloads. */
function isInline(mime: string): boolean {
  return /^(image|audio|video)\//.test(mime) && mime !== "image/svg+xml";
}

/** RFC 6266: an ASCII fallback plus the UTF-8 name (Vietnamese file names survive). */
export function contentDisposition(type: "inline" | "attachment", name: string): string {
  const clean = name.replace(/[\u0000-\u001f\u007f/\\]/g, "_").slice(0, 200);
  const ascii = clean
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .replace(/[đĐ]/g, "d")
    .replace(/[^\x20-\x7e]|["%]/g, "_");
  const utf8 = encodeURIComponent(clean).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}
