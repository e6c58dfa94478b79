/**
 * Webhook ingest benchmark (npm run bench:ingest; see bench/README.md).
 *
 * In one run, on SQLite (a temp file) and, when BENCH_DATABASE_URL=postgresql://… is given, on PostgreSQL too:
 *   1. Tin Báo's real POST /webhooks/telegram (verify secret → store the raw Update → 200), workers off:
 *      sustained maximum (closed loop) and a fixed rate; then every acknowledged update_id is looked up in the
 *      database; then the service is restarted with workers on and the inbox backlog is timed.
 *   2. The same two load profiles against a bare Express 5 + telegraf webhookCallback that only answers 200.
 *   3. Peak RSS of each server, measured in its own child process (bench/serve.ts).
 *   4. Time from `tsx src/main.ts` to GET /healthz → 200, and the "ready in N ms" it prints.
 * All traffic stays on 127.0.0.1 (Bot API calls go to the fake in test/fakes). Every phase is bounded in time;
 * children, temp dirs and temp PostgreSQL databases are removed at the end, also on Ctrl-C.
 */
import { fork, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import pg from "pg";
import { FakeTelegramBotApi } from "../test/fakes/telegram-bot-api.ts";
import { freePort } from "../test/support/child-service.ts";
import { createUpdateSource, runFixedRate, runSustained, Tally, type LoadSummary, type UpdateSource } from "./load.ts";
import type { ChildStats, FromChild, ToChild } from "./serve.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BOT_TOKEN = "123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const PUBLIC_URL = "https://bench.example";

// ---- settings ---------------------------------------------------------------------------------------------------

function numberEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    console.error(`${name}=${raw}: expected a number from ${min} to ${max}`);
    process.exit(64);
  }
  return value;
}

const settings = {
  durationS: numberEnv("BENCH_DURATION_S", 10, 1, 120),
  connections: numberEnv("BENCH_CONNECTIONS", 50, 1, 1000),
  warmupS: numberEnv("BENCH_WARMUP_S", 2, 0, 30),
  rate: numberEnv("BENCH_RATE", 1000, 1, 100_000),
  rateSlices: numberEnv("BENCH_RATE_SLICES", 20, 1, 100),
  rateConnections: numberEnv("BENCH_RATE_CONNECTIONS", 40, 1, 1000),
  chats: numberEnv("BENCH_CHATS", 5000, 1, 1_000_000),
  drainMaxS: numberEnv("BENCH_DRAIN_MAX_S", 60, 1, 600),
  startupRuns: numberEnv("BENCH_STARTUP_RUNS", 5, 0, 20),
  postgresUrl: process.env.BENCH_DATABASE_URL?.trim() || undefined,
};

// ---- housekeeping: everything started here is stopped here ------------------------------------------------------

const children = new Set<ChildProcess>();
const cleanups: (() => Promise<void> | void)[] = [];
let tempRoot: string | undefined;
let watchdog: NodeJS.Timeout | undefined;

function killChildren(): void {
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) continue;
    try {
      // Startup runs are detached (own process group: tsx CLI + node); bench servers are single processes.
      if (child.spawnargs.includes("src/main.ts")) process.kill(-child.pid, "SIGKILL");
      else child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
}

async function cleanUp(): Promise<void> {
  clearTimeout(watchdog);
  killChildren();
  for (const step of cleanups.splice(0).reverse()) {
    try {
      await step();
    } catch (error) {
      console.error(`cleanup: ${String(error)}`);
    }
  }
  if (tempRoot) rmSync(tempRoot, { recursive: true, force: true });
  tempRoot = undefined;
}

