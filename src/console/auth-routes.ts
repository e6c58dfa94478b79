/** Signing in and out of the console, and changing one's own password. */
import type { Response } from "express";
import { z } from "zod";
import type { AppContext } from "../context.ts";
import { AppError } from "../http/errors.ts";
import { changeOwnPassword, PASSWORD_MIN_LENGTH } from "../officers/change-own-password.ts";
import { sessionLastMoment } from "../officers/session-token.ts";
import { logInOfficer } from "../officers/log-in-officer.ts";
import { logOutOfficer } from "../officers/log-out-officer.ts";
import { SESSION_COOKIE, sessionCookieOptions } from "./authenticate.ts";
import { defineRoute, type ApiRoute } from "./route.ts";
import { loginBody, sessionView } from "./schemas.ts";

const passwordChangeBody = z
  .object({
    currentPassword: z.string().min(1).max(256).meta({ description: "Mật khẩu đang dùng" }),
    newPassword: z
      .string()
      .min(1)
      .max(256)
      .meta({
        description:
          `Mật khẩu mới: ít nhất ${PASSWORD_MIN_LENGTH} ký tự, không phải mật khẩu phổ biến hay dễ đoán (lặp ký tự, dãy số, ` +
          "tên đăng nhập, họ tên), khác mật khẩu đang dùng",
      }),
  })
  .meta({ id: "PasswordChange" });

/** A 429 tells the client when to try again. */
function setRetryAfter(ctx: AppContext, res: Response, e: unknown): void {
  if (!(e instanceof AppError) || e.code !== "too_many_requests") return;
  const retryAt = (e.details as { retryAt?: string } | undefined)?.retryAt;
  const seconds = retryAt ? Math.ceil((Date.parse(retryAt) - ctx.now().getTime()) / 1000) : 900;
  res.setHeader("Retry-After", String(Math.max(1, seconds)));
}

export const authRoutes: ApiRoute[] = [
  defineRoute({
    method: "post",
    path: "/auth/login",
    tag: "auth",
    summary: "Đăng nhập",
    description:
      "Kiểm tra tên đăng nhập và mật khẩu, mở phiên làm việc: đặt cookie tb_session (HttpOnly). " +
      "Kịch bản (script) có thể lấy giá trị cookie này và gửi lại dưới dạng Authorization: Bearer <token>. " +
      "Phiên kết thúc sau SESSION_IDLE_HOURS giờ (mặc định 12) không dùng, và chậm nhất SESSION_MAX_HOURS giờ (mặc định 24) sau khi đăng nhập. " +
      "Mỗi lần thử được tính trước khi kiểm tra mật khẩu: sai LOGIN_MAX_FAILURES lần (mặc định 5) trong LOGIN_LOCK_MINUTES phút (mặc định 15) " +
      "với một tài khoản từ cùng một địa chỉ, hoặc LOGIN_MAX_FAILURES_PER_ADDRESS lần (mặc định 20) từ một địa chỉ, thì địa chỉ đó tạm bị khóa (429, " +
      "header Retry-After), lần sau khóa lâu gấp đôi; người đăng nhập từ địa chỉ khác không bị ảnh hưởng. " +
      "mustChangePassword: true nghĩa là phải đổi mật khẩu được cấp trước khi làm việc khác.",
    auth: false,
    body: loginBody,
    response: { status: 200, description: "Đã đăng nhập", schema: sessionView },
    errors: ["validation_failed", "bad_request", "unsupported_media_type", "unauthorized", "too_many_requests"],
    async run({ ctx, req, res, body }) {
      try {
        const session = await logInOfficer(ctx, { username: body.username, password: body.password, ip: req.ip });
        res.cookie(SESSION_COOKIE, session.token, { ...sessionCookieOptions(ctx), expires: sessionLastMoment(ctx.config, ctx.now()) });
        return { officer: session.officer, csrfToken: session.csrfToken, mustChangePassword: session.mustChangePassword };
      } catch (e) {
        setRetryAfter(ctx, res, e);
        throw e;
      }
    },
  }),
  defineRoute({
    method: "post",
    path: "/auth/logout",
    tag: "auth",
    summary: "Đăng xuất",
    description: "Kết thúc phiên làm việc hiện tại và xóa cookie.",
    auth: true,
    beforePasswordChange: true,
    response: { status: 204, description: "Đã đăng xuất" },
    errors: ["unauthorized", "csrf_failed"],
    async run({ ctx, req, res, auth }) {
      await logOutOfficer(ctx, auth, req.ip);
      res.clearCookie(SESSION_COOKIE, sessionCookieOptions(ctx));
    },
  }),
  defineRoute({
    method: "get",
    path: "/auth/me",
    tag: "auth",
    summary: "Cán bộ đang đăng nhập",
    description:
      "Trả về cán bộ của phiên hiện tại, mã csrfToken (để trang console tải lại không phải đăng nhập lại) " +
      "và mustChangePassword (còn phải đổi mật khẩu được cấp).",
    auth: true,
    beforePasswordChange: true,
    response: { status: 200, description: "Phiên đang hoạt động", schema: sessionView },
    errors: ["unauthorized"],
    async run({ auth }) {
      return { officer: auth.officer, csrfToken: auth.csrfToken, mustChangePassword: auth.mustChangePassword };
    },
  }),
  defineRoute({
    method: "post",
    path: "/auth/password",
    tag: "auth",
    summary: "Đổi mật khẩu của mình",
    description:
      `Cần mật khẩu hiện tại. Mật khẩu mới ít nhất ${PASSWORD_MIN_LENGTH} ký tự, không phải mật khẩu phổ biến hay dễ đoán ` +
      "(lặp ký tự, dãy số, bàn phím, tên đăng nhập, họ tên), khác mật khẩu cũ; nếu không, 400 kèm lời khuyên. " +
      "Sai mật khẩu hiện tại trả về 403 (phiên vẫn mở) và được tính như một lần đăng nhập sai (cùng giới hạn với đăng nhập, 429 khi bị khóa). " +
      "Cán bộ đang dùng mật khẩu được cấp (mustChangePassword) phải đổi ở đây trước khi dùng các chức năng khác. " +
      "Đổi xong, các phiên đăng nhập khác của bạn (máy khác) kết thúc, phiên này vẫn mở. Ghi nhật ký (auth.password_change).",
    auth: true,
    beforePasswordChange: true,
    body: passwordChangeBody,
    response: { status: 204, description: "Đã đổi mật khẩu" },
    errors: ["validation_failed", "bad_request", "unsupported_media_type", "unauthorized", "forbidden", "csrf_failed", "too_many_requests"],
    async run({ ctx, req, res, auth, body }) {
      try {
        await changeOwnPassword(ctx, auth, body, req.ip ?? null);
      } catch (e) {
        setRetryAfter(ctx, res, e);
        throw e;
      }
    },
  }),
];
