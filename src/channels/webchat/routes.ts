/**
 * Web chat HTTP endpoints under /chat: the page, its JSON API, uploads and the SSE stream.
 * The visitor is a random token in an HttpOnly cookie; nothing else identifies them.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import express, { type Request, type Response, type Router } from "express";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { AppError } from "../../http/errors.ts";
import { readCookie } from "../../http/cookies.ts";
import { storeInboundEvent } from "../../inbox/store-event.ts";
import { storeStream, UnsupportedMediaError } from "../../media/store.ts";
import { MediaTooLargeError, type InboundContent } from "../types.ts";
import { normalizeText } from "../../text/normalize.ts";
import { DEFAULT_LOCALES_DIR } from "../../i18n/index.ts";
import { visitorKeyOf, type WebchatPayload, type WebchatView } from "./channel.ts";

const PUBLIC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../public/chat");
const COOKIE = "tb_chat";
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
  z.object({ clientMessageId, command: z.literal("start") }),
]);

function visitorOf(req: Request, res: Response): string {
  const existing = readCookie(req, COOKIE);
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = randomBytes(32).toString("base64url");
  res.cookie(COOKIE, token, { httpOnly: true, sameSite: "lax", path: "/chat", maxAge: 180 * 24 * 3600_000, secure: req.secure });
  return token;
}

function contentOf(body: z.infer<typeof postSchema>): InboundContent {
  if ("text" in body) return { type: "text", text: normalizeText(body.text) };
  if ("button" in body) return { type: "button", payload: body.button, label: body.label };
  if ("location" in body) return { type: "location", latitude: body.location.latitude, longitude: body.location.longitude };
  if ("command" in body) return { type: "command", command: body.command, args: "" };
  return { type: "contact", phone: body.contact.phone, name: body.contact.name, isOwn: true };
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

export function createWebchatRouter(ctx: AppContext, localesDir = DEFAULT_LOCALES_DIR): Router {
  const router = express.Router();

  async function accept(req: Request, res: Response, clientId: string, content: InboundContent): Promise<void> {
    const visitor = visitorOf(req, res);
    const visitorKey = visitorKeyOf(ctx, visitor);
    const origin = ctx.vault.hash(`origin:${req.ip ?? ""}`);
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

  router.get("/", (req, res) => {
    visitorOf(req, res);
    res.setHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self'; script-src 'self'; connect-src 'self'");
    res.sendFile(path.join(PUBLIC_DIR, "index.html"));
  });
  router.use("/static", express.static(PUBLIC_DIR, { index: false, maxAge: "1h" }));
  router.use("/audio", express.static(localesDir, { index: false, maxAge: "1d", extensions: false, dotfiles: "deny" }));

  router.get("/api/config", (_req, res) => {
    res.json({ maxUploadBytes: ctx.config.maxUploadBytes, accept: ACCEPT });
  });

  router.get("/api/messages", async (req, res) => {
    const visitorKey = visitorKeyOf(ctx, visitorOf(req, res));
    const messages = await messagesAfter(visitorKey, cursorOf(req.query.after));
    res.json({ messages, cursor: messages.at(-1)?.id ?? String(cursorOf(req.query.after)) });
  });

  router.post("/api/messages", express.json({ limit: "64kb" }), async (req, res) => {
    const body = postSchema.safeParse(req.body);
    if (!body.success) throw new AppError("validation_failed", "Tin nhắn không hợp lệ.", body.error.issues.map((i) => i.message));
    await accept(req, res, body.data.clientMessageId, contentOf(body.data));
  });

  router.post("/api/upload", async (req, res) => {
    const limit = ctx.config.maxUploadBytes;
    const mb = Math.round(limit / 1024 / 1024);
    const tooLarge = () => new AppError("payload_too_large", `Tệp lớn quá. Mỗi tệp tối đa ${mb} MB. Bạn gửi đoạn ngắn hơn nhé.`);
    if (Number(req.headers["content-length"] ?? 0) > limit + 64 * 1024) throw tooLarge();
    if (!String(req.headers["content-type"] ?? "").startsWith("multipart/form-data")) {
      throw new AppError("bad_request", "Tệp phải được gửi dạng multipart/form-data.");
    }
    const form = await new Request("http://local/upload", {
      method: "POST",
      headers: { "content-type": String(req.headers["content-type"]) },
      body: Readable.toWeb(req) as ReadableStream,
      duplex: "half",
    } as RequestInit).formData().catch(() => {
      throw new AppError("bad_request", "Không đọc được tệp gửi lên. Bạn thử lại nhé.");
    });
    const file = form.get("file");
    const id = clientMessageId.safeParse(form.get("clientMessageId"));
    if (!(file instanceof Blob) || !id.success) throw new AppError("bad_request", "Thiếu tệp hoặc mã tin nhắn.");
    let stored;
    try {
      stored = await storeStream(ctx.config.mediaDir, Readable.fromWeb(file.stream() as never), limit);
    } catch (err) {
      if (err instanceof MediaTooLargeError) throw tooLarge();
      if (err instanceof UnsupportedMediaError) {
        throw new AppError("unsupported_media_type", "Tệp này không mở được hoặc không đúng loại. Bạn gửi ảnh, video, ghi âm hoặc tệp PDF nhé.");
      }
      throw err;
    }
    const caption = form.get("caption");
    const name = "name" in file && typeof file.name === "string" ? file.name.normalize("NFC").slice(0, 200) : undefined;
    await accept(req, res, id.data, {
      type: "media",
      media: { kind: stored.kind, ref: stored.storageKey, mime: stored.mime, size: stored.size, name },
      caption: typeof caption === "string" && caption.trim() ? normalizeText(caption) : undefined,
    });
  });

  router.get("/api/stream", async (req, res) => {
    const visitorKey = visitorKeyOf(ctx, visitorOf(req, res));
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
    req.on("close", () => {
      ctx.bus.off("webchat:message", onMessage);
      clearInterval(poll);
      clearInterval(keepAlive);
    });
  });

  return router;
}
