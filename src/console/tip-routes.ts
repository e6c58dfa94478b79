/** The tip queue, one tip's file, and its evidence. */
import { AppError } from "../http/errors.ts";
import { findAttachmentFile } from "./find-attachment-file.ts";
import { findTip } from "./find-tip.ts";
import { listTips } from "./list-tips.ts";
import { canListTips, canViewTip, visibleTipsWhere } from "./permissions.ts";
import { readTipDetail } from "./read-tip-detail.ts";
import { defineRoute, type ApiRoute } from "./route.ts";
import { attachmentParams, tipDetail, tipList, tipListQuery, tipParams } from "./schemas.ts";

const NO_TIPS = "Tài khoản của bạn không có quyền xem tin báo.";

export const tipRoutes: ApiRoute[] = [
  defineRoute({
    method: "get",
    path: "/tips",
    tag: "tips",
    summary: "Danh sách tin báo",
    description: "Tin khẩn trước, rồi mới nhất trước. Tìm kiếm không phân biệt dấu (\"ma tuy\" tìm được \"ma túy\").",
    auth: true,
    query: tipListQuery,
    response: { status: 200, description: "Một trang tin báo", schema: tipList },
    errors: ["validation_failed", "bad_request", "unauthorized", "forbidden"],
    async run({ ctx, auth, query }) {
      if (!canListTips(auth.officer)) throw new AppError("forbidden", NO_TIPS);
      return listTips(ctx, { scope: visibleTipsWhere(auth.officer), query });
    },
  }),
  defineRoute({
    method: "get",
    path: "/tips/:id",
    tag: "tips",
    summary: "Chi tiết tin báo",
    description:
      "Toàn bộ nội dung, vị trí, thời hạn, tệp đính kèm, trao đổi với người báo tin và diễn biến xử lý. " +
      "Không bao giờ có danh tính người báo tin. Mỗi lần xem đều được ghi nhật ký (tip.read).",
    auth: true,
    params: tipParams,
    response: { status: 200, description: "Hồ sơ tin báo", schema: tipDetail },
    errors: ["unauthorized", "forbidden", "not_found"],
    async run({ ctx, req, auth, params }) {
      const tip = await findTip(ctx, params.id);
      if (!canViewTip(auth.officer, tip)) throw new AppError("forbidden", NO_TIPS);
      return readTipDetail(ctx, { tipId: tip.id, officerId: auth.officer.id, ip: req.ip });
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
      if (!canViewTip(auth.officer, tip)) throw new AppError("forbidden", NO_TIPS);
      const file = await findAttachmentFile(ctx, {
        tipId: tip.id,
        attachmentId: params.attachmentId,
        officerId: auth.officer.id,
        ip: req.ip,
      });
      res.setHeader("Content-Type", file.mime);
      res.setHeader("Content-Disposition", file.disposition);
      res.setHeader("X-Content-Type-Options", "nosniff");
      res.setHeader("Content-Security-Policy", "default-src 'none'; img-src 'self'; media-src 'self'; sandbox");
      res.setHeader("Cache-Control", "private, no-store");
      await new Promise<void>((resolve, reject) =>
        res.sendFile(file.path, { dotfiles: "allow", cacheControl: false, lastModified: false }, (err) =>
          err && !res.headersSent ? reject(err) : resolve(),
        ),
      );
    },
  }),
];