process.on("exit", killChildren);
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  // `on`, not `once`: the tsx CLI relays a Ctrl-C the process group already delivered, and a second SIGINT
  // without a listener would end this process before it has cleaned up.
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: stopping children and removing temp data…`);
    void cleanUp().finally(() => process.exit(130));
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const progress = (text: string) => process.stderr.write(`  · ${text}\n`);

/** Resolves with the promise, or rejects after `ms`. */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** The variables every child gets: nothing else from this shell leaks in (no stray tokens, no real API roots). */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = { NODE_ENV: "production" };
  for (const key of ["PATH", "HOME", "TMPDIR", "LANG", "TELEGRAM_BOT_API_SPEC"]) {
    const value = process.env[key];
    if (value) env[key] = value;
  }
  return env;
}

// ---- the server under test, in a child process ------------------------------------------------------------------

class ServerChild {
  readonly log: string[] = [];
  logLines = 0;
  ready!: Extract<FromChild, { type: "ready" }>;
  #nextId = 1;
  #waiting = new Map<number, (stats: ChildStats) => void>();
  #exited: Promise<number | null>;

  private constructor(readonly name: string, readonly child: ChildProcess) {
    this.#exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (!line.trim()) continue;
        this.logLines++;
        this.log.push(line.length > 500 ? `${line.slice(0, 500)}…` : line);
        if (this.log.length > 20) this.log.shift();
      }
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    child.on("message", (message: FromChild) => {
      if (message.type === "stats") {
        this.#waiting.get(message.id)?.(message.stats);
        this.#waiting.delete(message.id);
      }
    });
  }

  static async start(name: string, env: Record<string, string>): Promise<ServerChild> {
    const child = fork(path.join(ROOT, "bench/serve.ts"), [], {
      cwd: ROOT,
      env: { ...baseEnv(), ...env },
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    children.add(child);
    child.once("exit", () => children.delete(child));
    const server = new ServerChild(name, child);
    const ready = new Promise<Extract<FromChild, { type: "ready" }>>((resolve, reject) => {
      child.on("message", (message: FromChild) => {
        if (message.type === "ready") resolve(message);
        if (message.type === "failed") reject(new Error(`${name} failed to start:\n${message.message}`));
      });
      child.once("exit", (code) => reject(new Error(`${name} exited (${code}) before it was ready:\n${server.log.join("\n")}`)));
    });
    try {
      server.ready = await within(60_000, `${name} start`, ready);
    } catch (error) {
      child.kill("SIGKILL");
      throw error;
    }
    return server;
  }

  get url(): string {
    return this.ready.url;
  }

  #send(message: ToChild): void {
    if (this.child.connected) this.child.send(message);
  }

  /** Starts a new phase: the phase peak RSS restarts from the current RSS. */
  mark(): void {
    this.#send({ type: "mark" });
  }

  stats(): Promise<ChildStats> {
    const id = this.#nextId++;
    const answer = new Promise<ChildStats>((resolve) => this.#waiting.set(id, resolve));
    this.#send({ type: "stats", id });
    return within(15_000, `${this.name} stats`, answer);
  }

  /** BENCH_WORKERS=later: start the inbox and outbox workers now. */
  startWorkers(): void {
    this.#send({ type: "startWorkers" });
  }

  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill("SIGKILL");
    await this.#exited;
  }

  /** Asks the child to stop; kills it if it has not exited within 15 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.#send({ type: "stop" });
    try {
      await within(15_000, `${this.name} stop`, this.#exited);
    } catch {
      this.child.kill("SIGKILL");
      await this.#exited;
    }
  }
}

// ---- databases --------------------------------------------------------------------------------------------------

type Dialect = "sqlite" | "postgresql";

interface BenchDatabase {
  dialect: Dialect;
  url: string;
  /** Every externalId stored in InboundEvent for Telegram (read directly, not through the service). */
  storedIds(): Promise<string[]>;
  /** A connection of our own that counts InboundEvent rows by status (works while the service is busy). */
  openCounter(): Promise<{ counts(): Promise<Record<string, number>>; close(): Promise<void> }>;
}

const STATUS_COUNTS = `SELECT "status", COUNT(*) AS "n" FROM "InboundEvent" GROUP BY "status"`;

function isLoopback(url: string): boolean {
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  const socketHost = parsed.searchParams.get("host");
  if (host === "" && socketHost?.startsWith("/")) return true;
  return host === "127.0.0.1" || host === "localhost" || host === "::1";
}

async function freshDatabase(dialect: Dialect, dir: string): Promise<BenchDatabase> {
  if (dialect === "sqlite") {
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, "tinbao.db");
    return {
      dialect,
      url: `file:${file}`,
      async storedIds() {
        const db = new Database(file, { readonly: true });
        try {
          return db.prepare(`SELECT "externalId" FROM "InboundEvent" WHERE "channel" = 'telegram'`).pluck().all() as string[];
        } finally {
          db.close();
        }
      },
      async openCounter() {
        const db = new Database(file, { readonly: true });
        return {
          counts: async () => Object.fromEntries((db.prepare(STATUS_COUNTS).all() as { status: string; n: number }[]).map((r) => [r.status, Number(r.n)])),
          close: async () => void db.close(),
        };
      },
    };
  }
  const admin = settings.postgresUrl!;
  const name = `tinbao_bench_${randomBytes(5).toString("hex")}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  cleanups.push(async () => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await c.end();
    }
  });
  return {
    dialect,
    url: url.toString(),
    async storedIds() {
      const c = new pg.Client({ connectionString: url.toString() });
      await c.connect();
      try {
        const { rows } = await c.query<{ externalId: string }>(`SELECT "externalId" FROM "InboundEvent" WHERE "channel" = 'telegram'`);
        return rows.map((r) => r.externalId);
      } finally {
        await c.end();
      }
    },
    async openCounter() {
      const c = new pg.Client({ connectionString: url.toString() });
      await c.connect();
      return {
        counts: async () => Object.fromEntries((await c.query<{ status: string; n: string }>(STATUS_COUNTS)).rows.map((r) => [r.status, Number(r.n)])),
        close: () => c.end(),
      };
    },
  };
}

