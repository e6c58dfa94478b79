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
import { addDays, bucketStart, bucketStarts, periodBounds, previousPeriod, seriesUnit, yearEarlier } from "./period.ts";
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
  // The comparison periods' counts (memoised) go along with the period's own, not after them.
  const [tips, questions, outreach] = await Promise.all([
    tipReport(q, period),
    questionReport(q, period),
    outreachReport(q, period),
    q.communeCategoryCounts(before),
    q.communeCategoryCounts(yearBefore),
  ]);
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
  const [{ marginals, communes, daily, ackTimes, settleTimes }, overdueNow] = await Promise.all([q.periodAggregates(period), q.overdueNow()]);
  const { total, byCategory, byChannel, byStatus, byLanguage, byOutcome, urgent, acknowledged, ackLate, ackOverdue, settleLate, settleOverdue } = marginals;
  const settled = CLOSED_STATUSES.reduce((n, s) => n + (byStatus[s] ?? 0), 0);
  const byCommune: Record<string, number> = {};
  let withoutCommune = 0;
  for (const c of communes) {
    if (c.communeCode === null) withoutCommune += num(c.n);
    else add(byCommune, c.communeCode, num(c.n));
  }
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
    overdueNow,
    series: series(daily, period),
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

function series(daily: DailyCount[], period: ReportPeriod): TipReport["series"] {
  const unit = seriesUnit(period);
  const points = new Map<string, SeriesPoint>(bucketStarts(period, unit).map((start) => [start, { start, total: 0, byCategory: zeros(TIP_CATEGORIES) }]));
  for (const row of daily) {
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

interface CommuneCount {
  communeCode: string | null;
  category: string;
  n: unknown;
}
interface DailyCount {
  day: string;
  category: string;
  n: unknown;
}
/** [tenths of an hour, tips]. */
interface DurationBin {
  d: unknown;
  n: unknown;
}
/** Each dimension's counts on its own (every fixed key present, 0 when none) and the step counts. */
interface Marginals {
  total: number;
  byCategory: Record<string, number>;
  byChannel: Record<string, number>;
  byStatus: Record<string, number>;
  byLanguage: Record<string, number>;
  /** Closed tips by outcome. */
  byOutcome: Record<string, number>;
  urgent: number;
  acknowledged: number;
  ackLate: number;
  ackOverdue: number;
  settleLate: number;
  settleOverdue: number;
}

function emptyMarginals(): Marginals {
  return {
    total: 0,
    byCategory: zeros(TIP_CATEGORIES),
    byChannel: zeros(Object.keys(CHANNEL_LABELS)),
    byStatus: zeros(TIP_STATUSES),
    byLanguage: zeros(Object.keys(languageLabelMap())),
    byOutcome: zeros(OUTCOME_CODES),
    urgent: 0,
    acknowledged: 0,
    ackLate: 0,
    ackOverdue: 0,
    settleLate: 0,
    settleOverdue: 0,
  };
}

/** Tips with these flags (FLAG bits), n of them. */
function addFlags(m: Marginals, bits: number, n: number): void {
  const has = (flag: number) => (bits & flag ? n : 0);
  m.total += n;
  m.urgent += has(FLAG.urgent);
  m.acknowledged += has(FLAG.acked);
  m.ackLate += has(FLAG.ackLate);
  m.ackOverdue += has(FLAG.ackOverdue);
  m.settleLate += has(FLAG.settleLate);
  m.settleOverdue += has(FLAG.settleOverdue);
}

function marginalsOf(groups: TipGroup[]): Marginals {
  const m = emptyMarginals();
  for (const g of groups) {
    const n = num(g.n);
    add(m.byCategory, g.category, n);
    add(m.byChannel, g.channel, n);
    add(m.byStatus, g.status, n);
    add(m.byLanguage, g.language, n);
    if (g.status === "closed" && g.outcome) add(m.byOutcome, g.outcome, n);
    addFlags(m, num(g.flags), n);
  }
  return m;
}

interface PeriodAggregates {
  marginals: Marginals;
  communes: CommuneCount[];
  daily: DailyCount[];
  ackTimes: DurationBin[];
  settleTimes: DurationBin[];
}

interface TipGroup {
  category: string;
  channel: string;
  language: string;
  status: string;
  outcome: string | null;
  /** FLAG bits. */
  flags: unknown;
  n: unknown;
}

/** "2026-11-30", or a number of days since 1970-01-01. */
function dayOf(day: unknown): string {
  return typeof day === "string" ? day : new Date(num(day) * 86_400_000).toISOString().slice(0, 10);
}

/** SQLite reads a period this many days at a time (ReportQueries.hashCounts). */
const CHUNK_DAYS = 31;

/** SQLite's per-tip flags, summed as bits in one hash_counts set (at most 64 keys). */
const FLAG = { urgent: 1, acked: 2, ackLate: 4, ackOverdue: 8, settleLate: 16, settleOverdue: 32 } as const;

/** hash_counts' JSON as lists of [key, count], one per set; none when there were no rows. */
function hashCountSets(json: string | undefined): [string | number, number][][] {
  return (json ? JSON.parse(json) : []) as [string | number, number][][];
}

/** "a\u001fb" as ["a", "b"]; a key with no char(31) as [key]. */
function splitKey(key: string): [string, string | undefined] {
  const at = key.indexOf("\u001f");
  return at === -1 ? [key, undefined] : [key.slice(0, at), key.slice(at + 1)];
}

/** hash_counts' commune × category set, in GROUP BY's order (commune, then category; no commune first) as the byCommune keys were. */
function communeCountsOf(set: [string | number, number][]): CommuneCount[] {
  const counts = set.map(([key, n]): CommuneCount => {
    const [category, communeCode] = splitKey(String(key));
    return { communeCode: communeCode ?? null, category, n };
  });
  const order = (c: CommuneCount) => `${c.communeCode === null ? "0" : `1${c.communeCode}`}\u001f${c.category}`;
  return counts.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
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

  /** The filter's unit and the officer's scope, each unit once (a unit officer's own unit is both); and one commune. */
  private unitClause(scope: Prisma.TipWhereInput): Sql {
    const { rest, communeCode } = splitCommune(scope);
    const units = this.scopeUnits(rest);
    if (units === "none") return raw(" AND 1 = 0");
    const all = [...new Set([...(this.unitId ? [this.unitId] : []), ...units])];
    const commune = communeCode ? sql` AND t."communeCode" = ${communeCode}` : empty;
    return all.length ? sql` AND ${join(all.map((u) => this.routedTo(u)), " AND ")}${commune}` : commune;
  }

  /** Tips of the filter created in the period (alias t). */
  private tipsIn(period: ReportPeriod): Sql {
    const { start, end } = periodBounds(period);
    return sql`t."createdAt" >= ${this.at(start)} AND t."createdAt" < ${this.at(end)}${this.scopeSql}`;
  }

  private statusIn(statuses: readonly string[]): Sql {
    return sql`t."status" IN (${join([...statuses])})`;
  }

  /**
   * Every per-period figure of the tips in one scan of the period. SQLite: hash_counts (src/db/sqlite-hash-counts.ts),
   * each figure's key one argument, counted in hash maps (SQLite's GROUP BY would sort every row, once per figure).
   * PostgreSQL: GROUPING SETS, each set its own hash table, told apart by GROUPING().
   */
  async periodAggregates(period: ReportPeriod): Promise<PeriodAggregates> {
    if (this.sqlite) return this.sqlitePeriodAggregates(period);
    // Every figure of a tip once (a subquery PostgreSQL flattens: each query computes only the columns it groups by).
    const tips = sql`
      SELECT t."category", t."channel", t."language", t."status", t."outcome", ${this.flags()} AS "flags", t."communeCode",
        ${this.vietnamDate()} AS "day", ${this.tenths("acknowledgedAt")} AS "ack", ${this.tenths("closedAt")} AS "settle"
      FROM "Tip" t WHERE ${this.tipsIn(period)}`;
    // Two queries side by side on two connections, each one scan hashing its sets: one query hashing all five took
    // nearly twice as long as either. The flags are part of the first set's key (at most 64 values) rather than
    // five sums, which would be kept for every group of every set.
    type CountRow = { g: unknown; category: string; n: unknown };
    const [byTip, byTime] = await Promise.all([
      this.pgReport<CountRow & Omit<TipGroup, "n"> & { communeCode: string | null }>(sql`
        SELECT GROUPING(x."category", x."channel", x."language", x."status", x."outcome", x."flags", x."communeCode") AS "g",
          x."category", x."channel", x."language", x."status", x."outcome", x."flags", x."communeCode", COUNT(*) AS "n"
        FROM (${tips}) x
        GROUP BY GROUPING SETS ((x."category", x."channel", x."language", x."status", x."outcome", x."flags"), (x."communeCode", x."category"))`),
      this.pgReport<CountRow & { day: unknown; ack: unknown; settle: unknown }>(sql`
        SELECT GROUPING(x."category", x."day", x."ack", x."settle") AS "g", x."category", x."day", x."ack", x."settle", COUNT(*) AS "n"
        FROM (${tips}) x
        GROUP BY GROUPING SETS ((x."day", x."category"), (x."ack"), (x."settle"))`),
    ]);
    // GROUPING(): one bit per argument, the first the highest, 1 where the column is not in the set.
    const only = (args: number, ...kept: number[]) => kept.reduce((mask, i) => mask & ~(1 << (args - 1 - i)), (1 << args) - 1);
    const groups: TipGroup[] = [];
    const out: PeriodAggregates = { marginals: emptyMarginals(), communes: [], daily: [], ackTimes: [], settleTimes: [] };
    for (const r of byTip) {
      const g = num(r.g);
      if (g === only(7, 0, 1, 2, 3, 4, 5)) groups.push(r);
      else if (g === only(7, 0, 6)) out.communes.push({ communeCode: r.communeCode, category: r.category, n: r.n });
    }
    for (const r of byTime) {
      const g = num(r.g);
      if (g === only(4, 0, 1)) out.daily.push({ day: dayOf(r.day), category: r.category, n: r.n });
      else if (g === only(4, 2) && r.ack !== null) out.ackTimes.push({ d: r.ack, n: r.n });
      else if (g === only(4, 3) && r.settle !== null) out.settleTimes.push({ d: r.settle, n: r.n });
    }
    out.marginals = marginalsOf(groups);
    return out;
  }

  /**
   * PostgreSQL: a report query in a transaction of its own with room to hash. With the default 4 MB work_mem the
   * planner sorted the day and time sets (spilling to disk) instead of hashing them: twice the time (a month's hash
   * tables take ~12 MB, a year's ~14 MB). A unit's report got a parallel plan whose two workers cost more than they
   * saved on 2 cores shared with the service. SET LOCAL: for this transaction only.
   */
  private async pgReport<T>(query: Sql): Promise<T[]> {
    const db = this.ctx.db;
    const [, , rows] = await db.$transaction([
      db.$executeRaw`SET LOCAL work_mem = '64MB'`,
      db.$executeRaw`SET LOCAL max_parallel_workers_per_gather = 0`,
      db.$queryRaw<T[]>(query),
    ]);
    return rows;
  }

  /** SQLite: periodAggregates in one pass, hash_counts' sets: five marginals, flags, commune × category, day × category, the two times. */
  private async sqlitePeriodAggregates(period: ReportPeriod): Promise<PeriodAggregates> {
    const [category = [], channel = [], status = [], language = [], outcome = [], flags = [], communes = [], daily = [], ack = [], settle = []] =
      await this.hashCounts(
        period,
        sql`t."category", t."channel", t."status", t."language", CASE WHEN t."status" = 'closed' THEN t."outcome" END, ${this.flags()},
          ${this.communeKey()}, ${this.vietnamDate()} || char(31) || t."category", ${this.tenths("acknowledgedAt")}, ${this.tenths("closedAt")}`,
      );
    const m = emptyMarginals();
    const dims: [Record<string, number>, [unknown, number][]][] = [
      [m.byCategory, category],
      [m.byChannel, channel],
      [m.byStatus, status],
      [m.byLanguage, language],
    ];
    for (const [counts, set] of dims) for (const [code, n] of set) add(counts, String(code), n);
    for (const [code, n] of outcome) if (code) add(m.byOutcome, String(code), n);
    for (const [bits, n] of flags) addFlags(m, num(bits), n);
    return {
      marginals: m,
      communes: communeCountsOf(communes),
      daily: daily.map(([key, n]) => {
        const [day, category] = splitKey(String(key));
        return { day: dayOf(Number(day)), category: category ?? "", n };
      }),
      ackTimes: ack.map(([d, n]) => ({ d, n })),
      settleTimes: settle.map(([d, n]) => ({ d, n })),
    };
  }

  /**
   * SQLite: hash_counts(keys) over the period's tips, a month at a time, the months' counts added up. One statement
   * holds the only connection and, better-sqlite3 being synchronous, the event loop: a whole year at once took ~1.5 s
   * in which no webhook was answered; a month takes ~0.2 s, and other statements run between the months.
   */
  private async hashCounts(period: ReportPeriod, keys: Sql): Promise<[string | number, number][][]> {
    const totals: Map<string | number, number>[] = [];
    for (let from = period.from; from <= period.to; from = addDays(from, CHUNK_DAYS)) {
      const last = addDays(from, CHUNK_DAYS - 1);
      const chunk = { from, to: last < period.to ? last : period.to };
      const rows = await this.ctx.db.$queryRaw<{ sets: string }[]>`SELECT hash_counts(${keys}) AS "sets" FROM "Tip" t WHERE ${this.tipsIn(chunk)}`;
      hashCountSets(rows[0]?.sets).forEach((set, i) => {
        const counts = (totals[i] ??= new Map());
        for (const [key, n] of set) counts.set(key, (counts.get(key) ?? 0) + n);
      });
    }
    return totals.map((counts) => [...counts]);
  }

  /** A tip's yes/no figures as the bits of one number (FLAG): both databases count tips per value. */
  private flags(): Sql {
    const now = this.at(this.ctx.now());
    // Written into the SQL, not bound: PostgreSQL would have to guess a parameter's type.
    const bit = Object.fromEntries(Object.entries(FLAG).map(([k, v]) => [k, raw(String(v))])) as Record<keyof typeof FLAG, Sql>;
    return sql`(CASE WHEN t."urgent" THEN ${bit.urgent} ELSE 0 END) + (CASE WHEN t."acknowledgedAt" IS NOT NULL THEN ${bit.acked} ELSE 0 END)
      + (CASE WHEN t."acknowledgedAt" > t."ackDueAt" THEN ${bit.ackLate} ELSE 0 END)
      + (CASE WHEN t."status" = 'new' AND t."ackDueAt" <= ${now} THEN ${bit.ackOverdue} ELSE 0 END)
      + (CASE WHEN t."closedAt" > t."settleDueAt" THEN ${bit.settleLate} ELSE 0 END)
      + (CASE WHEN ${this.statusIn(OPEN_STATUSES)} AND t."settleDueAt" <= ${now} THEN ${bit.settleOverdue} ELSE 0 END)`;
  }

  /** SQLite: the category, then the commune after char(31) when the tip has one (communeCountOf reads it back). */
  private communeKey(): Sql {
    return raw(`t."category" || CASE WHEN t."communeCode" IS NULL THEN '' ELSE char(31) || t."communeCode" END`);
  }

  /** The Vietnam day of createdAt as days since 1970-01-01, read with dayOf(). */
  private vietnamDate(): Sql {
    // PostgreSQL: the Vietnam day's number since 1970-01-01 (arithmetic, several times cheaper than to_char, and free of
    // the server's DateStyle); dayOf() turns it into YYYY-MM-DD.
    // SQLite: whole seconds, then integer division (exact at midnight, where a fraction of julianday might not be).
    return this.sqlite ? raw(`((unixepoch(t."createdAt") + 25200) / 86400)`) : raw(`FLOOR((date_part('epoch', t."createdAt") + 25200) / 86400)`);
  }

  /** Tenths of an hour from filing to the step (null when not reached). */
  private tenths(step: "acknowledgedAt" | "closedAt"): Sql {
    const column = raw(`t."${step}"`);
    return this.sqlite
      ? sql`ROUND((julianday(${column}) - julianday(t."createdAt")) * 240)`
      : // date_part is a double (EXTRACT's numeric is slower); +0.5 and floor round halves up, as SQLite's ROUND does.
        sql`FLOOR(date_part('epoch', ${column} - t."createdAt") / 360 + 0.5)`;
  }

  private readonly communeCounts = new Map<string, Promise<CommuneCount[]>>();

  /** Memoised per period: a whole year's "period before" is the same dates a year earlier. */
  communeCategoryCounts(period: ReportPeriod): Promise<CommuneCount[]> {
    const key = `${period.from}/${period.to}`;
    let counts = this.communeCounts.get(key);
    if (!counts) this.communeCounts.set(key, (counts = this.readCommuneCategoryCounts(period)));
    return counts;
  }

  private async readCommuneCategoryCounts(period: ReportPeriod): Promise<CommuneCount[]> {
    if (this.sqlite) {
      const [communes = []] = await this.hashCounts(period, this.communeKey());
      return communeCountsOf(communes);
    }
    return this.ctx.db.$queryRaw`
      SELECT t."communeCode", t."category", COUNT(*) AS "n" FROM "Tip" t WHERE ${this.tipsIn(period)}
      GROUP BY t."communeCode", t."category"`;
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

/**
 * The dashboard's commune filter rides on the scope as { AND: [visibleTipsWhere(officer), { communeCode }] }
 * (or { communeCode } alone): split it off, the rest must be one of visibleTipsWhere's shapes.
 */
function splitCommune(scope: Prisma.TipWhereInput): { rest: Prisma.TipWhereInput; communeCode: string | null } {
  const keys = Object.keys(scope);
  if (keys.length === 1 && typeof scope.communeCode === "string") return { rest: {}, communeCode: scope.communeCode };
  const parts = Array.isArray(scope.AND) && keys.length === 1 ? scope.AND : null;
  const commune = parts?.find((p) => Object.keys(p).length === 1 && typeof p.communeCode === "string");
  if (!parts || !commune || parts.length !== 2) return { rest: scope, communeCode: null };
  return { rest: parts.find((p) => p !== commune)!, communeCode: commune.communeCode as string };
}
