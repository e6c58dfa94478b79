/**
 * Web chat HTTP endpoints under /chat: the page, its JSON API, uploads and the SSE stream.
 * The visitor is a random token in a signed HttpOnly cookie (visitor.ts); nothing else identifies
 * them. Uploads are streamed and bounded, and taken only when the visitor's step expects a file
 * (permit-upload.ts, receive-upload.ts).
 */
import { addressScope } from "../../security/client-address.ts";
import path from "node:path";
import { fileURLToPath } from "node:url";
import express, { type Request, type Response, type Router } from "express";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { AppError } from "../../http/errors.ts";
import { endRefusedBody } from "../../http/end-refused-body.ts";
import { storeInboundEvent } from "../../inbox/store-event.ts";
import { UnexpectedMediaError, UnsupportedMediaError } from "../../media/store.ts";
import { chargeUpload, refusalFor } from "../../media/upload-quota.ts";
import { acceptsFile } from "../../conversation/expects-evidence.ts";
import type { InboundContent } from "../types.ts";
import { cleanFileName, normalizeText } from "../../text/normalize.ts";
import { DEFAULT_LOCALES_DIR } from "../../i18n/index.ts";
import { IMAGE_ID, imageMime, imagePath } from "../../outreach/campaigns/campaign-image.ts";
import { reviewedClipCopy } from "../../audio/public-clip.ts";
import { visitorKeyOf, type WebchatPayload, type WebchatView } from "./channel.ts";
import { ensureVisitor, readVisitor } from "./visitor.ts";
import { ConcurrencySlots, KeyedRate } from "../../security/local-limits.ts";
import { NOT_EXPECTED, permitUpload, quotaError, UploadSlots, VOICE_ONLY, type UploadPermit } from "./permit-upload.ts";
import { MalformedUploadError, receiveUpload, UploadTooLargeError } from "./receive-upload.ts";

const PUBLIC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../public/chat");
/** Multipart framing and the small fields around the file. */
const FORM_OVERHEAD_BYTES = 64 * 1024;
const ACCEPT = "image/*,video/*,audio/*,application/pdf,.doc,.docx,.xls,.xlsx,.txt";

const clientMessageId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "clientMessageId must be 8-64 characters of A-Z a-z 0-9 _ -");
const postSchema = z.union([
  z.object({ clientMessageId, text: z.string().min(1).max(10_000) }),
  z.object({ clientMessageId, button: z.string().min(1).max(200), label: z.string().max(200).optional() }),
  z.object({
    clientMessageId,
    location: z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180), accuracy: z.number().optional() }),
  }),
  z.object({ clientMessageId, contact: z.object({ name: z.string().max(200).optional(), phone: z.string().min(3).max(30) }) }),
  // The page opens a first visit with "start" (the bot greets); nothing is shown as sent by the resident.
  // A poster's link /chat?ma=<code> opens with "start <code>", like Telegram's t.me/<bot>?start=<code>.
  z.object({ clientMessageId, command: z.literal("start"), args: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional() }),
]);

function contentOf(body: z.infer<typeof postSchema>): InboundContent {
  if ("text" in body) return { type: "text", text: normalizeText(body.text) };
  if ("button" in body) return { type: "button", payload: body.button, label: body.label === undefined ? undefined : normalizeText(body.label) };
  if ("location" in body) return { type: "location", latitude: body.location.latitude, longitude: body.location.longitude };
  if ("command" in body) return { type: "command", command: body.command, args: body.args ?? "" };
  const name = body.contact.name === undefined ? undefined : normalizeText(body.contact.name) || undefined;
  return { type: "contact", phone: body.contact.phone, name, isOwn: true };
}

/** The resident's own message as the page shows it (the echo). */
function echoOf(content: InboundContent, clientId: string): Omit<WebchatView, "id" | "createdAt"> {
  const base = { direction: "in" as const, clientMessageId: clientId };
  switch (content.type) {
    case "text":
      return { ...base, text: content.text };
    case "button":
      return { ...base, text: content.label ?? content.payload };
    case "location":
      return { ...base, location: { latitude: content.latitude, longitude: content.longitude } };
    case "contact":
      return { ...base, text: [content.name, content.phone].filter(Boolean).join(" · ") };
    case "media":
      return { ...base, text: content.caption, attachment: { name: content.media.name ?? content.media.kind, kind: content.media.kind, size: content.media.size, status: "stored" } };
    default:
      return base;
  }
}

