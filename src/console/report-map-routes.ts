/**
 * The commune map of a period (issue 13, item 2): outlines as SVG paths in a fixed viewBox, each commune's figures,
 * the legend's ranges, and pins of the tips the officer may open. Figures and pins cover what the officer may see
 * (permissions.ts): the province for admin and duty desk, their unit for unit roles.
 */
import { z } from "zod";
import { communeMap, MAX_PINS } from "../reports/commune-map.ts";
import { visibleTipsWhere } from "./permissions.ts";
import { permitReport, summaryQuery } from "./report-routes.ts";
import { defineRoute, type ApiRoute } from "./route.ts";

const mapQuery = summaryQuery.and(
  z.object({ measure: z.enum(["tips", "per1000"]).default("tips").meta({ description: "Tô màu theo số tin (tips) hay số tin trên 1.000 dân (per1000)" }) }),
);

const int = () => z.number().int();
const mapView = z
  .object({
    version: z.string().nullable().meta({ description: "Phiên bản dữ liệu hành chính của các đường ranh giới; null khi chưa nhập" }),
    width: int(),
    height: int(),
    measure: z.enum(["tips", "per1000"]).meta({ description: "Số đo dùng để tô màu (per1000 chỉ khi đã có số dân)" }),
    per1000: z.object({ available: z.boolean(), reason: z.string().nullable() }),
    legend: z.array(z.object({ from: z.number(), to: z.number(), label: z.string(), communes: int() })),
    communes: z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        path: z.string().meta({ description: "Đường viền SVG (đã đơn giản hóa, đã chiếu vào viewBox 0 0 width height)" }),
        x: z.number(),
        y: z.number(),
        tips: int(),
        open: int(),
        population: int().nullable(),
        per1000: z.number().nullable(),
        band: int().nullable().meta({ description: "Chỉ số khoảng trong legend; null khi không có số liệu" }),
      }),
    ),
    withoutBoundary: z.array(z.object({ code: z.string(), name: z.string(), tips: int() })),
    withoutCommune: int(),
    total: int(),
    pins: z.array(z.object({ x: z.number(), y: z.number(), reference: z.string(), urgent: z.boolean(), category: z.string() })),
    focus: z.array(z.string()).meta({ description: "Mã các xã, phường của đơn vị đang xem (bản đồ phóng vào đó); rỗng: toàn tỉnh" }),
    pinsTotal: int().meta({ description: `Số tin có vị trí; chỉ ${MAX_PINS} tin mới nhất được vẽ` }),
  })
  .meta({ id: "CommuneMap" });

export const reportMapRoutes: ApiRoute[] = [
  defineRoute({
    method: "get",
    path: "/reports/map",
    tag: "reports",
    summary: "Bản đồ xã, phường theo số tin báo trong kỳ",
    description:
      "Đường viền các xã, phường của phiên bản dữ liệu hành chính hiện hành (tính một lần cho mỗi phiên bản), số tin báo " +
      "và số tin trên 1.000 dân trong kỳ (giờ Việt Nam), các khoảng của chú giải, và vị trí các tin mà cán bộ được xem " +
      `(tối đa ${MAX_PINS}, mới nhất trước). Đơn vị cấp xã chỉ thấy số liệu và vị trí tin của đơn vị mình.`,
    auth: true,
    query: mapQuery,
    response: { status: 200, description: "Bản đồ và số liệu", schema: mapView },
    errors: ["validation_failed", "unauthorized", "forbidden"],
    async run({ ctx, auth, query }) {
      const unitId = permitReport(auth.officer, query.unitId);
      const scope = visibleTipsWhere(auth.officer);
      const map = await communeMap(ctx, { from: query.from, to: query.to, ...(unitId ? { unitId } : {}) }, query.measure, { figures: scope, pins: scope });
      // The communes the unit covers (the one asked for, or a unit officer's own): the page opens the map on them.
      const unit = unitId ? await ctx.db.policeUnit.findUnique({ where: { id: unitId }, select: { communes: true } }) : null;
      return { ...map, focus: (unit?.communes ?? "").split(",").filter(Boolean) };
    },
  }),
];
