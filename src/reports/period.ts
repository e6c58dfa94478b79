/**
 * Report periods in Vietnam days (UTC+7, no daylight saving): whole days YYYY-MM-DD, both ends inclusive, the
 * same days the queue's from/to filter means.
 *
 * @example periodBounds({ from: "2026-01-01", to: "2026-01-31" }) // [2025-12-31T17:00Z, 2026-01-31T17:00Z)
 */
import type { ReportPeriod } from "./summary-types.ts";

const DAY = 86_400_000;
const DAY_SHAPE = /^\d{4}-\d{2}-\d{2}$/;

/** Is this a real calendar day written YYYY-MM-DD ("2026-02-30" is not)? */
export function isDay(day: string): boolean {
  if (!DAY_SHAPE.test(day)) return false;
  const at = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === day;
}

/** Midnight in Vietnam at the start of the day. */
export function vietnamDayStart(day: string): Date {
  return new Date(`${day}T00:00:00+07:00`);
}

/** [start, end) of the period as instants. */
export function periodBounds(period: ReportPeriod): { start: Date; end: Date } {
  return { start: vietnamDayStart(period.from), end: vietnamDayStart(addDays(period.to, 1)) };
}

/** The Vietnam day an instant falls on. */
export function vietnamDay(at: Date): string {
  return new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
}

/** Days in the period, both ends counted. */
export function periodDays(period: ReportPeriod): number {
  return Math.round((Date.parse(`${period.to}T00:00:00Z`) - Date.parse(`${period.from}T00:00:00Z`)) / DAY) + 1;
}

/** The same day `months` months later (or earlier), the month's last day when it has no such day (31/03 − 1 → 28/02). */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}

/** The period of the same length that ends the day before this one starts. */
export function previousPeriod(period: ReportPeriod): ReportPeriod {
  const n = periodDays(period);
  return { from: addDays(period.from, -n), to: addDays(period.from, -1) };
}

/** The same dates a year earlier (29/02 becomes 28/02). */
export function yearEarlier(period: ReportPeriod): ReportPeriod {
  return { from: addMonths(period.from, -12), to: addMonths(period.to, -12) };
}

/** Day buckets up to 31 days, weeks (Monday first) up to 6 months, months beyond. */
export function seriesUnit(period: ReportPeriod): "day" | "week" | "month" {
  if (periodDays(period) <= 31) return "day";
  if (period.to < addMonths(period.from, 6)) return "week";
  return "month";
}

/** The first day of the bucket a day belongs to, never before the period's first day. */
export function bucketStart(day: string, unit: "day" | "week" | "month", from: string): string {
  let start = day;
  if (unit === "week") {
    const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0
    start = addDays(day, -weekday);
  } else if (unit === "month") {
    start = `${day.slice(0, 7)}-01`;
  }
  return start < from ? from : start;
}

/** Every bucket's first day in the period, in order. */
export function bucketStarts(period: ReportPeriod, unit: "day" | "week" | "month"): string[] {
  const starts: string[] = [];
  for (let day = period.from; day <= period.to; day = addDays(day, 1)) {
    const start = bucketStart(day, unit, period.from);
    if (starts.at(-1) !== start) starts.push(start);
  }
  return starts;
}
