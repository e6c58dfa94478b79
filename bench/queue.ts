/**
 * Queue list and search benchmark (npm run bench:queue; see bench/README.md, "Queue list and search").
 *
 *   npm run bench:queue -- --tips 100000,1000000 --db sqlite,postgresql [--runs 2] [--samples 100] [--budget-s 8]
 *                          [--keep] [--reuse <dir-or-url>] [--explain] [--sse 30]
 *
 * For each database and size: a fresh database (temp SQLite file / new PostgreSQL database tinbao_bench_<hex>),
 * migrated with src/db/migrate.ts, filled by bench/queue-data.ts with raw bulk SQL (its own time is reported);
 * then the real service in a child process (bench/serve.ts, workers off), two officers signed in over HTTP
 * (province scope: duty desk; unit scope: a commune officer), and every query below sent sequentially after a
 * warm-up: p50 / p95 / max per query, officer, database and size, `--runs` times. Each answer is checked against
 * the filter it asked for ("ok" / "IGNORED": the API does not (yet) know the parameter).
 * `--explain` also prints the SQL plan of each query (EXPLAIN QUERY PLAN / EXPLAIN ANALYZE) from the real
 * listTips, captured in-process from Prisma's query log. `--sse N` measures webhook → `tip` event on
 * GET /api/tips/stream (when the endpoint exists).
 * Writes bench/results/queue-<date>.json. Only 127.0.0.1; temp files and databases are removed at the end
 * (unless --keep), also on Ctrl-C.
 */
import { fork, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import pg from "pg";
import { migrate } from "../src/db/migrate.ts";
import { OPEN_STATUSES, overdueKind } from "../src/tips/workflow.ts";
import { BENCH_PASSWORD, DAY, generate, postgresWriter, province, sqliteWriter, type GenerateReport } from "./queue-data.ts";
import type { FromChild } from "./serve.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ADMIN_PG = process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

// ---- options ------------------------------------------------------------------------------------------------------

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return undefined;
  const next = process.argv[i + 1];
  return next && !next.startsWith("--") ? next : "";
}
const opt = {
  tips: (arg("tips") ?? "100000").split(",").map((s) => Number(s.replace(/_/g, ""))),
  dbs: (arg("db") ?? "sqlite,postgresql").split(",") as Dialect[],
  runs: Number(arg("runs") ?? 2),
  samples: Number(arg("samples") ?? 100),
  budgetS: Number(arg("budget-s") ?? 8),
  /** At least this many samples even past the budget (a query of 2 s × 10 = 20 s). */
  minSamples: Number(arg("min-samples") ?? 10),
  /** One request waits at most this long (then counts as an error and the query is not sampled further). */
  timeoutS: Number(arg("timeout-s") ?? 60),
  keep: arg("keep") !== undefined,
  reuse: arg("reuse") || undefined,
  explain: arg("explain") !== undefined,
  sse: Number(arg("sse") ?? 0),
  only: arg("only")?.split(","),
  officers: (arg("officers") ?? "duty,commune").split(",") as ("duty" | "commune")[],
  analyzeSqlite: arg("analyze-sqlite") !== undefined,
};
type Dialect = "sqlite" | "postgresql";
for (const d of opt.dbs) if (d !== "sqlite" && d !== "postgresql") throw new Error(`--db: sqlite or postgresql, not ${d}`);
for (const n of opt.tips) if (!Number.isInteger(n) || n < 1000 || n > 5_000_000) throw new Error(`--tips: 1000 to 5000000, not ${n}`);

// ---- housekeeping ---------------------------------------------------------------------------------------------------

const children = new Set<ChildProcess>();
const cleanups: (() => Promise<void> | void)[] = [];
const progress = (text: string) => process.stderr.write(`  · ${text}\n`);
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

