/**
 * Period reports (issue 13): the figures of any period, province-wide or for one unit, as JSON
 * (src/reports/summarize.ts computes them; the dashboard and the exports read the same numbers).
 *
 * Who reads which: the administrator and the duty desk any unit or the whole province; a unit
 * officer or viewer only their own unit (no unitId means it); outreach accounts none (the report
 * is made of tip figures they may not read; their own figures are in the outreach screens).
 */
import { z } from "zod";
import type { AppContext } from "../context.ts";
import type { ReportSummary } from "../reports/summary-types.ts";
import { AppError } from "../http/errors.ts";
import type { SignedInOfficer } from "../officers/roles.ts";
import { isDay, periodDays } from "../reports/period.ts";
import { summarize } from "../reports/summarize.ts";
import { canReadReports, reportUnitOf, visibleTipsWhere } from "./permissions.ts";
import { defineRoute, type ApiRoute } from "./route.ts";

/** Longest period one report covers (a leap year). */
export const MAX_REPORT_DAYS = 366;

const day = (what: string) =>
  z
    .string({ error: `Thiếu ngày ${what} (dạng YYYY-MM-DD, ví dụ 2026-01-01).` })
    .refine(isDay, { message: `Ngày ${what} không đúng: viết dạng YYYY-MM-DD (năm-tháng-ngày), ví dụ 2026-01-01, và là một ngày có thật.` });

export const summaryQuery = z
  .object({
    from: day("bắt đầu (from)").meta({ description: "Từ ngày (giờ Việt Nam), tính cả ngày này" }),
    to: day("kết thúc (to)").meta({ description: "Đến ngày (giờ Việt Nam), tính cả ngày này" }),
    unitId: z.string().min(1).max(100).optional().meta({ description: "Chỉ các tin đang giao cho đơn vị này (như bộ lọc đơn vị của danh sách tin)" }),
  })
  .refine((q) => !isDay(q.from) || !isDay(q.to) || q.from <= q.to, { message: "Ngày bắt đầu (from) phải trước hoặc bằng ngày kết thúc (to).", path: ["from"] })
  .refine((q) => !isDay(q.from) || !isDay(q.to) || q.from > q.to || periodDays(q) <= MAX_REPORT_DAYS, {
    message: `Một báo cáo dài tối đa ${MAX_REPORT_DAYS} ngày. Hãy chia thành từng năm (hoặc 6 tháng) rồi lập nhiều báo cáo.`,
    path: ["to"],
  });

const counts = z.record(z.string(), z.number().int());
const duration = z.object({
  count: z.number().int(),
  medianHours: z.number().nullable(),
  p90Hours: z.number().nullable(),
  late: z.number().int(),
  overdueNow: z.number().int(),
});
const change = z.object({ current: z.number(), previous: z.number(), difference: z.number(), percent: z.number().nullable() });
const period = z.object({ from: z.string(), to: z.string() });
const comparison = z.object({
  period,
  tips: z.object({ total: change, byCategory: z.record(z.string(), change), byCommune: z.record(z.string(), change) }),
  questions: z.object({ answeredByBot: change, answeredByOfficer: change }),
  outreach: z.object({ sent: change, reached: change, quizParticipants: change }),
});
export const reportSummarySchema = z
  .object({
    period,
    unitId: z.string().nullable(),
    scopeName: z.string(),
    generatedAt: z.string().meta({ format: "date-time" }),
    tips: z.object({
      total: z.number().int(),
      byCategory: counts,
      byChannel: counts,
      byStatus: counts,
      byCommune: counts,
      byLanguage: counts,
      byOutcome: counts,
      urgent: z.number().int(),
      withoutCommune: z.number().int(),
      funnel: z.object({ received: z.number().int(), acknowledged: z.number().int(), settled: z.number().int() }),
      acknowledge: duration,
      settle: duration,
      overdueNow: z.number().int(),
      series: z.object({
        unit: z.enum(["day", "week", "month"]),
        points: z.array(z.object({ start: z.string(), total: z.number().int(), byCategory: counts })),
      }),
    }),
    questions: z.object({ answeredByBot: z.number().int(), answeredByOfficer: z.number().int(), open: z.number().int(), closed: z.number().int() }),
    outreach: z.object({
      campaigns: z.number().int(),
      sent: z.number().int(),
      reached: z.number().int(),
      failed: z.number().int(),
      skipped: z.number().int(),
      subscribers: z.number().int(),
      subscribed: z.number().int(),
      optedOut: z.number().int(),
      quiz: z.object({ attempts: z.number().int(), participants: z.number().int(), completed: z.number().int() }),
    }),
    previousPeriod: comparison,
    yearEarlier: comparison,
    labels: z.object({ category: z.record(z.string(), z.string()), channel: z.record(z.string(), z.string()), status: z.record(z.string(), z.string()), language: z.record(z.string(), z.string()), outcome: z.record(z.string(), z.string()), commune: z.record(z.string(), z.string()) }),
  })
  .meta({ id: "ReportSummary" });

