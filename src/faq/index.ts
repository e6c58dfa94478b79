/**
 * The knowledge base and its matcher: pure functions over data, no database. The integrator
 * builds one index at start-up (and again when entries change) and calls `matchFaq` per message.
 *
 * @example
 * const index = createFaqIndex(loadStarterEntries()); // or entries from the database
 * const decision = matchFaq(index, "ko co cccd thi lam sao");
 * // { kind: "answer", reason: "confident", candidates: [{ entryId: "mat-can-cuoc", … }] }
 */
export type * from "./types.ts";
export { createFaqIndex, type FaqIndex, type FaqIndexOptions } from "./create-faq-index.ts";
export { DEFAULT_ABBREVIATIONS, DEFAULT_MATCHER_SETTINGS } from "./default-options.ts";
export { rankFaq, rankFaqQuery, type FaqRanking } from "./rank-faq.ts";
export { decideFaq } from "./decide-faq.ts";
export { decideRanking, matchFaq } from "./match-faq.ts";
export { pickAnswer, type PickedAnswer } from "./pick-answer.ts";
export { classifyFreeText, explainFreeText, type FreeTextExplanation } from "./classify-free-text.ts";
export { analyzeText, accentKey, type AnalyzedText, type Word } from "./analyze-text.ts";
export { parseFaqFile, parseAbbreviations, parseMatcherSettings, toFaqFile } from "./content-schema.ts";
export {
  DEFAULT_FAQ_CONTENT_DIR,
  loadStarterEntries,
  loadAbbreviations,
  loadMatcherSettings,
  loadMatcherOptions,
} from "./load-faq-content.ts";