// ---- one target: two load profiles ------------------------------------------------------------------------------

interface PhaseServer {
  /** Highest RSS sampled (every 10 ms) during the phase. */
  peakRssBytes: number;
  /** Server CPU time during the phase / wall time (1.0 = one core busy). */
  cpuCores: number;
  /** Longest stall of the server's event loop during the phase, ms. */
  eventLoopStallMaxMs: number;
}

interface TargetReport {
  name: string;
  target: "baseline" | "tinbao";
  dialect?: Dialect;
  /** Child process start (module loading excluded) to listening, as the child measured it. */
  startMs: number;
  idleRssBytes: number;
  warmup?: LoadSummary;
  sustained: LoadSummary & { server: PhaseServer };
  fixedRate: LoadSummary & { server: PhaseServer };
  /** Kernel high-water mark of the server process RSS over its whole life (getrusage). */
  maxRssBytes: number;
  serverLogLines: number;
  serverLogTail: string[];
  storage?: StorageCheck;
  inboxDrain?: DrainReport;
}

async function loadPhase(server: ServerChild, run: () => Promise<LoadSummary>): Promise<LoadSummary & { server: PhaseServer }> {
  const before = await server.stats();
  server.mark();
  const summary = await run();
  const after = await server.stats();
  const wallMs = after.at - before.at;
  return { ...summary, server: { peakRssBytes: after.phasePeakRss, cpuCores: round((after.cpuMs - before.cpuMs) / wallMs, 2), eventLoopStallMaxMs: after.eventLoopDelayMaxMs } };
}