async function cleanUp(): Promise<void> {
  for (const c of children) c.kill("SIGKILL");
  for (const step of cleanups.splice(0).reverse()) {
    try {
      await step();
    } catch (error) {
      console.error(`cleanup: ${String(error)}`);
    }
  }
}
process.on("exit", () => {
  for (const c of children) c.kill("SIGKILL");
});
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: stopping the server and removing temp data…`);
    void cleanUp().finally(() => process.exit(130));
  });
}

// ---- databases ------------------------------------------------------------------------------------------------------

interface BenchDb {
  dialect: Dialect;
  url: string;
  dir: string;
  generated?: GenerateReport;
  migrateMs?: number;
  drop(): Promise<void>;
}

async function freshDb(dialect: Dialect, tips: number): Promise<BenchDb> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tinbao-bench-queue-"));
  let url: string;
  let drop = async () => rmSync(dir, { recursive: true, force: true });
  if (dialect === "sqlite") {
    url = `file:${path.join(dir, "queue.db")}`;
  } else {
    const name = `tinbao_bench_${randomBytes(5).toString("hex")}`;
    const admin = new pg.Client({ connectionString: ADMIN_PG });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(ADMIN_PG);
    u.pathname = `/${name}`;
    url = u.toString();
    const removeDir = drop;
    drop = async () => {
      const c = new pg.Client({ connectionString: ADMIN_PG });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      await removeDir();
    };
  }
  const db: BenchDb = { dialect, url, dir, drop };
  if (!opt.keep) cleanups.push(() => db.drop());
  const t0 = performance.now();
  await migrate(url);
  db.migrateMs = Math.round(performance.now() - t0);
  return db;
}

export interface Fixture {
  communeUnit: string;
  communeCode: string;
  bigCommune: string;
  reference: string;
  tips: number;
}

/** The commune officer's unit: the 10th commune by size (~2 % of the tips: a mid-sized commune). */
const COMMUNE_OFFICER_UNIT = province()[9]!.unitId;

async function fill(db: BenchDb, tips: number): Promise<void> {
  const writer = db.dialect === "sqlite" ? sqliteWriter(db.url.slice("file:".length), { analyze: opt.analyzeSqlite }) : await postgresWriter(db.url);
  try {
    const { report } = await generate(writer, { count: tips, now: Date.now(), communeOfficerUnit: COMMUNE_OFFICER_UNIT, progress });
    db.generated = report;
  } finally {
    await writer.close();
  }
}

/** Facts the queries need, read from the generated data. */
async function fixture(db: BenchDb): Promise<Fixture> {
  const communes = province();
  const communeCode = communes.find((c) => c.unitId === COMMUNE_OFFICER_UNIT)!.code;
  const sql = `SELECT reference FROM "Tip" WHERE "unitId" = '${COMMUNE_OFFICER_UNIT}' AND status = 'verifying' ORDER BY reference LIMIT 1`;
  const count = `SELECT count(*) AS n FROM "Tip"`;
  if (db.dialect === "sqlite") {
    const d = new Database(db.url.slice("file:".length), { readonly: true });
    const reference = (d.prepare(sql).pluck().get() as string) ?? "QN-AAAAAA";
    const n = d.prepare(count).pluck().get() as number;
    d.close();
    return { communeUnit: COMMUNE_OFFICER_UNIT, communeCode, bigCommune: communes[0]!.code, reference, tips: n };
  }
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  const reference = (await c.query<{ reference: string }>(sql)).rows[0]?.reference ?? "QN-AAAAAA";
  const n = Number((await c.query<{ n: string }>(count)).rows[0]!.n);
  await c.end();
  return { communeUnit: COMMUNE_OFFICER_UNIT, communeCode, bigCommune: communes[0]!.code, reference, tips: n };
}

// ---- the server -----------------------------------------------------------------------------------------------------

interface Server {
  url: string;
  child: ChildProcess;
  startMs: number;
  stop(): Promise<void>;
}

async function startServer(db: BenchDb): Promise<Server> {
  const env: Record<string, string> = {
    NODE_ENV: "production",
    BENCH_TARGET: "tinbao",
    BENCH_WORKERS: opt.sse ? "on" : "off",
    DATABASE_URL: db.url,
    MEDIA_DIR: path.join(db.dir, "media"),
    DATA_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
  };
  for (const key of ["PATH", "HOME", "TMPDIR", "LANG"]) if (process.env[key]) env[key] = process.env[key]!;
  const started = performance.now();
  const child = fork(path.join(ROOT, "bench/serve.ts"), [], { cwd: ROOT, env, execArgv: ["--import", "tsx"], stdio: ["ignore", "pipe", "pipe", "ipc"] });
  children.add(child);
  const log: string[] = [];
  child.stdout?.on("data", (b: Buffer) => log.push(b.toString()));
  child.stderr?.on("data", (b: Buffer) => log.push(b.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => (children.delete(child), resolve())));
  const ready = await new Promise<Extract<FromChild, { type: "ready" }>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 600 s:\n${log.join("")}`)), 600_000);
    child.on("message", (m: FromChild) => {
      if (m.type === "ready") (clearTimeout(timer), resolve(m));
      if (m.type === "failed") (clearTimeout(timer), reject(new Error(m.message)));
    });
    child.once("exit", (code) => (clearTimeout(timer), reject(new Error(`server exited (${code}):\n${log.join("")}`))));
  });
  return {
    url: ready.url,
    child,
    startMs: Math.round(performance.now() - started),
    async stop() {
      if (child.exitCode !== null) return;
      child.send({ type: "stop" });
      const t = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(t);
    },
  };
}

