/**
 * What officers do with a tip: claim, assign, change status, merge duplicates, extend the
 * deadline, write to the reporter, add internal notes, open a named reporter's identity.
 * Each route: find the tip (404 outside the officer's view) → permit → one service call →
 * the fresh tip file. Actions that change the tip carry the `version` the form was loaded
 * with; a form older than the tip answers 409 `stale` with who changed it.
 */
import { z } from "zod";
import { AppError } from "../http/errors.ts";
import type { SignedInOfficer } from "../officers/roles.ts";
import { toSignedInOfficer } from "../officers/roles.ts";
import { addTipNote, MAX_NOTE_CHARS } from "../tips/add-tip-note.ts";
import { changeTipStatus } from "../tips/change-tip-status.ts";
import { assignTip, claimTip } from "../tips/claim-tip.ts";
import { extendSettleDeadline, MAX_EXTENSION_DAYS } from "../tips/extend-settle-deadline.ts";
import { mergeTip } from "../tips/merge-tip.ts";
import { MAX_OFFICER_MESSAGE_CHARS, sendOfficerMessage } from "../tips/message-reporter.ts";
import { revealReporterIdentity } from "../tips/reveal-reporter-identity.ts";
import { suggestDuplicates } from "../tips/suggest-duplicates.ts";
import { OUTCOME_CODES, TIP_STATUSES } from "../tips/workflow.ts";
import { parseReference } from "../tips/reference-code.ts";
import type { AppContext } from "../context.ts";
import { findTip, type TipRef } from "./find-tip.ts";
import { canActOnTip, canBeAssigned, canRevealIdentity, canViewTip, visibleTipsWhere } from "./permissions.ts";
import { readTipDetail } from "./read-tip-detail.ts";
import { defineRoute, type ApiRoute } from "./route.ts";
import { tipDetail, tipParams } from "./schemas.ts";
import { permitTip } from "./tip-routes.ts";

const version = z.number().int().min(0).meta({ description: "TipDetail.version mà biểu mẫu đã tải" });
const reason = z.string().trim().min(3, "Lý do cần ít nhất 3 ký tự").max(1_000);

export const claimBody = z.object({ version }).meta({ id: "TipClaim" });
export const assignBody = z
  .object({ version, officerId: z.string().min(1).max(100).meta({ description: "Cán bộ nhận tin" }), reason: reason.optional() })
  .meta({ id: "TipAssign" });
export const statusBody = z
  .object({
    version,
    status: z.enum(TIP_STATUSES),
    outcome: z.enum(OUTCOME_CODES).optional().meta({ description: "Kết quả giải quyết, bắt buộc khi kết thúc (closed)" }),
    reason: reason.optional().meta({ description: "Bắt buộc khi không thụ lý, chuyển xử lý hoặc mở lại; ghi chú kết quả khi kết thúc" }),
    shareWithReporter: z.boolean().default(false).meta({ description: "Báo trạng thái mới cho người báo tin qua kênh họ dùng" }),
  })
  .meta({ id: "TipStatusChange" });
export const mergeBody = z
  .object({
    version,
    duplicateOf: z.string().trim().min(1).max(100).meta({ description: "Tin báo gốc: mã hồ sơ (id) hoặc mã tin báo QN-…" }),
    reason: reason.optional(),
  })
  .meta({ id: "TipMerge" });
export const deadlineBody = z
  .object({ version, days: z.number().int().min(1).max(MAX_EXTENSION_DAYS), reason })
  .meta({ id: "TipDeadlineExtension" });
export const messageBody = z.object({ body: z.string().min(1).max(MAX_OFFICER_MESSAGE_CHARS * 2) }).meta({ id: "TipMessageToReporter" });
export const noteBody = z.object({ body: z.string().min(1).max(MAX_NOTE_CHARS * 2) }).meta({ id: "TipNoteInput" });

const duplicateList = z
  .object({
    items: z.array(
      z.object({
        id: z.string(),
        reference: z.string(),
        category: z.string(),
        status: z.string(),
        createdAt: z.string(),
        communeName: z.string().nullable(),
        excerpt: z.string(),
        why: z.enum(["same_place_time", "similar_text"]).meta({ description: "same_place_time: cùng loại, cùng xã, gần thời gian; similar_text: nội dung giống" }),
        score: z.number(),
      }),
    ),
  })
  .meta({ id: "DuplicateSuggestions" });
const identityView = z
  .object({
    name: z.string().nullable(),
    phone: z.string().nullable(),
    files: z
      .array(
        z.object({
          id: z.string(),
          step: z.string().meta({ description: "Câu hỏi tệp trả lời: name (họ tên), phone (số điện thoại), identity (giữ kín tên hay không)" }),
          kind: z.string(),
          mime: z.string().nullable(),
          url: z.string().meta({ description: "GET /api/tips/{id}/identity/files/{attachmentId}, ghi nhật ký mỗi lần mở" }),
        }),
      )
      .meta({ description: "Tệp người báo tin gửi khi được hỏi danh tính (đọc họ tên, số điện thoại bằng tin nhắn thoại)" }),
  })
  .meta({ id: "ReporterIdentity" });

