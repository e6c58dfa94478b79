/**
 * The question bank of the 19/8 Festival law quiz (content/quiz/starter.json), checked with zod so
 * a bad edit fails naming the question and field.
 *
 * @example parseQuizFile(JSON.parse(readFileSync("content/quiz/starter.json", "utf8"))).questions
 */
import { z } from "zod";

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const nfc = (s: string) => s.normalize("NFC");
const text = z.string().trim().min(1).transform(nfc);

/** `{ vi: "…", hre: null, cua: null }`: Vietnamese required, the others null until a native speaker writes them. */
const texts = (max: number) =>
  z
    .object({ vi: text.refine((s) => [...s].length <= max, `at most ${max} characters`) })
    .catchall(text.nullable())
    .refine((a) => Object.keys(a).every((k) => /^[a-z]{2,3}$/.test(k)), "keys are language codes (vi, hre, cua)");

export const QUIZ_TOPICS = ["bao-tin", "lua-dao", "ma-tuy", "an-toan", "ngay-hoi"] as const;

/** A choice is a button: Telegram shows about 64 characters of a label. */
export const CHOICE_MAX_CHARS = 60;

export const quizQuestionSchema = z
  .object({
    // Short: it travels in button payloads ("quiz:a:<id>:<n>", at most 64 bytes).
    id: z.string().regex(KEBAB, "kebab-case, e.g. toi-lua-dao").max(40),
    version: z.number().int().min(1),
    topic: z.enum(QUIZ_TOPICS),
    question: texts(300),
    // At most 4: with "Tạm dừng" a question stays within Zalo's five buttons per message.
    choices: z.array(texts(CHOICE_MAX_CHARS)).min(2).max(4),
    correct: z.number().int().min(0),
    explanation: texts(400),
    /** The question or its explanation says what the law says: then `source` names the law and article. */
    legal: z.boolean(),
    source: text.optional(),
    reviewedBy: text,
    reviewedAt: z.iso.date(),
  })
  .superRefine((q, ctx) => {
    if (q.correct >= q.choices.length) ctx.addIssue({ code: "custom", path: ["correct"], message: `index ${q.correct} but only ${q.choices.length} choices` });
    if (q.legal && !q.source) ctx.addIssue({ code: "custom", path: ["source"], message: "a legal statement names its source (law and article)" });
    if (!q.legal && q.source) ctx.addIssue({ code: "custom", path: ["legal"], message: "a question with a source is a legal statement (legal: true)" });
    if (q.source && !/^(Bộ luật|Luật|Nghị định) .+, Điều \d+$/.test(q.source)) {
      ctx.addIssue({ code: "custom", path: ["source"], message: "the law and the article: “Bộ luật Hình sự 2015, Điều 174”" });
    }
  });

export type QuizQuestion = z.output<typeof quizQuestionSchema>;
export type QuizTexts = QuizQuestion["question"];

export const quizFileSchema = z
  .object({
    format: z.literal("tin-bao-quiz"),
    version: z.number().int().min(1),
    language: z.string().optional(),
    updatedAt: z.iso.date().optional(),
    note: z.string().optional(),
    questions: z.array(quizQuestionSchema),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.questions.forEach((q, i) => {
      if (seen.has(q.id)) ctx.addIssue({ code: "custom", path: ["questions", i, "id"], message: `duplicate id ${q.id}` });
      seen.add(q.id);
    });
  });

/** Validates a question bank file. Throws a ZodError naming the bad field. */
export function parseQuizFile(json: unknown): { version: number; questions: QuizQuestion[] } {
  const file = quizFileSchema.parse(json);
  return { version: file.version, questions: file.questions };
}
