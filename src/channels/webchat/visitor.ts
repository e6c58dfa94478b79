/**
 * The web chat visitor: a random token in an HttpOnly cookie, signed by the server so that a
 * made-up cookie is not a free new visitor. New visitors are counted per client address
 * (WEBCHAT_NEW_VISITORS_PER_ADDRESS_HOUR): one address cannot open hundreds of fresh chats (each
 * with its own follow-up tries and upload quotas) in an hour.
 *
 * @example const visitor = await ensureVisitor(ctx, req, res); // throws 429 past the limit
 */
import { addressScope } from "../../security/client-address.ts";
import { randomBytes } from "node:crypto";
import type { Request, Response } from "express";
import type { AppContext } from "../../context.ts";
import { AppError } from "../../http/errors.ts";
import { readCookie } from "../../http/cookies.ts";
import { safeEqual } from "../../security/crypto.ts";
import { hitLimit, limitKey, minutesUntil } from "../../security/rate-limit.ts";

export const VISITOR_COOKIE = "tb_chat";
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const HOUR_MS = 3600_000;

type Ctx = Pick<AppContext, "db" | "vault" | "now" | "config">;

function signatureOf(ctx: Pick<AppContext, "vault">, token: string): string {
  return ctx.vault.hash(`webchat-visitor:${token}`).slice(0, 22);
}

/**
 * The visitor of this request, or undefined when there is none. A cookie issued before cookies
 * were signed (a bare token) still counts when that visitor has written before.
 */
export async function readVisitor(ctx: Ctx, req: Request): Promise<string | undefined> {
  const value = readCookie(req, VISITOR_COOKIE);
  if (!value) return undefined;
  const [token = "", signature] = value.split(".");
  if (!TOKEN.test(token)) return undefined;
  if (signature !== undefined) return safeEqual(signature, signatureOf(ctx, token)) ? token : undefined;
  const platformIdHash = ctx.vault.hash(`contact:webchat:${token}`);
  const known = await ctx.db.contact.findUnique({ where: { channel_platformIdHash: { channel: "webchat", platformIdHash } }, select: { id: true } });
  return known ? token : undefined;
}

/** The visitor of this request; a new one (cookie set) when there is none, counted against the address. */
export async function ensureVisitor(ctx: Ctx, req: Request, res: Response): Promise<string> {
  const existing = await readVisitor(ctx, req);
  if (existing) return existing;
  const counted = await hitLimit(ctx, limitKey(ctx, "webchat:new-visitor", addressScope(req.ip)), {
    limit: ctx.config.webchat.newVisitorsPerAddressHour,
    windowMs: HOUR_MS,
  });
  if (!counted.allowed) {
    res.setHeader("Retry-After", String(Math.ceil(((counted.retryAt?.getTime() ?? ctx.now().getTime() + HOUR_MS) - ctx.now().getTime()) / 1000)));
    throw new AppError(
      "too_many_requests",
      `Có quá nhiều cuộc trò chuyện mới từ mạng của bạn. Bạn thử lại sau ${minutesUntil(counted.retryAt, ctx.now())} phút nhé. ` +
        "Nếu đang gặp nguy hiểm, hãy gọi ngay 113.",
    );
  }
  const token = randomBytes(32).toString("base64url");
  res.cookie(VISITOR_COOKIE, `${token}.${signatureOf(ctx, token)}`, {
    httpOnly: true,
    sameSite: "lax",
    path: "/chat",
    maxAge: 180 * 24 * HOUR_MS,
    secure: req.secure,
  });
  return token;
}
