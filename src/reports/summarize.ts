/**
 * The numbers of a period report (src/reports/summary-types.ts), computed once for the summary API, the dashboard
 * and every export, so they agree with each other and with the queue for the same filter: a tip counts when its
 * `createdAt` is in the period's Vietnam days and, with a unit, when that unit is among the units it is routed to now
 * (as the queue's `from`, `to` and `unitId`), within what the officer may see (`scope`, from visibleTipsWhere).
 *
 * Speed (bench/reports.ts, 1M tips): every figure is a GROUP BY in the database, a handful of queries per period,
 * none returning more than a few thousand rows. Times to a step are grouped by 0.1 hour in SQL; the median and the
 * 90th percentile are read from that histogram (nearest rank: the smallest time that at least half, resp. 90 %, of
 * the tips reached the step within), so they are exact to the 0.1 hour the report shows.
 *
 * @example const summary = await summarize(ctx, { from: "2026-01-01", to: "2026-06-30" }, visibleTipsWhere(officer))
 */
import { empty, join, raw, sqltag as sql, type Sql } from "@prisma/client/runtime/client";
import type { AppContext } from "../context.ts";
import type { Prisma } from "../db/generated/sqlite/client.ts";
import { CHANNEL_LABELS, categoryLabelMap, languageLabelMap } from "../console/labels.ts";
import { TIP_CATEGORIES } from "../tips/categories.ts";
import { CLOSED_STATUSES, OPEN_STATUSES, OUTCOMES, OUTCOME_CODES, STATUS_LABELS, TIP_STATUSES } from "../tips/workflow.ts";
import { bucketStart, bucketStarts, periodBounds, previousPeriod, seriesUnit, yearEarlier } from "./period.ts";
import type {
  Change,
  DurationStats,
  OutreachReport,
  PeriodComparison,
  QuestionReport,
  ReportFilter,
  ReportPeriod,
  ReportSummary,
  SeriesPoint,
  TipReport,
} from "./summary-types.ts";

type Ctx = Pick<AppContext, "db" | "now" | "config">;

export async function summarize(ctx: Ctx, filter: ReportFilter, scope: Prisma.TipWhereInput): Promise<ReportSummary> {
  const q = new ReportQueries(ctx, filter.unitId ?? null, scope);
  const period = { from: filter.from, to: filter.to };
  const before = previousPeriod(period);
  const yearBefore = yearEarlier(period);
  // A few queries at a time: PostgreSQL runs them side by side (two or so of its pool's connections), SQLite in turn.
  const [tips, questions, outreach] = await Promise.all([tipReport(q, period), questionReport(q, period), outreachReport(q, period)]);
  const [previous, earlier] = await Promise.all([comparison(q, before, tips, questions, outreach), comparison(q, yearBefore, tips, questions, outreach)]);
  const communeCodes = new Set([...Object.keys(tips.byCommune), ...Object.keys(previous.tips.byCommune), ...Object.keys(earlier.tips.byCommune)]);
  return {
    period,
    unitId: filter.unitId ?? null,
    scopeName: await scopeName(ctx, filter.unitId),
    generatedAt: ctx.now().toISOString(),
    tips,
    questions,
    outreach,
    previousPeriod: previous,
    yearEarlier: earlier,
    labels: {
      category: categoryLabelMap(),
      channel: { ...CHANNEL_LABELS },
      status: { ...STATUS_LABELS },
      language: languageLabelMap(),
      outcome: { ...OUTCOMES },
      commune: await communeLabels(ctx, [...communeCodes]),
    },
  };
}

// ---- tips ---------------------------------------------------------------------------------------------------------

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const zeros = (keys: readonly string[]): Record<string, number> => Object.fromEntries(keys.map((k) => [k, 0]));
const add = (counts: Record<string, number>, key: string, n: number) => {
  counts[key] = (counts[key] ?? 0) + n;
};

