/**
 * The queue's tips counted and downloaded (issue 13, item 5): the same filter parameters and the same scope as
 * `GET /api/tips` (queueWhere), as CSV or XLSX for a spreadsheet, never with the reporter's identity. Every
 * download is audited (tip.export: format, filter, rows) before its first byte leaves.
 */
import { heavyWork } from "../reports/heavy-work.ts";
import type { Request, Response } from "express";
import { z } from "zod";
import type { AppContext } from "../context.ts";
import { AppError } from "../http/errors.ts";
import { streamChunks } from "../http/stream-chunks.ts";
import { recordAudit } from "../officers/record-audit.ts";
import type { SignedInOfficer } from "../officers/roles.ts";
import { EXPORT_MAX_ROWS, readTipExportPages, tipsCsvChunks, writeTipsWorkbook } from "../tips/export-tips.ts";
import { queueWhere, type TipFilterQuery } from "./list-tips.ts";
import { canListTips, visibleTipsWhere } from "./permissions.ts";
import { defineRoute, type ApiRoute, type RouteCall } from "./route.ts";
import { tipListQuery } from "./schemas.ts";

const NO_TIPS = "Tài khoản của bạn không có quyền xem tin báo.";
const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

export const tipFilterQuery = tipListQuery.omit({ limit: true, cursor: true });

const tipCount = z
  .object({
    count: z.number().int().meta({ description: "Số tin khớp bộ lọc mà tài khoản được xem (đúng bằng tổng các trang của GET /api/tips)" }),
    exportMax: z.number().int().meta({ description: "Một tệp tải về có tối đa chừng này tin" }),
  })
  .meta({ id: "TipCount" });

const FILTER_DOC =
  "Cùng tham số lọc và cùng phạm vi như GET /api/tips (mặc định statusGroup=open), theo thứ tự hàng đợi. " +
  "Trực ban tỉnh và quản trị: mọi tin; cán bộ cấp xã và tài khoản chỉ xem: tin đang giao cho đơn vị mình.";
const EXPORT_DOC =
  `${FILTER_DOC} Không bao giờ có họ tên, số điện thoại hay mã tài khoản chat của người báo tin (kể cả tin không ẩn danh); ` +
  `số điện thoại gõ trong nội dung được che. Tối đa ${EXPORT_MAX_ROWS.toLocaleString("vi-VN")} tin một tệp (dòng cuối tệp nói khi bị cắt). ` +
  "Mỗi lần tải được ghi nhật ký (tip.export: định dạng, bộ lọc, số dòng).";

function permitList(officer: SignedInOfficer): void {
  if (!canListTips(officer)) throw new AppError("forbidden", NO_TIPS);
}

/** The filter as given (no defaults added but statusGroup), for the audit row. */
function filterOf(query: TipFilterQuery): Record<string, unknown> {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined));
}

type ExportCall = RouteCall<undefined, TipFilterQuery, undefined, true>;

/** Permit, count, audit, then the file's rows as pages (bounded). */
async function startExport(ctx: AppContext, req: Request, officer: SignedInOfficer, query: TipFilterQuery, format: "csv" | "xlsx") {
  permitList(officer);
  const where = await queueWhere(ctx, { scope: visibleTipsWhere(officer), officerId: officer.id, query });
  const total = await ctx.db.tip.count({ where });
  const rows = Math.min(total, EXPORT_MAX_ROWS);
  await recordAudit(ctx, {
    officerId: officer.id,
    action: "tip.export",
    targetType: "tip_export",
    data: { format, filter: filterOf(query), rows, ...(total > rows ? { matching: total } : {}) },
    ip: req.ip ?? null,
  });
  return { pages: readTipExportPages(ctx, where), truncated: total > rows };
}

function fileName(ctx: AppContext, ext: string): string {
  const v = new Date(ctx.now().getTime() + 7 * 3600_000).toISOString();
  return `tin-bao-${v.slice(0, 10).replaceAll("-", "")}-${v.slice(11, 16).replace(":", "")}.${ext}`;
}

function downloadHeaders(res: Response, type: string, name: string): void {
  res.status(200);
  res.setHeader("Content-Type", type);
  res.setHeader("Content-Disposition", `attachment; filename="${name}"`);
  res.setHeader("X-Content-Type-Options", "nosniff");
}

export const tipExportRoutes: ApiRoute[] = [
  defineRoute({
    method: "get",
    path: "/tips/count",
    tag: "tips",
    summary: "Đếm tin báo theo bộ lọc",
    description: FILTER_DOC,
    auth: true,
    query: tipFilterQuery,
    response: { status: 200, description: "Số tin", schema: tipCount },
    errors: ["validation_failed", "unauthorized", "forbidden"],
    async run({ ctx, auth, query }) {
      permitList(auth.officer);
      const where = await queueWhere(ctx, { scope: visibleTipsWhere(auth.officer), officerId: auth.officer.id, query });
      return { count: await ctx.db.tip.count({ where }), exportMax: EXPORT_MAX_ROWS };
    },
  }),
  defineRoute({
    method: "get",
    path: "/tips/export.csv",
    tag: "tips",
    summary: "Tải tin báo theo bộ lọc (CSV)",
    description: `${EXPORT_DOC} Tệp CSV UTF-8 có BOM, xuống dòng CRLF, mở thẳng bằng Excel; ô bắt đầu bằng = + - @ được thêm dấu ' để không thành công thức.`,
    auth: true,
    query: tipFilterQuery,
    response: { status: 200, description: "Tệp CSV", mediaType: "text/csv" },
    errors: ["validation_failed", "bad_request", "unauthorized", "forbidden", "too_many_requests"],
    async run({ ctx, req, res, auth, query }: ExportCall) {
      await heavyWork(ctx).run(auth.officer.id, async () => {
        const { pages, truncated } = await startExport(ctx, req, auth.officer, query, "csv");
        downloadHeaders(res, "text/csv; charset=utf-8", fileName(ctx, "csv"));
        await streamChunks(res, tipsCsvChunks(pages, { truncated }));
      });
    },
  }),
  defineRoute({
    method: "get",
    path: "/tips/export.xlsx",
    tag: "tips",
    summary: "Tải tin báo theo bộ lọc (Excel)",
    description: `${EXPORT_DOC} Ngày giờ là ngày giờ thật của Excel (giờ Việt Nam, dd/mm/yyyy hh:mm), số là số; dòng tiêu đề cố định, có lọc.`,
    auth: true,
    query: tipFilterQuery,
    response: { status: 200, description: "Tệp Excel", mediaType: XLSX_TYPE },
    errors: ["validation_failed", "bad_request", "unauthorized", "forbidden", "too_many_requests"],
    async run({ ctx, req, res, auth, query }: ExportCall) {
      await heavyWork(ctx).run(auth.officer.id, async () => {
        const { pages, truncated } = await startExport(ctx, req, auth.officer, query, "xlsx");
        downloadHeaders(res, XLSX_TYPE, fileName(ctx, "xlsx"));
        try {
          await writeTipsWorkbook(res, pages, { truncated });
        } catch (e) {
          // Headers are gone: cut the download so it cannot pass for a complete file.
          if (res.headersSent) res.destroy(e as Error);
          throw e;
        }
      });
    },
  }),
];
