/**
 * The HTTP surface: webhooks, web chat, console API and pages, health and metrics.
 * Routes stay thin: parse → permit → one service call → respond.
 */
import express, { type Express, type Router } from "express";
import type { AppContext } from "../context.ts";
import { errorMiddleware } from "./error-middleware.ts";
import { AppError } from "./errors.ts";

export interface HttpParts {
  webhooks?: Router;
  webchat?: Router;
  api?: Router;
  console?: Router;
  ops?: Router;
}

export function buildApp(ctx: AppContext, parts: HttpParts): Express {
  const app = express();
  app.disable("x-powered-by");
  // Off by default: X-Forwarded-For from any client would let a stranger choose the address limits and the audit log see.
  app.set("trust proxy", ctx.config.trustProxy);
  app.use((_req, res, next) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "same-origin");
    res.setHeader("X-Frame-Options", "DENY");
    next();
  });
  if (parts.ops) app.use(parts.ops);
  if (parts.webhooks) app.use("/webhooks", parts.webhooks);
  if (parts.webchat) app.use("/chat", parts.webchat);
  if (parts.api) app.use("/api", parts.api);
  if (parts.console) app.use("/console", parts.console);
  app.get("/", (_req, res) => res.redirect("/chat"));
  app.use((_req, _res, next) => next(new AppError("not_found", "Không tìm thấy trang này.")));
  app.use(errorMiddleware(ctx.log));
  return app;
}
