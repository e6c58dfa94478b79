/** The questions residents asked that the knowledge base could not answer, and officers' answers. */
import { z } from "zod";
import { AppError } from "../http/errors.ts";
import { answerQuestion } from "../questions/answer-question.ts";
import { listQuestions } from "../questions/list-questions.ts";
import { canAnswerQuestions, canEditFaq, canReadQuestions } from "./permissions.ts";
import { defineRoute, type ApiRoute } from "./route.ts";

const questionStatus = z.enum(["open", "answered", "closed"]);

export const questionListQuery = z.object({
  status: questionStatus.optional().meta({ description: "Trạng thái câu hỏi: open, answered, closed" }),
  q: z.string().max(200).optional().meta({ description: "Tìm trong câu hỏi, có dấu hoặc không dấu" }),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const questionItem = z
  .object({
    id: z.string(),
    channel: z.string(),
    language: z.string(),
    text: z.string(),
    status: questionStatus,
    createdAt: z.string(),
    answeredAt: z.string().nullable(),
    answeredBy: z.string().nullable(),
    answer: z.string().nullable(),
  })
  .meta({ id: "Question" });

export const questionList = z.object({ items: z.array(questionItem) }).meta({ id: "QuestionList" });
export const questionParams = z.object({ id: z.string().min(1).max(100) });
export const answerBody = z
  .object({
    answer: z.string().trim().min(1).max(4_000).meta({ description: "Câu trả lời gửi cho người hỏi" }),
    saveAsEntry: z
      .object({ questions: z.array(z.string().trim().min(1).max(500)).min(1).max(50) })
      .optional()
      .meta({ description: "Lưu luôn thành mục hỏi đáp mới với các cách hỏi này (chỉ quản trị và biên tập tuyên truyền)" }),
  })
  .meta({ id: "QuestionAnswer" });

export const questionRoutes: ApiRoute[] = [
  defineRoute({
    method: "get",
    path: "/questions",
    tag: "questions",
    summary: "Danh sách câu hỏi chờ công an trả lời",
    description: "Câu hỏi chưa trả lời trước, rồi mới nhất trước. Tìm kiếm không phân biệt dấu. Mọi tài khoản công an đều xem được (tài khoản người dịch thì không).",
    auth: true,
    query: questionListQuery,
    response: { status: 200, description: "Các câu hỏi", schema: questionList },
    errors: ["validation_failed", "bad_request", "unauthorized", "forbidden"],
    async run({ ctx, query, auth }) {
      if (!canReadQuestions(auth.officer)) throw new AppError("forbidden", "Tài khoản người dịch không xem câu hỏi của người dân.");
      return listQuestions(ctx, query);
    },
  }),
  defineRoute({
    method: "post",
    path: "/questions/:id/answer",
    tag: "questions",
    summary: "Trả lời câu hỏi của người dân",
    description:
      "Câu trả lời được lưu và gửi cho người hỏi qua kênh họ đã dùng (hàng đợi gửi tin, cùng một giao dịch). " +
      "Có thể lưu luôn thành mục hỏi đáp mới trong cùng bước (saveAsEntry). " +
      "Mỗi câu hỏi chỉ trả lời một lần; ghi nhật ký (question.answer). Tài khoản chỉ xem thì không trả lời được.",
    auth: true,
    params: questionParams,
    body: answerBody,
    response: { status: 204, description: "Đã lưu và xếp hàng gửi" },
    errors: ["validation_failed", "bad_request", "unsupported_media_type", "unauthorized", "forbidden", "csrf_failed", "not_found", "conflict"],
    async run({ ctx, req, auth, params, body }) {
      if (!canAnswerQuestions(auth.officer)) throw new AppError("forbidden", "Tài khoản của bạn không được trả lời câu hỏi.");
      if (body.saveAsEntry && !canEditFaq(auth.officer)) {
        throw new AppError("forbidden", "Chỉ quản trị và biên tập tuyên truyền được lưu câu trả lời thành mục hỏi đáp.");
      }
      await answerQuestion(ctx, { questionId: params.id, answer: body.answer, officer: auth.officer, ip: req.ip ?? null, saveAsEntry: body.saveAsEntry });
    },
  }),
];
