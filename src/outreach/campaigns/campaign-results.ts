/**
 * What a campaign achieved, counted in residents (never named): how many it reached, how many Zalo reports
 * delivered or seen, and what those residents did in the 48 hours after a delivery reached them — stopped
 * their subscription, blocked the bot, filed a tip, took the 19/8 quiz (by commune). A resident counts for a
 * reaction when it falls within 48 h after any of their deliveries of this campaign (a recurring campaign
 * reaches the same resident several times; each reaction counts once).
 *
 * Report-button taps are not counted: a tap is stored only as an encrypted inbound payload, which also
 * carries the same "menu:report" from the main menu, so it cannot be told apart cheaply or reliably. The
 * tips filed within 48 h (and the residents who filed them) stand in for it.
 *
 * Everything is read with a few range queries and counted in memory: no database-specific date arithmetic,
 * so SQLite and PostgreSQL give the same figures.
 *
 * @example const r = await campaignResults(ctx.db, campaignId); r.optOuts
 */
import type { Tx } from "../../db/client.ts";
import { communeNamesByCode, UNKNOWN_COMMUNE } from "../../quiz/quiz-results.ts";

export const REACTION_WINDOW_HOURS = 48;
const WINDOW_MS = REACTION_WINDOW_HOURS * 3600_000;
const round2 = (n: number) => Math.round(n * 100) / 100;

export interface GroupFigures {
  reach: number;
  delivered: number;
  seen: number;
  optOuts: number;
}

export interface QuizCommuneFigures {
  communeCode: string | null;
  communeName: string;
  participants: number;
  finished: number;
  averageScore: number;
}

export interface CampaignResults {
  /** Residents who were sent at least one message of the campaign. */
  reach: number;
  /** Messages sent (a recurring campaign sends several to one resident). */
  messagesSent: number;
  /** Residents whose message the platform reported delivered (Zalo reports it; Telegram does not). */
  delivered: number;
  /** Residents whose message the platform reported seen (Zalo). */
  seen: number;
  /** Residents who stopped their subscription within 48 h after a message reached them. */
  optOuts: number;
  /** Residents who blocked the bot (or left the Official Account) within 48 h after a message reached them. */
  blocked: number;
  /** Messages not sent because the resident had already blocked the bot. */
  blockedBeforeSending: number;
  /** Residents who tapped the message's "Báo tin" / "Làm bài thi" button. */
  reportTaps: number;
  quizTaps: number;
  /** Tips filed within 48 h after a message reached their reporter. */
  tipsWithin48h: number;
  /** Residents who filed at least one of those tips. */
  tipReportersWithin48h: number;
  quiz: { participants: number; finished: number; averageScore: number; byCommune: QuizCommuneFigures[] };
  byChannel: ({ channel: string } & GroupFigures)[];
  byLanguage: ({ language: string } & GroupFigures)[];
  firstSentAt: Date | null;
  lastSentAt: Date | null;
}

/** Is `t` within 48 h after one of the (sorted) send times? */
function within(sends: number[] | undefined, t: number): boolean {
  if (!sends) return false;
  for (const s of sends) {
    if (s > t) return false;
    if (t - s <= WINDOW_MS) return true;
  }
  return false;
}

