/** The knowledge base: everyone reads it; admin and outreach editors write it (one entry, or a whole file). */
import { z } from "zod";
import { AppError } from "../http/errors.ts";
import { faqEntrySchema, faqFileSchema } from "../faq/content-schema.ts";
import { createFaqEntry, exportFaq, importFaq, listFaqEntries, updateFaqEntry } from "../faq/manage-faq.ts";
import type { SignedInOfficer } from "../officers/roles.ts";
import { canEditFaq } from "./permissions.ts";
import { defineRoute, type ApiRoute } from "./route.ts";

const answerView = z.record(z.string(), z.string().nullable()).meta({ description: "Câu trả lời theo ngôn ngữ; vi bắt buộc. hre, cua do Bàn dịch ghi khi bản dịch được duyệt: gửi null hoặc bỏ qua (giữ nguyên), gửi chữ khác thì bị từ chối" });

export const faqEntryView = z
  .object({
    id: z.string(),
    version: z.number().int(),
    tags: z.array(z.string()),
    questions: z.array(z.string()),
    answer: answerView,
    links: z.array(z.object({ label: z.string(), url: z.string() })).optional(),
    alsoAnswers: z.array(z.string()).optional().meta({ description: "Mã các mục mà câu trả lời của mục này cũng trả lời được (mục chung bao các mục riêng)" }),
    reviewedBy: z.string(),
    reviewedAt: z.string(),
    disabled: z.boolean(),
    updatedAt: z.string(),
  })
  .meta({ id: "FaqEntry" });

const faqFileView = z
  .object({ format: z.literal("tin-bao-faq"), version: z.number().int(), entries: z.array(faqEntryView.omit({ disabled: true, updatedAt: true })) })
  .meta({ id: "FaqFile" });

export const faqCreateBody = faqEntrySchema.omit({ version: true }).meta({ id: "FaqEntryInput" });
export const faqPatchBody = faqEntrySchema
  .pick({ tags: true, questions: true, answer: true, links: true, alsoAnswers: true, reviewedBy: true, reviewedAt: true })
  .partial()
  .extend({ disabled: z.boolean().optional().meta({ description: "true: không dùng mục này để trả lời nữa" }) })
  .meta({ id: "FaqEntryChanges" });
const faqParams = z.object({ id: z.string().min(1).max(100) });
const importResult = z.object({ created: z.number().int(), updated: z.number().int(), unchanged: z.number().int() }).meta({ id: "FaqImportResult" });

const WRITE_ERRORS = ["validation_failed", "bad_request", "unsupported_media_type", "unauthorized", "forbidden", "csrf_failed"] as const;

function permitEdit(officer: SignedInOfficer): void {
  if (!canEditFaq(officer)) throw new AppError("forbidden", "Chỉ quản trị và biên tập tuyên truyền được sửa nội dung hỏi đáp.");
}

export const faqRoutes: ApiRoute[] = [
  defineRoute({
    method: "get",
    path: "/faq",
    tag: "faq",
    summary: "Các mục hỏi đáp",
    description: "Mọi mục, kể cả mục đã tắt. Mọi tài khoản đều xem được.",
    auth: true,
    response: { status: 200, description: "Các mục hỏi đáp", schema: z.object({ entries: z.array(faqEntryView) }).meta({ id: "FaqEntryList" }) },
    errors: ["unauthorized"],
    async run({ ctx }) {
      return { entries: await listFaqEntries(ctx) };
    },
  }),
  defineRoute({
    method: "get",
    path: "/faq/export",
    tag: "faq",
    summary: "Xuất nội dung hỏi đáp ra tệp",
    description: "Tệp JSON (format tin-bao-faq) gồm các mục đang dùng, để biên tập hàng loạt rồi nhập lại.",
    auth: true,
    response: { status: 200, description: "Tệp hỏi đáp", schema: faqFileView },
    errors: ["unauthorized"],
    async run({ ctx, res }) {
      res.setHeader("Content-Disposition", 'attachment; filename="hoi-dap.json"');
      return exportFaq(ctx);
    },
  }),
  defineRoute({
    method: "post",
    path: "/faq",
    tag: "faq",
    summary: "Thêm mục hỏi đáp",
    description: "Câu trả lời tiếng Việt bắt buộc. Ghi nhật ký (faq.create). Chỉ quản trị và biên tập tuyên truyền.",
    auth: true,
    body: faqCreateBody,
    response: { status: 201, description: "Mục vừa thêm", schema: faqEntryView },
    errors: [...WRITE_ERRORS, "conflict"],
    async run({ ctx, req, auth, body }) {
      permitEdit(auth.officer);
      return createFaqEntry(ctx, { ...body, version: 1 }, auth.officer, req.ip ?? null);
    },
  }),
  defineRoute({
    method: "patch",
    path: "/faq/:id",
    tag: "faq",
    summary: "Sửa hoặc tắt mục hỏi đáp",
    description: "Mỗi lần sửa nội dung tăng số phiên bản. Ghi nhật ký (faq.update). Chỉ quản trị và biên tập tuyên truyền.",
    auth: true,
    params: faqParams,
    body: faqPatchBody,
    response: { status: 200, description: "Mục sau khi sửa", schema: faqEntryView },
    errors: [...WRITE_ERRORS, "not_found"],
    async run({ ctx, req, auth, params, body }) {
      permitEdit(auth.officer);
      return updateFaqEntry(ctx, params.id, body, auth.officer, req.ip ?? null);
    },
  }),
  defineRoute({
    method: "post",
    path: "/faq/import",
    tag: "faq",
    summary: "Nhập tệp hỏi đáp",
    description: "Tệp như tệp xuất ra. Mục mới được thêm, mục đã có được thay khi nội dung khác. Ghi nhật ký (faq.import).",
    auth: true,
    body: faqFileSchema,
    response: { status: 200, description: "Số mục thêm, sửa, giữ nguyên", schema: importResult },
    errors: [...WRITE_ERRORS],
    async run({ ctx, req, auth, body }) {
      permitEdit(auth.officer);
      return importFaq(ctx, body, auth.officer, req.ip ?? null);
    },
  }),
];
