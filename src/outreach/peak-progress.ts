/**
 * Progress of the 19/8 peak period (1 August – 30 September, Vietnam time) at the days the province reports
 * on: the 15th and the last day of August and of September. Each checkpoint counts from the start of the
 * period up to the end of that day (cumulative), except `subscribers`, the residents subscribed at that
 * moment (from the consent history: their last consent event by then was a subscription).
 *
 * Read with a few range queries over the period and counted in memory, the same on SQLite and PostgreSQL.
 *
 * @example const p = await peakProgress(ctx.db, 2027, ctx.now()); p.checkpoints[0].label // "15/08/2027"
 */
import type { Tx } from "../db/client.ts";
import { vietnamDayStart } from "../officers/audit-filter.ts";

const DAY_MS = 24 * 3600_000;

export interface Checkpoint {
  /** "2027-08-15" */
  date: string;
  /** "15/08/2027" */
  label: string;
  /** The end of the day has passed: the figures are final. */
  reached: boolean;
  subscribers: number;
  newSubscriptions: number;
  campaignsSent: number;
  messagesSent: number;
  reach: number;
  optOuts: number;
  quizParticipants: number;
  quizFinished: number;
  tips: number;
}

export interface PeakProgress {
  year: number;
  /** "2027-08-01" */
  from: string;
  /** "2027-09-30" */
  to: string;
  checkpoints: Checkpoint[];
}

export function checkpointDays(year: number): string[] {
  return [`${year}-08-15`, `${year}-08-31`, `${year}-09-15`, `${year}-09-30`];
}

/** The festival year of a moment, in Vietnam time. */
export function vietnamYear(at: Date): number {
  return new Date(at.getTime() + 7 * 3600_000).getUTCFullYear();
}

export async function peakProgress(tx: Tx, year: number, now: Date): Promise<PeakProgress> {
  const from = `${year}-08-01`;
  const start = vietnamDayStart(from);
  const days = checkpointDays(year);
  const ends = days.map((d) => new Date(vietnamDayStart(d).getTime() + DAY_MS));
  const end = ends.at(-1)!;
  const inPeriod = { gte: start, lt: end };

  // Consent history up to the end of the period (every subscription starts with an event).
  const consent = await tx.consentEvent.findMany({ where: { at: { lt: end } }, select: { contactId: true, action: true, at: true }, orderBy: { at: "asc" } });
  const deliveries = await tx.campaignDelivery.findMany({ where: { sentAt: inPeriod }, select: { campaignId: true, contactId: true, sentAt: true } });
  const attempts = await tx.quizAttempt.findMany({ where: { startedAt: inPeriod }, select: { startedAt: true, finishedAt: true } });
  const tips = await tx.tip.findMany({ where: { createdAt: inPeriod }, select: { createdAt: true } });

  const checkpoints = days.map((date, i): Checkpoint => {
    const until = ends[i]!.getTime();
    const before = (d: Date | null) => d !== null && d.getTime() < until;
    const inWindow = (d: Date) => d.getTime() >= start.getTime() && d.getTime() < until;

    const state = new Map<string, boolean>();
    const joined = new Set<string>();
    const stopped = new Set<string>();
    for (const e of consent) {
      if (!before(e.at)) break;
      state.set(e.contactId, e.action === "subscribed" || e.action === "topics_changed");
      if (!inWindow(e.at)) continue;
      if (e.action === "subscribed") joined.add(e.contactId);
      if (e.action === "unsubscribed") stopped.add(e.contactId);
    }
    const sent = deliveries.filter((d) => before(d.sentAt));
    const [y, m, dd] = date.split("-");
    return {
      date,
      label: `${dd}/${m}/${y}`,
      reached: until <= now.getTime(),
      subscribers: [...state.values()].filter(Boolean).length,
      newSubscriptions: joined.size,
      campaignsSent: new Set(sent.map((d) => d.campaignId)).size,
      messagesSent: sent.length,
      reach: new Set(sent.map((d) => d.contactId)).size,
      optOuts: stopped.size,
      quizParticipants: attempts.filter((a) => before(a.startedAt)).length,
      quizFinished: attempts.filter((a) => before(a.finishedAt)).length,
      tips: tips.filter((t) => before(t.createdAt)).length,
    };
  });
  return { year, from, to: days.at(-1)!, checkpoints };
}