async function tipReport(q: ReportQueries, period: ReportPeriod): Promise<TipReport> {
  // PostgreSQL runs these side by side on its pool (SQLite, one connection, in turn).
  const [groups, communes] = await Promise.all([q.tipGroups(period), q.communeCategoryCounts(period)]);
  const byCategory = zeros(TIP_CATEGORIES);
  const byChannel = zeros(Object.keys(CHANNEL_LABELS));
  const byStatus = zeros(TIP_STATUSES);
  const byLanguage = zeros(Object.keys(languageLabelMap()));
  const byOutcome = zeros(OUTCOME_CODES);
  let total = 0;
  let urgent = 0;
  let acknowledged = 0;
  let ackLate = 0;
  let ackOverdue = 0;
  let settleLate = 0;
  let settleOverdue = 0;
  let settled = 0;
  for (const g of groups) {
    const n = num(g.n);
    total += n;
    add(byCategory, g.category, n);
    add(byChannel, g.channel, n);
    add(byStatus, g.status, n);
    add(byLanguage, g.language, n);
    if (g.status === "closed" && g.outcome) add(byOutcome, g.outcome, n);
    if (g.urgent === true || num(g.urgent) === 1) urgent += n;
    if ((CLOSED_STATUSES as readonly string[]).includes(g.status)) settled += n;
    acknowledged += num(g.acked);
    ackLate += num(g.ackLate);
    ackOverdue += num(g.ackOverdue);
    settleLate += num(g.settleLate);
    settleOverdue += num(g.settleOverdue);
  }
  const byCommune: Record<string, number> = {};
  let withoutCommune = 0;
  for (const c of communes) {
    if (c.communeCode === null) withoutCommune += num(c.n);
    else add(byCommune, c.communeCode, num(c.n));
  }
  const [ackTimes, settleTimes] = await Promise.all([q.durations(period, "acknowledgedAt"), q.durations(period, "closedAt")]);
  return {
    total,
    byCategory,
    byChannel,
    byStatus,
    byCommune,
    byLanguage,
    byOutcome,
    urgent,
    withoutCommune,
    funnel: { received: total, acknowledged, settled },
    acknowledge: durationStats(ackTimes, ackLate, ackOverdue),
    settle: durationStats(settleTimes, settleLate, settleOverdue),
    overdueNow: await q.overdueNow(),
    series: await series(q, period),
  };
}

/** `histogram`: [tenths of an hour, tips] in any order. */
function durationStats(histogram: { d: unknown; n: unknown }[], late: number, overdueNow: number): DurationStats {
  const bins = histogram.map((h) => ({ d: num(h.d), n: num(h.n) })).sort((a, b) => a.d - b.d);
  const count = bins.reduce((s, b) => s + b.n, 0);
  const rank = (p: number) => {
    if (count === 0) return null;
    const wanted = Math.max(1, Math.ceil(p * count));
    let seen = 0;
    for (const b of bins) {
      seen += b.n;
      if (seen >= wanted) return b.d / 10;
    }
    return null;
  };
  return { count, medianHours: rank(0.5), p90Hours: rank(0.9), late, overdueNow };
}

async function series(q: ReportQueries, period: ReportPeriod): Promise<TipReport["series"]> {
  const unit = seriesUnit(period);
  const points = new Map<string, SeriesPoint>(bucketStarts(period, unit).map((start) => [start, { start, total: 0, byCategory: zeros(TIP_CATEGORIES) }]));
  for (const row of await q.dailyCategoryCounts(period)) {
    const point = points.get(bucketStart(row.day, unit, period.from));
    if (!point) continue;
    point.total += num(row.n);
    add(point.byCategory, row.category, num(row.n));
  }
  return { unit, points: [...points.values()] };
}

// ---- questions and outreach (province-wide: neither belongs to a unit) ------------------------------------------

async function questionReport(q: ReportQueries, period: ReportPeriod): Promise<QuestionReport> {
  const { start, end } = periodBounds(period);
  const byStatus = await q.ctx.db.question.groupBy({ by: ["status"], where: { createdAt: { gte: start, lt: end } }, _count: { _all: true } });
  const count = (status: string) => byStatus.find((s) => s.status === status)?._count._all ?? 0;
  return { answeredByBot: await q.botAnswers(period), answeredByOfficer: count("answered"), open: count("open"), closed: count("closed") };
}

async function outreachReport(q: ReportQueries, period: ReportPeriod): Promise<OutreachReport> {
  const { start, end } = periodBounds(period);
  const db = q.ctx.db;
  const sent = await q.sentDeliveries(period);
  const failed = await db.campaignDelivery.count({ where: { state: "failed", updatedAt: { gte: start, lt: end } } });
  const skipped = await db.campaignDelivery.count({ where: { state: "skipped", updatedAt: { gte: start, lt: end } } });
  const consent = await db.consentEvent.groupBy({ by: ["action"], where: { at: { gte: start, lt: end } }, _count: { _all: true } });
  const actions = (names: string[]) => consent.filter((c) => names.includes(c.action)).reduce((s, c) => s + c._count._all, 0);
  const quiz = await q.quizCounts(period);
  return {
    campaigns: sent.campaigns,
    sent: sent.sent,
    reached: sent.reached,
    failed,
    skipped,
    subscribers: await q.subscribersAt(end),
    subscribed: actions(["subscribed"]),
    optedOut: actions(["unsubscribed", "blocked"]),
    quiz,
  };
}

