/**
 * Officer accounts in the console. Administrators add, change, disable accounts and reset
 * passwords; those who assign tips list the accounts they can assign to (see visibleOfficersWhere).
 */
import { z } from "zod";
import { AppError } from "../http/errors.ts";
import { createOfficerSchema, officerLanguagesSchema } from "../officers/create-officer.ts";
import { listOfficers } from "../officers/list-officers.ts";
import { registerOfficer } from "../officers/register-officer.ts";
import { resetOfficerPassword } from "../officers/reset-officer-password.ts";
import { ROLE_NAMES, type SignedInOfficer } from "../officers/roles.ts";
import { updateOfficer } from "../officers/update-officer.ts";
import { normalizeText } from "../text/normalize.ts";
import { canManageOfficers, visibleOfficersWhere } from "./permissions.ts";
import { defineRoute, type ApiRoute } from "./route.ts";

const dateTime = () => z.string().meta({ format: "date-time" });
const unitIdField = z.string().trim().toUpperCase().min(1).max(64);

export const officerAccountView = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    role: z.enum(ROLE_NAMES),
    unitId: z.string().nullable(),
    languages: z.array(z.string()).meta({ description: "Các tiếng cán bộ biết (vi, hre, cua): để chuyển tin tiếng Hrê, tiếng Co và để dịch, duyệt bản dịch" }),
    disabled: z.boolean(),
    createdAt: dateTime(),
    passwordChangedAt: dateTime().nullable().meta({ description: "null: cán bộ vẫn dùng mật khẩu do quản trị cấp" }),
  })
  .meta({ id: "OfficerAccount" });

const officerAccountList = z.object({ items: z.array(officerAccountView) }).meta({ id: "OfficerAccountList" });
const officerListQuery = z.object({
  unitId: unitIdField.optional().meta({ description: "Chỉ các cán bộ của đơn vị này (ví dụ để giao tin)" }),
});
const officerParams = z.object({ id: z.string().min(1).max(100) });

const createBody = createOfficerSchema
  .pick({ username: true, displayName: true, role: true, unitId: true, languages: true })
  .meta({ id: "OfficerCreate", description: "unitId bắt buộc với vai trò officer và viewer" });
const createdView = z
  .object({ officer: officerAccountView, password: z.string().meta({ description: "Mật khẩu tạo ngẫu nhiên, chỉ hiện một lần" }) })
  .meta({ id: "OfficerCreated" });
const patchBody = z
  .object({
    displayName: z.string().transform(normalizeText).pipe(z.string().min(1).max(100)).optional(),
    role: z.enum(ROLE_NAMES).optional(),
    unitId: unitIdField.nullable().optional().meta({ description: "null: bỏ đơn vị (chỉ với vai trò không cần đơn vị)" }),
    languages: officerLanguagesSchema.optional().meta({ description: "Các tiếng cán bộ biết, thay cả danh sách" }),
    disabled: z.boolean().optional().meta({ description: "true: khóa tài khoản, mọi phiên đăng nhập kết thúc ngay" }),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), "Không có gì để sửa: gửi ít nhất một trong displayName, role, unitId, languages, disabled.")
  .meta({ id: "OfficerChanges" });
const passwordView = z
  .object({ password: z.string().meta({ description: "Mật khẩu mới tạo ngẫu nhiên, chỉ hiện một lần" }) })
  .meta({ id: "OfficerPasswordReset" });

const WRITE_ERRORS = ["validation_failed", "bad_request", "unsupported_media_type", "unauthorized", "forbidden", "csrf_failed"] as const;

function permitManage(officer: SignedInOfficer): void {
  if (!canManageOfficers(officer)) throw new AppError("forbidden", "Chỉ quản trị hệ thống được thêm, sửa, khóa tài khoản cán bộ và cấp lại mật khẩu.");
}

