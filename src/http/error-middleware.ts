/** The one error handler: every error leaves as `{ error: { code, message } }`. */
import type { ErrorRequestHandler } from "express";
import { ZodError } from "zod";
import type { Logger } from "../log.ts";
import { AppError } from "./errors.ts";
import { dbFaultOf } from "../db/db-fault.ts";
import { MediaUnavailableError } from "../media/store.ts";

export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appError = toAppError(err);
    if (appError.status >= 500) log.error({ err, path: req.path, method: req.method }, "request failed");
    if (res.headersSent) return;
    // Nothing was stored: the platform, the page or the client tries again.
    if (appError.status === 503) res.setHeader("Retry-After", "30");
    res.status(appError.status).json(appError.toBody());
  };
}

/** Infrastructure faults as a 503 the client can act on (Vietnamese for the web chat page), never a 500. */
function faultError(err: unknown): AppError | undefined {
  if (err instanceof MediaUnavailableError) {
    return err.reason === "no_space"
      ? new AppError("disk_full", "Hiện máy chủ tạm thời chưa nhận được tệp. Bạn giữ tệp này và gửi lại sau nhé.")
      : new AppError("media_unwritable", "Hiện máy chủ tạm thời chưa nhận được tệp. Bạn giữ tệp này và gửi lại sau nhé.");
  }
  const fault = dbFaultOf(err);
  if (fault === "disk_full") return new AppError("disk_full", "Máy chủ tạm thời chưa lưu được. Bạn vui lòng gửi lại sau ít phút.");
  if (fault === "database_locked") return new AppError("database_locked", "Hệ thống đang bận, chưa lưu được. Bạn vui lòng gửi lại sau ít phút.");
  return undefined;
}

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const fault = faultError(err);
  if (fault) return fault;
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
