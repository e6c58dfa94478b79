/**
 * The 19/8 quiz as translation entries: per question "quiz:<id>.question", "quiz:<id>.option<n>" (n = 1…4, the
 * answer buttons) and "quiz:<id>.explanation". An approved Hre/Co text is written into the question row's language
 * slot (`questionJson`, `choicesJson[n-1]`, `explanationJson`), which the quiz reads on every turn.
 *
 * @example await quizSource.applyReviewed!(tx, "cua", "quiz:goi-113.option2", "[cua test] …")
 */
import type { Tx } from "../db/client.ts";
import { AppError } from "../http/errors.ts";
import { CHOICE_MAX_CHARS, type QuizTexts } from "../quiz/content-schema.ts";
import { toQuizQuestion, type QuizQuestionRow } from "../quiz/quiz-store.ts";
import { viBotText } from "./vi-bot-text.ts";
import { MESSAGE_LIMITS, type ChannelLimits, type SourceEntry, type TranslationSource } from "./translation-sources.ts";

const PREFIX = "quiz:";
/** Not "quiz": that is the bot's own quiz prompts (locales/vi/bot.json). */
const AREA = "quiz-bank";
const PART = /^quiz:([a-z0-9-]{1,40})\.(question|explanation|option([1-4]))$/;

/** A choice is a button: the bank's own limit for the Vietnamese text holds for every language. */
const CHOICE_LIMITS: ChannelLimits = { telegram: CHOICE_MAX_CHARS, zalo: CHOICE_MAX_CHARS, webchat: CHOICE_MAX_CHARS };

function entriesOf(row: QuizQuestionRow): SourceEntry[] {
  const q = toQuizQuestion(row);
  const number = `câu ${row.position}${row.approvedAt ? "" : " (chưa được duyệt, người dân chưa gặp)"}`;
  const optionKeys = q.choices.map((_, i) => `${PREFIX}${q.id}.option${i + 1}`);
  const buttons = q.choices.map((c) => c.vi);
  return [
    {
      key: `${PREFIX}${q.id}.question`,
      source: q.question.vi,
      area: AREA,
      context: {
        where: `Cuộc thi 19/8, ${number}: câu hỏi. Bot thêm «Câu 1/10» phía trước; các đáp án là nút bấm bên dưới.`,
        buttons: [...buttons, viBotText("quiz.stop")],
        buttonKeys: [...optionKeys, "quiz.stop"],
        limits: { ...MESSAGE_LIMITS },
      },
    },
    ...q.choices.map((choice, i) => ({
      key: optionKeys[i]!,
      source: choice.vi,
      area: AREA,
      context: {
        where: `Cuộc thi 19/8, ${number}: đáp án ${i + 1} (chữ trên nút bấm; người dân cũng có thể gõ lại đúng chữ này). Câu hỏi: «${q.question.vi}»`,
        limits: { ...CHOICE_LIMITS },
      },
    })),
    {
      key: `${PREFIX}${q.id}.explanation`,
      source: q.explanation.vi,
      area: AREA,
      context: { where: `Cuộc thi 19/8, ${number}: lời giải thích bot gửi sau khi người dân trả lời. Câu hỏi: «${q.question.vi}»`, limits: { ...MESSAGE_LIMITS } },
    },
  ];
}

export const quizSource: TranslationSource = {
  area: AREA,
  label: "Câu hỏi cuộc thi 19/8",
  async entries(db) {
    const rows = await db.quizQuestion.findMany({ orderBy: [{ position: "asc" }, { id: "asc" }] });
    return rows.flatMap(entriesOf);
  },
  async find(db, key) {
    const m = PART.exec(key);
    if (!m) return undefined;
    const row = await db.quizQuestion.findUnique({ where: { id: m[1]! } });
    return row ? entriesOf(row).find((e) => e.key === key) : undefined;
  },
  async applyReviewed(tx, lang, key, text) {
    await writeQuizText(tx, lang, key, text);
  },
};

/** Puts the reviewed text in its slot of the question row (null takes it out). */
async function writeQuizText(tx: Tx, lang: string, key: string, text: string | null): Promise<void> {
  const m = PART.exec(key);
  if (!m || lang === "vi") return;
  const row = await tx.quizQuestion.findUnique({ where: { id: m[1]! } });
  if (!row) return;
  const set = (texts: QuizTexts): boolean => {
    if ((texts[lang] ?? null) === text) return false;
    texts[lang] = text;
    return true;
  };
  if (m[2] === "question") {
    const texts = JSON.parse(row.questionJson) as QuizTexts;
    if (set(texts)) await tx.quizQuestion.update({ where: { id: row.id }, data: { questionJson: JSON.stringify(texts) } });
  } else if (m[2] === "explanation") {
    const texts = JSON.parse(row.explanationJson) as QuizTexts;
    if (set(texts)) await tx.quizQuestion.update({ where: { id: row.id }, data: { explanationJson: JSON.stringify(texts) } });
  } else {
    const choices = JSON.parse(row.choicesJson) as QuizTexts[];
    const choice = choices[Number(m[3]) - 1];
    if (!choice) return;
    if (text !== null && [...text].length > CHOICE_MAX_CHARS) {
      throw new AppError("validation_failed", `Đáp án là chữ trên nút bấm nên dài tối đa ${CHOICE_MAX_CHARS} ký tự; bản dịch này dài ${[...text].length} ký tự. Hãy viết ngắn lại.`);
    }
    if (set(choice)) await tx.quizQuestion.update({ where: { id: row.id }, data: { choicesJson: JSON.stringify(choices) } });
  }
}
