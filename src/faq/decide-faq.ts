/**
 * What the bot does with a ranking: answer, offer the best candidates as buttons (or ask to
 * rephrase when there is nothing to offer), or pass the question to an officer. Thresholds are
 * data (content/faq/matcher-settings.json).
 *
 * @example decideFaq([{ entryId: "goi-113", score: 9, confidence: 0.8 }], thresholds).kind // "answer"
 */
import type { DecisionThresholds, FaqCandidate, FaqDecision } from "./types.ts";

export function decideFaq(candidates: readonly FaqCandidate[], thresholds: DecisionThresholds, { noWords = false } = {}): FaqDecision {
  if (noWords) return { kind: "clarify", reason: "no-words", candidates: [] };
  const [top, second] = candidates;
  if (!top || top.confidence < thresholds.clarify) {
    return { kind: "handoff", reason: "low-confidence", candidates: candidates.slice(0, thresholds.maxCandidates) };
  }
  const lead = top.confidence - (second?.confidence ?? 0);
  if (top.confidence >= thresholds.answer && lead >= thresholds.margin) {
    return { kind: "answer", reason: "confident", candidates: [top] };
  }
  const offered = candidates
    .filter((c) => c.confidence >= thresholds.clarify && top.confidence - c.confidence <= thresholds.candidateSpread)
    .slice(0, thresholds.maxCandidates);
  return { kind: "clarify", reason: "ambiguous", candidates: offered };
}