/** Open web chat streams (SSE) at once: per visitor (a few tabs), per client address (a household, an office). */
const STREAMS_PER_VISITOR = 3;
const STREAMS_PER_ADDRESS = 50;

export function createWebchatRouter(ctx: AppContext, localesDir = DEFAULT_LOCALES_DIR): Router {
  const router = express.Router();

  const slots = new UploadSlots();
  // A stranger's flood is bounded per visitor and per address: messages per minute, open streams.
  const visitorMessages = new KeyedRate(ctx.config.webchat.messagesPerMinute);
  const addressMessages = new KeyedRate(ctx.config.webchat.messagesPerAddressMinute);
  const visitorStreams = new ConcurrencySlots(STREAMS_PER_VISITOR);
  const addressStreams = new ConcurrencySlots(STREAMS_PER_ADDRESS);

  /** 429 with the wait, when the visitor or its address has sent too much in the last minute. */
  function checkMessageRate(req: Request, res: Response, visitorKey: string): void {
    const wait = Math.max(addressMessages.take(addressScope(req.ip)), visitorMessages.take(visitorKey));
    if (wait === 0) return;
    res.setHeader("Retry-After", String(Math.ceil(wait / 1000)));
    throw new AppError("too_many_requests", `Bạn gửi nhanh quá. Bạn chờ ${Math.ceil(wait / 1000)} giây rồi gửi tiếp nhé. Nếu đang gặp nguy hiểm, hãy gọi ngay 113.`);
  }

  async function accept(req: Request, res: Response, visitor: string, clientId: string, content: InboundContent): Promise<void> {
    const visitorKey = visitorKeyOf(ctx, visitor);
    // Keyed hash of the client address: limits on guessing count every visitor from one address together.
    const origin = ctx.vault.hash(`origin:${addressScope(req.ip)}`);
    const payload: WebchatPayload = { visitor, clientMessageId: clientId, sentAt: new Date().toISOString(), content, origin };
    const result = await storeInboundEvent(ctx, {
      channel: "webchat",
      externalId: `${visitorKey.slice(0, 16)}:${clientId}`,
      chatId: visitor,
      payload,
    });
    if (result === "stored" && content.type !== "command") {
      await ctx.db.webchatMessage.create({
        data: { visitorKey, direction: "in", clientMessageId: clientId, body: ctx.vault.encrypt(JSON.stringify(echoOf(content, clientId))) },
      });
      ctx.bus.emit("webchat:message", visitorKey);
    }
    res.status(202).json({ accepted: true, duplicate: result === "duplicate" });
  }

  async function messagesAfter(visitorKey: string, after: number): Promise<WebchatView[]> {
    const rows = await ctx.db.webchatMessage.findMany({ where: { visitorKey, id: { gt: after } }, orderBy: { id: "asc" }, take: 200 });
    return rows.map((r) => ({ ...(JSON.parse(ctx.vault.decrypt(r.body)) as WebchatView), id: String(r.id), createdAt: r.createdAt.toISOString() }));
  }

  const cursorOf = (value: unknown) => (typeof value === "string" && /^\d{1,15}$/.test(value) ? Number(value) : 0);

  router.get("/", async (req, res) => {
    // Past the new-visitor limit the page still loads, without a visitor: its first call reads the 429 message.
    await ensureVisitor(ctx, req, res).catch((err: unknown) => {
      if (!(err instanceof AppError)) throw err;
      res.removeHeader("Retry-After");
    });
    res.setHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self'; script-src 'self'; connect-src 'self'");
    res.sendFile(path.join(PUBLIC_DIR, "index.html"));
  });
  router.use("/static", express.static(PUBLIC_DIR, { index: false, maxAge: "1h" }));
  // A translator's recorded clip (OGG/Opus or M4A): only while a reviewed translation uses it, never a draft's. Not
  // cached without asking again, so a clip sent back to draft stops playing for residents at once.
  router.get("/audio/clip/:name", async (req, res, next) => {
    const notFound = () => new AppError("not_found", "Không tìm thấy đoạn ghi âm này.");
    const copy = await reviewedClipCopy(ctx, req.params.name);
    if (!copy) return next(notFound());
    res.setHeader("Content-Type", copy.mime);
    res.sendFile(copy.file, { dotfiles: "allow", cacheControl: false, headers: { "Cache-Control": "no-cache" } }, (err) => {
      if (err && !res.headersSent) next(notFound());
    });
  });
  router.use("/audio", express.static(localesDir, { index: false, maxAge: "1d", extensions: false, dotfiles: "deny" }));

  // A campaign's image: public (residents' browsers load it), immutable (named by its SHA-256), only stored names.
  router.get("/campaign-images/:id", (req, res, next) => {
    const id = req.params.id;
    if (!IMAGE_ID.test(id)) return next(new AppError("not_found", "Không tìm thấy ảnh này."));
    res.setHeader("Content-Type", imageMime(id));
    res.sendFile(imagePath(ctx.config.mediaDir, id), { maxAge: "365d", immutable: true, lastModified: false }, (err) => {
      if (err && !res.headersSent) next(new AppError("not_found", "Không tìm thấy ảnh này."));
    });
  });

  router.get("/api/config", (_req, res) => {
    res.json({ maxUploadBytes: ctx.config.maxUploadBytes, accept: ACCEPT });
  });

  router.get("/api/messages", async (req, res) => {
    const visitorKey = visitorKeyOf(ctx, await ensureVisitor(ctx, req, res));
    const messages = await messagesAfter(visitorKey, cursorOf(req.query.after));
    res.json({ messages, cursor: messages.at(-1)?.id ?? String(cursorOf(req.query.after)) });
  });

  router.post("/api/messages", express.json({ limit: "64kb" }), async (req, res) => {
    const body = postSchema.safeParse(req.body);
    if (!body.success) throw new AppError("validation_failed", "Tin nhắn không hợp lệ.", body.error.issues.map((i) => i.message));
    const visitor = await ensureVisitor(ctx, req, res);
    checkMessageRate(req, res, visitorKeyOf(ctx, visitor));
    await accept(req, res, visitor, body.data.clientMessageId, contentOf(body.data));
  });

  router.post("/api/upload", async (req, res) => {
    try {
      await upload(req, res);
    } catch (err) {
      endRefusedBody(req, res);
      throw err;
    }
  });

  async function upload(req: Request, res: Response): Promise<void> {
    const limit = ctx.config.maxUploadBytes;
    const tooLarge = () => new AppError("payload_too_large", `Tệp lớn quá. Mỗi tệp tối đa ${Math.round(limit / 1024 / 1024)} MB. Bạn gửi đoạn ngắn hơn nhé.`);
    const declared = req.headers["content-length"] === undefined ? undefined : Number(req.headers["content-length"]);
    if (declared !== undefined && declared > limit + FORM_OVERHEAD_BYTES) throw tooLarge();
    if (!String(req.headers["content-type"] ?? "").startsWith("multipart/form-data")) {
      throw new AppError("bad_request", "Tệp phải được gửi dạng multipart/form-data.");
    }
    // No visitor, or one whose step takes no file: refused before a byte of the body is read.
    const visitor = await readVisitor(ctx, req);
    if (!visitor) throw new AppError("conflict", NOT_EXPECTED);
    const permit = await permitUpload(ctx, slots, { visitor, ip: addressScope(req.ip), declaredBytes: declared });
    try {
      const received = await receiveUpload(req, {
        mediaDir: ctx.config.mediaDir,
        requestBytes: permit.maxBytes + FORM_OVERHEAD_BYTES,
        fileBytes: permit.maxBytes,
        accept: (type) => acceptsFile(permit.expected, type.kind),
      }).catch(async (err: unknown) => {
        throw await uploadError(err, permit, tooLarge);
      });
      const { file, fields } = received;
      const id = clientMessageId.safeParse(fields.clientMessageId);
      if (!file || !id.success) throw new AppError("bad_request", "Thiếu tệp hoặc mã tin nhắn.");
      // A retried upload (same clientMessageId) is acknowledged again, not counted again.
      const externalId = `${visitorKeyOf(ctx, visitor).slice(0, 16)}:${id.data}`;
      const retried = await ctx.db.inboundEvent.findUnique({ where: { channel_externalId: { channel: "webchat", externalId } }, select: { id: true } });
      if (!retried) {
        const charged = await chargeUpload(ctx, permit.scope, file.size);
        if (!charged.allowed) throw quotaError(ctx, charged);
      }
      const caption = fields.caption ? normalizeText(fields.caption) : "";
      const name = received.fileName === undefined ? undefined : cleanFileName(received.fileName);
      await accept(req, res, visitor, id.data, {
        type: "media",
        media: { kind: file.kind, ref: file.storageKey, mime: file.mime, size: file.size, name },
        caption: caption || undefined,
      });
    } finally {
      permit.release();
    }
  }

  /** What the visitor reads when reading the upload failed. */
  async function uploadError(err: unknown, permit: UploadPermit, tooLarge: () => AppError): Promise<unknown> {
    if (err instanceof UploadTooLargeError) {
      return permit.binding === "file" ? tooLarge() : quotaError(ctx, await refusalFor(ctx, permit.scope, permit.binding));
    }
    if (err instanceof UnexpectedMediaError) return new AppError("conflict", VOICE_ONLY);
    if (err instanceof UnsupportedMediaError) {
      return new AppError("unsupported_media_type", "Tệp này không mở được hoặc không đúng loại. Bạn gửi ảnh, video, ghi âm hoặc tệp PDF nhé.");
    }
    if (err instanceof MalformedUploadError) return new AppError("bad_request", "Không đọc được tệp gửi lên. Bạn thử lại nhé.");
    return err;
  }

  router.get("/api/stream", async (req, res) => {
    const visitorKey = visitorKeyOf(ctx, await ensureVisitor(ctx, req, res));
    // Each open stream holds a listener (and on PostgreSQL a poll): bounded. Refused, the page polls instead.
    const releaseVisitor = visitorStreams.take(visitorKey);
    const releaseAddress = releaseVisitor && addressStreams.take(addressScope(req.ip));
    if (!releaseVisitor || !releaseAddress) {
      releaseVisitor?.();
      throw new AppError("too_many_requests", "Có quá nhiều cửa sổ trò chuyện đang mở. Bạn đóng bớt rồi tải lại trang nhé.");
    }
    let cursor = cursorOf(req.query.after ?? req.headers["last-event-id"]);
    res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-store", Connection: "keep-alive", "X-Accel-Buffering": "no" });
    res.write("retry: 2000\n\n");
    let sending = Promise.resolve();
    const push = () => {
      sending = sending.then(async () => {
        for (const m of await messagesAfter(visitorKey, cursor)) {
          res.write(`id: ${m.id}\nevent: message\ndata: ${JSON.stringify(m)}\n\n`);
          cursor = Number(m.id);
        }
      }).catch((err) => ctx.log.warn({ err }, "web chat stream push failed"));
    };
    const onMessage = (key: string) => key === visitorKey && push();
    ctx.bus.on("webchat:message", onMessage);
    // With PostgreSQL other processes write messages too: look every few seconds as well.
    const poll = ctx.config.dialect === "postgresql" ? setInterval(push, 3_000) : undefined;
    const keepAlive = setInterval(() => res.write(": keep-alive\n\n"), 25_000);
    push();
    // The response's close (the visitor left, or the connection dropped), not the request's: a request may close as
    // soon as it has been read, which gave the stream's slots back while it was still open.
    res.on("close", () => {
      ctx.bus.off("webchat:message", onMessage);
      clearInterval(poll);
      clearInterval(keepAlive);
      releaseVisitor();
      releaseAddress();
    });
  });

  return router;
}