async function login(base: string, username: string): Promise<{ cookie: string; officerId: string }> {
  const res = await fetch(`${base}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password: BENCH_PASSWORD }) });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
  const body = (await res.json()) as { officer: { id: string } };
  return { cookie, officerId: body.officer.id };
}

// ---- the queries ----------------------------------------------------------------------------------------------------

export interface Item {
  id: string;
  reference: string;
  category: string;
  status: string;
  communeCode: string | null;
  createdAt: string;
  ackDueAt: string;
  settleDueAt: string;
  overdue?: string | null;
  assignedOfficerId?: string | null;
  excerpt: string;
}
export interface Page {
  items: Item[];
  nextCursor: string | null;
}

export interface QuerySpec {
  name: string;
  /** Query string, or a function of the first page (page 2). */
  params: (ctx: { me: string; fx: Fixture; first?: Page }) => Record<string, string> | undefined;
  /** Does the answer honour the filter? undefined = cannot tell. */
  check?: (items: Item[], ctx: { me: string; who: string; fx: Fixture }) => boolean | undefined;
}

const isOpen = (s: string) => (OPEN_STATUSES as readonly string[]).includes(s);
const PERIOD = (() => {
  const d = new Date(Date.now() - 700 * DAY);
  const from = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
  const to = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0));
  const day = (x: Date) => x.toISOString().slice(0, 10);
  // Days are Vietnamese days (UTC+7), as the API reads them.
  const VN = 7 * 3_600_000;
  return { from: day(from), to: day(to), fromMs: from.getTime() - VN, toMs: to.getTime() + DAY - VN };
})();

const QUERIES: QuerySpec[] = [
  { name: "open queue (default)", params: () => ({}), check: (items) => items.every((t) => isOpen(t.status)) },
  { name: "page 2 (cursor)", params: ({ first }) => (first?.nextCursor ? { cursor: first.nextCursor } : undefined), check: (items) => items.every((t) => isOpen(t.status)) },
  { name: "category+status", params: () => ({ category: "theft", status: "verifying" }), check: (items) => items.every((t) => t.category === "theft" && t.status === "verifying") },
  { name: "commune", params: ({ fx, me }) => ({ communeCode: me === "duty" ? fx.bigCommune : fx.communeCode }), check: (items, { fx, who }) => items.every((t) => t.communeCode === (who === "duty" ? fx.bigCommune : fx.communeCode)) },
  {
    name: "overdue",
    params: () => ({ overdue: "true" }),
    check: (items) => items.every((t) => overdueKind({ status: t.status, ackDueAt: new Date(t.ackDueAt), settleDueAt: new Date(t.settleDueAt) }, new Date()) !== null),
  },
  { name: "assignee=me", params: () => ({ assignee: "me" }), check: (items, { me }) => (items.length && items[0]!.assignedOfficerId === undefined ? undefined : items.every((t) => t.assignedOfficerId === me)) },
  {
    name: "period (a month, all statuses)",
    params: () => ({ statusGroup: "all", from: PERIOD.from, to: PERIOD.to }),
    check: (items) => items.every((t) => Date.parse(t.createdAt) >= PERIOD.fromMs && Date.parse(t.createdAt) < PERIOD.toMs),
  },
  { name: "search 'ma tuy'", params: () => ({ q: "ma tuy" }), check: (items) => items.every((t) => isOpen(t.status)) },
  { name: "search 'duong'", params: () => ({ q: "duong" }), check: (items) => items.every((t) => isOpen(t.status)) },
  { name: "search 'xe máy' (2 words)", params: () => ({ q: "xe máy" }) },
  { name: "search '77c1' (no match)", params: () => ({ q: "77c1" }), check: (items) => items.length === 0 },
  { name: "search reference", params: ({ fx }) => ({ q: fx.reference.toLowerCase() }), check: (items, { fx }) => items.length >= 1 && items[0]!.reference === fx.reference },
  { name: "search 'ma tuy', all statuses", params: () => ({ q: "ma tuy", statusGroup: "all" }) },
  { name: "search 'duong', all statuses", params: () => ({ q: "duong", statusGroup: "all" }) },
  { name: "search '77c1', all statuses", params: () => ({ q: "77c1", statusGroup: "all" }), check: (items) => items.length === 0 },
];

interface Measured {
  query: string;
  url: string;
  samples: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
  status: number;
  items: number;
  check: "ok" | "IGNORED" | "-";
  errors: number;
}

function pct(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

async function measure(base: string, cookie: string, spec: QuerySpec, params: Record<string, string>, checkCtx: { me: string; who: string; fx: Fixture }): Promise<Measured & { page: Page | undefined }> {
  const qs = new URLSearchParams(params).toString();
  const url = `${base}/api/tips${qs ? `?${qs}` : ""}`;
  const once = async () => {
    const t0 = performance.now();
    try {
      const res = await fetch(url, { headers: { cookie }, signal: AbortSignal.timeout(opt.timeoutS * 1000) });
      const text = await res.text();
      return { ms: performance.now() - t0, status: res.status, text };
    } catch {
      // Timed out (or the connection failed): counted as an error at the time waited.
      return { ms: performance.now() - t0, status: 0, text: "" };
    }
  };
  let last = await once();
  // Warm-up (skipped for a query slower than the budget: one answer already tells).
  for (let i = 0; i < 2 && last.ms < opt.budgetS * 1000; i++) last = await once();
  const times: number[] = [];
  let errors = 0;
  if (last.status === 0) {
    // Past the timeout already in the warm-up: one sample, "> timeout".
    times.push(last.ms);
    errors++;
  }
  const deadline = performance.now() + opt.budgetS * 1000;
  while (last.status !== 0 && times.length < opt.samples && (times.length < opt.minSamples || performance.now() < deadline)) {
    const r = await once();
    if (r.status !== 200) errors++;
    times.push(r.ms);
    last = r;
    // A query past the timeout is not sampled further: the figure is "> timeout".
    if (r.status === 0) break;
  }
  times.sort((a, b) => a - b);
  const page = last.status === 200 ? (JSON.parse(last.text) as Page) : undefined;
  const verdict = page && spec.check ? spec.check(page.items, checkCtx) : undefined;
  return {
    query: spec.name,
    url: url.slice(base.length),
    samples: times.length,
    p50: round(pct(times, 0.5), 2),
    p95: round(pct(times, 0.95), 2),
    max: round(times.at(-1)!, 2),
    mean: round(times.reduce((a, b) => a + b, 0) / times.length, 2),
    status: last.status,
    items: page?.items.length ?? 0,
    check: verdict === undefined ? "-" : verdict ? "ok" : "IGNORED",
    errors,
    page,
  };
}

// ---- SSE: webhook → tip event -------------------------------------------------------------------------------------

async function sseLatency(base: string, cookie: string, n: number): Promise<unknown> {
  const probe = await fetch(`${base}/api/tips/stream`, { headers: { cookie, accept: "text/event-stream" }, signal: AbortSignal.timeout(3000) }).catch((e: unknown) => e as Error);
  if (probe instanceof Error || probe.status !== 200 || !probe.headers.get("content-type")?.includes("text/event-stream")) {
    if (!(probe instanceof Error)) await probe.body?.cancel();
    return { skipped: `GET /api/tips/stream: ${probe instanceof Error ? probe.message : probe.status}` };
  }
  await probe.body?.cancel();
  const { fileSimpleReport } = await import("./queue-sse.ts");
  return fileSimpleReport(base, cookie, n);
}

// ---- EXPLAIN ----------------------------------------------------------------------------------------------------------

async function explainAll(db: BenchDb, fx: Fixture, logins: Record<string, { officerId: string }>): Promise<unknown> {
  const { explainQueries } = await import("./queue-explain.ts");
  return explainQueries(db.url, fx, logins, QUERIES.filter((q) => !opt.only || opt.only.some((o) => q.name.includes(o))));
}

// ---- main -------------------------------------------------------------------------------------------------------------

interface ConfigResult {
  dialect: Dialect;
  tips: number;
  generate?: GenerateReport;
  migrateMs?: number;
  serverStartMs: number;
  runs: { run: number; officer: string; results: Measured[] }[];
  sse?: unknown;
  explain?: unknown;
}

function printTable(r: ConfigResult): void {
  console.log(`\n${r.dialect} · ${r.tips.toLocaleString("en")} tips${r.generate ? ` · generated in ${round(r.generate.totalMs / 1000)} s (rows ${round(r.generate.rowsMs / 1000)} s, insert ${round(r.generate.insertMs / 1000)} s, indexes ${round(r.generate.indexMs / 1000)} s), ${round((r.generate.dbBytes ?? 0) / 2 ** 20)} MiB` : ""}`);
  const header = ["query", "officer", ...r.runs.filter((x) => x.officer === "duty").map((x) => `run ${x.run} p50/p95/max ms`), "items", "check"];
  const rows: string[][] = [];
  for (const officer of ["duty", "commune"]) {
    const runs = r.runs.filter((x) => x.officer === officer);
    for (const q of runs[0]?.results ?? []) {
      const cells = runs.map((x) => {
        const m = x.results.find((y) => y.query === q.query);
        return m ? `${m.p50} / ${m.p95} / ${m.max}${m.errors ? ` (${m.errors} err)` : ""}` : "-";
      });
      rows.push([q.query, officer, ...cells, String(q.items), q.check]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(" │ ");
  console.log(line(header));
  console.log(widths.map((w) => "─".repeat(w)).join("─┼─"));
  for (const row of rows) console.log(line(row));
}

async function runConfig(dialect: Dialect, tips: number): Promise<ConfigResult> {
  let db: BenchDb;
  if (opt.reuse) {
    const url = opt.reuse.startsWith("postgres") ? opt.reuse : `file:${path.join(opt.reuse, "queue.db")}`;
    const pgReuse = opt.reuse.startsWith("postgres");
    const dir = pgReuse ? mkdtempSync(path.join(os.tmpdir(), "tinbao-bench-queue-")) : opt.reuse;
    // A reused database is left alone; only the temp dir made here for the service's media goes.
    if (pgReuse) cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    db = { dialect, url, dir, drop: async () => {} };
  } else {
    progress(`${dialect}: generating ${tips.toLocaleString("en")} tips`);
    db = await freshDb(dialect, tips);
    await fill(db, tips);
    progress(`${dialect}: generated in ${round(db.generated!.totalMs / 1000)} s`);
    if (opt.keep) console.log(`kept: ${db.url}`);
  }
  const fx = await fixture(db);
  progress(`${dialect}: starting the service (applies pending migrations: new indexes are built now)`);
  const server = await startServer(db);
  progress(`${dialect}: service ready in ${server.startMs} ms`);
  const result: ConfigResult = { dialect, tips: fx.tips, generate: db.generated, migrateMs: db.migrateMs, serverStartMs: server.startMs, runs: [] };
  try {
    const sessions = { duty: await login(server.url, "bench.duty"), commune: await login(server.url, "bench.commune") };
    for (let run = 1; run <= opt.runs; run++) {
      for (const officer of opt.officers) {
        const results: Measured[] = [];
        let first: Page | undefined;
        for (const spec of QUERIES) {
          if (opt.only && !opt.only.some((o) => spec.name.includes(o))) continue;
          const params = spec.params({ me: officer, fx, first });
          if (!params) continue;
          const m = await measure(server.url, sessions[officer].cookie, spec, params, { me: sessions[officer].officerId, who: officer, fx });
          if (spec.name === "open queue (default)") first = m.page;
          const { page: _page, ...rest } = m;
          results.push(rest);
          progress(`${dialect} ${tips} run ${run} ${officer} ${spec.name}: p50 ${m.p50} p95 ${m.p95} ms (${m.samples})`);
        }
        result.runs.push({ run, officer, results });
      }
    }
    if (opt.sse) result.sse = await sseLatency(server.url, sessions.duty.cookie, opt.sse);
    if (opt.explain) result.explain = await explainAll(db, fx, { duty: sessions.duty, commune: sessions.commune });
  } finally {
    await server.stop();
  }
  return result;
}

async function main(): Promise<void> {
  const load = os.loadavg()[0]!;
  console.log(`Queue benchmark · ${os.cpus().length} cores · load average ${load.toFixed(2)}${load > 0.5 ? " (busy: figures will be noisy)" : ""} · ${new Date().toISOString()}`);
  const results: ConfigResult[] = [];
  for (const tips of opt.tips) {
    for (const dialect of opt.dbs) {
      const r = await runConfig(dialect, tips);
      printTable(r);
      if (r.sse) console.log(`SSE webhook → tip event: ${JSON.stringify(r.sse)}`);
      results.push(r);
      await cleanUp();
    }
  }
  const dir = path.join(ROOT, "bench/results");
  mkdirSync(dir, { recursive: true });
  const day = new Date().toISOString().slice(0, 10);
  let file = path.join(dir, `queue-${day}.json`);
  for (let k = 2; existsSync(file); k++) file = path.join(dir, `queue-${day}-${k}.json`);
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, loadAverage: os.loadavg(), memGiB: round(os.totalmem() / 2 ** 30) }, options: opt, results }, null, 2));
  console.log(`\nwrote ${path.relative(ROOT, file)}`);
}

try {
  await main();
} finally {
  await cleanUp();
}
