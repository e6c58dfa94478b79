/**
 * One call for the conversation engine: rank the message, then decide.
 *
 * @example
 * const decision = matchFaq(index, "bi lua chuyen tien r phai lam sao");
 * if (decision.kind === "answer") send(pickAnswer(index.byId.get(decision.candidates[0]!.entryId)!, lng));
 */
import type { FaqIndex } from "./create-faq-index.ts";
import { decideFaq } from "./decide-faq.ts";
import { rankFaqQuery } from "./rank-faq.ts";
import type { FaqDecision } from "./types.ts";

export function matchFaq(index: FaqIndex, text: string): FaqDecision {
  const { thresholds } = index.settings;
  const ranking = rankFaqQuery(index, text, Math.max(5, thresholds.maxCandidates + 1));
  return decideFaq(ranking.candidates, thresholds, { noWords: ranking.words === 0 });
}
