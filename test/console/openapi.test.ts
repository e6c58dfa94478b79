import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiRoutes } from "../../src/console/router.ts";
import { startApi, type ApiHarness } from "./support.ts";

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string; required: boolean }>; security: unknown[]; responses: Record<string, unknown>; requestBody?: unknown }>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, Record<string, string>> };
}

async function fetchDocument(): Promise<{ text: string; doc: OpenApiDoc }> {
  const res = await fetch(`${api.base}/api/openapi.json`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("application/json");
  const text = await res.text();
  return { text, doc: JSON.parse(text) as OpenApiDoc };
}

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 JSON, served without signing in", async () => {
    const { doc } = await fetchDocument();
    expect(doc.openapi).toBe("3.1.0");
  });

  it("lists every route the router serves", async () => {
    const { doc } = await fetchDocument();
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(
      [
        "POST /api/auth/login",
        "POST /api/auth/logout",
        "GET /api/auth/me",
        "GET /api/tips",
        "GET /api/tips/{id}",
        "GET /api/tips/{id}/attachments/{attachmentId}",
        "POST /api/tips/{id}/route",
        "GET /api/questions",
        "POST /api/questions/{id}/answer",
        "GET /api/faq",
        "POST /api/faq",
        "PATCH /api/faq/{id}",
        "GET /api/faq/export",
        "POST /api/faq/import",
        "GET /api/quiz/questions",
        "POST /api/quiz/questions/{id}/approve",
        "GET /api/quiz/results",
        "GET /api/units",
        "POST /api/units",
        "GET /api/units/{id}",
        "PATCH /api/units/{id}",
        "GET /api/communes",
        "GET /api/openapi.json",
        "POST /api/auth/password",
        "GET /api/officers",
        "POST /api/officers",
        "PATCH /api/officers/{id}",
        "POST /api/officers/{id}/password-reset",
        "GET /api/audit",
        "GET /api/audit/export",
        "GET /api/reports/summary",
        "GET /api/reports/map",
        "GET /api/reports/dashboard",
        "GET /api/reports/period.xlsx",
        "GET /api/reports/period.csv",
        "GET /api/reports/period.html",
        "GET /api/meta",
        "GET /api/tips/stream",
        "GET /api/tips/count",
        "GET /api/tips/export.csv",
        "GET /api/tips/export.xlsx",
        "GET /api/tips/{id}/duplicates",
        "POST /api/tips/{id}/claim",
        "POST /api/tips/{id}/assign",
        "POST /api/tips/{id}/status",
        "POST /api/tips/{id}/merge",
        "POST /api/tips/{id}/deadline",
        "POST /api/tips/{id}/messages",
        "POST /api/tips/{id}/notes",
        "POST /api/tips/{id}/identity",
        "GET /api/tips/{id}/identity/files/{attachmentId}",
        "POST /api/tips/{id}/print",
        "GET /api/campaigns",
        "POST /api/campaigns",
        "GET /api/campaigns/audience",
        "GET /api/campaigns/zalo-article/options",
        "GET /api/campaigns/templates",
        "GET /api/campaigns/{id}",
        "PATCH /api/campaigns/{id}",
        "GET /api/campaigns/{id}/preview",
        "POST /api/campaigns/{id}/submit",
        "POST /api/campaigns/test-chat/code",
        "POST /api/campaigns/images",
        "POST /api/campaigns/{id}/test-send",
        "POST /api/campaigns/{id}/approve",
        "POST /api/campaigns/{id}/pause",
        "POST /api/campaigns/{id}/resume",
        "POST /api/campaigns/{id}/cancel",
        "GET /api/campaigns/{id}/results",
        "GET /api/campaigns/{id}/results.csv",
        "GET /api/outreach/progress",
        "GET /api/translations",
        "PUT /api/translations/{lang}/{key}",
        "POST /api/translations/{lang}/{key}/approve",
        "POST /api/translations/{lang}/{key}/send-back",
        "GET /api/translations/{lang}/export.json",
        "GET /api/translations/{lang}/export.xlf",
        "POST /api/translations/{lang}/import",
        "PUT /api/translations/{lang}/{key}/audio",
        "GET /api/translations/clips/{file}",
      ].sort(),
    );
    expect(documented).toHaveLength(apiRoutes().length);
  });

  it("describes parameters, bodies and errors from the validation schemas", async () => {
    const { doc } = await fetchDocument();
    const list = doc.paths["/api/tips"]!.get!;
    expect(list.parameters!.map((p) => p.name)).toEqual([
      "statusGroup", "status", "category", "urgent", "communeCode", "channel", "language", "from", "to", "assignee", "unitId", "overdue", "q", "limit", "cursor",
    ]);
    expect(list.parameters!.every((p) => p.in === "query" && p.required === false)).toBe(true);
    expect(doc.paths["/api/tips/{id}/attachments/{attachmentId}"]!.get!.parameters).toEqual([
      expect.objectContaining({ name: "id", in: "path", required: true }),
      expect.objectContaining({ name: "attachmentId", in: "path", required: true }),
    ]);
    expect(doc.paths["/api/auth/login"]!.post!.requestBody).toEqual({
      required: true,
      content: { "application/json": { schema: { $ref: "#/components/schemas/LoginRequest" } } },
    });
    expect(doc.components.schemas.LoginRequest).toMatchObject({ required: ["username", "password"] });
    expect(doc.paths["/api/tips/{id}"]!.get!.responses["404"]).toMatchObject({
      content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
    });
    expect(doc.components.schemas.Error).toMatchObject({ properties: { error: { required: ["code", "message"] } } });
  });

  it("declares cookie and Bearer security and marks which routes need them", async () => {
    const { doc } = await fetchDocument();
    expect(doc.components.securitySchemes.cookieAuth).toMatchObject({ type: "apiKey", in: "cookie", name: "tb_session" });
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.paths["/api/auth/login"]!.post!.security).toEqual([]);
    expect(doc.paths["/api/tips"]!.get!.security).toEqual([{ cookieAuth: [] }, { bearerAuth: [] }]);
    expect(doc.paths["/api/auth/logout"]!.post!.parameters).toContainEqual(expect.objectContaining({ name: "X-CSRF-Token", in: "header" }));
  });

  it("has no reference to a schema it does not define", async () => {
    const { text, doc } = await fetchDocument();
    const refs = [...text.matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas, ref).toHaveProperty(ref.replace("#/components/schemas/", ""));
    }
    expect(text).not.toContain("$defs");
  });
});
