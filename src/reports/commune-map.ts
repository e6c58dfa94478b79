/**
 * The commune map of a period (issue 13, item 2): every commune's outline (cached per data version, see
 * commune-outlines.ts) with its figures for the period and the area, a sequential scale in a few classes whose
 * ranges the legend states in numbers, and the tips' pins for officers who may see those tips.
 *
 * Tips are counted as the queue counts them: created in [from 00:00, to + 1 day) Vietnam time, routed now to
 * `unitId` when given, within `scope` (what the officer may read).
 *
 * @example await communeMap(ctx, { from: "2026-11-01", to: "2026-11-30" }, "tips", { figures: {}, pins: {} })
 */
import type { AppContext } from "../context.ts";
import type { Prisma } from "../db/generated/sqlite/client.ts";
import { OPEN_STATUSES } from "../tips/workflow.ts";
import { communeOutlines } from "./commune-outlines.ts";
import type { ReportFilter } from "./summary-types.ts";

export type MapMeasure = "tips" | "per1000";

/** Pins beyond this many (newest first) are left out and counted, so a year's map stays light. */
export const MAX_PINS = 500;
const CLASSES = 5;

export interface MapCommune {
  code: string;
  name: string;
  path: string;
  x: number;
  y: number;
  tips: number;
  open: number;
  population: number | null;
  /** Tips per 1,000 residents (one decimal); null without a population. */
  per1000: number | null;
  /** Index into `legend` for the measure drawn; null: no figure (per1000 without population). */
  band: number | null;
}

export interface MapLegendBand {
  from: number;
  to: number;
  /** "0", "1–2", "3–5"…, or "0,0–1,2" per 1,000. */
  label: string;
  communes: number;
}

export interface CommuneMap {
  version: string | null;
  width: number;
  height: number;
  measure: MapMeasure;
  /** Whether per-1,000 colouring can be chosen, and why not. */
  per1000: { available: boolean; reason: string | null };
  legend: MapLegendBand[];
  communes: MapCommune[];
  withoutBoundary: { code: string; name: string; tips: number }[];
  /** Tips in the period and area with no commune. */
  withoutCommune: number;
  total: number;
  pins: { x: number; y: number; reference: string; urgent: boolean; category: string }[];
  pinsTotal: number;
}

export interface MapScope {
  /** Tips whose numbers may be shown. */
  figures: Prisma.TipWhereInput;
  /** Tips whose pins may be shown (null: none). */
  pins: Prisma.TipWhereInput | null;
}

/** Before any import of administrative units the map has no communes (version null) but still its totals. */
export async function communeMap(ctx: Pick<AppContext, "db">, filter: ReportFilter, measure: MapMeasure, scope: MapScope): Promise<CommuneMap> {
  const outlines = (await communeOutlines(ctx.db)) ?? { version: null, width: 800, height: 600, communes: [], withoutBoundary: [], project: () => null };
  const where = (extra: Prisma.TipWhereInput): Prisma.TipWhereInput => ({ AND: [scope.figures, periodWhere(filter), extra] });
  const [all, open, populations] = await Promise.all([
    ctx.db.tip.groupBy({ by: ["communeCode"], where: where({}), _count: { _all: true } }),
    ctx.db.tip.groupBy({ by: ["communeCode"], where: where({ status: { in: [...OPEN_STATUSES] } }), _count: { _all: true } }),
    ctx.db.communePopulation.findMany({ select: { code: true, population: true } }),
  ]);
  const tips = new Map(all.map((r) => [r.communeCode, r._count._all]));
  const opened = new Map(open.map((r) => [r.communeCode, r._count._all]));
  const people = new Map(populations.map((p) => [p.code, p.population]));
  const withPopulation = outlines.communes.filter((c) => (people.get(c.code) ?? 0) > 0).length;
  const per1000 = withPopulation
    ? { available: true, reason: withPopulation < outlines.communes.length ? `Có ${withPopulation}/${outlines.communes.length} xã, phường có số dân; xã không có số dân để trắng.` : null }
    : { available: false, reason: "Chưa nhập số dân của các xã, phường; quản trị hệ thống nhập bằng lệnh units:population." };
  const used: MapMeasure = measure === "per1000" && per1000.available ? "per1000" : "tips";

  const communes: MapCommune[] = outlines.communes.map((c) => {
    const count = tips.get(c.code) ?? 0;
    const population = people.get(c.code) ?? null;
    return { ...c, tips: count, open: opened.get(c.code) ?? 0, population, per1000: population ? Math.round((count * 10000) / population) / 10 : null, band: null };
  });
  const value = (c: MapCommune) => (used === "tips" ? c.tips : c.per1000);
  const legend = bands(communes.map(value).filter((v): v is number => v !== null), used === "tips" ? 0 : 1);
  for (const c of communes) {
    const v = value(c);
    c.band = v === null ? null : legend.findIndex((b) => v >= b.from && v <= b.to);
  }
  for (const b of legend) b.communes = communes.filter((c) => c.band !== null && legend[c.band] === b).length;

  const pins = scope.pins ? await readPins(ctx, filter, scope.pins, outlines.project) : { pins: [], total: 0 };
  return {
    version: outlines.version,
    width: outlines.width,
    height: outlines.height,
    measure: used,
    per1000,
    legend,
    communes,
    withoutBoundary: outlines.withoutBoundary.map((c) => ({ ...c, tips: tips.get(c.code) ?? 0 })),
    withoutCommune: tips.get(null) ?? 0,
    total: all.reduce((n, r) => n + r._count._all, 0),
    pins: pins.pins,
    pinsTotal: pins.total,
  };
}

