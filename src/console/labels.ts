/** Vietnamese labels of the stored codes officers see (categories, channels, languages), read once from the same sources the bot uses. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { DEFAULT_LOCALES_DIR, loadLanguages } from "../i18n/index.ts";
import { TIP_CATEGORIES } from "../tips/categories.ts";

export const CHANNEL_LABELS: Record<string, string> = { webchat: "Web chat", telegram: "Telegram", zalo: "Zalo" };

let categoryLabels: Record<string, string> | undefined;

/** "drugs" → "Ma túy" (the report flow's button text in Vietnamese). */
export function categoryLabel(category: string): string {
  categoryLabels ??= (JSON.parse(readFileSync(path.join(DEFAULT_LOCALES_DIR, "vi", "bot.json"), "utf8")) as { report: { categories: Record<string, string> } }).report.categories;
  return categoryLabels[category] ?? category;
}

export function categoryLabelMap(): Record<string, string> {
  return Object.fromEntries(TIP_CATEGORIES.map((c) => [c, categoryLabel(c)]));
}

let languageLabels: Record<string, string> | undefined;

/** "hre" → "Tiếng Hrê" (languages.json). */
export function languageLabelMap(): Record<string, string> {
  languageLabels ??= Object.fromEntries(loadLanguages().map((l) => [l.code, l.label]));
  return { ...languageLabels };
}