export const officerRoutes: ApiRoute[] = [
  defineRoute({
    method: "get",
    path: "/officers",
    tag: "officers",
    summary: "Danh sách tài khoản cán bộ",
    description:
      "Quản trị hệ thống thấy mọi tài khoản, kể cả tài khoản đã khóa. Trực ban tỉnh thấy mọi tài khoản đang hoạt động, " +
      "cán bộ thụ lý thấy tài khoản đang hoạt động của đơn vị mình (để giao tin). Tài khoản chỉ xem, biên tập tuyên truyền " +
      "và cán bộ chưa có đơn vị không xem được (403). Không bao giờ có mật khẩu.",
    auth: true,
    query: officerListQuery,
    response: { status: 200, description: "Các tài khoản, theo tên", schema: officerAccountList },
    errors: ["validation_failed", "unauthorized", "forbidden"],
    async run({ ctx, auth, query }) {
      const scope = visibleOfficersWhere(auth.officer);
      if (!scope) throw new AppError("forbidden", "Tài khoản của bạn không giao tin nên không xem được danh sách cán bộ.");
      return listOfficers(ctx, { scope, ...(query.unitId ? { unitId: query.unitId } : {}) });
    },
  }),
  defineRoute({
    method: "post",
    path: "/officers",
    tag: "officers",
    summary: "Thêm tài khoản cán bộ",
    description:
      "Chỉ quản trị hệ thống. Mật khẩu được tạo ngẫu nhiên và chỉ trả về một lần: hãy trao tận tay cán bộ. " +
      "Ở lần đăng nhập đầu, cán bộ phải đổi sang mật khẩu của riêng mình (mustChangePassword) trước khi làm việc khác. " +
      "Vai trò officer (cán bộ thụ lý) và viewer (chỉ xem) phải có đơn vị; đơn vị phải có thật và đang nhận tin. Ghi nhật ký (officer.create).",
    auth: true,
    body: createBody,
    response: { status: 201, description: "Tài khoản mới và mật khẩu của nó", schema: createdView },
    errors: [...WRITE_ERRORS, "conflict"],
    async run({ ctx, req, auth, body }) {
      permitManage(auth.officer);
      return registerOfficer(ctx, body, { officerId: auth.officer.id, ip: req.ip ?? null });
    },
  }),
  defineRoute({
    method: "patch",
    path: "/officers/:id",
    tag: "officers",
    summary: "Sửa hoặc khóa tài khoản cán bộ",
    description:
      "Chỉ quản trị hệ thống. Chỉ các trường gửi lên được thay đổi. disabled: true khóa tài khoản và kết thúc ngay mọi phiên đăng nhập của cán bộ đó. " +
      "Không khóa hoặc bỏ vai trò quản trị của quản trị viên cuối cùng còn hoạt động (409). Ghi nhật ký (officer.update) với giá trị cũ và mới.",
    auth: true,
    params: officerParams,
    body: patchBody,
    response: { status: 200, description: "Tài khoản sau khi sửa", schema: officerAccountView },
    errors: [...WRITE_ERRORS, "not_found", "conflict"],
    async run({ ctx, req, auth, params, body }) {
      permitManage(auth.officer);
      return updateOfficer(ctx, params.id, body, { officerId: auth.officer.id, ip: req.ip ?? null });
    },
  }),
  defineRoute({
    method: "post",
    path: "/officers/:id/password-reset",
    tag: "officers",
    summary: "Cấp lại mật khẩu cho cán bộ",
    description:
      "Chỉ quản trị hệ thống, cho tài khoản của người khác (mật khẩu của mình thì đổi ở POST /api/auth/password). " +
      "Tạo mật khẩu ngẫu nhiên mới, chỉ trả về một lần; mọi phiên đăng nhập của cán bộ đó kết thúc, và lần đăng nhập sau cán bộ phải đổi sang mật khẩu của riêng mình. " +
      "Ghi nhật ký (officer.password_reset).",
    auth: true,
    params: officerParams,
    response: { status: 200, description: "Mật khẩu mới", schema: passwordView },
    errors: ["unauthorized", "forbidden", "csrf_failed", "not_found"],
    async run({ ctx, req, auth, params }) {
      permitManage(auth.officer);
      return resetOfficerPassword(ctx, params.id, { officerId: auth.officer.id, ip: req.ip ?? null });
    },
  }),
];