const ACT_ERRORS = ["validation_failed", "bad_request", "unsupported_media_type", "unauthorized", "forbidden", "csrf_failed", "not_found", "conflict", "stale"] as const;
const READ_ONLY = "Tài khoản của bạn chỉ được xem, không được xử lý tin báo.";

/** The tip, visible and workable by this officer, or the right refusal. */
async function workableTip(ctx: AppContext, officer: SignedInOfficer, id: string): Promise<TipRef> {
  const tip = await findTip(ctx, id);
  permitTip(officer, tip);
  if (!canActOnTip(officer, tip)) throw new AppError("forbidden", READ_ONLY);
  return tip;
}

async function findAssignee(ctx: AppContext, officerId: string, tip: TipRef): Promise<SignedInOfficer> {
  const row = await ctx.db.officer.findUnique({ where: { id: officerId } });
  if (!row || row.disabledAt) throw new AppError("validation_failed", "Không có cán bộ này, hoặc tài khoản đã bị khóa.");
  const assignee = toSignedInOfficer(row);
  if (!canBeAssigned(assignee, tip)) {
    throw new AppError("validation_failed", `${assignee.displayName} không thuộc đơn vị đang phụ trách tin này. Hãy chuyển tin cho đơn vị của họ trước.`);
  }
  return assignee;
}

async function findOriginal(ctx: AppContext, officer: SignedInOfficer, key: string): Promise<{ id: string; reference: string }> {
  const candidates = [key.toUpperCase(), parseReference(key)].filter((r): r is string => Boolean(r));
  const row =
    (await ctx.db.tip.findFirst({ where: { reference: { in: candidates } }, select: { id: true } })) ??
    (await ctx.db.tip.findUnique({ where: { id: key }, select: { id: true } }));
  const original = row ? await findTip(ctx, row.id) : null;
  if (!original || !canViewTip(officer, original)) throw new AppError("validation_failed", `Không tìm thấy tin báo gốc ${key} trong các tin bạn được xem.`);
  return { id: original.id, reference: original.reference };
}

/**
 * A route that works a tip and answers with its fresh file: find → 404 outside the officer's view →
 * 403 for read-only roles → the service call.
 */
function actionRoute<B extends z.ZodType>(spec: {
  path: string;
  summary: string;
  description: string;
  body: B;
  act(call: { ctx: AppContext; officer: SignedInOfficer; tip: TipRef; body: z.output<B>; ip: string | null }): Promise<void>;
}): ApiRoute {
  return defineRoute({
    method: "post",
    path: spec.path,
    tag: "tips",
    summary: spec.summary,
    description: spec.description,
    auth: true,
    params: tipParams,
    body: spec.body,
    response: { status: 200, description: "Hồ sơ tin báo sau thao tác", schema: tipDetail },
    errors: [...ACT_ERRORS],
    async run({ ctx, req, auth, params, body }) {
      const tip = await workableTip(ctx, auth.officer, params.id);
      await spec.act({ ctx, officer: auth.officer, tip, body: body as z.output<B>, ip: req.ip ?? null });
      return readTipDetail(ctx, { tip, officer: auth.officer, audit: false });
    },
  });
}