/** The unit the report is for (null: the province), or 403 with what the officer can do instead. */
export function permitReport(officer: SignedInOfficer, unitId: string | undefined): string | null {
  if (!canReadReports(officer)) throw new AppError("forbidden", "Tài khoản tuyên truyền không xem được báo cáo tin báo. Số liệu tuyên truyền có ở mục Tuyên truyền.");
  const unit = reportUnitOf(officer, unitId);
  if (unit === undefined) {
    if (!officer.unitId) throw new AppError("forbidden", "Tài khoản của bạn chưa được gán đơn vị nên chưa có báo cáo. Hãy nhờ quản trị hệ thống gán đơn vị cho tài khoản.");
    throw new AppError("forbidden", "Bạn chỉ xem được báo cáo của đơn vị mình. Bỏ chọn đơn vị khác để xem báo cáo của đơn vị bạn.");
  }
  return unit;
}

/** Permit, check the unit, summarize: what the summary and every report format (report-export-routes.ts) answer. */
export async function readPeriodReport(ctx: AppContext, officer: SignedInOfficer, query: z.output<typeof summaryQuery>): Promise<ReportSummary> {
  const unitId = permitReport(officer, query.unitId);
  if (unitId && !(await ctx.db.policeUnit.findUnique({ where: { id: unitId }, select: { id: true } }))) {
    throw new AppError("not_found", "Không có đơn vị này. Hãy chọn đơn vị trong danh sách.");
  }
  return summarize(ctx, { from: query.from, to: query.to, ...(unitId ? { unitId } : {}) }, visibleTipsWhere(officer));
}

export const reportRoutes: ApiRoute[] = [
  defineRoute({
    method: "get",
    path: "/reports/summary",
    tag: "reports",
    summary: "Số liệu báo cáo của một khoảng thời gian",
    description:
      "Tin báo nhận trong khoảng ngày (giờ Việt Nam, tính cả hai đầu, tối đa 366 ngày): theo loại, kênh, trạng thái, xã, ngôn ngữ, kết quả; " +
      "thời gian tiếp nhận và giải quyết (trung vị, 90 %) so với hạn; câu hỏi; tuyên truyền; so với kỳ trước và cùng kỳ năm trước. " +
      "Cùng cách đếm với danh sách tin (statusGroup=all, from, to, unitId). Quản trị và trực ban: toàn tỉnh hoặc một đơn vị; " +
      "cán bộ và tài khoản chỉ xem: đơn vị của mình; tài khoản tuyên truyền: không.",
    auth: true,
    query: summaryQuery,
    response: { status: 200, description: "Số liệu báo cáo", schema: reportSummarySchema },
    errors: ["validation_failed", "unauthorized", "forbidden", "not_found"],
    async run({ ctx, auth, query }) {
      return readPeriodReport(ctx, auth.officer, query);
    },
  }),
];