// ---- comparisons ----------------------------------------------------------------------------------------------------

function change(current: number, previous: number): Change {
  const difference = current - previous;
  return { current, previous, difference, percent: previous === 0 ? null : Math.round((difference / previous) * 1000) / 10 };
}

async function comparison(q: ReportQueries, period: ReportPeriod, tips: TipReport, questions: QuestionReport, outreach: OutreachReport): Promise<PeriodComparison> {
  const rows = await q.communeCategoryCounts(period);
  const byCategory = zeros(TIP_CATEGORIES);
  const byCommune: Record<string, number> = {};
  let total = 0;
  for (const r of rows) {
    total += num(r.n);
    add(byCategory, r.category, num(r.n));
    if (r.communeCode !== null) add(byCommune, r.communeCode, num(r.n));
  }
  const earlierQuestions = await questionReport(q, period);
  const sent = await q.sentDeliveries(period);
  const quiz = await q.quizCounts(period);
  const communes = new Set([...Object.keys(tips.byCommune), ...Object.keys(byCommune)]);
  return {
    period,
    tips: {
      total: change(tips.total, total),
      byCategory: Object.fromEntries(Object.keys(tips.byCategory).map((k) => [k, change(tips.byCategory[k] ?? 0, byCategory[k] ?? 0)])),
      byCommune: Object.fromEntries([...communes].sort().map((k) => [k, change(tips.byCommune[k] ?? 0, byCommune[k] ?? 0)])),
    },
    questions: {
      answeredByBot: change(questions.answeredByBot, earlierQuestions.answeredByBot),
      answeredByOfficer: change(questions.answeredByOfficer, earlierQuestions.answeredByOfficer),
    },
    outreach: {
      sent: change(outreach.sent, sent.sent),
      reached: change(outreach.reached, sent.reached),
      quizParticipants: change(outreach.quiz.participants, quiz.participants),
    },
  };
}

// ---- names ----------------------------------------------------------------------------------------------------------

async function scopeName(ctx: Ctx, unitId: string | undefined): Promise<string> {
  if (!unitId) return "Toàn tỉnh";
  const unit = await ctx.db.policeUnit.findUnique({ where: { id: unitId }, select: { name: true } });
  return unit?.name ?? "Đơn vị không còn tồn tại";
}

/** Commune names from the newest administrative-data version that has the code. */
async function communeLabels(ctx: Ctx, codes: string[]): Promise<Record<string, string>> {
  if (codes.length === 0) return {};
  const [units, versions] = await Promise.all([
    ctx.db.adminUnit.findMany({ where: { code: { in: codes } }, select: { code: true, fullName: true, version: true } }),
    ctx.db.adminDataVersion.findMany({ select: { id: true, seq: true } }),
  ]);
  const seq = new Map(versions.map((v) => [v.id, v.seq]));
  const best = new Map<string, { name: string; seq: number }>();
  for (const u of units) {
    const s = seq.get(u.version) ?? -1;
    if ((best.get(u.code)?.seq ?? -2) < s) best.set(u.code, { name: u.fullName, seq: s });
  }
  return Object.fromEntries(codes.sort().map((c) => [c, best.get(c)?.name ?? `Mã xã ${c}`]));
}

// ---- SQL --------------------------------------------------------------------------------------------------------------

interface TipGroup {
  category: string;
  channel: string;
  language: string;
  status: string;
  outcome: string | null;
  urgent: unknown;
  n: unknown;
  acked: unknown;
  ackLate: unknown;
  ackOverdue: unknown;
  settleLate: unknown;
  settleOverdue: unknown;
}

/**
 * The report's queries, in SQL both SQLite and PostgreSQL run. Dates: SQLite holds them as ISO 8601 text with
 * "+00:00" (Prisma's better-sqlite3 adapter), which sorts as time; PostgreSQL as timestamp(3) in UTC.
 */
class ReportQueries {
  private readonly sqlite: boolean;
  private readonly scopeSql: Sql;

