/**
 * Writes the OpenAPI 3.1 document from the route list and the very zod schemas the routes
 * validate with (z.toJSONSchema). Schemas carrying an `id` become `components.schemas`.
 *
 * @example buildOpenApiDocument(routes, { serverUrl: ctx.config.publicUrl })
 */
import { z } from "zod";
import { ERROR_STATUS, type ErrorCode } from "../http/errors.ts";
import { CSRF_HEADER, SESSION_COOKIE } from "./authenticate.ts";
import type { ApiRoute } from "./route.ts";
import { errorBody } from "./schemas.ts";

type JsonSchema = Record<string, unknown>;

const ERROR_DESCRIPTIONS: Record<ErrorCode, string> = {
  bad_request: "Yêu cầu không hợp lệ (ví dụ JSON hỏng)",
  validation_failed: "Dữ liệu không đúng định dạng",
  unauthorized: "Chưa đăng nhập, phiên hết hạn, hoặc sai tên đăng nhập/mật khẩu",
  forbidden: "Không có quyền",
  csrf_failed: "Thiếu hoặc sai header X-CSRF-Token",
  password_change_required: "Cán bộ đang dùng mật khẩu được cấp: phải đổi mật khẩu (POST /api/auth/password) trước",
  not_found: "Không tìm thấy",
  conflict: "Xung đột dữ liệu",
  stale: "Dữ liệu đã bị người khác thay đổi",
  payload_too_large: "Dữ liệu gửi lên quá lớn",
  unsupported_media_type: "Phải gửi Content-Type: application/json",
  unprocessable: "Dữ liệu đúng định dạng nhưng không nhận được (ví dụ bản dịch bỏ mất {{biến}} của câu tiếng Việt, tệp không phải bản ghi âm, bản ghi quá 3 phút)",
  too_many_requests: "Quá nhiều lần thử; xem header Retry-After",
  internal: "Lỗi máy chủ",
  unavailable: "Tạm thời không phục vụ được",
  insufficient_storage: "Máy chủ sắp hết chỗ lưu tệp, tạm chưa nhận tệp mới",
  database_locked: "Cơ sở dữ liệu đang bị khóa bởi tiến trình khác; chưa lưu gì, thử lại sau (Retry-After)",
  disk_full: "Ổ đĩa máy chủ đã đầy; chưa lưu gì, thử lại sau (Retry-After)",
  media_unwritable: "Thư mục lưu tệp không ghi được; chưa lưu tệp, thử lại sau",
};

