/**
 * The knowledge base in the database (FaqEntry rows): seeded from content/faq/starter.json when
 * the table is empty, read back as `FaqEntry` values, and one matcher index per process that is
 * rebuilt when the rows change (the count and the latest `updatedAt` are compared per message).
 */
import type { Tx } from "../db/client.ts";
import { createFaqIndex, type FaqIndex } from "./create-faq-index.ts";
import { faqEntrySchema } from "./content-schema.ts";
import { loadMatcherOptions, loadStarterEntries } from "./load-faq-content.ts";
import type { FaqEntry } from "./types.ts";

type Db = Pick<Tx, "faqEntry">;

export interface FaqRow {
  id: string;
  version: number;
  tagsJson: string;
  questionsJson: string;
  answersJson: string;
  linksJson: string;
  alsoAnswersJson: string;
  reviewedBy: string;
  reviewedAt: string;
  updatedAt: Date;
  disabled: boolean;
}

export function toFaqEntry(row: FaqRow): FaqEntry {
  const links = JSON.parse(row.linksJson) as FaqEntry["links"];
  const alsoAnswers = JSON.parse(row.alsoAnswersJson || "[]") as string[];
  return {
    id: row.id,
    version: row.version,
    tags: JSON.parse(row.tagsJson) as string[],
    questions: JSON.parse(row.questionsJson) as string[],
    answer: JSON.parse(row.answersJson) as FaqEntry["answer"],
    ...(links && links.length ? { links } : {}),
    ...(alsoAnswers.length ? { alsoAnswers } : {}),
    reviewedBy: row.reviewedBy,
    reviewedAt: row.reviewedAt,
  };
}

/** Row fields for an entry (validated with the file schema first). */
export function toFaqRow(entry: FaqEntry): Omit<FaqRow, "updatedAt" | "disabled"> {
  const e = faqEntrySchema.parse(entry);
  return {
    id: e.id,
    version: e.version,
    tagsJson: JSON.stringify(e.tags),
    questionsJson: JSON.stringify(e.questions),
    answersJson: JSON.stringify(e.answer),
    linksJson: JSON.stringify(e.links ?? []),
    alsoAnswersJson: JSON.stringify(e.alsoAnswers ?? []),
    reviewedBy: e.reviewedBy,
    reviewedAt: e.reviewedAt,
  };
}

/** Fills an empty table with the starter content; returns how many entries were added. */
export async function seedFaqEntries(db: Db, entries: readonly FaqEntry[] = loadStarterEntries()): Promise<number> {
  if ((await db.faqEntry.count()) > 0) return 0;
  await db.faqEntry.createMany({ data: entries.map(toFaqRow) });
  return entries.length;
}

let cached: { stamp: string; index: FaqIndex } | undefined;
let options: ReturnType<typeof loadMatcherOptions> | undefined;

/** The matcher index over the enabled entries, rebuilt only when the table changed. */
export async function currentFaqIndex(db: Db): Promise<FaqIndex> {
  const agg = await db.faqEntry.aggregate({ _count: { _all: true }, _max: { updatedAt: true } });
  const disabled = await db.faqEntry.count({ where: { disabled: true } });
  const stamp = `${agg._count._all}:${disabled}:${agg._max.updatedAt?.toISOString() ?? "-"}`;
  if (cached?.stamp === stamp) return cached.index;
  const rows = await db.faqEntry.findMany({ where: { disabled: false }, orderBy: { id: "asc" } });
  options ??= loadMatcherOptions();
  const index = createFaqIndex(rows.map(toFaqEntry), options);
  cached = { stamp, index };
  return index;
}