  constructor(
    readonly ctx: Ctx,
    private readonly unitId: string | null,
    scope: Prisma.TipWhereInput,
  ) {
    this.sqlite = ctx.config.dialect === "sqlite";
    this.scopeSql = this.unitClause(scope);
  }

  /** An instant as the database compares it. */
  private at(date: Date): Sql {
    return this.sqlite ? sql`${date.toISOString().replace("Z", "+00:00")}` : sql`CAST(${date.toISOString()} AS timestamp(3))`;
  }

  private get yes(): Sql {
    return raw(this.sqlite ? "1" : "TRUE");
  }

  /**
   * Routed to the unit now. SQLite: "+" keeps the period's index (Tip_report_idx) as the one walked, the unit's tip
   * ids checked against a list read once from TipRouting, so no Tip row is read (driving from the unit's routings
   * reads one row per tip instead, several times slower at a million tips).
   */
  private routedTo(unitId: string): Sql {
    return sql`${this.sqlite ? raw("+") : empty}t."id" IN (SELECT r."tipId" FROM "TipRouting" r WHERE r."unitId" = ${unitId} AND r."active" = ${this.yes})`;
  }

  /** visibleTipsWhere's three shapes (province: {}, a unit, nothing) as the unit it limits to; anything else is a programming error. */
  private scopeUnits(scope: Prisma.TipWhereInput): string[] | "none" {
    const keys = Object.keys(scope);
    if (keys.length === 0) return [];
    const some = (scope.routings as { some?: { unitId?: unknown; active?: unknown } } | undefined)?.some;
    if (keys.length === 1 && some && typeof some.unitId === "string" && some.active === true && Object.keys(some).length === 2) return [some.unitId];
    const ids = (scope.id as { in?: unknown[] } | undefined)?.in;
    if (keys.length === 1 && Array.isArray(ids) && ids.length === 0) return "none";
    throw new Error(`summarize: unsupported scope ${JSON.stringify(scope)}`);
  }

  /** The filter's unit and the officer's scope, each unit once (a unit officer's own unit is both). */
  private unitClause(scope: Prisma.TipWhereInput): Sql {
    const units = this.scopeUnits(scope);
    if (units === "none") return raw(" AND 1 = 0");
    const all = [...new Set([...(this.unitId ? [this.unitId] : []), ...units])];
    return all.length ? sql` AND ${join(all.map((u) => this.routedTo(u)), " AND ")}` : empty;
  }

  /** Tips of the filter created in the period (alias t). */
  private tipsIn(period: ReportPeriod): Sql {
    const { start, end } = periodBounds(period);
    return sql`t."createdAt" >= ${this.at(start)} AND t."createdAt" < ${this.at(end)}${this.scopeSql}`;
  }

  private statusIn(statuses: readonly string[]): Sql {
    return sql`t."status" IN (${join([...statuses])})`;
  }

  async tipGroups(period: ReportPeriod): Promise<TipGroup[]> {
    const now = this.at(this.ctx.now());
    return this.ctx.db.$queryRaw<TipGroup[]>`
      SELECT t."category", t."channel", t."language", t."status", t."outcome", t."urgent", COUNT(*) AS "n",
        SUM(CASE WHEN t."acknowledgedAt" IS NOT NULL THEN 1 ELSE 0 END) AS "acked",
        SUM(CASE WHEN t."acknowledgedAt" > t."ackDueAt" THEN 1 ELSE 0 END) AS "ackLate",
        SUM(CASE WHEN t."status" = 'new' AND t."ackDueAt" <= ${now} THEN 1 ELSE 0 END) AS "ackOverdue",
        SUM(CASE WHEN t."closedAt" > t."settleDueAt" THEN 1 ELSE 0 END) AS "settleLate",
        SUM(CASE WHEN ${this.statusIn(OPEN_STATUSES)} AND t."settleDueAt" <= ${now} THEN 1 ELSE 0 END) AS "settleOverdue"
      FROM "Tip" t WHERE ${this.tipsIn(period)}
      GROUP BY t."category", t."channel", t."language", t."status", t."outcome", t."urgent"`;
  }

  async communeCategoryCounts(period: ReportPeriod): Promise<{ communeCode: string | null; category: string; n: unknown }[]> {
    return this.ctx.db.$queryRaw`
      SELECT t."communeCode", t."category", COUNT(*) AS "n" FROM "Tip" t WHERE ${this.tipsIn(period)}
      GROUP BY t."communeCode", t."category"`;
  }

