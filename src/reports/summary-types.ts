/**
 * The shape of a period report (issue 13): what `GET /api/reports/summary` answers, what the dashboard draws, and
 * what the XLSX, CSV and print formats lay out. One computation (src/reports/summarize.ts) feeds them all, so every
 * number agrees across formats and with the queue for the same filter.
 *
 * Counts are keyed by the stored code (category "drugs", channel "zalo", status "new", commune code "21484",
 * language "hre", outcome "prosecuted"); the Vietnamese labels are in `labels`. A key with no tips is present
 * with 0 for fixed lists (categories, channels, statuses, languages, outcomes) and absent for communes.
 *
 * Periods are whole days in Vietnam time (UTC+7): a tip belongs to the period when its `createdAt` is in
 * [from 00:00, to + 1 day 00:00) Vietnam time, exactly as the queue's from/to filter.
 */

/** `from`/`to`: YYYY-MM-DD, both inclusive. */
export interface ReportPeriod {
  from: string;
  to: string;
}

/** The filter a report is for. `unitId`: tips routed to that unit now (as the queue's unit filter). */
export interface ReportFilter extends ReportPeriod {
  unitId?: string;
}

/** Time to a step (acknowledge, settle) of the tips that reached it in the period, against its deadline. */
export interface DurationStats {
  /** Tips that reached the step. */
  count: number;
  /** Hours, rounded to 0.1; null when count is 0. */
  medianHours: number | null;
  p90Hours: number | null;
  /** Reached the step after its deadline. */
  late: number;
  /** Not reached yet and its deadline has passed (open tips only). */
  overdueNow: number;
}

export interface TipCounts {
  total: number;
  byCategory: Record<string, number>;
  byChannel: Record<string, number>;
  byStatus: Record<string, number>;
  byCommune: Record<string, number>;
  byLanguage: Record<string, number>;
  /** Closed tips by outcome. */
  byOutcome: Record<string, number>;
  urgent: number;
  /** Tips with no commune (place unknown). Also counted in total, never in byCommune. */
  withoutCommune: number;
}

/** One bucket of the time series (start: YYYY-MM-DD in Vietnam time, the bucket's first day). */
export interface SeriesPoint {
  start: string;
  total: number;
  byCategory: Record<string, number>;
}

export interface TipReport extends TipCounts {
  /** Status funnel: received (all), acknowledged (reached "received" or beyond), settled (closed, rejected, duplicate). */
  funnel: { received: number; acknowledged: number; settled: number };
  acknowledge: DurationStats;
  settle: DurationStats;
  /** Open tips of the filter (any creation date) whose current deadline has passed now. */
  overdueNow: number;
  series: { unit: "day" | "week" | "month"; points: SeriesPoint[] };
}

/** Questions have no unit: a unit's report carries the province's figures here (say so where it is shown). */
export interface QuestionReport {
  /** Questions answered by the knowledge base without an officer. */
  answeredByBot: number;
  /** Questions handed to officers: answered by one, still open, closed without answer. */
  answeredByOfficer: number;
  open: number;
  closed: number;
}

/**
 * Outreach has no unit: a unit's report carries the province's figures here. Sent/failed/skipped: CampaignDelivery
 * rows by sentAt (sent) or last change (failed, skipped) in the period; subscribers: residents whose last consent
 * change before the period's end left them subscribed (ConsentEvent); quiz: attempts started in the period.
 */
export interface OutreachReport {
  /** Campaigns that sent at least one message in the period. */
  campaigns: number;
  /** Messages delivered (sent) in the period, and distinct residents reached. */
  sent: number;
  reached: number;
  failed: number;
  skipped: number;
  /** Subscribers at the end of the period; new subscriptions and opt-outs in it. */
  subscribers: number;
  subscribed: number;
  optedOut: number;
  quiz: { attempts: number; participants: number; completed: number };
}

/** A number now, before, and the change (percent null when before is 0). */
export interface Change {
  current: number;
  previous: number;
  difference: number;
  percent: number | null;
}

export interface PeriodComparison {
  period: ReportPeriod;
  tips: { total: Change; byCategory: Record<string, Change>; byCommune: Record<string, Change> };
  questions: { answeredByBot: Change; answeredByOfficer: Change };
  outreach: { sent: Change; reached: Change; quizParticipants: Change };
}

export interface ReportSummary {
  period: ReportPeriod;
  unitId: string | null;
  /** "Toàn tỉnh" or the unit's name. */
  scopeName: string;
  /** ISO time the numbers were read. */
  generatedAt: string;
  tips: TipReport;
  questions: QuestionReport;
  outreach: OutreachReport;
  /** The period of the same length just before, and the same dates a year earlier. */
  previousPeriod: PeriodComparison;
  yearEarlier: PeriodComparison;
  /** Vietnamese labels for every key used above: labels.category.drugs = "Ma túy", labels.commune["21484"] = "Xã Ba Tơ". */
  labels: {
    category: Record<string, string>;
    channel: Record<string, string>;
    status: Record<string, string>;
    language: Record<string, string>;
    outcome: Record<string, string>;
    commune: Record<string, string>;
  };
}