export async function campaignResults(tx: Tx, campaignId: string): Promise<CampaignResults> {
  const deliveries = await tx.campaignDelivery.findMany({
    where: { campaignId, sentAt: { not: null } },
    select: { contactId: true, channel: true, language: true, sentAt: true, deliveredAt: true, seenAt: true, reportTappedAt: true, quizTappedAt: true },
    orderBy: [{ sentAt: "asc" }, { id: "asc" }],
  });
  const blockedBeforeSending = await tx.campaignDelivery.count({ where: { campaignId, state: { in: ["skipped", "failed"] }, reason: "blocked" } });

  interface Person {
    channel: string;
    language: string;
    sends: number[];
    delivered: boolean;
    seen: boolean;
    optedOut: boolean;
  }
  const people = new Map<string, Person>();
  for (const d of deliveries) {
    const p = people.get(d.contactId) ?? { channel: d.channel, language: d.language, sends: [], delivered: false, seen: false, optedOut: false };
    p.sends.push(d.sentAt!.getTime());
    p.delivered ||= d.deliveredAt !== null;
    p.seen ||= d.seenAt !== null;
    people.set(d.contactId, p);
  }
  const first = deliveries[0]?.sentAt ?? null;
  const last = deliveries.at(-1)?.sentAt ?? null;
  const sendsOf = (contactId: string | null) => (contactId ? people.get(contactId)?.sends : undefined);

  let blocked = 0;
  let tipsWithin48h = 0;
  const reporters = new Set<string>();
  const attempts: { communeCode: string | null; finished: boolean; score: number }[] = [];
  if (first && last) {
    const range = { gte: first, lte: new Date(last.getTime() + WINDOW_MS) };
    const events = await tx.consentEvent.findMany({ where: { action: { in: ["unsubscribed", "blocked"] }, at: range }, select: { contactId: true, action: true, at: true } });
    const blockers = new Set<string>();
    for (const e of events) {
      if (!within(sendsOf(e.contactId), e.at.getTime())) continue;
      if (e.action === "unsubscribed") people.get(e.contactId)!.optedOut = true;
      else blockers.add(e.contactId);
    }
    blocked = blockers.size;
    const tips = await tx.tip.findMany({ where: { contactId: { not: null }, createdAt: range }, select: { contactId: true, createdAt: true } });
    for (const t of tips) {
      if (!within(sendsOf(t.contactId), t.createdAt.getTime())) continue;
      tipsWithin48h++;
      reporters.add(t.contactId!);
    }
    const quiz = await tx.quizAttempt.findMany({ where: { startedAt: range }, select: { contactId: true, communeCode: true, finishedAt: true, score: true, startedAt: true } });
    for (const a of quiz) {
      if (within(sendsOf(a.contactId), a.startedAt.getTime())) attempts.push({ communeCode: a.communeCode, finished: a.finishedAt !== null, score: a.score });
    }
  }

  const group = <K extends "channel" | "language">(key: K) => {
    const out = new Map<string, GroupFigures>();
    for (const p of people.values()) {
      const g = out.get(p[key]) ?? { reach: 0, delivered: 0, seen: 0, optOuts: 0 };
      g.reach++;
      if (p.delivered) g.delivered++;
      if (p.seen) g.seen++;
      if (p.optedOut) g.optOuts++;
      out.set(p[key], g);
    }
    return [...out.entries()].sort((a, b) => b[1].reach - a[1].reach || a[0].localeCompare(b[0]));
  };
  const all = [...people.values()];

  const byCommune = new Map<string | null, { participants: number; finished: number; scoreSum: number }>();
  for (const a of attempts) {
    const c = byCommune.get(a.communeCode) ?? { participants: 0, finished: 0, scoreSum: 0 };
    c.participants++;
    if (a.finished) {
      c.finished++;
      c.scoreSum += a.score;
    }
    byCommune.set(a.communeCode, c);
  }
  const names = await communeNamesByCode(tx, [...byCommune.keys()].filter((c): c is string => c !== null));
  const communes = [...byCommune.entries()]
    .map(([code, c]): QuizCommuneFigures => ({
      communeCode: code,
      communeName: code ? (names.get(code) ?? code) : UNKNOWN_COMMUNE,
      participants: c.participants,
      finished: c.finished,
      averageScore: c.finished ? round2(c.scoreSum / c.finished) : 0,
    }))
    .sort((a, b) => b.participants - a.participants || a.communeName.localeCompare(b.communeName, "vi"));
  const finished = attempts.filter((a) => a.finished);

  return {
    reach: people.size,
    messagesSent: deliveries.length,
    delivered: all.filter((p) => p.delivered).length,
    seen: all.filter((p) => p.seen).length,
    optOuts: all.filter((p) => p.optedOut).length,
    blocked,
    blockedBeforeSending,
    reportTaps: new Set(deliveries.filter((d) => d.reportTappedAt).map((d) => d.contactId)).size,
    quizTaps: new Set(deliveries.filter((d) => d.quizTappedAt).map((d) => d.contactId)).size,
    tipsWithin48h,
    tipReportersWithin48h: reporters.size,
    quiz: {
      participants: attempts.length,
      finished: finished.length,
      averageScore: finished.length ? round2(finished.reduce((s, a) => s + a.score, 0) / finished.length) : 0,
      byCommune: communes,
    },
    byChannel: group("channel").map(([channel, g]) => ({ channel, ...g })),
    byLanguage: group("language").map(([language, g]) => ({ language, ...g })),
    firstSentAt: first,
    lastSentAt: last,
  };
}
