/**
 * The 19/8 Festival law quiz in the console: the question bank with each question's approval,
 * approving a question (admin and outreach lead; audited), and the results per commune — never a
 * resident's name or id.
 */
import { z } from "zod";
import { AppError } from "../http/errors.ts";
import { approveQuizQuestion, listQuizQuestions } from "../quiz/manage-quiz.ts";
import { quizResults } from "../quiz/quiz-results.ts";
import { canApproveQuiz } from "./permissions.ts";
import { defineRoute, type ApiRoute } from "./route.ts";

const texts = z.record(z.string(), z.string().nullable()).meta({ description: "Nội dung theo ngôn ngữ; vi bắt buộc, hre và cua null khi chưa có bản dịch đã duyệt" });

export const quizQuestionView = z
  .object({
    id: z.string(),
    version: z.number().int(),
    position: z.number().int(),
    topic: z.string(),
    question: texts,
    choices: z.array(texts),
    correct: z.number().int().meta({ description: "Thứ tự đáp án đúng (từ 0)" }),
    explanation: texts,
    legal: z.boolean().meta({ description: "Câu hỏi nói về quy định của pháp luật (khi đó có nguồn)" }),
    source: z.string().optional().meta({ description: "Luật và điều: Bộ luật Hình sự 2015, Điều 174" }),
    reviewedBy: z.string(),
    reviewedAt: z.string(),
    approved: z.boolean(),
    approvedAt: z.string().nullable(),
    approvedBy: z.string().nullable().meta({ description: "Tên cán bộ đã duyệt" }),
  })
  .meta({ id: "QuizQuestion" });

const communeResult = z
  .object({
    communeCode: z.string().nullable().meta({ description: "null: người dự thi không nói xã, phường" }),
    communeName: z.string(),
    participants: z.number().int(),
    finished: z.number().int(),
    averageScore: z.number().meta({ description: "Số câu đúng trung bình của các bài đã làm xong" }),
  })
  .meta({ id: "QuizCommuneResult" });

const day = z.iso.date("Ngày dạng YYYY-MM-DD, ví dụ 2026-08-01");
const resultsQuery = z
  .object({
    from: day.optional().meta({ description: "Từ ngày bắt đầu làm bài (giờ Việt Nam), tính cả ngày này" }),
    to: day.optional().meta({ description: "Đến ngày (giờ Việt Nam), tính cả ngày này" }),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: "Ngày bắt đầu (from) phải trước hoặc bằng ngày kết thúc (to).", path: ["from"] });

export const quizRoutes: ApiRoute[] = [
  defineRoute({
    method: "get",
    path: "/quiz/questions",
    tag: "quiz",
    summary: "Câu hỏi cuộc thi 19/8",
    description: "Mọi câu hỏi, theo thứ tự, với trạng thái duyệt. Người dân chỉ được hỏi những câu đã duyệt. Mọi tài khoản đều xem được.",
    auth: true,
    response: { status: 200, description: "Các câu hỏi", schema: z.object({ questions: z.array(quizQuestionView) }).meta({ id: "QuizQuestionList" }) },
    errors: ["unauthorized"],
    async run({ ctx }) {
      return { questions: await listQuizQuestions(ctx) };
    },
  }),
  defineRoute({
    method: "post",
    path: "/quiz/questions/:id/approve",
    tag: "quiz",
    summary: "Duyệt câu hỏi cuộc thi",
    description: "Sau khi duyệt, câu hỏi được dùng cho người dân; ghi tên cán bộ, thời điểm và nhật ký (quiz.approve). Duyệt lại câu đã duyệt không đổi gì. Chỉ quản trị và trưởng nhóm tuyên truyền.",
    auth: true,
    params: z.object({ id: z.string().min(1).max(100) }),
    response: { status: 200, description: "Câu hỏi sau khi duyệt", schema: quizQuestionView },
    errors: ["unauthorized", "forbidden", "csrf_failed", "not_found"],
    async run({ ctx, req, auth, params }) {
      if (!canApproveQuiz(auth.officer)) throw new AppError("forbidden", "Chỉ quản trị và trưởng nhóm tuyên truyền được duyệt câu hỏi cuộc thi.");
      return approveQuizQuestion(ctx, params.id, auth.officer, req.ip ?? null);
    },
  }),
  defineRoute({
    method: "get",
    path: "/quiz/results",
    tag: "quiz",
    summary: "Kết quả cuộc thi theo xã, phường",
    description: "Số người dự thi, số bài làm xong và số câu đúng trung bình theo xã, phường, cho các bài bắt đầu trong khoảng ngày đã chọn. Không có tên hay mã người dự thi.",
    auth: true,
    query: resultsQuery,
    response: {
      status: 200,
      description: "Kết quả theo xã, phường và tổng",
      schema: z
        .object({
          communes: z.array(communeResult),
          totals: z.object({ participants: z.number().int(), finished: z.number().int(), averageScore: z.number() }),
        })
        .meta({ id: "QuizResults" }),
    },
    errors: ["unauthorized", "validation_failed"],
    async run({ ctx, query }) {
      return quizResults(ctx.db, query);
    },
  }),
];
