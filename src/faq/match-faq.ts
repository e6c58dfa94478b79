/**
 * One call for the conversation engine: rank the message, then decide.
 *
 * @example
 * const decision = matchFaq(index, "bi lua chuyen tien r phai lam sao");
 * if (decision.kind === "answer") send(pickAnswer(index.byId.get(decision.candidates[0]!.entryId)!, lng));
 */
import type { FaqIndex } from "./create-faq-index.ts";
import { decideFaq } from "./decide-faq.ts";
import { rankFaqQuery, type FaqRanking } from "./rank-faq.ts";
import type { FaqDecision } from "./types.ts";

/** The decision for a ranking made with this index (its thresholds and its `alsoAnswers`). */
export function decideRanking(index: FaqIndex, ranking: FaqRanking): FaqDecision {
  return decideFaq(ranking.candidates, index.settings.thresholds, { noWords: ranking.words === 0, covers: index.covers });
}

export function matchFaq(index: FaqIndex, text: string): FaqDecision {
  const { thresholds } = index.settings;
  return decideRanking(index, rankFaqQuery(index, text, Math.max(5, thresholds.maxCandidates + 1)));
}
