/**
 * What the bot does with a ranking: answer, offer the best candidates as buttons (or ask to
 * rephrase when there is nothing to offer), or pass the question to an officer. Thresholds are
 * data (content/faq/matcher-settings.json).
 *
 * The bot answers when one answer is clearly the one: the best entry is sure enough and ahead
 * of the runner-up (`answer`/`margin`), or less sure but far ahead (`answerWhenAhead`/
 * `aheadMargin`). Entries whose answer another entry's answer gives too (`alsoAnswers`: "số khẩn
 * cấp" lists 113, 114, 115, 111) are not rivals of it: when the best candidates are all answered by
 * one of them, that one is the answer. Buttons are offered only between genuinely different answers.
 *
 * @example decideFaq([{ entryId: "goi-113", score: 9, confidence: 0.8 }], thresholds).kind // "answer"
 */
import type { DecisionThresholds, FaqCandidate, FaqDecision } from "./types.ts";

export interface DecideOptions {
  /** Nothing to match (empty, emoji, greetings only): ask to rephrase. */
  noWords?: boolean;
  /** Whether entry `a`'s answer answers entry `b`'s questions too (`FaqIndex.covers`); default: only itself. */
  covers?: (a: string, b: string) => boolean;
}

const itself = (a: string, b: string) => a === b;

function clearlyAhead(confidence: number, lead: number, t: DecisionThresholds): boolean {
  return (confidence >= t.answer && lead >= t.margin) || (confidence >= t.answerWhenAhead && lead >= t.aheadMargin);
}

export function decideFaq(candidates: readonly FaqCandidate[], thresholds: DecisionThresholds, { noWords = false, covers = itself }: DecideOptions = {}): FaqDecision {
  if (noWords) return { kind: "clarify", reason: "no-words", candidates: [] };
  const [top] = candidates;
  if (!top || top.confidence < thresholds.clarify) {
    return { kind: "handoff", reason: "low-confidence", candidates: candidates.slice(0, thresholds.maxCandidates) };
  }
  // The best entry first; then a close one whose answer also answers the best one's question.
  const picks = [top, ...candidates.slice(1).filter((c) => top.confidence - c.confidence <= thresholds.candidateSpread && covers(c.entryId, top.entryId))];
  for (const pick of picks) {
    const rival = candidates.find((c) => !covers(pick.entryId, c.entryId));
    if (clearlyAhead(top.confidence, top.confidence - (rival?.confidence ?? 0), thresholds)) {
      return { kind: "answer", reason: "confident", candidates: [pick] };
    }
  }
  const offered = candidates
    .filter((c) => c.confidence >= thresholds.clarify && top.confidence - c.confidence <= thresholds.candidateSpread)
    .filter((c, i, list) => !list.some((other, j) => j < i && covers(other.entryId, c.entryId) && covers(c.entryId, other.entryId)))
    .slice(0, thresholds.maxCandidates);
  return { kind: "clarify", reason: "ambiguous", candidates: offered };
}
