/**
 * Who is calling: the `tb_session` cookie (browsers) or `Authorization: Bearer <token>` (scripts).
 * Requests that change state and authenticate by cookie must also carry `X-CSRF-Token`; a Bearer
 * header cannot be sent by another site, so it needs none.
 */
import type { CookieOptions, Request, Response } from "express";
import type { AppContext } from "../context.ts";
import { AppError } from "../http/errors.ts";
import { authenticateSession, type OfficerSessionAuth } from "../officers/authenticate-session.ts";
import { safeEqual } from "../security/crypto.ts";

export const SESSION_COOKIE = "tb_session";
export const CSRF_HEADER = "X-CSRF-Token";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function sessionCookieOptions(ctx: AppContext): CookieOptions {
  return { httpOnly: true, sameSite: "lax", path: "/", secure: ctx.config.publicUrl.startsWith("https") };
}

export function readCredentials(req: Request): { token: string; via: "cookie" | "bearer" } | null {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.get("authorization") ?? "");
  if (bearer?.[1]) return { token: bearer[1], via: "bearer" };
  const token = readCookie(req.get("cookie"), SESSION_COOKIE);
  return token ? { token, via: "cookie" } : null;
}

/** The signed-in officer, or an AppError (401 no/expired session, 403 missing CSRF header). */
export async function requireOfficer(ctx: AppContext, req: Request, res: Response): Promise<OfficerSessionAuth> {
  const credentials = readCredentials(req);
  const auth = credentials ? await authenticateSession(ctx, credentials.token) : null;
  if (!credentials || !auth) {
    if (credentials?.via === "cookie") res.clearCookie(SESSION_COOKIE, sessionCookieOptions(ctx));
    throw new AppError("unauthorized", "Bạn chưa đăng nhập hoặc phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.");
  }
  if (credentials.via === "cookie" && !SAFE_METHODS.has(req.method)) {
    const sent = req.get(CSRF_HEADER) ?? "";
    if (!safeEqual(sent, auth.csrfToken)) {
      throw new AppError("csrf_failed", "Yêu cầu thiếu mã xác thực chống giả mạo (X-CSRF-Token). Vui lòng tải lại trang.");
    }
  }
  return auth;
}

function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1")) || null;
    } catch {
      return null;
    }
  }
  return null;
}
