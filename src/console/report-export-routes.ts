/**
 * The period report in the forms police already use (issue 13, item 3): an Excel workbook (one sheet per table),
 * CSV (the same tables one after another) and a page to print on A4. Same query, permission and numbers as
 * `GET /api/reports/summary` (readPeriodReport): the administrator and the duty desk the province or any unit, a
 * unit account only its unit, outreach accounts none. Each download is audited (report.export).
 */
import { heavyWork } from "../reports/heavy-work.ts";
import type { Request, Response } from "express";
import type { AppContext } from "../context.ts";
import { recordAudit } from "../officers/record-audit.ts";
import type { SignedInOfficer } from "../officers/roles.ts";
import { renderReportCsv } from "../reports/render-report-csv.ts";
import { renderReportHtml } from "../reports/render-report-html.ts";
import { renderReportXlsx } from "../reports/render-report-xlsx.ts";
import type { ReportSummary } from "../reports/summary-types.ts";
import { CONSOLE_CSP } from "./pages.ts";
import { readPeriodReport, summaryQuery } from "./report-routes.ts";
import { defineRoute, type ApiRoute } from "./route.ts";

const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const SAME_AS_SUMMARY =
  "Cùng số liệu, cùng tham số và cùng quyền như GET /api/reports/summary (tối đa 366 ngày; quản trị và trực ban: toàn tỉnh hoặc một đơn vị; " +
  "cán bộ và tài khoản chỉ xem: đơn vị của mình). Các mục theo thứ tự báo cáo: tiếp nhận, xử lý tin báo theo lĩnh vực, xã, kênh, ngôn ngữ, " +
  "kết quả, thời gian giải quyết; câu hỏi; tuyên truyền và cuộc thi; so sánh với kỳ trước và cùng kỳ năm trước. Ghi nhật ký (report.export).";

type Query = ReturnType<typeof summaryQuery.parse>;

async function readAndAudit(ctx: AppContext, req: Request, officer: SignedInOfficer, query: Query, format: "xlsx" | "csv" | "print"): Promise<ReportSummary> {
  const summary = await readPeriodReport(ctx, officer, query);
  await recordAudit(ctx, {
    officerId: officer.id,
    action: "report.export",
    targetType: "report",
    data: { format, from: summary.period.from, to: summary.period.to, ...(summary.unitId ? { unitId: summary.unitId } : {}) },
    ip: req.ip ?? null,
  });
  return summary;
}

/** bao-cao-20260101-20260630.xlsx, or …-CAX-BATO.xlsx for a unit. */
function fileName(summary: ReportSummary, ext: string): string {
  const days = `${summary.period.from}-${summary.period.to}`.replaceAll("-", "");
  const unit = summary.unitId ? `-${summary.unitId.replace(/[^A-Za-z0-9-]/g, "")}` : "";
  return `bao-cao-${days.slice(0, 8)}-${days.slice(8)}${unit}.${ext}`;
}

function sendFile(res: Response, type: string, name: string, body: string | Buffer): void {
  res.status(200);
  res.setHeader("Content-Type", type);
  res.setHeader("Content-Disposition", `attachment; filename="${name}"`);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.end(body);
}

export const reportExportRoutes: ApiRoute[] = [
  defineRoute({
    method: "get",
    path: "/reports/period.xlsx",
    tag: "reports",
    summary: "Báo cáo theo kỳ (Excel)",
    description:
      `${SAME_AS_SUMMARY} Mỗi bảng một trang tính: dòng tiêu đề nêu kỳ báo cáo (dd/mm/yyyy–dd/mm/yyyy) và đơn vị, ` +
      "dòng tiêu đề cột cố định, số là số thật (định dạng số, phần trăm), in vừa khổ A4.",
    auth: true,
    query: summaryQuery,
    response: { status: 200, description: "Tệp Excel", mediaType: XLSX_TYPE },
    errors: ["validation_failed", "unauthorized", "forbidden", "not_found", "too_many_requests"],
    async run({ ctx, req, res, auth, query }) {
      await heavyWork(ctx).run(auth.officer.id, async () => {
        const summary = await readAndAudit(ctx, req, auth.officer, query, "xlsx");
        sendFile(res, XLSX_TYPE, fileName(summary, "xlsx"), await renderReportXlsx(summary));
      });
    },
  }),
  defineRoute({
    method: "get",
    path: "/reports/period.csv",
    tag: "reports",
    summary: "Báo cáo theo kỳ (CSV)",
    description: `${SAME_AS_SUMMARY} Các bảng nối tiếp nhau, mỗi bảng có tên và tiêu đề cột tiếng Việt; UTF-8 có BOM, xuống dòng CRLF, mở thẳng bằng Excel.`,
    auth: true,
    query: summaryQuery,
    response: { status: 200, description: "Tệp CSV", mediaType: "text/csv" },
    errors: ["validation_failed", "unauthorized", "forbidden", "not_found", "too_many_requests"],
    async run({ ctx, req, res, auth, query }) {
      const summary = await heavyWork(ctx).run(auth.officer.id, () => readAndAudit(ctx, req, auth.officer, query, "csv"));
      sendFile(res, "text/csv; charset=utf-8", fileName(summary, "csv"), renderReportCsv(summary));
    },
  }),
  defineRoute({
    method: "get",
    path: "/reports/period.html",
    tag: "reports",
    summary: "Báo cáo theo kỳ, trang để in (A4)",
    description: `${SAME_AS_SUMMARY} Trang HTML trình bày như một báo cáo hành chính, in đẹp trên khổ A4 (tiêu đề bảng lặp lại ở mỗi trang, số trang).`,
    auth: true,
    query: summaryQuery,
    response: { status: 200, description: "Trang báo cáo để in", mediaType: "text/html" },
    errors: ["validation_failed", "unauthorized", "forbidden", "not_found", "too_many_requests"],
    async run({ ctx, req, res, auth, query }) {
      const summary = await heavyWork(ctx).run(auth.officer.id, () => readAndAudit(ctx, req, auth.officer, query, "print"));
      const back = new URLSearchParams({ from: summary.period.from, to: summary.period.to, ...(query.unitId && summary.unitId ? { unitId: summary.unitId } : {}) });
      res.status(200);
      res.setHeader("Content-Type", "text/html; charset=utf-8");
      res.setHeader("Content-Security-Policy", CONSOLE_CSP);
      res.end(renderReportHtml(summary, { backTo: `/console/reports?${back}` }));
    },
  }),
];
