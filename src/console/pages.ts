/**
 * The police console's web pages under /console: plain HTML, CSS and ES modules from
 * public/console/ (no build step), talking to the JSON API under /api. Every path that is not a
 * static file answers index.html, so deep links (/console/tips/<id>, /console/faq…) open the
 * right screen. A strict CSP: nothing inline, nothing from another origin.
 *
 * @example buildApp(ctx, { console: createConsoleRouter(ctx) })
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import express, { type Response, type Router } from "express";
import type { AppContext } from "../context.ts";
import { AppError } from "../http/errors.ts";

const PUBLIC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../public/console");

export const CONSOLE_CSP = [
  "default-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "style-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export function createConsoleRouter(_ctx: AppContext): Router {
  const router = express.Router();
  router.use((_req, res, next) => {
    res.setHeader("Content-Security-Policy", CONSOLE_CSP);
    next();
  });
  // No hashed file names without a build step: browsers revalidate (ETag) so an update shows at once.
  router.use("/static", express.static(PUBLIC_DIR, { index: false, cacheControl: false, setHeaders: (res) => res.setHeader("Cache-Control", "no-cache") }));
  router.use("/static", (_req, _res, next) => next(new AppError("not_found", "Không tìm thấy tệp này.")));
  router.get("/{*screen}", (_req, res) => sendIndex(res));
  return router;
}

function sendIndex(res: Response): void {
  res.setHeader("Cache-Control", "no-store");
  res.sendFile(path.join(PUBLIC_DIR, "index.html"));
}