export function buildOpenApiDocument(routes: ApiRoute[], options: { serverUrl: string }): JsonSchema {
  const components: Record<string, JsonSchema> = {};
  const schema = (s: z.ZodType, io: "input" | "output") => toSchema(s, io, components);
  const errorRef = schema(errorBody, "output");

  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = `/api${route.path.replace(/:(\w+)/g, "{$1}")}`;
    const parameters = [
      ...objectParameters(route.params, "path", components),
      ...objectParameters(route.query, "query", components),
      ...(route.auth && route.method !== "get"
        ? [
            {
              name: CSRF_HEADER,
              in: "header",
              required: false,
              description: "Bắt buộc khi xác thực bằng cookie: giá trị csrfToken nhận lúc đăng nhập.",
              schema: { type: "string" },
            },
          ]
        : []),
    ];
    const responses: Record<string, JsonSchema> = {
      [String(route.response.status)]: {
        description: route.response.description,
        ...(route.response.schema
          ? { content: { "application/json": { schema: schema(route.response.schema, "output") } } }
          : route.response.mediaType
            ? { content: { [route.response.mediaType]: { schema: fileSchema(route.response.mediaType) } } }
            : {}),
      },
    };
    for (const code of documentedErrors(route)) {
      const status = String(ERROR_STATUS[code]);
      const previous = responses[status]?.description;
      responses[status] = {
        description: previous ? `${previous}; ${ERROR_DESCRIPTIONS[code]} (${code})` : `${ERROR_DESCRIPTIONS[code]} (${code})`,
        content: { "application/json": { schema: errorRef } },
      };
    }
    responses["500"] = { description: ERROR_DESCRIPTIONS.internal, content: { "application/json": { schema: errorRef } } };

    (paths[path] ??= {})[route.method] = {
      operationId: operationId(route),
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      security: route.auth ? [{ cookieAuth: [] }, { bearerAuth: [] }] : [],
      ...(parameters.length ? { parameters } : {}),
      ...(route.body
        ? { requestBody: { required: !route.optionalBody, content: { "application/json": { schema: schema(route.body, "input") } } } }
        : route.rawBody
          ? { requestBody: { required: true, content: Object.fromEntries(route.rawBody.map((type) => [type, { schema: fileSchema(type) }])) } }
          : {}),
      responses,
    };
  }

  return {
    openapi: "3.1.0",
    info: {
      title: "Tin Báo: API cho cán bộ công an",
      version: "1.0.0",
      description:
        "Tiếp nhận và xử lý tin báo tội phạm. Mọi lỗi có dạng { error: { code, message } }. " +
        `Đăng nhập bằng POST /api/auth/login (cookie ${SESSION_COOKIE}) hoặc gửi Authorization: Bearer <token>.`,
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    servers: [{ url: options.serverUrl }],
    tags: [
      { name: "auth", description: "Đăng nhập, đăng xuất" },
      { name: "tips", description: "Tin báo" },
      { name: "questions", description: "Câu hỏi của người dân chờ công an trả lời" },
      { name: "faq", description: "Nội dung hỏi đáp (câu hỏi thường gặp)" },
      { name: "quiz", description: "Cuộc thi tìm hiểu pháp luật Ngày hội 19/8" },
      { name: "units", description: "Đơn vị công an, địa bàn xã, phường" },
      { name: "officers", description: "Tài khoản cán bộ" },
      { name: "audit", description: "Nhật ký thao tác" },
      { name: "reports", description: "Báo cáo số liệu theo kỳ" },
      { name: "meta", description: "Mô tả API" },
    ],
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        cookieAuth: { type: "apiKey", in: "cookie", name: SESSION_COOKIE, description: "Phiên đăng nhập trên trình duyệt" },
        bearerAuth: { type: "http", scheme: "bearer", description: "Cùng mã phiên, dùng cho kịch bản (script)" },
      },
    },
  };
}

/** The route's own errors, and the refusal every signed-in route gives before a required password change. */
function documentedErrors(route: ApiRoute): ErrorCode[] {
  return route.auth && !route.beforePasswordChange ? [...route.errors, "password_change_required"] : route.errors;
}

/** JSON Schema for one zod schema; named sub-schemas are moved into `components`. */
function toSchema(s: z.ZodType, io: "input" | "output", components: Record<string, JsonSchema>): JsonSchema {
  const raw = z.toJSONSchema(s, { io, unrepresentable: "any", target: "draft-2020-12" }) as JsonSchema;
  const json = JSON.parse(JSON.stringify(raw).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema;
  const { $schema: _drop, $defs, id, ...rest } = json as JsonSchema & { $defs?: Record<string, JsonSchema>; id?: string };
  for (const [name, def] of Object.entries($defs ?? {})) components[name] ??= stripId(def);
  if (typeof id === "string") {
    components[id] ??= rest;
    return { $ref: `#/components/schemas/${id}` };
  }
  return rest;
}

function fileSchema(mediaType: string): JsonSchema {
  return mediaType === "application/json" ? { type: "object" } : { type: "string", format: "binary" };
}

function stripId(def: JsonSchema): JsonSchema {
  const { id: _id, ...rest } = def;
  return rest;
}

function objectParameters(
  s: z.ZodType | undefined,
  where: "path" | "query",
  components: Record<string, JsonSchema>,
): JsonSchema[] {
  if (!(s instanceof z.ZodObject)) return [];
  return Object.entries(s.shape as Record<string, z.ZodType>).map(([name, field]) => {
    const { description, ...fieldSchema } = toSchema(field, "input", components);
    return {
      name,
      in: where,
      required: where === "path" || !field.safeParse(undefined).success,
      ...(typeof description === "string" ? { description } : {}),
      schema: fieldSchema,
    };
  });
}

function operationId(route: ApiRoute): string {
  const words = route.path.split(/[/:-]/).filter(Boolean);
  return [route.method, ...words].map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join("");
}
