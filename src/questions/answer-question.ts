/**
 * An officer answers a resident's question: the answer is stored on the Question and queued to
 * the resident through the outbox in the same transaction (so it is sent once, after commit).
 * The chat address is decrypted only to address the outbox row; nothing is logged.
 */
import type { AppContext } from "../context.ts";
import type { ChannelName } from "../channels/types.ts";
import { AppError } from "../http/errors.ts";
import { createTranslator, type Translator } from "../i18n/index.ts";
import { enqueueMessages } from "../outbox/enqueue.ts";
import { recordAudit } from "../officers/record-audit.ts";
import { normalizeText } from "../text/normalize.ts";
import type { SignedInOfficer } from "../officers/roles.ts";
import { createFaqEntry } from "../faq/manage-faq.ts";

let translator: Promise<Translator> | undefined;

export interface AnswerInput {
  questionId: string;
  answer: string;
  officer: SignedInOfficer;
  ip?: string | null;
  /** Also save the answer as a new knowledge-base entry asked these ways (same transaction). */
  saveAsEntry?: { questions: string[] } | undefined;
}

export async function answerQuestion(ctx: Pick<AppContext, "db" | "now" | "vault" | "bus">, input: AnswerInput): Promise<void> {
  translator ??= createTranslator();
  const i18n = await translator;
  await i18n.refresh?.(ctx.db);
  const answer = normalizeText(input.answer);
  if (!answer) throw new AppError("validation_failed", "Câu trả lời không được để trống.");
  const now = ctx.now();
  await ctx.db.$transaction(async (tx) => {
    const question = await tx.question.findUnique({ where: { id: input.questionId } });
    if (!question) throw new AppError("not_found", "Không tìm thấy câu hỏi.");
    if (question.status !== "open") throw new AppError("conflict", "Câu hỏi này đã được trả lời hoặc đã đóng.");
    const updated = await tx.question.updateMany({
      where: { id: question.id, status: "open" },
      data: { status: "answered", answer, answeredAt: now, answeredBy: input.officer.id },
    });
    if (updated.count !== 1) throw new AppError("conflict", "Câu hỏi này vừa được người khác trả lời.");
    let faqEntryId: string | undefined;
    if (input.saveAsEntry) {
      const saved = await createFaqEntry(
        ctx,
        {
          id: `hoi-dap-${question.id.toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 12)}`,
          version: 1,
          tags: ["tu-cau-hoi"],
          questions: input.saveAsEntry.questions,
          answer: { vi: answer },
          reviewedBy: input.officer.displayName,
          reviewedAt: now.toISOString().slice(0, 10),
        },
        input.officer,
        input.ip ?? null,
        tx,
      );
      faqEntryId = saved.id;
      await tx.question.update({ where: { id: question.id }, data: { faqEntryId } });
    }
    const lng = i18n.isLanguage(question.language) ? question.language : "vi";
    await enqueueMessages(tx, ctx.vault, [
      {
        channel: question.channel as ChannelName,
        chatId: ctx.vault.decrypt(question.chatIdEnc),
        ...(question.contactId ? { contactId: question.contactId } : {}),
        message: { text: i18n.t(lng, "question.officerAnswer", { answer }) },
        dedupeKey: `question:${question.id}:answer`,
      },
    ]);
    await recordAudit(ctx, { officerId: input.officer.id, action: "question.answer", targetType: "question", targetId: question.id, ip: input.ip ?? null }, tx);
  });
  ctx.bus.emit("outbox:queued");
}
