/**
 * The translators' workbench API (issue 14): every resident-facing string in Hre or Co with its state and progress,
 * saving a draft, approving another speaker's draft, sending a reviewed string back. Translators and administrators
 * only; writing and approving a language needs it in the account's languages. Every write is audited.
 */
import { z } from "zod";
import { AppError } from "../http/errors.ts";
import { approveTranslation, listTranslations, saveDraft, sendBackTranslation, TRANSLATION_STATES } from "../translations/translation-store.ts";
import { TEXT_HARD_LIMIT } from "../translations/translation-sources.ts";
import { canTranslate } from "./permissions.ts";
import { defineRoute, type ApiRoute } from "./route.ts";
import type { SignedInOfficer } from "../officers/roles.ts";

const limits = z.object({ telegram: z.number().int().optional(), zalo: z.number().int().optional(), webchat: z.number().int().optional() });

export const translationEntryView = z
  .object({
    key: z.string().meta({ description: "Khóa của câu: report.askDescription (lời bot), faq:<mã>, quiz:<mã>.question, campaign:<mã>" }),
    source: z.string().meta({ description: "Câu tiếng Việt hiện nay" }),
    text: z.string().nullable().meta({ description: "Bản dịch (null: chưa có chữ, có thể chỉ có ghi âm)" }),
    state: z.enum(TRANSLATION_STATES).meta({ description: "missing: chưa dịch; draft: bản nháp, chưa tới người dân; reviewed: đã duyệt, người dân nhận được" }),
    audio: z
      .object({ id: z.string(), durationMs: z.number().int(), sha256: z.string(), url: z.string().meta({ description: "Đường dẫn nghe thử trong bàn làm việc" }) })
      .nullable(),
    area: z.string(),
    areaLabel: z.string().meta({ description: "Tên phần của cuộc trò chuyện: Báo tin, Hỏi đáp…" }),
    context: z.object({
      where: z.string().meta({ description: "Câu này hiện ra ở đâu" }),
      buttons: z.array(z.string()).optional().meta({ description: "Các nút hiện dưới tin nhắn (tiếng Việt)" }),
      buttonKeys: z.array(z.string()).optional(),
      limits: limits.optional().meta({ description: "Số ký tự tối đa nên dùng trên mỗi kênh" }),
    }),
    variables: z.array(z.string()).meta({ description: "Các {{biến}} phải giữ nguyên trong bản dịch (không có dấu ngoặc)" }),
    version: z.number().int().meta({ description: "0 khi chưa dịch; gửi lại khi sửa, duyệt hay trả lại để không ghi đè thay đổi của người khác" }),
    draftedBy: z.string().nullable(),
    draftedById: z.string().nullable(),
    reviewedBy: z.string().nullable(),
    reviewedById: z.string().nullable(),
    reviewedAt: z.string().nullable(),
    updatedAt: z.string().nullable(),
    sourceChanged: z.boolean().meta({ description: "Câu tiếng Việt đã đổi từ khi dịch: nên xem lại" }),
    fromFile: z.boolean().meta({ description: "Bản dịch có sẵn trong tệp ngôn ngữ đi kèm phần mềm" }),
  })
  .meta({ id: "TranslationEntry" });

const lang = z.string().min(2).max(10).meta({ description: "hre hoặc cua" });
const keyParams = z.object({ lang, key: z.string().min(1).max(300) });
const version = z.number().int().min(0).optional().meta({ description: "Phiên bản của câu khi mở (chống ghi đè)" });

function requireTranslator(officer: SignedInOfficer): void {
  if (!canTranslate(officer)) throw new AppError("forbidden", "Chỉ người dịch tiếng dân tộc và quản trị hệ thống được mở bàn dịch.");
}