export const tipActionRoutes: ApiRoute[] = [
  actionRoute({
    path: "/tips/:id/claim",
    summary: "Nhận xử lý tin báo",
    description: "Giao tin cho chính mình; tin mới chuyển sang “Đã tiếp nhận” (dừng đồng hồ hạn tiếp nhận). Ghi diễn biến và nhật ký (tip.claimed).",
    body: claimBody,
    act: ({ ctx, officer, tip, body, ip }) => claimTip(ctx, { tipId: tip.id, version: body.version, officer, ip }),
  }),
  actionRoute({
    path: "/tips/:id/assign",
    summary: "Giao tin báo cho cán bộ",
    description:
      "Cán bộ nhận phải thuộc đơn vị đang phụ trách tin (hoặc là trực ban tỉnh). Giao cho đơn vị khác thì dùng POST /api/tips/{id}/route. Ghi nhật ký (tip.assigned).",
    body: assignBody,
    async act({ ctx, officer, tip, body, ip }) {
      const assignee = await findAssignee(ctx, body.officerId, tip);
      await assignTip(ctx, { tipId: tip.id, version: body.version, officer, assignee, reason: body.reason, ip });
    },
  }),
  actionRoute({
    path: "/tips/:id/status",
    summary: "Đổi trạng thái tin báo",
    description:
      "Theo quy trình: mới → đã tiếp nhận → đang xác minh → đã xử lý / đã chuyển xử lý → kết thúc (kèm kết quả); không thụ lý (kèm lý do); mở lại (kèm lý do). " +
      "shareWithReporter: báo trạng thái mới cho người báo tin. Ghi nhật ký (tip.status_changed).",
    body: statusBody,
    act: ({ ctx, officer, tip, body, ip }) =>
      changeTipStatus(ctx, { tipId: tip.id, version: body.version, officer, status: body.status, outcome: body.outcome, reason: body.reason, share: body.shareWithReporter, ip }),
  }),
  defineRoute({
    method: "get",
    path: "/tips/:id/duplicates",
    tag: "tips",
    summary: "Gợi ý tin trùng",
    description: "Tin cùng loại ở cùng xã trong vòng 3 ngày, hoặc nội dung giống nhau trong vòng 30 ngày; chỉ trong các tin bạn được xem.",
    auth: true,
    params: tipParams,
    response: { status: 200, description: "Các tin có thể trùng, giống nhất trước", schema: duplicateList },
    errors: ["unauthorized", "forbidden", "not_found"],
    async run({ ctx, auth, params }) {
      const tip = await findTip(ctx, params.id);
      permitTip(auth.officer, tip);
      return { items: await suggestDuplicates(ctx, { tipId: tip.id, scope: visibleTipsWhere(auth.officer) }) };
    },
  }),
  actionRoute({
    path: "/tips/:id/merge",
    summary: "Gộp vào tin báo gốc (đánh dấu trùng)",
    description: "Tin này thành “Trùng tin khác”, trỏ về tin gốc; diễn biến của cả hai tin đều ghi lại. Ghi nhật ký (tip.merged).",
    body: mergeBody,
    async act({ ctx, officer, tip, body, ip }) {
      const original = await findOriginal(ctx, officer, body.duplicateOf);
      await mergeTip(ctx, { tipId: tip.id, version: body.version, officer, original, reason: body.reason, ip });
    },
  }),
  actionRoute({
    path: "/tips/:id/deadline",
    summary: "Gia hạn giải quyết",
    description: `Kéo dài hạn giải quyết thêm 1–${MAX_EXTENSION_DAYS} ngày, lý do bắt buộc. Ghi diễn biến (hạn cũ, hạn mới) và nhật ký (tip.deadline_extended).`,
    body: deadlineBody,
    act: ({ ctx, officer, tip, body, ip }) => extendSettleDeadline(ctx, { tipId: tip.id, version: body.version, officer, days: body.days, reason: body.reason, ip }),
  }),
  actionRoute({
    path: "/tips/:id/messages",
    summary: "Nhắn cho người báo tin",
    description:
      "Gửi qua hàng đợi đến đúng kênh người báo tin đã dùng, bằng ngôn ngữ của họ, kèm nút “Trả lời”; câu trả lời của họ hiện trong trao đổi. " +
      "Không lộ danh tính người báo tin cho cán bộ. Zalo chỉ cho nhắn trong 7 ngày từ tin nhắn cuối của họ (xem replyWindow): quá hạn thì 409. Ghi nhật ký (tip.message).",
    body: messageBody,
    act: ({ ctx, officer, tip, body, ip }) => sendOfficerMessage(ctx, { tipId: tip.id, body: body.body, officer, ip }),
  }),
  actionRoute({
    path: "/tips/:id/notes",
    summary: "Ghi chú nội bộ",
    description: "Chỉ cán bộ xem được; không bao giờ gửi cho người báo tin. Ghi nhật ký (tip.note).",
    body: noteBody,
    act: ({ ctx, officer, tip, body, ip }) => addTipNote(ctx, { tipId: tip.id, body: body.body, officer, ip }),
  }),
  defineRoute({
    method: "post",
    path: "/tips/:id/identity",
    tag: "tips",
    summary: "Xem danh tính người báo tin",
    description:
      "Chỉ với tin người báo đã để lại tên hoặc số điện thoại, và chỉ trực ban tỉnh và cán bộ thụ lý của đơn vị. Tin ẩn danh: không bao giờ. " +
      "Mỗi lần xem được ghi vào diễn biến và nhật ký (tip.identity_reveal).",
    auth: true,
    params: tipParams,
    response: { status: 200, description: "Tên, số điện thoại và tệp danh tính người báo tin đã để lại", schema: identityView },
    errors: ["unauthorized", "forbidden", "csrf_failed", "not_found"],
    async run({ ctx, req, auth, params }) {
      const tip = await findTip(ctx, params.id);
      permitTip(auth.officer, tip);
      if (tip.anonymous) throw new AppError("forbidden", "Người báo tin chọn ẩn danh: danh tính không được hiển thị.");
      if (!canRevealIdentity(auth.officer, tip)) throw new AppError("forbidden", "Tài khoản của bạn không được xem danh tính người báo tin.");
      return revealReporterIdentity(ctx, { tipId: tip.id, officer: auth.officer, ip: req.ip ?? null });
    },
  }),
];
