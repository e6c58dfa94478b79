/**
 * The dashboard's data (issue 13, item 1): the period summary in the officer's scope (their unit for unit roles),
 * optionally one commune, with each chart drawn on the server as SVG and its figures as a table.
 */
import { z } from "zod";
import { dashboardOf } from "../reports/dashboard.ts";
import { summarize } from "../reports/summarize.ts";
import type { Prisma } from "../db/generated/sqlite/client.ts";
import { visibleTipsWhere } from "./permissions.ts";
import { permitReport, summaryQuery } from "./report-routes.ts";
import { defineRoute, type ApiRoute } from "./route.ts";

const dashboardQuery = summaryQuery.and(
  z.object({ communeCode: z.string().regex(/^\d{1,6}$/).optional().meta({ description: "Chỉ tin của xã, phường này (mã chính thức)" }) }),
);

const cell = z.union([z.string(), z.number(), z.null()]);
const dashboardView = z
  .object({
    summary: z.record(z.string(), z.unknown()).meta({ description: "Số liệu của kỳ (ReportSummary, như GET /api/reports/summary)" }),
    charts: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        alt: z.string().meta({ description: "Mô tả biểu đồ bằng lời" }),
        svg: z.string().meta({ description: "Biểu đồ SVG độc lập (mọi chữ đã được thoát ký tự)" }),
        table: z.object({ head: z.array(z.string()), rows: z.array(z.array(cell)), foot: z.array(cell).optional() }),
      }),
    ),
  })
  .meta({ id: "Dashboard" });

export const dashboardRoutes: ApiRoute[] = [
  defineRoute({
    method: "get",
    path: "/reports/dashboard",
    tag: "reports",
    summary: "Bảng điều khiển: biểu đồ và bảng số liệu của kỳ",
    description:
      "Số liệu của kỳ (giờ Việt Nam) trong phạm vi cán bộ được xem (đơn vị cấp xã: chỉ đơn vị mình), lọc thêm theo đơn vị và xã, phường; " +
      "mỗi biểu đồ vẽ sẵn thành SVG trên máy chủ kèm bảng số liệu giống hệt.",
    auth: true,
    query: dashboardQuery,
    response: { status: 200, description: "Biểu đồ và bảng", schema: dashboardView },
    errors: ["validation_failed", "unauthorized", "forbidden"],
    async run({ ctx, auth, query }) {
      const unitId = permitReport(auth.officer, query.unitId);
      const visible = visibleTipsWhere(auth.officer);
      const scope: Prisma.TipWhereInput = query.communeCode ? { AND: [visible, { communeCode: query.communeCode }] } : visible;
      // A unit officer's figures are their unit's, and the report says so by name.
      const summary = await summarize(ctx, { from: query.from, to: query.to, ...(unitId ? { unitId } : {}) }, scope);
      const board = dashboardOf(summary, ctx.config.deadlines);
      return { summary: board.summary as unknown as Record<string, unknown>, charts: board.charts };
    },
  }),
];
