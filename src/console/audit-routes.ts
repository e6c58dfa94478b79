/**
 * The audit log for administrators: browse it page by page, or download it as CSV. Reading the
 * log is itself audited (audit.read, audit.export) with the filters used.
 */
import { z } from "zod";
import { AppError } from "../http/errors.ts";
import { streamChunks } from "../http/stream-chunks.ts";
import { vietnamDateTime, type AuditFilter } from "../officers/audit-filter.ts";
import { auditCsvChunks } from "../officers/export-audit-log.ts";
import { listAuditEntries } from "../officers/list-audit-entries.ts";
import { recordAudit } from "../officers/record-audit.ts";
import type { SignedInOfficer } from "../officers/roles.ts";
import { canReadAudit } from "./permissions.ts";
import { defineRoute, type ApiRoute } from "./route.ts";

const day = z.iso.date("Ngày dạng YYYY-MM-DD, ví dụ 2026-03-01");

const auditFilterFields = z.object({
    officerId: z.string().min(1).max(100).optional().meta({ description: "Cán bộ đã làm" }),
    action: z
      .string()
      .regex(/^[a-z0-9_.]+\*?$/, "Hành động dạng tip.read, hoặc tiền tố như tip. (mọi hành động với tin báo)")
      .max(64)
      .optional()
      .meta({ description: "Đúng hành động (tip.read), hoặc tiền tố kết thúc bằng dấu chấm hay * (tip. hoặc tip.*)" }),
    targetType: z.string().min(1).max(40).optional().meta({ description: "Loại đối tượng: tip, officer, unit, login…" }),
    targetId: z.string().min(1).max(200).optional(),
    from: day.optional().meta({ description: "Từ ngày (giờ Việt Nam), tính cả ngày này" }),
    to: day.optional().meta({ description: "Đến ngày (giờ Việt Nam), tính cả ngày này" }),
});

const inOrder = (q: { from?: string | undefined; to?: string | undefined }) => !q.from || !q.to || q.from <= q.to;
const OUT_OF_ORDER = { message: "Ngày bắt đầu (from) phải trước hoặc bằng ngày kết thúc (to).", path: ["from"] };

const auditFilterQuery = auditFilterFields.refine(inOrder, OUT_OF_ORDER);
const auditListQuery = auditFilterFields
  .extend({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z
      .string()
      .regex(/^\d{1,15}$/, "cursor là nextCursor của trang trước")
      .transform(Number)
      .optional()
      .meta({ description: "nextCursor của trang trước" }),
  })
  .refine(inOrder, OUT_OF_ORDER);

const auditEntryView = z
  .object({
    id: z.number().int(),
    officerId: z.string().nullable(),
    officerName: z.string().nullable(),
    sentence: z.string().meta({ description: "Việc đã làm, thành câu tiếng Việt: ai, làm gì, với tin/đơn vị/chiến dịch nào, lúc nào (giờ Việt Nam)" }),
    action: z.string(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
    ip: z.string().nullable(),
    createdAt: z.string().meta({ format: "date-time" }),
  })
  .meta({ id: "AuditEntry" });
const auditPage = z
  .object({ items: z.array(auditEntryView), nextCursor: z.string().nullable() })
  .meta({ id: "AuditPage" });

const FILTER_KEYS = ["officerId", "action", "targetType", "targetId", "from", "to"] as const;

function filterOf(query: AuditFilter): AuditFilter {
  return Object.fromEntries(FILTER_KEYS.filter((k) => query[k] !== undefined).map((k) => [k, query[k]]));
}

function permitRead(officer: SignedInOfficer): void {
  if (!canReadAudit(officer)) throw new AppError("forbidden", "Chỉ quản trị hệ thống được xem nhật ký thao tác.");
}

export const auditRoutes: ApiRoute[] = [
  defineRoute({
    method: "get",
    path: "/audit",
    tag: "audit",
    summary: "Nhật ký thao tác",
    description:
      "Mới nhất trước, mỗi trang tối đa 200 dòng; trang sau: gửi cursor = nextCursor. Lọc theo cán bộ, hành động " +
      "(đúng tên hoặc tiền tố như tip.), đối tượng, khoảng ngày (giờ Việt Nam). Chỉ quản trị hệ thống; mỗi lần xem được ghi nhật ký (audit.read).",
    auth: true,
    query: auditListQuery,
    response: { status: 200, description: "Một trang nhật ký", schema: auditPage },
    errors: ["validation_failed", "unauthorized", "forbidden"],
    async run({ ctx, req, auth, query }) {
      permitRead(auth.officer);
      const filter = filterOf(query);
      const page = await listAuditEntries(ctx, filter, { limit: query.limit, ...(query.cursor !== undefined ? { cursor: query.cursor } : {}) });
      await recordAudit(ctx, {
        officerId: auth.officer.id,
        action: "audit.read",
        targetType: "audit",
        data: { filter, ...(query.cursor !== undefined ? { cursor: query.cursor } : {}) },
        ip: req.ip ?? null,
      });
      return page;
    },
  }),
  defineRoute({
    method: "get",
    path: "/audit/export",
    tag: "audit",
    summary: "Tải nhật ký thao tác (CSV)",
    description:
      "Cùng bộ lọc như danh sách, mọi dòng khớp, mới nhất trước. Tệp CSV UTF-8 có BOM, mở thẳng bằng Excel; giờ là giờ Việt Nam. " +
      "Chỉ quản trị hệ thống; ghi nhật ký (audit.export).",
    auth: true,
    query: auditFilterQuery,
    response: { status: 200, description: "Tệp CSV", mediaType: "text/csv" },
    errors: ["validation_failed", "unauthorized", "forbidden"],
    async run({ ctx, req, res, auth, query }) {
      permitRead(auth.officer);
      const filter = filterOf(query);
      await recordAudit(ctx, { officerId: auth.officer.id, action: "audit.export", targetType: "audit", data: { filter }, ip: req.ip ?? null });
      const stamp = vietnamDateTime(ctx.now()).replaceAll("-", "").replace(" ", "-").replaceAll(":", "").slice(0, 13);
      res.status(200);
      res.setHeader("Content-Type", "text/csv; charset=utf-8");
      res.setHeader("Content-Disposition", `attachment; filename="nhat-ky-${stamp}.csv"`);
      await streamChunks(res, auditCsvChunks(ctx, filter));
    },
  }),
];