async function benchTarget(
  name: string,
  target: "baseline" | "tinbao",
  env: Record<string, string>,
  source: UpdateSource,
  secret: string,
  tally: Tally,
  dialect?: Dialect,
): Promise<{ report: TargetReport; server: ServerChild }> {
  progress(`${name}: starting server`);
  const server = await ServerChild.start(name, { ...env, BENCH_TARGET: target });
  try {
    const url = server.url;
    let warmup: LoadSummary | undefined;
    if (settings.warmupS > 0) {
      progress(`${name}: warm-up ${settings.warmupS} s, 10 connections`);
      warmup = await runSustained(url, source, secret, tally, { connections: 10, durationS: settings.warmupS, profile: "warm-up" });
      await sleep(500);
    }
    progress(`${name}: sustained, ${settings.connections} connections, ${settings.durationS} s`);
    const sustained = await loadPhase(server, () =>
      runSustained(url, source, secret, tally, { connections: settings.connections, durationS: settings.durationS }),
    );
    await sleep(1000);
    progress(`${name}: fixed rate ${settings.rate}/s, ${settings.durationS} s`);
    const fixedRate = await loadPhase(server, () =>
      runFixedRate(url, source, secret, tally, {
        rate: settings.rate,
        durationS: settings.durationS,
        connections: settings.rateConnections,
        slices: settings.rateSlices,
      }),
    );
    const last = await server.stats();
    return {
      server,
      report: {
        name,
        target,
        dialect,
        startMs: Math.round(server.ready.startMs),
        idleRssBytes: server.ready.stats.rss,
        warmup,
        sustained,
        fixedRate,
        maxRssBytes: Math.max(last.maxRss, last.peakRss),
        serverLogLines: 0,
        serverLogTail: [],
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

async function finish(target: { report: TargetReport; server: ServerChild }): Promise<TargetReport> {
  await target.server.stop();
  target.report.serverLogLines = target.server.logLines;
  target.report.serverLogTail = target.server.log.slice(-5);
  return target.report;
}

// ---- Tin Báo: nothing lost, then the inbox backlog ---------------------------------------------------------------

interface StorageCheck {
  rows: number;
  /** 2xx answers received over warm-up + sustained + fixed rate. */
  answered2xx: number;
  /** 2xx answers whose update_id is not in InboundEvent: must be 0. */
  ackedButMissing: number;
  /** Rows whose answer never reached the load generator (in flight when a run stopped); at most `unanswered`. */
  storedNotAcked: number;
  unanswered: number;
  duplicateAnswers: number;
  rowsEqual2xx: boolean;
  nothingLost: boolean;
}

async function checkStorage(db: BenchDatabase, tally: Tally, runs: LoadSummary[]): Promise<StorageCheck> {
  const stored = await db.storedIds();
  const storedSet = new Set(stored);
  const ackedSet = new Set(tally.acked.map(String));
  const ackedButMissing = [...ackedSet].filter((id) => !storedSet.has(id)).length;
  const storedNotAcked = stored.filter((id) => !ackedSet.has(id)).length;
  const unanswered = runs.reduce((n, r) => n + r.unanswered, 0);
  const answered2xx = runs.reduce((n, r) => n + r.ok2xx, 0);
  return {
    rows: stored.length,
    answered2xx,
    ackedButMissing,
    storedNotAcked,
    unanswered,
    duplicateAnswers: tally.duplicates,
    rowsEqual2xx: stored.length === answered2xx,
    nothingLost: ackedButMissing === 0 && ackedSet.size === tally.acked.length && answered2xx === tally.acked.length && storedNotAcked <= unanswered,
  };
}

interface DrainReport {
  backlog: number;
  processed: number;
  /** From the moment the workers were told to start to the first poll (every 100 ms) finding nothing open. */
  seconds: number;
  eventsPerS: number;
  completed: boolean;
  /** Not completed within the bound: backlog / eventsPerS, the time the whole backlog would take at that rate. */
  estimatedTotalS?: number;
  byStatus: Record<string, number>;
  outboxByStatus?: Record<string, number>;
  /** Kernel high-water mark of the RSS of this (fresh) server process. */
  maxRssBytes?: number;
  cpuCores?: number;
  /** Longest stall of the server's event loop during the drain. */
  eventLoopStallMaxMs?: number;
  /** GET /healthz every 500 ms during the drain, 2 s timeout: does the service still answer HTTP? */
  healthz: { probes: number; ok: number; failed: number; maxMs: number };
}

/**
 * Restarts the service on the same database without workers, then starts them (exactly what startService does
 * with workers on) and times the backlog. The workers are started after start-up, not inside it: see README
 * ("Inbox backlog"). Progress is read from the database over our own connection, so it is measured even when
 * the server's event loop does not answer; past BENCH_DRAIN_MAX_S the server is killed.
 */
async function drainInbox(name: string, env: Record<string, string>, db: BenchDatabase): Promise<DrainReport> {
  progress(`${name}: restarting, starting the workers, timing the inbox backlog (at most ${settings.drainMaxS} s)`);
  const server = await ServerChild.start(`${name} (workers)`, { ...env, BENCH_TARGET: "tinbao", BENCH_WORKERS: "later" });
  const counter = await db.openCounter();
  try {
    const open = (c: Record<string, number>) => (c.pending ?? 0) + (c.processing ?? 0);
    const total = (c: Record<string, number>) => Object.values(c).reduce((n, v) => n + v, 0);
    const first = await counter.counts();
    const before = await server.stats();
    server.mark();
    const started = performance.now();
    server.startWorkers();

    const healthz = { probes: 0, ok: 0, failed: 0, maxMs: 0 };
    let probing = true;
    const prober = (async () => {
      while (probing) {
        const t = performance.now();
        healthz.probes++;
        try {
          const res = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(2_000) });
          await res.arrayBuffer();
          if (res.status === 200) healthz.ok++;
          else healthz.failed++;
        } catch {
          healthz.failed++;
        }
        healthz.maxMs = Math.max(healthz.maxMs, Math.round(performance.now() - t));
        if (probing) await sleep(500);
      }
    })();

    let last = first;
    let ended = performance.now();
    while (performance.now() - started < settings.drainMaxS * 1000) {
      await sleep(100);
      last = await counter.counts();
      ended = performance.now();
      if (open(last) === 0) break;
    }
    probing = false;
    await prober;
    const completed = open(last) === 0;
    const seconds = (ended - started) / 1000;
    const processed = total(last) - open(last) - (total(first) - open(first));
    const report: DrainReport = {
      backlog: open(first),
      processed,
      seconds: round(seconds, 2),
      eventsPerS: round(processed / seconds, 1),
      completed,
      ...(completed || processed === 0 ? {} : { estimatedTotalS: Math.round(open(first) / (processed / seconds)) }),
      byStatus: last,
      healthz,
    };
    // A server whose event loop is stuck cannot answer: give it 3 s, then go without its figures.
    const after = await within(3_000, "stats", server.stats()).catch(() => undefined);
    if (after) {
      report.outboxByStatus = after.outbox;
      report.maxRssBytes = Math.max(after.maxRss, after.peakRss);
      report.cpuCores = round((after.cpuMs - before.cpuMs) / (after.at - before.at), 2);
      report.eventLoopStallMaxMs = after.eventLoopDelayMaxMs;
    }
    if (!completed) {
      progress(`${name}: backlog not done within ${settings.drainMaxS} s; killing the server`);
      await server.kill();
    }
    return report;
  } finally {
    await counter.close();
    await server.stop();
  }
}

// ---- time from `npm start` to ready -----------------------------------------------------------------------------

interface StartupRun {
  wallMsToHealthz: number;
  /** "ready in N ms" as main.ts prints it (measured from the top of main.ts, after its imports are loaded). */
  selfReportedMs?: number;
}


async function startupRun(dialect: Dialect, dir: string): Promise<StartupRun> {
  const db = await freshDatabase(dialect, dir);
  const port = await freePort();
  const env: Record<string, string> = {
    ...baseEnv(),
    DATABASE_URL: db.url,
    MEDIA_DIR: path.join(dir, "media"),
    DATA_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: "info",
  };
  // A .env beside package.json is read by main.ts for keys not set: set them empty so none can reach it.
  for (const key of ["PUBLIC_URL", "TELEGRAM_BOT_TOKEN", "TELEGRAM_API_ROOT", "TELEGRAM_WEBHOOK_SECRET", "TELEGRAM_MODE", "TELEGRAM_DUTY_CHAT_ID", "ZALO_APP_ID", "ZALO_APP_SECRET", "ZALO_OA_SECRET_KEY", "ZALO_REFRESH_TOKEN"]) {
    env[key] = "";
  }
  env.TELEGRAM_API_ROOT = "http://127.0.0.1:9";
  env.ZALO_API_BASE = "http://127.0.0.1:9";
  env.ZALO_OAUTH_BASE = "http://127.0.0.1:9";

  const started = performance.now();
  const child = spawn(path.join(ROOT, "node_modules/.bin/tsx"), ["src/main.ts"], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.once("exit", () => children.delete(child));
  let output = "";
  let selfReportedMs: number | undefined;
  const readyLine = new Promise<void>((resolve) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = /ready in (\d+) ms/.exec(output);
      if (match && selfReportedMs === undefined) {
        selfReportedMs = Number(match[1]);
        resolve();
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
  });
  try {
    let wallMsToHealthz: number | undefined;
    const deadline = started + 60_000;
    while (performance.now() < deadline && child.exitCode === null) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
        await res.arrayBuffer();
        if (res.status === 200) {
          wallMsToHealthz = performance.now() - started;
          break;
        }
      } catch {
        // not listening yet
      }
      await sleep(20);
    }
    if (wallMsToHealthz === undefined) {
      throw new Error(`tsx src/main.ts did not answer /healthz with 200 within 60 s (exit ${child.exitCode}):\n${output.slice(-2000)}`);
    }
    // /healthz answers as soon as the server listens; the line is printed once start-up has finished.
    await within(10_000, "ready line", readyLine).catch(() => {});
    return { wallMsToHealthz: Math.round(wallMsToHealthz), selfReportedMs };
  } finally {
    if (child.exitCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // gone
      }
      await within(10_000, "stop", exited).catch(() => {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      });
    }
  }
}