export const translationRoutes: ApiRoute[] = [
  defineRoute({
    method: "get",
    path: "/translations",
    tag: "translations",
    summary: "Các câu cần dịch sang một tiếng, với tình trạng và tiến độ",
    description: "Mọi câu người dân đọc (lời bot, nút bấm, hỏi đáp, câu hỏi thi, tin tuyên truyền), câu tiếng Việt, bối cảnh và tình trạng dịch. Tiến độ tính trên mọi câu, không theo bộ lọc.",
    auth: true,
    query: z.object({
      lang,
      state: z.enum(TRANSLATION_STATES).optional(),
      area: z.string().max(50).optional().meta({ description: "Chỉ một phần: menu, report, faq…" }),
    }),
    response: {
      status: 200,
      description: "Tiến độ và các câu",
      schema: z
        .object({
          lang: z.string(),
          progress: z.object({ total: z.number().int(), draft: z.number().int(), reviewed: z.number().int(), missing: z.number().int(), audio: z.number().int() }),
          entries: z.array(translationEntryView),
        })
        .meta({ id: "TranslationList" }),
    },
    errors: ["unauthorized", "forbidden", "not_found", "validation_failed"],
    async run({ ctx, auth, query }) {
      requireTranslator(auth.officer);
      return listTranslations(ctx, query.lang, { state: query.state, area: query.area });
    },
  }),
  defineRoute({
    method: "put",
    path: "/translations/:lang/:key",
    tag: "translations",
    summary: "Lưu bản dịch (bản nháp)",
    description:
      "Lưu chữ thành bản nháp: chưa tới người dân cho đến khi một người khác biết tiếng đó duyệt. Sửa một câu đã duyệt thì câu đó thành bản nháp và người dân nhận lại tiếng Việt cho đến khi được duyệt lại. Phải giữ đủ các {{biến}} của câu tiếng Việt (422 nếu thiếu). Ghi nhật ký (translation.save).",
    auth: true,
    params: keyParams,
    body: z.object({
      text: z.string().max(TEXT_HARD_LIMIT * 2).nullable().meta({ description: "Bản dịch; null để bỏ chữ, chỉ giữ bản ghi âm" }),
      version,
    }),
    response: { status: 200, description: "Câu sau khi lưu", schema: translationEntryView },
    errors: ["unauthorized", "forbidden", "csrf_failed", "not_found", "validation_failed", "unprocessable", "stale"],
    async run({ ctx, req, auth, params, body }) {
      requireTranslator(auth.officer);
      return saveDraft(ctx, auth.officer, params.lang, params.key, { text: body.text, version: body.version }, { ip: req.ip ?? null });
    },
  }),
  defineRoute({
    method: "post",
    path: "/translations/:lang/:key/approve",
    tag: "translations",
    summary: "Duyệt bản dịch của người khác",
    description: "Người duyệt phải biết tiếng đó và không phải người viết bản nháp (403). Sau khi duyệt, người dân chọn tiếng này nhận câu đã dịch ngay từ tin nhắn kế tiếp, ở mọi tiến trình. Ghi nhật ký (translation.approve).",
    auth: true,
    params: keyParams,
    body: z.object({ version }),
    optionalBody: true,
    response: { status: 200, description: "Câu đã duyệt", schema: translationEntryView },
    errors: ["unauthorized", "forbidden", "csrf_failed", "not_found", "validation_failed", "unprocessable", "conflict", "stale"],
    async run({ ctx, req, auth, params, body }) {
      requireTranslator(auth.officer);
      return approveTranslation(ctx, auth.officer, params.lang, params.key, { version: body.version }, { ip: req.ip ?? null });
    },
  }),
  defineRoute({
    method: "post",
    path: "/translations/:lang/:key/send-back",
    tag: "translations",
    summary: "Trả lại câu đã duyệt thành bản nháp",
    description: "Người dân nhận lại tiếng Việt ngay cho đến khi câu được duyệt lại. Có thể ghi lý do. Ghi nhật ký (translation.send_back).",
    auth: true,
    params: keyParams,
    body: z.object({ reason: z.string().max(500).optional().meta({ description: "Lý do, để người dịch sửa" }), version }),
    optionalBody: true,
    response: { status: 200, description: "Câu thành bản nháp", schema: translationEntryView },
    errors: ["unauthorized", "forbidden", "csrf_failed", "not_found", "validation_failed", "conflict", "stale"],
    async run({ ctx, req, auth, params, body }) {
      requireTranslator(auth.officer);
      return sendBackTranslation(ctx, auth.officer, params.lang, params.key, { reason: body.reason, version: body.version }, { ip: req.ip ?? null });
    },
  }),
];
