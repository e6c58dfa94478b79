/**
 * Period report benchmark (npm run bench:reports; see bench/README.md, "Period reports").
 *
 *   npm run bench:reports -- [--tips 1000000] [--db sqlite,postgresql] [--runs 20] [--periods month,quarter,year] [--xlsx-runs 5] [--keep] [--reuse <file-or-url>]
 *
 * For each database: a fresh database (temp SQLite file / new PostgreSQL database tinbao_bench_<hex>), migrated with
 * src/db/migrate.ts, filled by bench/queue-data.ts (its tips spread over 2 years, with routings, realistic statuses
 * and times); then summarize() (src/reports/summarize.ts, what GET /api/reports/summary answers) is called in this
 * process through the real Prisma client for a month (the dashboard), a quarter and a year, province-wide (duty desk)
 * and for one commune unit (a unit officer), `--runs` times each after a warm-up: p50 / p95 / max.
 * For the year, also the XLSX report as GET /api/reports/period.xlsx builds it (summarize + renderReportXlsx),
 * `--xlsx-runs` times (issue 13's target: < 10 s).
 * `--reuse` measures an existing database (a SQLite file path or a PostgreSQL URL) instead of filling a new one.
 * Writes bench/results/reports-<date>.json. Temp files and databases are removed at the end (unless --keep).
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { loadConfig } from "../src/config.ts";
import { openDatabase } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import { addMonths, addDays, vietnamDay } from "../src/reports/period.ts";
import { renderReportXlsx } from "../src/reports/render-report-xlsx.ts";
import { summarize } from "../src/reports/summarize.ts";
import { dashboardOf } from "../src/reports/dashboard.ts";
import type { ReportFilter } from "../src/reports/summary-types.ts";
import { generate, postgresWriter, province, sqliteWriter, type GenerateReport } from "./queue-data.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ADMIN_PG = process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
type Dialect = "sqlite" | "postgresql";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return undefined;
  const next = process.argv[i + 1];
  return next && !next.startsWith("--") ? next : "";
}
const opt = {
  tips: Number((arg("tips") ?? "1000000").replace(/_/g, "")),
  dbs: (arg("db") ?? "sqlite,postgresql").split(",") as Dialect[],
  runs: Math.max(20, Number(arg("runs") ?? 20)),
  keep: arg("keep") !== undefined,
  reuse: arg("reuse") || undefined,
  periods: (arg("periods") ?? "month,quarter,year").split(","),
  /** The year's XLSX report (summarize + workbook): each call takes seconds, so fewer runs. */
  xlsxRuns: Math.max(3, Number(arg("xlsx-runs") ?? 5)),
};
for (const d of opt.dbs) if (d !== "sqlite" && d !== "postgresql") throw new Error(`--db: sqlite or postgresql, not ${d}`);

const cleanups: (() => Promise<void> | void)[] = [];
const progress = (text: string) => process.stderr.write(`  · ${text}\n`);
async function cleanUp() {
  for (const step of cleanups.splice(0).reverse()) await Promise.resolve(step()).catch((e) => console.error(`cleanup: ${String(e)}`));
}
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void cleanUp().finally(() => process.exit(130)));

/** The commune officer's unit of bench:queue (the 10th commune by size, ~2 % of the tips). */
const UNIT = province()[9]!.unitId;

async function freshDb(dialect: Dialect): Promise<{ url: string; dir: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tinbao-bench-reports-"));
  if (!opt.keep) cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  if (opt.reuse) {
    const url = opt.reuse.includes("://") ? opt.reuse : `file:${path.resolve(opt.reuse)}`;
    await migrate(url); // the migrations added since it was filled (indexes)
    return { url, dir };
  }
  let url = `file:${path.join(dir, "reports.db")}`;
  if (dialect === "postgresql") {
    const name = `tinbao_bench_${randomBytes(5).toString("hex")}`;
    const admin = new pg.Client({ connectionString: ADMIN_PG });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(ADMIN_PG);
    u.pathname = `/${name}`;
    url = u.toString();
    if (!opt.keep) {
      cleanups.push(async () => {
        const c = new pg.Client({ connectionString: ADMIN_PG });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      });
    }
  }
  if (opt.keep) console.log(`kept: ${url}`);
  await migrate(url);
  return { url, dir };
}

