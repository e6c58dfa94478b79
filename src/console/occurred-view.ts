/**
 * When a tip happened, as the console shows it: the range in plain Vietnamese (the wording the
 * resident confirmed, describeTimeRange) and its ends, beside the resident's own words. Never one
 * exact time. Tips filed before ranges were stored (occurredAt held an invented clock time) get the
 * range their button meant, counted from when they were filed; typed words alone stay words.
 *
 * @example occurredView({ occurredFrom, occurredTo, occurredText: "tối qua", createdAt })
 * // { occurredFrom: "2026-12-01T11:00:00.000Z", occurredTo: "2026-12-01T15:00:00.000Z",
 * //   occurredLabel: "buổi tối 01/12/2026 (18:00–22:00)", occurredText: "tối qua" }
 */
import { describeTimeRange, rangeOfChoice, type TimeRange, type WhenChoice } from "../text/parse-time.ts";

export interface OccurredView {
  occurredFrom: string | null;
  occurredTo: string | null;
  occurredLabel: string | null;
  occurredText: string | null;
}

const BUTTONS: readonly string[] = ["now", "today", "yesterday", "earlier"] satisfies WhenChoice[];

export function occurredView(tip: { occurredFrom: Date | null; occurredTo: Date | null; occurredText: string | null; createdAt: Date }): OccurredView {
  let range: TimeRange | null = tip.occurredFrom && tip.occurredTo ? { from: tip.occurredFrom, to: tip.occurredTo } : null;
  if (!range && tip.occurredText && BUTTONS.includes(tip.occurredText)) range = rangeOfChoice(tip.occurredText as WhenChoice, tip.createdAt);
  return {
    occurredFrom: range?.from.toISOString() ?? null,
    occurredTo: range?.to.toISOString() ?? null,
    occurredLabel: range ? describeTimeRange(range) : null,
    occurredText: tip.occurredText,
  };
}
