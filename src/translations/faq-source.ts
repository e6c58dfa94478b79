/**
 * FAQ answers as translation entries ("faq:<entryId>"): the Vietnamese answer of each enabled entry, and the
 * write-through of an approved Hre/Co answer into the entry's `answersJson` slot, which the knowledge base serves
 * on the next message (its index is rebuilt when a row's `updatedAt` moves, src/faq/faq-store.ts).
 *
 * @example await faqSource.applyReviewed!(tx, "hre", "faq:goi-113", "[hre test] …")
 */
import type { Tx } from "../db/client.ts";
import { toFaqEntry, type FaqRow } from "../faq/faq-store.ts";
import { MESSAGE_LIMITS, type SourceEntry, type TranslationSource } from "./translation-sources.ts";

const PREFIX = "faq:";

function entryOf(row: FaqRow): SourceEntry {
  const entry = toFaqEntry(row);
  return {
    key: `${PREFIX}${row.id}`,
    source: entry.answer.vi,
    area: "faq",
    context: {
      where: `Câu trả lời của mục hỏi đáp «${entry.questions[0]}»: bot gửi khi người dân hỏi điều này.`,
      ...(entry.links?.length ? { buttons: entry.links.map((l) => l.label) } : {}),
      limits: { ...MESSAGE_LIMITS },
    },
  };
}

export const faqSource: TranslationSource = {
  area: "faq",
  label: "Câu trả lời hỏi đáp",
  async entries(db) {
    const rows = await db.faqEntry.findMany({ where: { disabled: false }, orderBy: { id: "asc" } });
    return rows.map(entryOf);
  },
  async find(db, key) {
    if (!key.startsWith(PREFIX)) return undefined;
    const row = await db.faqEntry.findUnique({ where: { id: key.slice(PREFIX.length) } });
    return row && !row.disabled ? entryOf(row) : undefined;
  },
  async applyReviewed(tx, lang, key, text) {
    await writeAnswer(tx, lang, key, text);
  },
};

/** Puts the reviewed answer in the entry's language slot (null takes it out); the answer's version goes up. */
async function writeAnswer(tx: Tx, lang: string, key: string, text: string | null): Promise<void> {
  if (!key.startsWith(PREFIX) || lang === "vi") return;
  const id = key.slice(PREFIX.length);
  const row = await tx.faqEntry.findUnique({ where: { id } });
  if (!row) return;
  const answers = JSON.parse(row.answersJson) as Record<string, string | null>;
  if ((answers[lang] ?? null) === text) return;
  answers[lang] = text;
  await tx.faqEntry.update({ where: { id }, data: { answersJson: JSON.stringify(answers), version: { increment: 1 } } });
}
