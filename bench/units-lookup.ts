/**
 * How fast a shared pin finds its commune, and how well typed names find theirs, on the real
 * Quảng Ngãi data in ../shared/data (not part of the project; skipped with a message when absent).
 *
 *   npm run bench:units [-- --lookups 200000]
 *
 * 1. Point in polygon over the 96 communes: lookups per second and latency percentiles, for
 *    uniform random points over the province's bounding box (about half fall outside every
 *    commune) and for one interior point per commune.
 * 2. Name matching: every commune name and every pre-2025 name, typed without diacritics
 *    (folded), with and without the kind word; top-1 and top-3 accuracy against the unit the
 *    query was made from. Some are ambiguous by nature ("ba to" is both Ba Tơ and Ba Tô): they
 *    are also counted apart.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { CommuneNames } from "../src/units/commune-names.ts";
import { interiorPoint } from "../src/units/geometry.ts";
import { ProblemList } from "../src/units/import-problems.ts";
import { looseKey, splitKind } from "../src/units/names.ts";
import { PolygonIndex } from "../src/units/polygon-index.ts";
import { readUnitFile } from "../src/units/read-unit-files.ts";
import { resolveCrosswalk } from "../src/units/resolve-crosswalk.ts";
import { fold } from "../src/text/normalize.ts";

const DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../shared/data");
const FILES = {
  polygons: path.join(DATA, "quang-ngai-communes-2026-07.geojson"),
  crosswalk: path.join(DATA, "quang-ngai-communes-before-2025.tsv"),
};
const { values } = parseArgs({ options: { lookups: { type: "string", default: "200000" } } });
if (!Object.values(FILES).every((f) => existsSync(f))) {
  console.log(`Skipped: the reference data is not in ${DATA}.`);
  process.exit(0);
}

// ── point in polygon ─────────────────────────────────────────────────────────────────────────
let t = performance.now();
const batch = readUnitFile(readFileSync(FILES.polygons), FILES.polygons);
if (batch.format !== "polygons") throw new Error("expected polygons");
const readMs = performance.now() - t;
t = performance.now();
const index = PolygonIndex.build(batch.units.map((u) => ({ code: u.code, geometry: u.geometry! })));
const buildMs = performance.now() - t;
const vertices = batch.units.reduce((n, u) => n + JSON.stringify(u.geometry).split("],[").length, 0);

const box = batch.units.reduce(
  (b, u) => ({ minLon: Math.min(b.minLon, u.bbox!.minLon), minLat: Math.min(b.minLat, u.bbox!.minLat), maxLon: Math.max(b.maxLon, u.bbox!.maxLon), maxLat: Math.max(b.maxLat, u.bbox!.maxLat) }),
  { minLon: Infinity, minLat: Infinity, maxLon: -Infinity, maxLat: -Infinity },
);
let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const n = Number(values.lookups);
const uniform = Float64Array.from({ length: n * 2 }, (_, k) => (k % 2 === 0 ? box.minLon + random() * (box.maxLon - box.minLon) : box.minLat + random() * (box.maxLat - box.minLat)));
const interior = batch.units.map((u) => ({ code: u.code, point: interiorPoint(u.geometry!) }));

function measure(points: Float64Array): { perSecond: number; p50: number; p99: number; max: number; hits: number } {
  for (let k = 0; k < Math.min(points.length, 20_000); k += 2) index.locate(points[k]!, points[k + 1]!);
  const count = points.length / 2;
  let hits = 0;
  const started = performance.now();
  for (let k = 0; k < points.length; k += 2) if (index.locate(points[k]!, points[k + 1]!)) hits++;
  const perSecond = count / ((performance.now() - started) / 1000);
  const times = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const s = process.hrtime.bigint();
    index.locate(points[k * 2]!, points[k * 2 + 1]!);
    times[k] = Number(process.hrtime.bigint() - s) / 1000;
  }
  times.sort();
  const pct = (p: number) => times[Math.min(count - 1, Math.floor(count * p))]!;
  return { perSecond, p50: pct(0.5), p99: pct(0.99), max: times[count - 1]!, hits };
}

const interiorPoints = new Float64Array(Math.max(n, interior.length) * 2);
for (let k = 0; k < interiorPoints.length / 2; k++) {
  const [lon, lat] = interior[k % interior.length]!.point;
  interiorPoints[k * 2] = lon;
  interiorPoints[k * 2 + 1] = lat;
}
const wrong = interior.filter(({ code, point }) => index.locate(point[0], point[1])?.code !== code).length;
const a = measure(uniform);
const b = measure(interiorPoints);
const fmt = (x: number) => Math.round(x).toLocaleString("en");
const us = (x: number) => `${x.toFixed(2)} µs`;

console.log(`Point in polygon, ${batch.units.length} communes (${fmt(vertices)} vertices): file read+checked ${fmt(readMs)} ms, index built ${fmt(buildMs)} ms`);
console.log(`  random points over the province box (${fmt(n)}, ${((a.hits / n) * 100).toFixed(0)}% in a commune): ${fmt(a.perSecond)} lookups/s, p50 ${us(a.p50)}, p99 ${us(a.p99)}, max ${us(a.max)}`);
console.log(`  interior points of the communes (${fmt(n)}):                        ${fmt(b.perSecond)} lookups/s, p50 ${us(b.p50)}, p99 ${us(b.p99)}, max ${us(b.max)}`);
console.log(`  interior points routed to their own commune: ${interior.length - wrong}/${interior.length}`);
console.log(`  (per-lookup times include ~0.05 µs of timer overhead)`);

// ── name matching ────────────────────────────────────────────────────────────────────────────
const units = batch.units.map((u) => ({ code: u.code, fullName: u.fullName }));
const cw = readUnitFile(readFileSync(FILES.crosswalk), FILES.crosswalk);
if (cw.format !== "crosswalk") throw new Error("expected crosswalk");
const problems = new ProblemList("crosswalk");
const oldNames = resolveCrosswalk(cw.rows, units, problems);
problems.done();
const names = CommuneNames.build(units, oldNames);

interface Case {
  query: string;
  /** The unit the query was made from (both, for an old commune split in two). */
  expected: Set<string>;
  source: "current" | "old";
}
const cases: Case[] = [];
for (const u of units) {
  for (const query of new Set([fold(u.fullName), fold(splitKind(u.fullName).name)])) cases.push({ query, expected: new Set([u.code]), source: "current" });
}
const oldByValue = new Map<string, Set<string>>();
for (const o of oldNames) (oldByValue.get(o.value) ?? oldByValue.set(o.value, new Set()).get(o.value)!).add(o.code);
for (const [value, codes] of oldByValue) {
  for (const query of new Set([fold(value), fold(splitKind(value).name)])) cases.push({ query, expected: codes, source: "old" });
}
// A query is ambiguous when its folded name is also another commune's (current or old) name.
const owners = new Map<string, Set<string>>();
for (const [key, code] of [...units.map((u) => [looseKey(splitKind(u.fullName).name), u.code] as const), ...oldNames.map((o) => [looseKey(splitKind(o.value).name), o.code] as const)]) {
  (owners.get(key) ?? owners.set(key, new Set()).get(key)!).add(code);
}
const tally = { all: { n: 0, top1: 0, top3: 0 }, clear: { n: 0, top1: 0, top3: 0 }, current: { n: 0, top1: 0, top3: 0 }, old: { n: 0, top1: 0, top3: 0 } };
let matchTime = 0;
const misses: string[] = [];
for (const c of cases) {
  const s = performance.now();
  const found = names.match(c.query, 3).map((m) => m.code);
  matchTime += performance.now() - s;
  const top1 = found.length > 0 && c.expected.has(found[0]!);
  const top3 = found.some((code) => c.expected.has(code));
  const ambiguous = [...(owners.get(looseKey(splitKind(c.query).name)) ?? [])].some((code) => !c.expected.has(code));
  for (const bucket of [tally.all, ambiguous ? undefined : tally.clear, tally[c.source]]) {
    if (!bucket) continue;
    bucket.n++;
    if (top1) bucket.top1++;
    if (top3) bucket.top3++;
  }
  if (!top3) misses.push(`${c.query} → ${found.join(", ") || "nothing"} (expected ${[...c.expected].join(", ")})`);
}
const pct = (x: number, of: number) => `${((x / of) * 100).toFixed(1)}%`;
const line = (label: string, b: { n: number; top1: number; top3: number }) => `  ${label.padEnd(34)} ${String(b.n).padStart(4)} queries: top-1 ${pct(b.top1, b.n)}, top-3 ${pct(b.top3, b.n)}`;
console.log(`\nName matching, typed without diacritics (${units.length} communes, ${oldNames.length} pre-2025 names), ${(matchTime / cases.length).toFixed(3)} ms per query:`);
console.log(line("all", tally.all));
console.log(line("today's names", tally.current));
console.log(line("pre-2025 names", tally.old));
console.log(line("not ambiguous once folded", tally.clear));
console.log("  (ambiguous: the folded name is also another commune's, as \"ba to\" for Ba Tơ and Ba Tô; the resident picks from the top 3)");
if (misses.length) console.log(`  not in the top 3:\n    ${misses.slice(0, 15).join("\n    ")}`);
