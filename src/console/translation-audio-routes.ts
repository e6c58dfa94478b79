/**
 * Recorded clips in the translators' workbench: saving a recording (from the browser's recorder or a file) as the
 * draft's clip, and playing any clip back in the console. Who may record for a language is checked before a byte of
 * the file is read or converted; the clip joins the draft through the store's saveDraft (audited as translation.save).
 * Residents never use these routes: reviewed clips reach them through the channels (src/audio/public-clip.ts).
 */
import { PassThrough } from "node:stream";
import type { Request } from "express";
import { z } from "zod";
import { CLIP_MAX_BYTES, CLIP_MESSAGES, storeClip, type StoredClip } from "../audio/store-clip.ts";
import { clipPath, COPY_MIME } from "../audio/clip-files.ts";
import { AppError } from "../http/errors.ts";
import { endRefusedBody } from "../http/end-refused-body.ts";
import { MalformedUploadError, receiveUpload, UploadTooLargeError } from "../channels/webchat/receive-upload.ts";
import { ConcurrencySlots } from "../security/local-limits.ts";
import { readTranslation, requireSpeaker, saveDraft, translationLanguage } from "../translations/translation-store.ts";
import type { AppContext } from "../context.ts";
import type { SignedInOfficer } from "../officers/roles.ts";
import { canTranslate } from "./permissions.ts";
import { defineRoute, type ApiRoute } from "./route.ts";
import { translationEntryView } from "./translation-routes.ts";

/** Multipart framing around the file. */
const FORM_OVERHEAD_BYTES = 64 * 1024;
/** Recordings one account may be saving at once (two tabs); a third is refused at once. */
const UPLOADS_PER_OFFICER = 2;
const RAW_TYPES = ["audio/webm", "audio/ogg", "audio/mpeg", "audio/mp4", "audio/wav", "audio/x-m4a", "audio/aac", "audio/flac", "application/octet-stream"];

const CLIP_FILE = /^([0-9a-f-]{36})\.(ogg|m4a|src)$/;

const uploading = new WeakMap<object, ConcurrencySlots>();
function slotsOf(ctx: object): ConcurrencySlots {
  let slots = uploading.get(ctx);
  if (!slots) uploading.set(ctx, (slots = new ConcurrencySlots(UPLOADS_PER_OFFICER)));
  return slots;
}

function requireTranslator(officer: SignedInOfficer): void {
  if (!canTranslate(officer)) throw new AppError("forbidden", "Chỉ người dịch tiếng dân tộc và quản trị hệ thống được ghi âm và nghe bản ghi của bàn dịch.");
}

/** Reads the recording from the request (the raw body, or the multipart field `file`) into the clip store. */
async function receiveClip(ctx: AppContext, officer: SignedInOfficer, req: Request): Promise<StoredClip> {
  const declared = req.headers["content-length"] === undefined ? undefined : Number(req.headers["content-length"]);
  if (declared !== undefined && declared > CLIP_MAX_BYTES + FORM_OVERHEAD_BYTES) throw new AppError("payload_too_large", CLIP_MESSAGES.tooLarge);
  const type = String(req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "multipart/form-data") {
    const form = await receiveUpload<StoredClip>(req, {
      mediaDir: ctx.config.mediaDir,
      requestBytes: CLIP_MAX_BYTES + FORM_OVERHEAD_BYTES,
      fileBytes: CLIP_MAX_BYTES,
      store: (file, mime) => storeClip(ctx, officer, file, mime),
    }).catch((err: unknown) => {
      if (err instanceof UploadTooLargeError) throw new AppError("payload_too_large", CLIP_MESSAGES.tooLarge);
      if (err instanceof MalformedUploadError) throw new AppError("bad_request", "Không đọc được tệp gửi lên. Bạn thử lưu lại nhé.");
      throw err;
    });
    if (!form.file) throw new AppError("bad_request", "Chưa có tệp ghi âm trong biểu mẫu (trường file). Bạn ghi âm hoặc chọn tệp rồi lưu lại nhé.");
    return form.file;
  }
  if (type.startsWith("audio/") || type === "application/octet-stream") {
    if (declared === 0) throw new AppError("unprocessable", CLIP_MESSAGES.notAudio);
    // Through a pass-through: a refusal mid-body ends this stream, not the request's socket, so the answer still
    // reaches the client (endRefusedBody then closes the connection).
    const body = new PassThrough();
    req.pipe(body);
    return storeClip(ctx, officer, body, type);
  }
  throw new AppError("unsupported_media_type", "Bản ghi âm phải gửi thành tệp âm thanh (Content-Type: audio/…) hoặc biểu mẫu multipart/form-data với trường file.");
}

