/** Police units (read by every officer, changed by admins) and the commune lookup the console uses to pick places. */
import { AppError } from "../http/errors.ts";
import { toPoliceUnit, type PoliceUnitInfo } from "../routing/police-unit.ts";
import { createPoliceUnit, updatePoliceUnit } from "../routing/save-police-unit.ts";
import { currentUnitData, type UnitData } from "../units/unit-data.ts";
import { findCommunes, locatePin } from "../units/find-communes.ts";
import { canManageUnits } from "./permissions.ts";
import { defineRoute, type ApiRoute } from "./route.ts";
import {
  communeMatches,
  communeQuery,
  createUnitBody,
  policeUnitList,
  policeUnitView,
  unitParams,
  updateUnitBody,
  type PoliceUnitView,
} from "./schemas.ts";

const ADMIN_ONLY = "Chỉ quản trị hệ thống được thêm hoặc sửa đơn vị.";

function unitView(unit: PoliceUnitInfo, data: UnitData | null): PoliceUnitView {
  const { disabled, communes, dutyChatId, address, hours, contactSample, ...rest } = unit;
  return {
    ...rest,
    address: address ?? null,
    hours: hours ?? null,
    contactSample: contactSample ?? false,
    dutyChatId: dutyChatId ?? null,
    disabled,
    communes: communes.map((code) => ({ code, name: data?.units.get(code)?.fullName ?? null })),
  };
}

export const unitRoutes: ApiRoute[] = [
  defineRoute({
    method: "get",
    path: "/units",
    tag: "units",
    summary: "Danh sách đơn vị",
    description: "Trực ban tỉnh, công an xã, phường và đơn vị chuyên trách: địa bàn, loại tin tiếp nhận, ngôn ngữ cán bộ biết.",
    auth: true,
    response: { status: 200, description: "Mọi đơn vị, kể cả đơn vị đã ngừng nhận tin", schema: policeUnitList },
    errors: ["unauthorized"],
    async run({ ctx }) {
      const [rows, data] = await Promise.all([ctx.db.policeUnit.findMany({ orderBy: [{ kind: "asc" }, { id: "asc" }] }), currentUnitData(ctx.db)]);
      return { items: rows.map((r) => unitView(toPoliceUnit(r), data)) };
    },
  }),
  defineRoute({
    method: "get",
    path: "/units/:id",
    tag: "units",
    summary: "Một đơn vị",
    auth: true,
    params: unitParams,
    response: { status: 200, description: "Đơn vị", schema: policeUnitView },
    errors: ["unauthorized", "not_found"],
    async run({ ctx, params }) {
      const row = await ctx.db.policeUnit.findUnique({ where: { id: params.id.toUpperCase() } });
      if (!row) throw new AppError("not_found", `Không có đơn vị mã ${params.id}.`);
      return unitView(toPoliceUnit(row), await currentUnitData(ctx.db));
    },
  }),
  defineRoute({
    method: "post",
    path: "/units",
    tag: "units",
    summary: "Thêm đơn vị",
    description: "Chỉ quản trị hệ thống. Mã xã, phường phải có trong dữ liệu hành chính hiện hành. Ghi nhật ký (unit.create).",
    auth: true,
    body: createUnitBody,
    response: { status: 201, description: "Đã thêm", schema: policeUnitView },
    errors: ["validation_failed", "bad_request", "unsupported_media_type", "unauthorized", "forbidden", "csrf_failed", "conflict"],
    async run({ ctx, req, auth, body }) {
      if (!canManageUnits(auth.officer)) throw new AppError("forbidden", ADMIN_ONLY);
      const unit = await createPoliceUnit(ctx, body, { officerId: auth.officer.id, ip: req.ip ?? null });
      return unitView(unit, await currentUnitData(ctx.db));
    },
  }),
  defineRoute({
    method: "patch",
    path: "/units/:id",
    tag: "units",
    summary: "Sửa đơn vị",
    description:
      "Chỉ quản trị hệ thống. Chỉ các trường gửi lên được thay đổi; disabled: true để đơn vị ngừng nhận tin mới " +
      "(tin đã giao vẫn ở đó). Ghi nhật ký (unit.update) với giá trị cũ và mới.",
    auth: true,
    params: unitParams,
    body: updateUnitBody,
    response: { status: 200, description: "Đã sửa", schema: policeUnitView },
    errors: ["validation_failed", "bad_request", "unsupported_media_type", "unauthorized", "forbidden", "csrf_failed", "not_found"],
    async run({ ctx, req, auth, params, body }) {
      if (!canManageUnits(auth.officer)) throw new AppError("forbidden", ADMIN_ONLY);
      const unit = await updatePoliceUnit(ctx, params.id.toUpperCase(), body, { officerId: auth.officer.id, ip: req.ip ?? null });
      return unitView(unit, await currentUnitData(ctx.db));
    },
  }),
  defineRoute({
    method: "get",
    path: "/communes",
    tag: "units",
    summary: "Tìm xã, phường",
    description:
      "Theo tên (có dấu hoặc không, cả tên trước sáp nhập 2025) hoặc theo tọa độ (lat, lon), trong dữ liệu hành chính hiện hành của tỉnh.",
    auth: true,
    query: communeQuery,
    response: { status: 200, description: "Các xã, phường khớp, khớp nhất trước", schema: communeMatches },
    errors: ["validation_failed", "unauthorized"],
    async run({ ctx, query }) {
      const data = await currentUnitData(ctx.db);
      if (query.lat !== undefined && query.lon !== undefined) {
        const place = await locatePin(ctx.db, query.lat, query.lon);
        const items = place.status === "commune" ? [{ code: place.commune.code, name: place.commune.name, province: place.commune.province, onBorder: place.onBorder }] : [];
        return { version: data?.version ?? null, items };
      }
      const found = await findCommunes(ctx.db, query.q ?? "", 10);
      return {
        version: data?.version ?? null,
        items: found.map((c) => ({ code: c.code, name: c.name, province: c.province, ...(c.oldName ? { oldName: c.oldName } : {}) })),
      };
    },
  }),
];
