/**
 * Ready campaign templates for the 19/8 Festival peak period (content/campaign-templates/festival.json),
 * written by the team in Vietnamese only (Hre and Co are written by native speakers, never here).
 * A template's weekly reminder is stored as month-day ("08-01" … "09-30") and resolved for a festival
 * year when the console asks; "[…]" marks a placeholder the editor must replace before saving.
 *
 * @example resolveTemplates(loadCampaignTemplates(), festivalYear(new Date()))
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { TOPICS } from "../topics.ts";
import { campaignButtonSchema, type CampaignInput } from "./campaign-input.ts";

export const DEFAULT_CAMPAIGN_TEMPLATES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../content/campaign-templates");
export const TEMPLATE_REVIEW_MARK = "Nhóm phát triển Tin Báo (chưa qua cán bộ nghiệp vụ duyệt)";

/** A placeholder the editor must replace: text in square brackets, e.g. "[địa điểm]". */
export const PLACEHOLDER = /\[[^[\]\n]{1,60}\]/g;

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const monthDay = z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, "MM-DD, e.g. 08-01");

export const campaignTemplateSchema = z
  .object({
    id: z.string().regex(KEBAB, "kebab-case").max(60),
    name: z.string().trim().min(1).max(120),
    description: z.string().trim().min(1).max(300),
    topic: z.enum(TOPICS),
    title: z.string().trim().min(1).max(200),
    text: z.string().trim().min(1).max(3_000),
    buttons: z.array(campaignButtonSchema).max(3),
    /** Weekly reminder within the year: month-day, resolved for the festival year asked for. */
    recurrence: z
      .object({
        weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7),
        from: monthDay,
        to: monthDay,
        time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
      })
      .strict()
      .refine((r) => r.from <= r.to, "from must not be after to")
      .nullable(),
    reviewedBy: z.string().trim().min(1),
    reviewedAt: z.iso.date(),
  })
  .strict();
export type CampaignTemplate = z.infer<typeof campaignTemplateSchema>;

export const campaignTemplateFileSchema = z
  .object({
    format: z.literal("tin-bao-campaign-templates"),
    version: z.number().int().min(1),
    templates: z.array(campaignTemplateSchema).min(1),
  })
  .strict()
  .superRefine((f, ctx) => {
    const seen = new Set<string>();
    f.templates.forEach((t, i) => {
      if (seen.has(t.id)) ctx.addIssue({ code: "custom", message: `duplicate id ${t.id}`, path: ["templates", i, "id"] });
      seen.add(t.id);
    });
  });

export function parseCampaignTemplateFile(data: unknown): CampaignTemplate[] {
  const parsed = campaignTemplateFileSchema.safeParse(data);
  if (!parsed.success) {
    throw new Error(`campaign templates: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return parsed.data.templates;
}

export function loadCampaignTemplates(dir = DEFAULT_CAMPAIGN_TEMPLATES_DIR): CampaignTemplate[] {
  return parseCampaignTemplateFile(JSON.parse(readFileSync(path.join(dir, "festival.json"), "utf8")));
}

/** The placeholders still in these texts, each once, in order of appearance. */
export function placeholdersIn(...texts: string[]): string[] {
  return [...new Set(texts.flatMap((t) => t.match(PLACEHOLDER) ?? []))];
}

const VN_OFFSET_MS = 7 * 3_600_000;
/**
 * The festival year the console prepares for: this year up to and including 30 September (Vietnam
 * time, the last day of the peak period), the next year after it.
 */
export function festivalYear(now: Date): number {
  const vn = new Date(now.getTime() + VN_OFFSET_MS);
  const year = vn.getUTCFullYear();
  const monthDay = `${String(vn.getUTCMonth() + 1).padStart(2, "0")}-${String(vn.getUTCDate()).padStart(2, "0")}`;
  return monthDay <= "09-30" ? year : year + 1;
}

export interface ResolvedTemplate {
  id: string;
  name: string;
  description: string;
  reviewedBy: string;
  /** "[…]" the editor must replace (in the title or the text) before the campaign can be saved. */
  placeholders: string[];
  /** The campaign as POST /api/campaigns takes it, dates of the festival year filled in. */
  campaign: CampaignInput;
}

export function resolveTemplate(t: CampaignTemplate, year: number): ResolvedTemplate {
  const campaign: CampaignInput = {
    title: t.title,
    topic: t.topic,
    variants: { vi: { text: t.text } },
    buttons: t.buttons,
    audience: {},
    scheduledAt: null,
    recurrence: t.recurrence ? { ...t.recurrence, from: `${year}-${t.recurrence.from}`, to: `${year}-${t.recurrence.to}` } : null,
  };
  return { id: t.id, name: t.name, description: t.description, reviewedBy: t.reviewedBy, placeholders: placeholdersIn(t.title, t.text), campaign };
}
