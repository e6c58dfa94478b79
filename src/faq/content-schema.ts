/**
 * The file formats of the knowledge base (import/export and content/faq/), checked with zod so a
 * bad edit by staff fails with the entry and field it concerns.
 *
 * @example parseFaqFile(JSON.parse(readFileSync("content/faq/starter.json", "utf8"))).entries
 */
import { z } from "zod";
import type { Abbreviation, FaqEntry, MatcherSettings } from "./types.ts";

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const nfc = (s: string) => s.normalize("NFC");
const text = z.string().trim().min(1).transform(nfc);

const answerSchema = z
  .object({ vi: text })
  .catchall(text.nullable())
  .refine((a) => Object.keys(a).every((k) => /^[a-z]{2,3}$/.test(k)), "answer keys are language codes (vi, hre, cua)");

export const faqEntrySchema = z.object({
  id: z.string().regex(KEBAB, "kebab-case, e.g. mat-can-cuoc"),
  version: z.number().int().min(1),
  tags: z.array(z.string().regex(KEBAB, "kebab-case tag")),
  questions: z.array(text).min(1),
  answer: answerSchema,
  links: z.array(z.object({ label: text, url: z.url({ protocol: /^https?$/ }) })).optional(),
  alsoAnswers: z.array(z.string().regex(KEBAB, "id of another entry, e.g. goi-113")).optional(),
  reviewedBy: text,
  reviewedAt: z.iso.date(),
});

export const faqFileSchema = z
  .object({
    format: z.literal("tin-bao-faq"),
    version: z.number().int().min(1),
    language: z.string().optional(),
    updatedAt: z.iso.date().optional(),
    note: z.string().optional(),
    entries: z.array(faqEntrySchema),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.entries.forEach((entry, i) => {
      if (seen.has(entry.id)) ctx.addIssue({ code: "custom", path: ["entries", i, "id"], message: `duplicate id ${entry.id}` });
      seen.add(entry.id);
      if (entry.alsoAnswers?.includes(entry.id)) ctx.addIssue({ code: "custom", path: ["entries", i, "alsoAnswers"], message: "an entry always answers itself" });
    });
  });

export const abbreviationsFileSchema = z.object({
  format: z.literal("tin-bao-abbreviations"),
  version: z.number().int().min(1),
  note: z.string().optional(),
  abbreviations: z.array(
    z.object({
      typed: z.array(text.transform((s) => s.toLowerCase())).min(1),
      means: text.transform((s) => s.toLowerCase()),
      keepTyped: z.boolean().optional(),
      note: z.string().optional(),
    }),
  ),
});

const weight = z.number().min(0);
const share = z.number().min(0).max(1);

export const matcherSettingsSchema = z.object({
  format: z.literal("tin-bao-faq-matcher").optional(),
  version: z.number().int().min(1),
  note: z.string().optional(),
  limits: z.object({ maxChars: z.number().int().min(20), maxWords: z.number().int().min(3) }),
  weights: z.object({
    k1: weight,
    b: share,
    fieldQuestions: weight,
    fieldTags: weight,
    fieldAnswer: weight,
    bigram: weight,
    coverage: weight,
    pairs: weight,
    trigram: weight,
    bm25: weight,
    bm25Half: z.number().positive(),
    accent: weight,
    unknownWord: weight,
    unknownPair: weight,
  }),
  fuzzy: z.object({
    spelling: share,
    edit1: share,
    edit2: share,
    minLengthEdit1: z.number().int().min(2),
    minLengthEdit2: z.number().int().min(3),
    split: share,
  }),
  thresholds: z
    .object({
      answer: share,
      margin: share,
      answerWhenAhead: share,
      aheadMargin: share,
      clarify: share,
      maxCandidates: z.number().int().min(1).max(10),
      candidateSpread: share,
    })
    .refine((t) => t.clarify <= t.answer, "clarify must not be above answer")
    .refine((t) => t.clarify <= t.answerWhenAhead && t.answerWhenAhead <= t.answer, "answerWhenAhead must be between clarify and answer")
    .refine((t) => t.aheadMargin >= t.margin, "aheadMargin must not be below margin"),
  stopwords: z.array(z.string()),
});

export interface FaqFile {
  version: number;
  entries: FaqEntry[];
}

/** Validates a knowledge-base file (starter content or a staff export). Throws a ZodError naming the bad field. */
export function parseFaqFile(json: unknown): FaqFile {
  const file = faqFileSchema.parse(json);
  return { version: file.version, entries: file.entries as FaqEntry[] };
}

export function parseAbbreviations(json: unknown): Abbreviation[] {
  return abbreviationsFileSchema.parse(json).abbreviations;
}

export function parseMatcherSettings(json: unknown): MatcherSettings {
  const { format: _format, note: _note, ...settings } = matcherSettingsSchema.parse(json);
  return settings;
}

/** The knowledge-base file for a list of entries (export for bulk editing). */
export function toFaqFile(entries: readonly FaqEntry[], version = 1): { format: "tin-bao-faq"; version: number; entries: FaqEntry[] } {
  return { format: "tin-bao-faq", version, entries: [...entries] };
}