/** The queue's period and unit filter, as a database condition. */
export function periodWhere(filter: ReportFilter): Prisma.TipWhereInput {
  const from = new Date(`${filter.from}T00:00:00+07:00`);
  const to = new Date(new Date(`${filter.to}T00:00:00+07:00`).getTime() + 24 * 3600_000);
  return {
    createdAt: { gte: from, lt: to },
    ...(filter.unitId ? { routings: { some: { unitId: filter.unitId, active: true } } } : {}),
  };
}

async function readPins(ctx: Pick<AppContext, "db">, filter: ReportFilter, scope: Prisma.TipWhereInput, project: (lon: number, lat: number) => [number, number] | null) {
  const where: Prisma.TipWhereInput = { AND: [scope, periodWhere(filter), { latitude: { not: null }, longitude: { not: null } }] };
  const [total, rows] = await Promise.all([
    ctx.db.tip.count({ where }),
    ctx.db.tip.findMany({ where, select: { reference: true, latitude: true, longitude: true, urgent: true, category: true }, orderBy: { createdAt: "desc" }, take: MAX_PINS }),
  ]);
  const pins = rows.flatMap((r) => {
    const at = project(r.longitude!, r.latitude!);
    return at ? [{ x: at[0], y: at[1], reference: r.reference, urgent: r.urgent, category: r.category }] : [];
  });
  return { pins, total };
}

/**
 * Up to five classes: "0" alone (no tips is a fact worth its own colour), then the other values cut at their
 * quantiles, rounded to whole tips (or 0.1 per 1,000), so every commune falls in exactly one labelled range.
 */
export function bands(values: number[], decimals: 0 | 1): MapLegendBand[] {
  const step = decimals ? 0.1 : 1;
  const round = (n: number) => (decimals ? Math.round(n * 10) / 10 : Math.round(n));
  const fmt = (n: number) => n.toLocaleString("vi-VN", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  const positive = values.filter((v) => v > 0).sort((a, b) => a - b);
  const result: MapLegendBand[] = [{ from: 0, to: 0, label: fmt(0), communes: 0 }];
  if (!positive.length) return result;
  const max = positive[positive.length - 1]!;
  let from = positive[0]!;
  for (let k = 1; k < CLASSES && from <= max; k++) {
    const last = k === CLASSES - 1;
    const q = last ? max : round(positive[Math.max(0, Math.ceil((k * positive.length) / (CLASSES - 1)) - 1)]!);
    const to = Math.max(from, Math.min(max, q));
    result.push({ from, to, label: from === to ? fmt(from) : `${fmt(from)}–${fmt(to)}`, communes: 0 });
    from = round(to + step);
    if (to >= max) break;
  }
  return result;
}
