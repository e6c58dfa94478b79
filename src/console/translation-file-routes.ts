/**
 * A language's translations as a file (issue 14): export to i18next JSON or XLIFF 2.0 for translators working
 * offline or in their own tool, and import of such a file, whose changed texts become drafts by the importing
 * officer (a second speaker still approves each in the workbench). Translators and administrators; the import also
 * needs the language in the account (checked by the store). Audited.
 */
import { z } from "zod";
import { AppError } from "../http/errors.ts";
import { endRefusedBody } from "../http/end-refused-body.ts";
import { readBoundedBody } from "../outreach/campaigns/campaign-image.ts";
import type { SignedInOfficer } from "../officers/roles.ts";
import { exportTranslations, importTooLarge, importTranslations, IMPORT_MAX_BYTES, type ExportFormat } from "../translations/exchange-translations.ts";
import { canTranslate } from "./permissions.ts";
import { defineRoute, type ApiRoute } from "./route.ts";

/** The workbench's own rule (translators and administrators); writing a language also needs it in the account. */
function permitTranslate(officer: SignedInOfficer): void {
  if (!canTranslate(officer)) {
    throw new AppError("forbidden", "Chỉ người dịch tiếng dân tộc và quản trị hệ thống được xuất, nhập tệp bản dịch.");
  }
}

const langParams = z.object({ lang: z.string().min(2).max(10).meta({ description: "hre hoặc cua" }) });
const exportQuery = z
  .object({
    state: z.enum(["reviewed", "all"]).default("reviewed").meta({ description: "reviewed: chỉ câu đã duyệt (mặc định); all: cả bản nháp" }),
  })
  .strict();

/**
 * Files the import reads. express.json is skipped for this path (src/console/router.ts): the file may be
 * JSON, and it is read here whole up to IMPORT_MAX_BYTES, then told apart by content.
 */
export const TRANSLATION_IMPORT_PATH = /^\/translations\/[^/]+\/import$/;

const importSummary = z
  .object({
    format: z.enum(["json", "xlf"]),
    created: z.number().int().meta({ description: "Câu chưa có bản dịch, nay có bản nháp" }),
    updated: z.number().int().meta({ description: "Câu có bản dịch khác trước: nay là bản nháp của người nhập" }),
    unchanged: z.number().int().meta({ description: "Câu giống hệt bản hiện có (giữ nguyên trạng thái)" }),
    empty: z.number().int().meta({ description: "Câu để trống trong tệp (bỏ qua)" }),
    refused: z.array(z.object({ key: z.string(), message: z.string() })).meta({ description: "Câu không nhận và lý do (tối đa 500 câu đầu)" }),
    refusedCount: z.number().int(),
    message: z.string().meta({ description: "Kết quả bằng một câu tiếng Việt" }),
  })
  .meta({ id: "TranslationImportSummary" });

function exportRoute(format: ExportFormat): ApiRoute {
  const name = format === "json" ? "JSON i18next" : "XLIFF 2.0";
  return defineRoute({
    method: "get",
    path: `/translations/:lang/export.${format}`,
    tag: "translations",
    summary: `Tải bản dịch của một tiếng dạng ${name}`,
    description:
      format === "json"
        ? "Mọi câu theo không gian tên: bot (như locales/<tiếng>/bot.json), faq, quiz, campaign; null là chưa có bản dịch. Ghi nhật ký."
        : "Mỗi câu một <unit id=mã câu> với câu tiếng Việt, bản dịch (nếu có), trạng thái (initial, translated = bản nháp, reviewed) và ghi chú ngữ cảnh. Ghi nhật ký.",
    auth: true,
    params: langParams,
    query: exportQuery,
    response: { status: 200, description: `Tệp ${name}`, mediaType: format === "json" ? "application/json" : "application/xliff+xml" },
    errors: ["unauthorized", "forbidden", "not_found", "validation_failed"],
    async run({ ctx, req, res, params, query, auth }) {
      permitTranslate(auth.officer);
      const file = await exportTranslations(ctx, auth.officer, params.lang, { format, state: query.state }, { ip: req.ip ?? null });
      res.setHeader("Content-Type", file.mime);
      res.setHeader("Content-Disposition", `attachment; filename="${file.filename}"`);
      res.status(200).send(file.body);
    },
  });
}

export const translationFileRoutes: ApiRoute[] = [
  exportRoute("json"),
  exportRoute("xlf"),
  defineRoute({
    method: "post",
    path: "/translations/:lang/import",
    tag: "translations",
    summary: "Nhập tệp bản dịch (JSON i18next hoặc XLIFF 2.0)",
    description:
      `Thân yêu cầu là chính tệp (tối đa ${IMPORT_MAX_BYTES / 1024 / 1024} MB), nhận ra theo nội dung. Mỗi câu có bản dịch khác bản hiện có thành bản nháp của người nhập ` +
      "(không bao giờ được duyệt luôn: cần người khác biết tiếng đó duyệt); câu thiếu {{biến}} của câu tiếng Việt hoặc mã câu lạ được liệt kê kèm lý do. Ghi nhật ký.",
    auth: true,
    params: langParams,
    rawBody: ["application/json", "application/xliff+xml", "application/xml", "text/xml", "text/plain", "application/octet-stream"],
    response: { status: 200, description: "Kết quả nhập", schema: importSummary },
    errors: ["unauthorized", "forbidden", "csrf_failed", "not_found", "validation_failed", "unsupported_media_type", "payload_too_large"],
    async run({ ctx, req, res, params, auth }) {
      try {
        permitTranslate(auth.officer);
        const bytes = await readBoundedBody(req, IMPORT_MAX_BYTES, importTooLarge());
        return await importTranslations(ctx, auth.officer, params.lang, bytes, { ip: req.ip ?? null });
      } catch (err) {
        endRefusedBody(req, res);
        throw err;
      }
    },
  }),
];