export const translationAudioRoutes: ApiRoute[] = [
  defineRoute({
    method: "put",
    path: "/translations/:lang/:key/audio",
    tag: "translations",
    summary: "Lưu bản ghi âm cho một câu (bản nháp)",
    description:
      "Thân yêu cầu là chính tệp ghi âm (Content-Type: audio/webm, audio/ogg, audio/mpeg, audio/mp4, audio/wav…) hoặc biểu mẫu multipart/form-data có trường file. " +
      "Tối đa 10 MB và 3 phút. Tệp được kiểm tra theo nội dung, lưu một lần (theo SHA-256) và chuyển thành OGG/Opus (tin nhắn thoại Telegram, web chat) và M4A (Safari, Zalo). " +
      "Câu thành bản nháp, chưa tới người dân cho đến khi người khác biết tiếng đó duyệt. Ghi nhật ký (translation.save). " +
      "422: tệp không phải bản ghi âm, hỏng, hoặc dài quá 3 phút; 503: máy chủ chưa cài ffmpeg.",
    auth: true,
    params: z.object({ lang: z.string().min(2).max(10), key: z.string().min(1).max(300) }),
    query: z.object({
      version: z.coerce.number().int().min(0).optional().meta({ description: "Phiên bản của câu khi mở (chống ghi đè)" }),
    }),
    rawBody: [...RAW_TYPES, "multipart/form-data"],
    response: { status: 200, description: "Câu sau khi lưu, với bản ghi âm", schema: translationEntryView },
    errors: ["unauthorized", "forbidden", "csrf_failed", "not_found", "validation_failed", "stale", "payload_too_large", "unsupported_media_type", "unprocessable", "too_many_requests", "unavailable"],
    async run({ ctx, req, res, auth, params, query }) {
      try {
        requireTranslator(auth.officer);
        // Everything that does not need the file is checked first: nothing is read or converted for a refusal.
        const language = translationLanguage(params.lang);
        await requireSpeaker(ctx.db, auth.officer, language);
        const entry = await readTranslation(ctx, params.lang, params.key);
        if (query.version !== undefined && query.version !== entry.version) {
          throw new AppError("stale", "Câu này vừa được người khác sửa hoặc duyệt, bản bạn đang xem đã cũ. Tải lại để xem bản mới nhất rồi lưu lại bản ghi.");
        }
        const release = slotsOf(ctx).take(auth.officer.id);
        if (!release) throw new AppError("too_many_requests", "Bạn đang lưu hai bản ghi âm cùng lúc. Chờ chúng lưu xong rồi lưu bản này nhé.");
        try {
          const { clip } = await receiveClip(ctx, auth.officer, req);
          return await saveDraft(ctx, auth.officer, params.lang, params.key, { clipId: clip.id, version: query.version }, { ip: req.ip ?? null });
        } finally {
          release();
        }
      } catch (err) {
        endRefusedBody(req, res);
        throw err;
      }
    },
  }),
  defineRoute({
    method: "get",
    path: "/translations/clips/:file",
    tag: "translations",
    summary: "Nghe một bản ghi âm của bàn dịch",
    description:
      "<mã bản ghi>.ogg (OGG/Opus), .m4a (AAC, cho Safari) hoặc .src (tệp gốc đã tải lên). Cả bản nháp lẫn bản đã duyệt; chỉ người dịch và quản trị hệ thống. Hỗ trợ Range (tua).",
    auth: true,
    params: z.object({ file: z.string().regex(CLIP_FILE).meta({ description: "<mã bản ghi>.ogg, .m4a hoặc .src" }) }),
    response: { status: 200, description: "Tệp âm thanh", mediaType: "audio/ogg" },
    errors: ["unauthorized", "forbidden", "not_found", "validation_failed"],
    async run({ ctx, res, auth, params }) {
      requireTranslator(auth.officer);
      const [, id, copy] = CLIP_FILE.exec(params.file) as unknown as [string, string, "ogg" | "m4a" | "src"];
      const clip = await ctx.db.audioClip.findUnique({ where: { id } });
      const relative = copy === "src" ? clip?.file : copy === "ogg" ? clip?.oggFile : clip?.m4aFile;
      const notFound = () => new AppError("not_found", "Không tìm thấy bản ghi âm này.");
      if (!clip || !relative) throw notFound();
      res.setHeader("Content-Type", copy === "src" ? clip.mime : COPY_MIME[copy]);
      res.setHeader("X-Content-Type-Options", "nosniff");
      res.setHeader("Content-Security-Policy", "default-src 'none'; media-src 'self'; sandbox");
      res.setHeader("Cache-Control", "private, no-store");
      await new Promise<void>((resolve, reject) =>
        res.sendFile(clipPath(ctx.config.mediaDir, relative), { dotfiles: "allow", cacheControl: false, lastModified: false }, (err) =>
          err && !res.headersSent ? reject(notFound()) : resolve(),
        ),
      );
    },
  }),
];
