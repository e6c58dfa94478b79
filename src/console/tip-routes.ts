/** The tip queue, one tip's file, its evidence (and the reporter's identity files), and its printing. */
import type { Response } from "express";
import { z } from "zod";
import { AppError } from "../http/errors.ts";
import { recordAudit } from "../officers/record-audit.ts";
import { findAttachmentFile, type AttachmentFile } from "./find-attachment-file.ts";
import { findTip, TIP_NOT_FOUND, type TipRef } from "./find-tip.ts";
import { listTips } from "./list-tips.ts";
import { canListTips, canRevealIdentity, canRouteTip, canViewTip, visibleTipsWhere } from "./permissions.ts";
import type { SignedInOfficer } from "../officers/roles.ts";
import { readTipDetail } from "./read-tip-detail.ts";
import { defineRoute, type ApiRoute } from "./route.ts";
import { attachmentParams, rerouteBody, tipDetail, tipList, tipListQuery, tipParams, tipRoutingView } from "./schemas.ts";
import { rerouteTip } from "../routing/reroute-tip.ts";
import { readTipRouting } from "./read-tip-routing.ts";

const NO_TIPS = "Tài khoản của bạn không có quyền xem tin báo.";

const printBody = z
  .object({
    withIdentity: z.boolean().default(false).meta({ description: "Bản in có họ tên, số điện thoại người báo tin (đã mở bằng /identity)" }),
  })
  .meta({ id: "TipPrint" });
const printed = z.object({ printedAt: z.string().meta({ format: "date-time" }) }).meta({ id: "TipPrinted" });

/** 403 for a role that reads no tips at all; 404 for a tip of another unit (its existence is not revealed). */
export function permitTip(officer: SignedInOfficer, tip: TipRef): void {
  if (!canListTips(officer)) throw new AppError("forbidden", NO_TIPS);
  if (!canViewTip(officer, tip)) throw new AppError("not_found", TIP_NOT_FOUND);
}

/** Sends a stored file of a tip: its own type, never run as a page, never cached (ranges for seeking audio and video). */
async function sendTipFile(res: Response, file: AttachmentFile): Promise<void> {
  res.setHeader("Content-Type", file.mime);
  res.setHeader("Content-Disposition", file.disposition);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Content-Security-Policy", "default-src 'none'; img-src 'self'; media-src 'self'; sandbox");
  res.setHeader("Cache-Control", "private, no-store");
  await new Promise<void>((resolve, reject) =>
    res.sendFile(file.path, { dotfiles: "allow", cacheControl: false, lastModified: false }, (err) => (err && !res.headersSent ? reject(err) : resolve())),
  );
}

