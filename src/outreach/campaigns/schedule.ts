/**
 * When a campaign's runs start: once (at `scheduledAt`, or as soon as it is approved), or on the chosen
 * weekdays at one hour, Vietnam time (UTC+7 all year), between two dates: "every Monday from 1/8 to 30/9 at 08:00".
 *
 * @example nextOccurrence({ weekdays: [1], from: "2027-08-01", to: "2027-09-30", time: "08:00" }, new Date("2027-08-01T00:00:00Z"))
 *   // → 2027-08-02T01:00:00.000Z (Monday 2 August, 08:00 in Vietnam)
 */
import type { Recurrence } from "./campaign-input.ts";

const VN_OFFSET_MS = 7 * 3600_000;
const DAY_MS = 24 * 3600_000;

/** The first occurrence strictly after `after` (or at it, with `inclusive`), or null when the period is over. */
export function nextOccurrence(r: Recurrence, after: Date, inclusive = false): Date | null {
  const [hh, mm] = r.time.split(":").map(Number) as [number, number];
  const start = Date.parse(`${r.from}T00:00:00Z`);
  const end = Date.parse(`${r.to}T00:00:00Z`);
  // Vietnam calendar day of `after`, as a UTC midnight.
  const afterDay = Math.floor((after.getTime() + VN_OFFSET_MS) / DAY_MS) * DAY_MS;
  for (let day = Math.max(start, afterDay); day <= end; day += DAY_MS) {
    const weekday = ((new Date(day).getUTCDay() + 6) % 7) + 1;
    if (!r.weekdays.includes(weekday)) continue;
    const at = new Date(day + (hh * 60 + mm) * 60_000 - VN_OFFSET_MS);
    if (at > after || (inclusive && at.getTime() === after.getTime())) return at;
  }
  return null;
}

/** Every occurrence of the period (for the editor's preview), at most `limit`. */
export function occurrences(r: Recurrence, limit = 100): Date[] {
  const out: Date[] = [];
  let at = nextOccurrence(r, new Date(Date.parse(`${r.from}T00:00:00Z`) - VN_OFFSET_MS), true);
  while (at && out.length < limit) {
    out.push(at);
    at = nextOccurrence(r, at);
  }
  return out;
}

/** When the first run starts once approved at `now`. */
export function firstRunAt(c: { scheduledAt: Date | null; recurrence: Recurrence | null }, now: Date): Date | null {
  if (c.recurrence) return nextOccurrence(c.recurrence, c.scheduledAt && c.scheduledAt > now ? c.scheduledAt : now, true);
  return c.scheduledAt && c.scheduledAt > now ? c.scheduledAt : now;
}
