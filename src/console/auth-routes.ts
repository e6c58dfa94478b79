/** Signing in and out of the console. */
import { AppError } from "../http/errors.ts";
import { logInOfficer } from "../officers/log-in-officer.ts";
import { logOutOfficer } from "../officers/log-out-officer.ts";
import { SESSION_COOKIE, sessionCookieOptions } from "./authenticate.ts";
import { defineRoute, type ApiRoute } from "./route.ts";
import { loginBody, sessionView } from "./schemas.ts";

export const authRoutes: ApiRoute[] = [
  defineRoute({
    method: "post",
    path: "/auth/login",
    tag: "auth",
    summary: "Đăng nhập",
    description:
      "Kiểm tra tên đăng nhập và mật khẩu, mở phiên làm việc: đặt cookie tb_session (HttpOnly). " +
      "Kịch bản (script) có thể lấy giá trị cookie này và gửi lại dưới dạng Authorization: Bearer <token>. " +
      "Sai 5 lần trong 15 phút thì tạm khóa đăng nhập (429).",
    auth: false,
    body: loginBody,
    response: { status: 200, description: "Đã đăng nhập", schema: sessionView },
    errors: ["validation_failed", "bad_request", "unsupported_media_type", "unauthorized", "too_many_requests"],
    async run({ ctx, req, res, body }) {
      try {
        const session = await logInOfficer(ctx, { username: body.username, password: body.password, ip: req.ip });
        res.cookie(SESSION_COOKIE, session.token, sessionCookieOptions(ctx));
        return { officer: session.officer, csrfToken: session.csrfToken };
      } catch (e) {
        if (e instanceof AppError && e.code === "too_many_requests") {
          const retryAt = (e.details as { retryAt?: string } | undefined)?.retryAt;
          const seconds = retryAt ? Math.ceil((Date.parse(retryAt) - ctx.now().getTime()) / 1000) : 900;
          res.setHeader("Retry-After", String(Math.max(1, seconds)));
        }
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
    description: "Trả về cán bộ của phiên hiện tại và mã csrfToken (để trang console tải lại không phải đăng nhập lại).",
    auth: true,
    response: { status: 200, description: "Phiên đang hoạt động", schema: sessionView },
    errors: ["unauthorized"],
    async run({ auth }) {
      return { officer: auth.officer, csrfToken: auth.csrfToken };
    },
  }),
];
