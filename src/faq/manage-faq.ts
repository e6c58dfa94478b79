/**
 * Writing the knowledge base through the console API: create, edit (each change bumps the
 * version), disable, import a staff file and export one. Every write is audited; the matcher
 * index picks the change up on the next message (src/faq/faq-store.ts).
 */
import type { AppContext } from "../context.ts";
import type { Tx } from "../db/client.ts";
import { AppError } from "../http/errors.ts";
import { recordAudit } from "../officers/record-audit.ts";
import type { SignedInOfficer } from "../officers/roles.ts";
import { parseFaqFile, toFaqFile } from "./content-schema.ts";
import { toFaqEntry, toFaqRow, type FaqRow } from "./faq-store.ts";
import type { FaqEntry } from "./types.ts";

type Ctx = Pick<AppContext, "db" | "now">;

export interface FaqEntryView extends FaqEntry {
  disabled: boolean;
  updatedAt: string;
}

export function toView(row: FaqRow): FaqEntryView {
  return { ...toFaqEntry(row), disabled: row.disabled, updatedAt: row.updatedAt.toISOString() };
}

export async function listFaqEntries(ctx: Ctx): Promise<FaqEntryView[]> {
  return (await ctx.db.faqEntry.findMany({ orderBy: { id: "asc" } })).map(toView);
}

export async function exportFaq(ctx: Ctx) {
  const rows = await ctx.db.faqEntry.findMany({ where: { disabled: false }, orderBy: { id: "asc" } });
  return toFaqFile(rows.map(toFaqEntry));
}

/**
 * The Hre and Co answers belong to the translators' workbench (src/translations/faq-source.ts writes an answer a
 * second speaker approved): an editor's save or a staff file keeps them; a different text given here is refused,
 * a null or a missing one leaves the approved answer as it is.
 */
export function keepWorkbenchAnswers(entry: Pick<FaqEntry, "answer" | "questions">, stored: FaqEntry["answer"] | undefined): FaqEntry["answer"] {
  const kept: FaqEntry["answer"] = { vi: entry.answer.vi };
  for (const [lang, text] of Object.entries(entry.answer)) {
    if (lang === "vi") continue;
    const approved = stored?.[lang] ?? null;
    if (text !== null && text !== undefined && text !== approved) {
      const name = lang === "hre" ? "tiếng Hrê" : lang === "cua" ? "tiếng Co" : "tiếng dân tộc";
      throw new AppError(
        "validation_failed",
        `Mục «${entry.questions[0] ?? ""}»: câu trả lời ${name} được viết và duyệt trên Bàn dịch (một người biết tiếng viết, một người khác biết tiếng duyệt), không nhập ở đây. Hãy để trống phần ${name}.`,
      );
    }
    kept[lang] = null;
  }
  for (const [lang, text] of Object.entries(stored ?? {})) if (lang !== "vi") kept[lang] = text ?? null;
  return kept;
}

export async function createFaqEntry(ctx: Ctx, entry: FaqEntry, officer: SignedInOfficer, ip: string | null, tx: Tx = ctx.db): Promise<FaqEntryView> {
  if (await tx.faqEntry.findUnique({ where: { id: entry.id } })) throw new AppError("conflict", `Đã có mục hỏi đáp mã ${entry.id}.`);
  const row = await tx.faqEntry.create({ data: toFaqRow({ ...entry, answer: keepWorkbenchAnswers(entry, undefined) }) });
  await recordAudit(ctx, { officerId: officer.id, action: "faq.create", targetType: "faq", targetId: row.id, ip }, tx);
  return toView(row);
}

export interface FaqChanges {
  tags?: string[] | undefined;
  questions?: string[] | undefined;
  answer?: FaqEntry["answer"] | undefined;
  links?: FaqEntry["links"] | undefined;
  alsoAnswers?: string[] | undefined;
  reviewedBy?: string | undefined;
  reviewedAt?: string | undefined;
  disabled?: boolean | undefined;
}

export async function updateFaqEntry(ctx: Ctx, id: string, changes: FaqChanges, officer: SignedInOfficer, ip: string | null): Promise<FaqEntryView> {
  return ctx.db.$transaction(async (tx) => {
    const row = await tx.faqEntry.findUnique({ where: { id } });
    if (!row) throw new AppError("not_found", "Không tìm thấy mục hỏi đáp.");
    const current = toFaqEntry(row);
    const { disabled, ...content } = changes;
    const defined = Object.fromEntries(Object.entries(content).filter(([, v]) => v !== undefined));
    const contentChanged = Object.keys(defined).length > 0;
    const next: FaqEntry = { ...current, ...defined, version: contentChanged ? current.version + 1 : current.version };
    next.answer = keepWorkbenchAnswers(next, current.answer);
    const updated = await tx.faqEntry.update({
      where: { id },
      data: { ...toFaqRow(next), ...(disabled !== undefined ? { disabled } : {}) },
    });
    await recordAudit(ctx, { officerId: officer.id, action: "faq.update", targetType: "faq", targetId: id, data: { fields: Object.keys(changes) }, ip }, tx);
    return toView(updated);
  });
}

/** Adds new entries and replaces changed ones (the file's version wins only when it is newer or the text differs). */
export async function importFaq(ctx: Ctx, file: unknown, officer: SignedInOfficer, ip: string | null): Promise<{ created: number; updated: number; unchanged: number }> {
  const { entries } = parseFaqFile(file);
  return ctx.db.$transaction(async (tx) => {
    let created = 0;
    let updated = 0;
    let unchanged = 0;
    for (const entry of entries) {
      const row = await tx.faqEntry.findUnique({ where: { id: entry.id } });
      const data = toFaqRow({ ...entry, answer: keepWorkbenchAnswers(entry, row ? toFaqEntry(row).answer : undefined) });
      if (!row) {
        await tx.faqEntry.create({ data });
        created++;
        continue;
      }
      const same = JSON.stringify(toFaqRow(toFaqEntry(row))) === JSON.stringify({ ...data, version: row.version });
      if (same) {
        unchanged++;
        continue;
      }
      await tx.faqEntry.update({ where: { id: entry.id }, data: { ...data, version: Math.max(entry.version, row.version + 1) } });
      updated++;
    }
    await recordAudit(ctx, { officerId: officer.id, action: "faq.import", targetType: "faq", data: { created, updated, unchanged }, ip }, tx);
    return { created, updated, unchanged };
  });
}
