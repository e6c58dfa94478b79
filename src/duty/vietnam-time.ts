/**
 * The duty desk's clock: dates and hours in Vietnam time (Asia/Ho_Chi_Minh, UTC+7 all year),
 * whatever the server's own time zone.
 *
 * @example vietnamClock(new Date("2026-03-15T00:30:00Z")) // { date: "2026-03-15", hour: 7, minute: 30 }
 */
export const DUTY_TIME_ZONE = "Asia/Ho_Chi_Minh";

const parts = new Intl.DateTimeFormat("en-CA", {
  timeZone: DUTY_TIME_ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

export interface VietnamClock {
  /** YYYY-MM-DD */
  date: string;
  hour: number;
  minute: number;
}

export function vietnamClock(at: Date): VietnamClock {
  const p = Object.fromEntries(parts.formatToParts(at).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, hour: Number(p.hour), minute: Number(p.minute) };
}

/** "2026-03-15" → "15/03/2026", as officers write dates. */
export function vietnameseDate(date: string): string {
  const [y, m, d] = date.split("-");
  return `${d}/${m}/${y}`;
}
