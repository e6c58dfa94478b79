/**
 * Database content joins the workbench: FAQ answers, quiz questions and campaign texts, registered after the
 * bot's own prompts. Imported for its effect by the store (translation-store.ts), so every list, save and approval
 * sees them whichever module was loaded first.
 */
import { campaignSource } from "./campaign-source.ts";
import { faqSource } from "./faq-source.ts";
import { quizSource } from "./quiz-source.ts";
import { registerTranslationSource } from "./translation-sources.ts";

export const contentSources = [faqSource, quizSource, campaignSource];

/** Their pseudo-namespaces: "faq:<id>", "quiz:<id>.<part>", "campaign:<id>". */
export const CONTENT_NAMESPACES = ["faq", "quiz", "campaign"] as const;

for (const source of contentSources) registerTranslationSource(source);
