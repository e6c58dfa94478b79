/** The one error handler: every error leaves as `{ error: { code, message } }`. */
import type { ErrorRequestHandler } from "express";
import { ZodError } from "zod";
import type { Logger } from "../log.ts";
import { AppError } from "./errors.ts";

export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appError = toAppError(err);
    if (appError.status >= 500) log.error({ err, path: req.path, method: req.method }, "request failed");
    if (res.headersSent) return;
    res.status(appError.status).json(appError.toBody());
  };
}

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) {
    return new AppError(
      "validation_failed",
      "Dữ liệu gửi lên không hợp lệ.",
      err.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    );
  }
  const e = err as { type?: string; status?: number; expose?: boolean; message?: string };
  if (e?.type === "entity.parse.failed") return new AppError("bad_request", "Dữ liệu gửi lên không đúng định dạng JSON (malformed JSON).");
  if (e?.type === "entity.too.large") return new AppError("payload_too_large", "Dữ liệu gửi lên quá lớn (request body too large).");
  if (typeof e?.status === "number" && e.status >= 400 && e.status < 500 && e.expose) {
    return new AppError("bad_request", e.message ?? "Bad request.");
  }
  return new AppError("internal", "Có lỗi ở máy chủ. Vui lòng thử lại sau.");
}