  async dailyCategoryCounts(period: ReportPeriod): Promise<{ day: string; category: string; n: unknown }[]> {
    const day = this.sqlite ? raw(`date(t."createdAt", '+7 hours')`) : raw(`to_char(t."createdAt" + interval '7 hours', 'YYYY-MM-DD')`);
    return this.ctx.db.$queryRaw`
      SELECT ${day} AS "day", t."category", COUNT(*) AS "n" FROM "Tip" t WHERE ${this.tipsIn(period)}
      GROUP BY 1, t."category"`;
  }

  /** Tenths of an hour from filing to the step, and how many tips took that long. */
  async durations(period: ReportPeriod, step: "acknowledgedAt" | "closedAt"): Promise<{ d: unknown; n: unknown }[]> {
    const column = raw(`t."${step}"`);
    const tenths = this.sqlite
      ? sql`ROUND((julianday(${column}) - julianday(t."createdAt")) * 240)`
      : // date_part is a double (EXTRACT's numeric is slower); +0.5 and floor round halves up, as SQLite's ROUND does.
        sql`FLOOR(date_part('epoch', ${column} - t."createdAt") / 360 + 0.5)`;
    return this.ctx.db.$queryRaw`
      SELECT ${tenths} AS "d", COUNT(*) AS "n" FROM "Tip" t WHERE ${this.tipsIn(period)} AND ${column} IS NOT NULL
      GROUP BY 1`;
  }

  /** Open tips of the filter, filed whenever, whose running deadline has passed (the queue's overdue=true). */
  async overdueNow(): Promise<number> {
    const rows = await this.ctx.db.$queryRaw<{ n: unknown }[]>`
      SELECT COUNT(*) AS "n" FROM "Tip" t
      WHERE ${this.statusIn(OPEN_STATUSES)} AND t."dueAt" <= ${this.at(this.ctx.now())}${this.scopeSql}`;
    return num(rows[0]?.n);
  }

  async botAnswers(period: ReportPeriod): Promise<number> {
    const { start, end } = periodBounds(period);
    return this.ctx.db.botAnswer.count({ where: { createdAt: { gte: start, lt: end } } });
  }

  async sentDeliveries(period: ReportPeriod): Promise<{ campaigns: number; sent: number; reached: number }> {
    const { start, end } = periodBounds(period);
    const rows = await this.ctx.db.$queryRaw<{ campaigns: unknown; sent: unknown; reached: unknown }[]>`
      SELECT COUNT(DISTINCT d."campaignId") AS "campaigns", COUNT(*) AS "sent", COUNT(DISTINCT d."contactId") AS "reached"
      FROM "CampaignDelivery" d WHERE d."state" = 'sent' AND d."sentAt" >= ${this.at(start)} AND d."sentAt" < ${this.at(end)}`;
    return { campaigns: num(rows[0]?.campaigns), sent: num(rows[0]?.sent), reached: num(rows[0]?.reached) };
  }

  async quizCounts(period: ReportPeriod): Promise<OutreachReport["quiz"]> {
    const { start, end } = periodBounds(period);
    const rows = await this.ctx.db.$queryRaw<{ attempts: unknown; participants: unknown; completed: unknown }[]>`
      SELECT COUNT(*) AS "attempts", COUNT(DISTINCT a."contactId") AS "participants",
        SUM(CASE WHEN a."finishedAt" IS NOT NULL THEN 1 ELSE 0 END) AS "completed"
      FROM "QuizAttempt" a WHERE a."startedAt" >= ${this.at(start)} AND a."startedAt" < ${this.at(end)}`;
    return { attempts: num(rows[0]?.attempts), participants: num(rows[0]?.participants), completed: num(rows[0]?.completed) };
  }

  /** Residents whose last consent change before `end` left them subscribed. */
  async subscribersAt(end: Date): Promise<number> {
    const rows = await this.ctx.db.$queryRaw<{ n: unknown }[]>`
      SELECT COUNT(*) AS "n" FROM (
        SELECT e."contactId", MAX(e."at") AS "last" FROM "ConsentEvent" e WHERE e."at" < ${this.at(end)} GROUP BY e."contactId"
      ) x JOIN "ConsentEvent" c ON c."contactId" = x."contactId" AND c."at" = x."last"
      WHERE c."action" IN ('subscribed', 'topics_changed')`;
    return num(rows[0]?.n);
  }
}