// ---- report -----------------------------------------------------------------------------------------------------

const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;
const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
};

function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => "  " + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(cells[0]!), "  " + widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

function resultsFile(): string {
  const dir = path.join(ROOT, "bench/results");
  mkdirSync(dir, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  let file = path.join(dir, `webhook-ingest-${date}.json`);
  for (let n = 2; existsSync(file); n++) file = path.join(dir, `webhook-ingest-${date}-${n}.json`);
  return file;
}

// ---- main -------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const cpus = os.cpus().length;
  if (settings.postgresUrl && !/^postgres(ql)?:\/\//.test(settings.postgresUrl)) {
    console.error("BENCH_DATABASE_URL must be postgresql://…");
    process.exit(64);
  }
  if (settings.postgresUrl && !isLoopback(settings.postgresUrl) && process.env.BENCH_ALLOW_REMOTE_DB !== "1") {
    console.error("BENCH_DATABASE_URL must point at this machine (127.0.0.1, localhost, ::1 or a socket); set BENCH_ALLOW_REMOTE_DB=1 to override.");
    process.exit(64);
  }
  const dialects: Dialect[] = settings.postgresUrl ? ["sqlite", "postgresql"] : ["sqlite"];
  const startedAt = new Date();
  // Upper bound of the whole run; past it, everything is killed (every phase has its own bound as well).
  const budgetMs =
    (1 + dialects.length) * (settings.warmupS + 2 * settings.durationS + 90) * 1000 +
    dialects.length * (settings.drainMaxS + 60) * 1000 +
    dialects.length * settings.startupRuns * 75_000;
  watchdog = setTimeout(() => {
    console.error(`\nwatchdog: the run exceeded ${Math.round(budgetMs / 1000)} s; killing everything.`);
    void cleanUp().finally(() => process.exit(3));
  }, budgetMs);

  const loadAtStart = os.loadavg()[0] ?? 0;
  console.log(`\nTin Báo webhook ingest benchmark — ${startedAt.toISOString()}`);
  console.log(`  Node ${process.version}, ${cpus} CPU${cpus === 1 ? "" : "s"} (${os.cpus()[0]?.model.trim() ?? "?"}), ${mib(os.totalmem())} MiB RAM`);
  console.log(
    `  NOTE: the load generator (autocannon + Update bodies), the fake Bot API, the server under test${settings.postgresUrl ? " and PostgreSQL" : ""} share these ${cpus} cores;\n` +
      `  every figure is what the server does while competing with its client for CPU, not what it would do alone.`,
  );
  console.log(
    loadAtStart > 0.5
      ? `  WARNING: 1-minute load average ${loadAtStart.toFixed(2)} before starting: something else is using the CPU; figures will be noisy.\n`
      : `  1-minute load average before starting: ${loadAtStart.toFixed(2)}.\n`,
  );

  tempRoot = mkdtempSync(path.join(os.tmpdir(), "tinbao-bench-"));
  const fake = new FakeTelegramBotApi({ token: BOT_TOKEN });
  const { url: apiRoot } = await fake.start();
  cleanups.push(() => fake.close());
  const secret = randomBytes(24).toString("base64url");

  const common = {
    TELEGRAM_BOT_TOKEN: BOT_TOKEN,
    TELEGRAM_API_ROOT: apiRoot,
    TELEGRAM_WEBHOOK_SECRET: secret,
  };
  const newSource = () => createUpdateSource({ chats: settings.chats, seed: 20_260_101 });

  // 1. npm start → ready, first, while the machine is quiet (no database still busy after a load phase).
  const startup: Record<string, { runs: StartupRun[]; medianMs: number; maxMs: number; selfReportedMedianMs?: number; selfReportedMaxMs?: number }> = {};
  for (const dialect of settings.startupRuns > 0 ? dialects : []) {
    const runs: StartupRun[] = [];
    for (let i = 0; i < settings.startupRuns; i++) {
      progress(`startup ${dialect}: run ${i + 1}/${settings.startupRuns}`);
      runs.push(await startupRun(dialect, path.join(tempRoot, `startup-${dialect}-${i}`)));
    }
    const walls = runs.map((r) => r.wallMsToHealthz);
    const selves = runs.map((r) => r.selfReportedMs).filter((n): n is number => n !== undefined);
    startup[dialect] = {
      runs,
      medianMs: median(walls),
      maxMs: Math.max(...walls),
      ...(selves.length ? { selfReportedMedianMs: median(selves), selfReportedMaxMs: Math.max(...selves) } : {}),
    };
  }

  // 2. Baseline.
  const baseline = await finish(await benchTarget("baseline", "baseline", common, newSource(), secret, new Tally()));

  // 3. Tin Báo, per database.
  const tinbao: TargetReport[] = [];
  for (const dialect of dialects) {
    const db = await freshDatabase(dialect, path.join(tempRoot, `ingest-${dialect}`));
    const env = {
      ...common,
      DATABASE_URL: db.url,
      MEDIA_DIR: path.join(tempRoot, `ingest-${dialect}`, "media"),
      DATA_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      PORT: "0",
      HOST: "127.0.0.1",
      PUBLIC_URL,
      TELEGRAM_MODE: "webhook",
      LOG_LEVEL: "warn",
      BENCH_WORKERS: "off",
    };
    const tally = new Tally();
    const name = `tinbao ${dialect}`;
    const report = await finish(await benchTarget(name, "tinbao", env, newSource(), secret, tally, dialect));
    progress(`${name}: checking every acknowledged update_id is stored`);
    report.storage = await checkStorage(db, tally, [report.warmup, report.sustained, report.fixedRate].filter((r): r is LoadSummary => r !== undefined));
    report.inboxDrain = await drainInbox(name, env, db);
    tinbao.push(report);
  }

  clearTimeout(watchdog);

  // ---- print ----
  const all = [baseline, ...tinbao];
  const loadRow = (r: TargetReport, s: LoadSummary & { server: PhaseServer }) => [
    r.name,
    s.ratePerS.toFixed(0),
    s.latencyMs.p50,
    s.latencyMs.p99,
    s.latencyMs.max,
    s.ok2xx,
    s.non2xx,
    s.errors,
    mib(s.server.peakRssBytes),
    s.server.cpuCores.toFixed(2),
  ];
  const loadHeaders = ["target", "2xx/s", "p50 ms", "p99 ms", "max ms", "2xx", "non-2xx", "errors", "peak RSS MiB", "server CPU"];
  console.log(`Sustained maximum — closed loop, ${settings.connections} connections, ${settings.durationS} s`);
  console.log(table(loadHeaders, all.map((r) => loadRow(r, r.sustained))));
  console.log(
    `\nFixed rate ${settings.rate} updates/s — ${settings.durationS} s, overallRate split in ${settings.rateSlices} staggered slices, ${baseline.fixedRate.connections} connections`,
  );
  console.log(table(loadHeaders, all.map((r) => loadRow(r, r.fixedRate))));

  const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : "n/a");
  console.log("\nTin Báo / baseline");
  console.log(
    table(
      ["database", "throughput (sustained)", "p99 (sustained)", "throughput (fixed rate)", "p50 (fixed rate)", "p99 (fixed rate)"],
      tinbao.map((r) => [
        r.dialect ?? "",
        ratio(r.sustained.ratePerS, baseline.sustained.ratePerS),
        ratio(r.sustained.latencyMs.p99, baseline.sustained.latencyMs.p99),
        ratio(r.fixedRate.ratePerS, baseline.fixedRate.ratePerS),
        ratio(r.fixedRate.latencyMs.p50, baseline.fixedRate.latencyMs.p50),
        ratio(r.fixedRate.latencyMs.p99, baseline.fixedRate.latencyMs.p99),
      ]),
    ),
  );

  console.log("\nStored rows (InboundEvent, read from the database after the run) vs 2xx answers");
  console.log(
    table(
      ["database", "rows", "2xx answers", "acked but missing", "stored, answer not received", "unanswered", "nothing lost"],
      tinbao.map((r) => {
        const s = r.storage!;
        return [r.dialect ?? "", s.rows, s.answered2xx, s.ackedButMissing, s.storedNotAcked, s.unanswered, s.nothingLost ? "yes" : "NO"];
      }),
    ),
  );

  console.log("\nPeak RSS of the server process (its own child process; kernel high-water mark over its whole life)");
  console.log(table(["target", "idle after start MiB", "peak MiB"], all.map((r) => [r.name, mib(r.idleRssBytes), mib(r.maxRssBytes)])));

  console.log(`\nInbox backlog: service restarted on the same database, workers started (bounded at ${settings.drainMaxS} s)`);
  console.log(
    table(
      ["database", "backlog", "processed", "seconds", "events/s", "finished", "whole backlog s", "failed", "loop stall max ms", "/healthz ok/probes", "peak RSS MiB", "server CPU"],
      tinbao.map((r) => {
        const d = r.inboxDrain!;
        return [
          r.dialect ?? "",
          d.backlog,
          d.processed,
          d.seconds,
          d.eventsPerS,
          d.completed ? "yes" : "no (bound)",
          d.completed ? d.seconds : d.estimatedTotalS === undefined ? "-" : `~${d.estimatedTotalS} (est.)`,
          d.byStatus.failed ?? 0,
          d.eventLoopStallMaxMs ?? "-",
          `${d.healthz.ok}/${d.healthz.probes}`,
          d.maxRssBytes === undefined ? "-" : mib(d.maxRssBytes),
          d.cpuCores?.toFixed(2) ?? "-",
        ];
      }),
    ),
  );

  if (Object.keys(startup).length) {
    console.log(`\nStart-up: spawn \`tsx src/main.ts\` (fresh database) → GET /healthz 200, polled every 20 ms; ${settings.startupRuns} runs`);
    console.log(
      table(
        ["database", "median ms", "max ms", "runs ms", "\"ready in\" median", "\"ready in\" max"],
        Object.entries(startup).map(([dialect, s]) => [
          dialect,
          s.medianMs,
          s.maxMs,
          s.runs.map((r) => r.wallMsToHealthz).join(" "),
          s.selfReportedMedianMs ?? "-",
          s.selfReportedMaxMs ?? "-",
        ]),
      ),
    );
  }

  const noisy = all.filter((r) => r.serverLogLines > 0);
  for (const r of noisy) console.log(`\n  ${r.name}: the server logged ${r.serverLogLines} line(s) at warn or above; last ones:\n    ${r.serverLogTail.join("\n    ")}`);

  const file = resultsFile();
  writeFileSync(
    file,
    JSON.stringify(
      {
        benchmark: "webhook-ingest",
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        machine: { loadAverage1mAtStart: round(loadAtStart, 2), loadAverage1mAtEnd: round(os.loadavg()[0] ?? 0, 2), node: process.version, cpus, cpuModel: os.cpus()[0]?.model.trim(), totalMemBytes: os.totalmem(), platform: `${os.type()} ${os.release()}` },
        note: `load generator (autocannon), fake Bot API, server under test${settings.postgresUrl ? " and PostgreSQL" : ""} share the ${cpus} CPU cores`,
        settings: { ...settings, postgresUrl: settings.postgresUrl ? "(given)" : undefined },
        baseline,
        tinbao,
        ratios: tinbao.map((r) => {
          const q = (a: number, b: number) => (b > 0 ? round(a / b, 3) : null);
          return {
            dialect: r.dialect,
            throughputSustained: q(r.sustained.ratePerS, baseline.sustained.ratePerS),
            p99Sustained: q(r.sustained.latencyMs.p99, baseline.sustained.latencyMs.p99),
            throughputFixedRate: q(r.fixedRate.ratePerS, baseline.fixedRate.ratePerS),
            p50FixedRate: q(r.fixedRate.latencyMs.p50, baseline.fixedRate.latencyMs.p50),
            p99FixedRate: q(r.fixedRate.latencyMs.p99, baseline.fixedRate.latencyMs.p99),
          };
        }),
        startup,
      },
      null,
      2,
    ) + "\n",
  );
  console.log(`\n  Results: ${path.relative(ROOT, file)}\n`);
}

try {
  await main();
  await cleanUp();
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  await cleanUp();
  process.exitCode = 1;
}
