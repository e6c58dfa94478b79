/**
 * The console JSON API, mounted at /api by src/http/app.ts. Every route is a `defineRoute`
 * entry (auth-routes.ts, tip-routes.ts, unit-routes.ts); this file turns them into Express handlers:
 * authenticate → validate → run (permit → service) → respond, and serves the OpenAPI document
 * generated from the same list.
 *
 * @example buildApp(ctx, { api: createApiRouter(ctx) })
 */
import express, { type Request, type RequestHandler, type Response, type Router } from "express";
import type { AppContext } from "../context.ts";
import { AppError } from "../http/errors.ts";
import { authRoutes } from "./auth-routes.ts";
import { requireOfficer } from "./authenticate.ts";
import { buildOpenApiDocument } from "./openapi.ts";
import { defineRoute, type ApiRoute } from "./route.ts";
import { tipRoutes } from "./tip-routes.ts";
import { tipExportRoutes } from "./tip-export-routes.ts";
import { questionRoutes } from "./question-routes.ts";
import { faqRoutes } from "./faq-routes.ts";
import { campaignRoutes } from "./campaign-routes.ts";
import { outreachResultsRoutes } from "./outreach-results-routes.ts";
import { quizRoutes } from "./quiz-routes.ts";
import { unitRoutes } from "./unit-routes.ts";
import { officerRoutes } from "./officer-routes.ts";
import { auditRoutes } from "./audit-routes.ts";
import { metaRoutes } from "./meta-routes.ts";
import { reportRoutes } from "./report-routes.ts";
import { reportExportRoutes } from "./report-export-routes.ts";
import { tipActionRoutes } from "./tip-action-routes.ts";
import { tipStreamRoutes } from "./tip-stream.ts";
import { reportMapRoutes } from "./report-map-routes.ts";
import { dashboardRoutes } from "./dashboard-routes.ts";
import { translationRoutes } from "./translation-routes.ts";
import { translationAudioRoutes } from "./translation-audio-routes.ts";
import { TRANSLATION_IMPORT_PATH, translationFileRoutes } from "./translation-file-routes.ts";

export const PASSWORD_CHANGE_REQUIRED =
  "Bạn đang dùng mật khẩu do quản trị hệ thống cấp (hoặc in ra khi cài đặt). Hãy đổi sang mật khẩu của riêng bạn trước khi làm việc: " +
  "mở mục Đổi mật khẩu trên bàn làm việc (hoặc gọi POST /api/auth/password).";

/** All routes, including the one describing them. */
export function apiRoutes(): ApiRoute[] {
  // The stream, the count and the exports before /tips/:id, which would otherwise take "stream" for a tip id.
  const routes: ApiRoute[] = [...authRoutes, ...metaRoutes, ...tipStreamRoutes, ...tipExportRoutes, ...tipRoutes, ...tipActionRoutes, ...questionRoutes, ...faqRoutes, ...campaignRoutes, ...outreachResultsRoutes, ...quizRoutes, ...unitRoutes, ...officerRoutes, ...auditRoutes, ...reportRoutes, ...reportExportRoutes, ...reportMapRoutes, ...dashboardRoutes, ...translationRoutes, ...translationAudioRoutes, ...translationFileRoutes];
  routes.push(
    defineRoute({
      method: "get",
      path: "/openapi.json",
      tag: "meta",
      summary: "Tài liệu OpenAPI 3.1 của API này",
      auth: false,
      response: { status: 200, description: "Tài liệu OpenAPI", mediaType: "application/json" },
      errors: [],
      async run({ ctx, res }) {
        res.json(buildOpenApiDocument(routes, { serverUrl: ctx.config.publicUrl }));
      },
    }),
  );
  return routes;
}

export function createApiRouter(ctx: AppContext): Router {
  const router = express.Router();
  // A whole knowledge-base file is bigger than any form (the starter content alone is ~70 KB).
  router.use("/faq/import", express.json({ limit: "5mb" }));
  // A translation file (up to 2 MB, JSON or XLIFF) is read whole by its route and told apart by content.
  const json = express.json({ limit: "64kb" });
  router.use((req, res, next) => (req.method === "POST" && TRANSLATION_IMPORT_PATH.test(req.path) ? next() : json(req, res, next)));
  router.use((_req, res, next) => {
    // Tip data must not linger in shared or browser caches.
    res.setHeader("Cache-Control", "no-store");
    next();
  });
  for (const route of apiRoutes()) router[route.method](route.path, handle(ctx, route));
  router.use((_req, _res, next) => next(new AppError("not_found", "Không có API này.")));
  return router;
}

function handle(ctx: AppContext, route: ApiRoute): RequestHandler {
  return async (req: Request, res: Response) => {
    const auth = route.auth ? await requireOfficer(ctx, req, res) : null;
    if (auth?.mustChangePassword && !route.beforePasswordChange) throw new AppError("password_change_required", PASSWORD_CHANGE_REQUIRED);
    // An empty request (no body, or Content-Length: 0) is taken as `{}` where the route allows it.
    const empty = req.get("transfer-encoding") === undefined && (req.get("content-length") ?? "0") === "0";
    if (route.body && !(empty && route.optionalBody) && !req.is("application/json")) {
      throw new AppError("unsupported_media_type", "Dữ liệu phải gửi dạng JSON (Content-Type: application/json).");
    }
    const params = route.params?.parse(req.params);
    const query = route.query?.parse(req.query);
    const body = route.body?.parse(empty && route.optionalBody ? {} : req.body);
    const result: unknown = await route.run({ ctx, req, res, auth, params, query, body });
    if (res.headersSent) return;
    if (route.response.status === 204) res.status(204).end();
    else res.status(route.response.status).json(result);
  };
}