export const tipRoutes: ApiRoute[] = [
  defineRoute({
    method: "get",
    path: "/tips",
    tag: "tips",
    summary: "Danh sách tin báo",
    description:
      "Tin khẩn trước, rồi hạn gần nhất trước (hạn tiếp nhận khi tin còn mới, sau đó hạn giải quyết). Mặc định chỉ tin còn phải xử lý (statusGroup=open). " +
      "Tìm kiếm không phân biệt dấu trong nội dung, địa điểm và trao đổi với người báo tin (\"ma tuy\" tìm được \"ma túy\", \"duong\" tìm được \"đường\"). " +
      "Mỗi lần tìm kiếm (q) được ghi nhật ký (tip.search). Trực ban tỉnh và quản trị thấy mọi tin; cán bộ cấp xã và tài khoản chỉ xem thấy tin đang giao cho đơn vị mình.",
    auth: true,
    query: tipListQuery,
    response: { status: 200, description: "Một trang tin báo", schema: tipList },
    errors: ["validation_failed", "bad_request", "unauthorized", "forbidden"],
    async run({ ctx, req, auth, query }) {
      if (!canListTips(auth.officer)) throw new AppError("forbidden", NO_TIPS);
      const page = await listTips(ctx, { scope: visibleTipsWhere(auth.officer), officerId: auth.officer.id, query });
      // Searches are audited (who looked for what); opening a tip is audited by its own route.
      if (query.q) {
        await recordAudit(ctx, { officerId: auth.officer.id, action: "tip.search", targetType: "tip_search", data: { q: query.q, results: page.items.length }, ip: req.ip ?? null });
      }
      return page;
    },
  }),
  defineRoute({
    method: "get",
    path: "/tips/:id",
    tag: "tips",
    summary: "Chi tiết tin báo",
    description:
      "Toàn bộ nội dung, vị trí, thời hạn, tệp đính kèm, trao đổi với người báo tin và diễn biến xử lý. " +
      "Không bao giờ có danh tính người báo tin. Mỗi lần xem đều được ghi nhật ký (tip.read). " +
      "Cán bộ cấp xã chỉ xem được tin đang giao cho đơn vị mình; tin của đơn vị khác trả về 404.",
    auth: true,
    params: tipParams,
    response: { status: 200, description: "Hồ sơ tin báo", schema: tipDetail },
    errors: ["unauthorized", "forbidden", "not_found"],
    async run({ ctx, req, auth, params }) {
      const tip = await findTip(ctx, params.id);
      permitTip(auth.officer, tip);
      return readTipDetail(ctx, { tip, officer: auth.officer, ip: req.ip });
    },
  }),
  defineRoute({
    method: "get",
    path: "/tips/:id/attachments/:attachmentId",
    tag: "tips",
    summary: "Tải tệp đính kèm",
    description:
      "Trả về tệp đã lưu với đúng kiểu MIME; ảnh, âm thanh, video mở trực tiếp, tệp khác tải về. " +
      "Hỗ trợ Range (tua video). Mỗi lần tải đều được ghi nhật ký (attachment.read).",
    auth: true,
    params: attachmentParams,
    response: { status: 200, description: "Nội dung tệp", mediaType: "application/octet-stream" },
    errors: ["unauthorized", "forbidden", "not_found"],
    async run({ ctx, req, res, auth, params }) {
      const tip = await findTip(ctx, params.id);
      permitTip(auth.officer, tip);
      const file = await findAttachmentFile(ctx, {
        tipId: tip.id,
        attachmentId: params.attachmentId,
        officerId: auth.officer.id,
        ip: req.ip,
      });
      await sendTipFile(res, file);
    },
  }),
  defineRoute({
    method: "get",
    path: "/tips/:id/identity/files/:attachmentId",
    tag: "tips",
    summary: "Nghe, xem tệp danh tính người báo tin",
    description:
      "Tệp người báo tin gửi khi được hỏi danh tính (đọc họ tên, số điện thoại bằng tin nhắn thoại): không nằm trong tệp đính kèm của tin. " +
      "Đường dẫn chỉ có trong kết quả của POST /api/tips/{id}/identity. Chỉ người được xem danh tính (trực ban tỉnh, cán bộ thụ lý của đơn vị), " +
      "tin ẩn danh thì không bao giờ. Mỗi lần mở đều được ghi nhật ký (tip.identity_file).",
    auth: true,
    params: attachmentParams,
    response: { status: 200, description: "Nội dung tệp", mediaType: "application/octet-stream" },
    errors: ["unauthorized", "forbidden", "not_found"],
    async run({ ctx, req, res, auth, params }) {
      const tip = await findTip(ctx, params.id);
      permitTip(auth.officer, tip);
      if (tip.anonymous) throw new AppError("forbidden", "Người báo tin chọn ẩn danh: danh tính không được hiển thị.");
      if (!canRevealIdentity(auth.officer, tip)) throw new AppError("forbidden", "Tài khoản của bạn không được xem danh tính người báo tin.");
      const file = await findAttachmentFile(ctx, { tipId: tip.id, attachmentId: params.attachmentId, officerId: auth.officer.id, ip: req.ip, identity: true });
      await sendTipFile(res, file);
    },
  }),
  defineRoute({
    method: "post",
    path: "/tips/:id/route",
    tag: "tips",
    summary: "Chuyển tin cho đơn vị khác, hoặc xác nhận nơi xảy ra",
    description:
      "Giao tin cho unitId, hoặc ghi communeCode (xã, phường nơi xảy ra; không có unitId thì giao cho đơn vị phụ trách xã đó). " +
      "Lý do bắt buộc. Diễn biến giữ cả lần giao cũ (routed) và lần chuyển này (rerouted); ghi nhật ký (tip.route). " +
      "Cán bộ cấp xã chuyển được tin của đơn vị mình; trực ban tỉnh và quản trị chuyển được mọi tin; tài khoản chỉ xem thì không.",
    auth: true,
    params: tipParams,
    body: rerouteBody,
    response: { status: 200, description: "Tin đang ở đâu sau khi chuyển", schema: tipRoutingView },
    errors: ["validation_failed", "bad_request", "unsupported_media_type", "unauthorized", "forbidden", "csrf_failed", "not_found", "conflict", "stale"],
    async run({ ctx, req, auth, params, body }) {
      const tip = await findTip(ctx, params.id);
      permitTip(auth.officer, tip);
      if (!canRouteTip(auth.officer, tip)) throw new AppError("forbidden", "Tài khoản của bạn không được chuyển tin báo.");
      await rerouteTip(ctx, {
        tipId: tip.id,
        ...(body.unitId ? { unitId: body.unitId } : {}),
        ...(body.communeCode ? { communeCode: body.communeCode } : {}),
        reason: body.reason,
        version: body.version,
        officer: auth.officer,
        ip: req.ip ?? null,
      });
      ctx.bus.emit("tip:changed", tip.id);
      return readTipRouting(ctx, tip.id);
    },
  }),
  defineRoute({
    method: "post",
    path: "/tips/:id/print",
    tag: "tips",
    summary: "Ghi nhật ký in hồ sơ tin báo",
    description:
      "Trang in hồ sơ gọi trước khi in: ghi nhật ký ai in tin nào, lúc nào, có kèm danh tính người báo tin không (tip.print). " +
      "Ai xem được tin thì in được; bản in kèm danh tính chỉ cho người được xem danh tính, tin ẩn danh thì không bao giờ.",
    auth: true,
    params: tipParams,
    body: printBody,
    response: { status: 200, description: "Đã ghi nhật ký", schema: printed },
    errors: ["validation_failed", "bad_request", "unsupported_media_type", "unauthorized", "forbidden", "csrf_failed", "not_found"],
    async run({ ctx, req, auth, params, body }) {
      const tip = await findTip(ctx, params.id);
      permitTip(auth.officer, tip);
      if (body.withIdentity && !canRevealIdentity(auth.officer, tip)) {
        throw new AppError("forbidden", "Bản in này không được kèm danh tính người báo tin: tin ẩn danh, hoặc tài khoản của bạn không được xem danh tính. Bỏ chọn «Kèm danh tính» rồi in lại.");
      }
      const now = ctx.now();
      await recordAudit(ctx, {
        officerId: auth.officer.id,
        action: "tip.print",
        targetType: "tip",
        targetId: tip.id,
        data: { reference: tip.reference, withIdentity: body.withIdentity },
        ip: req.ip ?? null,
      });
      return { printedAt: now.toISOString() };
    },
  }),
];