async function fill(dialect: Dialect, url: string, now: number): Promise<GenerateReport> {
  const writer = dialect === "sqlite" ? sqliteWriter(url.slice("file:".length)) : await postgresWriter(url);
  let report: GenerateReport;
  try {
    report = (await generate(writer, { count: opt.tips, now, years: 2, communeOfficerUnit: UNIT, progress })).report;
  } finally {
    await writer.close();
  }
  if (dialect === "postgresql") {
    // What autovacuum does soon after a bulk load: the visibility map lets the report read its index alone.
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query("VACUUM ANALYZE");
    await c.end();
  }
  return report;
}

/** A month, a quarter and a year, ending with the last whole month before the generator's closed tips thin out. */
function periods(now: number): { name: string; from: string; to: string }[] {
  const lastMonth = `${addMonths(vietnamDay(new Date(now)), -2).slice(0, 7)}-01`;
  const end = addDays(addMonths(lastMonth, 1), -1);
  return [
    { name: "month", from: lastMonth, to: end },
    { name: "quarter", from: addMonths(lastMonth, -2), to: end },
    { name: "year", from: addMonths(lastMonth, -11), to: end },
  ];
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
const round = (n: number) => Math.round(n * 10) / 10;

interface Row {
  /** For the XLSX rows: the workbook's own time (p50) and its size. */
  workbookP50?: number;
  bytes?: number;
  db: Dialect;
  period: string;
  scope: string;
  tips: number;
  p50: number;
  p95: number;
  max: number;
}

async function measure(dialect: Dialect): Promise<{ rows: Row[]; generated?: GenerateReport }> {
  const now = Date.now();
  const { url, dir } = await freshDb(dialect);
  const generated = opt.reuse ? undefined : await fill(dialect, url, now);
  if (generated) console.log(`${dialect}: ${generated.tips.toLocaleString("en")} tips, ${generated.routings.toLocaleString("en")} routings filled in ${round(generated.totalMs / 1000)} s`);
  const config = loadConfig({ DATABASE_URL: url, MEDIA_DIR: path.join(dir, "media"), DATA_ENCRYPTION_KEY: randomBytes(32).toString("base64"), LOG_LEVEL: "warn" });
  const { db, close } = await openDatabase(url);
  const ctx = { db, config, now: () => new Date(now) };
  const rows: Row[] = [];
  try {
    for (const p of periods(now).filter((x) => opt.periods.includes(x.name))) {
      for (const scope of ["province", "unit"] as const) {
        // As the route calls it: a unit officer's report is for their unit, within their scope.
        const filter: ReportFilter = scope === "province" ? { from: p.from, to: p.to } : { from: p.from, to: p.to, unitId: UNIT };
        const where = scope === "province" ? {} : { routings: { some: { unitId: UNIT, active: true } } };
        let tips = 0;
        for (let w = 0; w < 2; w++) tips = (await summarize(ctx, filter, where)).tips.total;
        const times: number[] = [];
        for (let i = 0; i < opt.runs; i++) {
          const t0 = performance.now();
          await summarize(ctx, filter, where);
          times.push(performance.now() - t0);
        }
        times.sort((a, b) => a - b);
        const row = { db: dialect, period: `${p.name} ${p.from}…${p.to}`, scope, tips, p50: round(pct(times, 0.5)), p95: round(pct(times, 0.95)), max: round(times.at(-1)!) };
        rows.push(row);
        console.log(`${row.db.padEnd(10)} ${row.period.padEnd(30)} ${scope.padEnd(8)} ${String(tips).padStart(7)} tips  p50 ${String(row.p50).padStart(7)} ms  p95 ${String(row.p95).padStart(7)} ms  max ${row.max} ms`);
        const report = { ctx, dialect, period: row.period, scope, filter, where, tips };
        if (p.name === "year") rows.push(await measureXlsx(report));
        if (p.name === "month") rows.push(await measureDashboard(report));
      }
    }
  } finally {
    await close();
  }
  return { rows, generated };
}

/** One report measured: the database, the period and scope, and how summarize() is called for it. */
interface Report {
  ctx: Parameters<typeof summarize>[0];
  dialect: Dialect;
  period: string;
  scope: string;
  filter: ReportFilter;
  where: Parameters<typeof summarize>[2];
  tips: number;
}

/**
 * The dashboard as GET /api/reports/dashboard answers it: summarize(), the charts drawn as SVG with their tables
 * (dashboardOf), and the JSON text; only the HTTP write is left out. `--runs` calls.
 */
async function measureDashboard({ ctx, dialect, period, scope, filter, where, tips }: Report): Promise<Row> {
  const once = async () => JSON.stringify(dashboardOf(await summarize(ctx, filter, where), ctx.config.deadlines)).length;
  let bytes = await once();
  const times: number[] = [];
  for (let i = 0; i < opt.runs; i++) {
    const t0 = performance.now();
    bytes = await once();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const row = { db: dialect, period, scope: `${scope} dashboard`, tips, p50: round(pct(times, 0.5)), p95: round(pct(times, 0.95)), max: round(times.at(-1)!), bytes };
  console.log(`${row.db.padEnd(10)} ${row.period.padEnd(30)} ${row.scope.padEnd(8)} ${String(tips).padStart(7)} tips  p50 ${String(row.p50).padStart(7)} ms  p95 ${String(row.p95).padStart(7)} ms  max ${row.max} ms  (${bytes} bytes of JSON)`);
  return row;
}

/**
 * The year's report as GET /api/reports/period.xlsx builds it: summarize() then the workbook (renderReportXlsx, every
 * sheet, zipped to bytes). `--xlsx-runs` calls; the workbook's own share is printed beside the total.
 */
async function measureXlsx({ ctx, dialect, period, scope, filter, where, tips }: Report): Promise<Row> {
  const times: number[] = [];
  const renders: number[] = [];
  let bytes = 0;
  for (let i = 0; i < opt.xlsxRuns; i++) {
    const t0 = performance.now();
    const summary = await summarize(ctx, filter, where);
    const t1 = performance.now();
    bytes = (await renderReportXlsx(summary)).length;
    const t2 = performance.now();
    times.push(t2 - t0);
    renders.push(t2 - t1);
  }
  times.sort((a, b) => a - b);
  renders.sort((a, b) => a - b);
  const row = { db: dialect, period, scope: `${scope} xlsx`, tips, p50: round(pct(times, 0.5)), p95: round(pct(times, 0.95)), max: round(times.at(-1)!), workbookP50: round(pct(renders, 0.5)), bytes };
  console.log(`${row.db.padEnd(10)} ${row.period.padEnd(30)} ${row.scope.padEnd(8)} ${String(tips).padStart(7)} tips  p50 ${String(row.p50).padStart(7)} ms  p95 ${String(row.p95).padStart(7)} ms  max ${row.max} ms  (workbook alone p50 ${row.workbookP50} ms, ${bytes} bytes)`);
  return row;
}

async function main() {
  const load = os.loadavg().map((n) => n.toFixed(2)).join(" ");
  console.log(`Period reports: ${opt.tips.toLocaleString("en")} tips over 2 years, ${opt.runs} runs per figure, ${os.cpus().length} cores, load average before: ${load}`);
  if (os.loadavg()[0]! > 0.5) console.log("  (load above 0.5: something else is using the CPU; figures will be noisy)");
  const results: Record<string, unknown>[] = [];
  for (const dialect of opt.dbs) {
    const { rows, generated } = await measure(dialect);
    results.push({ dialect, generated, rows });
  }
  const dirOut = path.join(ROOT, "bench/results");
  mkdirSync(dirOut, { recursive: true });
  const base = path.join(dirOut, `reports-${new Date().toISOString().slice(0, 10)}`);
  let file = `${base}.json`;
  for (let n = 2; existsSync(file); n++) file = `${base}-${n}.json`;
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), load, cores: os.cpus().length, tips: opt.tips, runs: opt.runs, results }, null, 2));
  console.log(`written: ${path.relative(ROOT, file)}`);
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => cleanUp());
