/**
 * A quiz reminder's burst (issue 12, "a quiz answered at festival scale"): 5,000 residents in the middle of the
 * 19/8 quiz each answer 4 questions, 20,000 Telegram button taps posted to the real webhook as fast as it takes
 * them. The service runs in processes of its own (bench/serve.ts, workers on), so the load generator and the fake
 * Bot API (this process) do not take its event loop. Measures conversation turns per second (first answer posted
 * to the last one processed) and, per answer, the time from its arrival (stored) to its reply being queued (the
 * outbox row): p50, p99. Baseline in the same run: as many one-query transactions on the same database.
 *
 *   npm run bench:quiz                                   SQLite file, one process
 *   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run bench:quiz
 *                                                        then PostgreSQL with 1 and 2 processes (BENCH_PROCESSES=1,2)
 *   BENCH_RESIDENTS=1000 BENCH_ANSWERS=4                 a shorter run (BENCH_SQLITE=0: PostgreSQL only)
 *   BENCH_RATE=600                                       post the answers at 600/s instead of as fast as taken
 */
import { fork, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { FakeTelegramBotApi } from "../test/fakes/telegram-bot-api.ts";
import { UpdateFactory } from "../test/fakes/telegram-updates.ts";
import { postUpdate, telegramWebhookEnv, TEST_BOT_TOKEN } from "../test/support/telegram-webhook.ts";
import { quizRound } from "../src/quiz/attempts.ts";
import { openDatabase, type Database } from "../src/db/client.ts";
import { createVault } from "../src/security/crypto.ts";
import type { FromChild } from "./serve.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RESIDENTS = Number(process.env.BENCH_RESIDENTS ?? 5_000);
const ANSWERS = Number(process.env.BENCH_ANSWERS ?? 4);
const CONCURRENCY = Number(process.env.BENCH_CONNECTIONS ?? 50);
const PG_URL = process.env.BENCH_DATABASE_URL;
const PROCESSES = (process.env.BENCH_PROCESSES ?? "1,2").split(",").map(Number);
/** Answers per second to post the burst at (open loop: answer i is posted at i / rate s); unset: as fast as taken. */
const RATE = process.env.BENCH_RATE ? Number(process.env.BENCH_RATE) : undefined;
const FIRST_ID = 6_000_000_000;

const children = new Set<ChildProcess>();
const cleanups: (() => Promise<void>)[] = [];

async function pool<T>(items: T[], run: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) {
        const i = next++;
        await run(items[i]!, i);
      }
    }),
  );
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");

/** The service, in a process of its own, workers on. */
async function startServer(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const base: Record<string, string> = { NODE_ENV: "production" };
  for (const key of ["PATH", "HOME", "TMPDIR", "LANG", "TELEGRAM_BOT_API_SPEC"]) if (process.env[key]) base[key] = process.env[key]!;
  const child = fork(path.join(ROOT, "bench/serve.ts"), [], {
    cwd: ROOT,
    env: { ...base, ...env, BENCH_TARGET: "tinbao", BENCH_WORKERS: "on" },
    // BENCH_CPU_PROF=<dir>: a V8 CPU profile of each service process, written there when it stops.
    execArgv: ["--import", "tsx", ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [])],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  children.add(child);
  child.once("exit", () => children.delete(child));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the service did not start within 120 s")), 120_000);
    child.on("message", (m: FromChild) => {
      if (m.type === "ready") (clearTimeout(timer), resolve(m.url));
      if (m.type === "failed") (clearTimeout(timer), reject(new Error(m.message)));
    });
    child.once("exit", (code) => reject(new Error(`the service exited (${code}) before it was ready`)));
  });
  return { url, child };
}

interface MachineCpu {
  totalMs: number;
  idleMs: number;
  postgresMs: number;
  benchMs: number;
}

/**
 * Where the machine's CPU went so far (Linux /proc; undefined elsewhere): all cores, idle, every `postgres`
 * process, and this one. Shows whether a second service process had a core to run on.
 */
function machineCpu(): MachineCpu | undefined {
  try {
    const tick = 1000 / 100; // USER_HZ
    const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    const totalMs = cpu.slice(0, 8).reduce((a, b) => a + b, 0) * tick;
    const idleMs = (cpu[3]! + cpu[4]!) * tick;
    let postgresMs = 0;
    for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
        if (comm !== "postgres") continue;
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        postgresMs += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * tick;
      } catch {
        // the process ended meanwhile
      }
    }
    const own = process.cpuUsage();
    return { totalMs, idleMs, postgresMs, benchMs: (own.user + own.system) / 1000 };
  } catch {
    return undefined;
  }
}

/** CPU time the service process has used so far (ms), asked over IPC (bench/serve.ts). */
function cpuMsOf(child: ChildProcess): Promise<number> {
  const id = Math.floor(Math.random() * 1e9);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no stats from the service within 30 s")), 30_000);
    const listen = (m: FromChild) => {
      if (m.type !== "stats" || m.id !== id) return;
      clearTimeout(timer);
      child.off("message", listen);
      resolve(m.stats.cpuMs);
    };
    child.on("message", listen);
    child.send({ type: "stats", id });
  });
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.send({ type: "stop" });
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

interface Result {
  database: string;
  processes: number;
  answers: number;
  seconds: number;
  turnsPerS: number;
  p50: number;
  p99: number;
  /** Service CPU time per turn (all its processes), ms: what a turn costs whatever else the machine runs. */
  cpuMsPerTurn: number;
  max: number;
  done: number;
  baselinePerS: number;
  loadBefore: string;
}

async function run(dialect: "sqlite" | "postgresql", processes: number, fakeUrl: string): Promise<Result> {
  const loadBefore = load();
  console.log(`\n${dialect}, ${processes} process(es): load average before: ${loadBefore} (${os.cpus().length} cores)`);
  const dir = mkdtempSync(path.join(os.tmpdir(), "tinbao-bench-quiz-"));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  let url: string;
  if (dialect === "sqlite") url = `file:${path.join(dir, "bench.db")}`;
  else {
    const name = `tinbao_bench_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(PG_URL!);
    u.pathname = `/${name}`;
    url = u.toString();
    cleanups.push(async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    });
  }
  const key = randomBytes(32).toString("base64");
  const env = {
    ...telegramWebhookEnv(fakeUrl),
    DATABASE_URL: url,
    DATA_ENCRYPTION_KEY: key,
    MEDIA_DIR: path.join(dir, "media"),
    PORT: "0",
    LOG_LEVEL: "error",
  };
  // The first process migrates and seeds the question bank; the others start on the same database.
  const servers = [await startServer(env)];
  for (let i = 1; i < processes; i++) servers.push(await startServer(env));
  const database: Database = await openDatabase(url);
  const { db } = database;
  const vault = createVault(Buffer.from(key, "base64"));
  try {
    const idle = async () => {
      for (;;) {
        const open = await db.inboundEvent.count({ where: { status: { in: ["pending", "processing"] } } });
        if (open === 0) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await db.quizQuestion.updateMany({ data: { approvedAt: new Date(), approvedById: "bench" } });

    // Residents who chose Vietnamese, subscribed with their commune, and each started the quiz.
    const now = new Date();
    const ids = Array.from({ length: RESIDENTS }, (_, i) => FIRST_ID + i);
    for (let i = 0; i < ids.length; i += 1000) {
      const slice = ids.slice(i, i + 1000);
      await db.contact.createMany({
        data: slice.map((id) => ({ id: `quiz-${id}`, channel: "telegram", platformIdHash: vault.hash(`contact:telegram:${id}`), platformIdEnc: vault.encrypt(String(id)), language: "vi", lastInboundAt: now })),
      });
      await db.subscription.createMany({ data: slice.map((id) => ({ contactId: `quiz-${id}`, topics: "festival", communeCode: "21199", source: "menu", consentedAt: now })) });
    }
    // Updates go to the processes in turn, as a load balancer would.
    const serverFor = (i: number) => servers[i % servers.length]!.url;
    const started = performance.now();
    await pool(ids, async (id, i) => {
      const u = new UpdateFactory({ user: { id }, firstUpdateId: 1 + (id - FIRST_ID) * 100 });
      const res = await postUpdate(serverFor(i), u.text("/start quiz"));
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    });
    await idle();
    const round = quizRound(new Date());
    const attempts = await db.quizAttempt.findMany({ where: { round }, select: { contactId: true, questionIdsJson: true } });
    if (attempts.length !== RESIDENTS) throw new Error(`${attempts.length} of ${RESIDENTS} residents started the quiz`);
    console.log(`${RESIDENTS} residents started the quiz in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const questionsOf = new Map(attempts.map((a) => [Number(a.contactId.slice(5)), JSON.parse(a.questionIdsJson) as string[]]));

    // The burst: answer k of every resident, then answer k+1 of every resident (a resident's answers in order).
    const before = (await db.inboundEvent.aggregate({ _max: { id: true } }))._max.id ?? 0;
    const burst: { id: number; k: number }[] = [];
    for (let k = 0; k < ANSWERS; k++) for (const id of ids) burst.push({ id, k });
    console.log(`load average before the burst: ${load()}`);
    const cpuBefore = await Promise.all(servers.map((s) => cpuMsOf(s.child)));
    const machineBefore = machineCpu();
    const t0 = Date.now();
    await pool(burst, async ({ id, k }, i) => {
      if (RATE) {
        const due = t0 + (i * 1000) / RATE - Date.now();
        if (due > 0) await new Promise((r) => setTimeout(r, due));
      }
      const u = new UpdateFactory({ user: { id }, firstUpdateId: 50 + k + (id - FIRST_ID) * 100 });
      const res = await postUpdate(serverFor(i), u.callback(`quiz:a:${questionsOf.get(id)![k]}:0`));
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    });
    const postedMs = Date.now() - t0;
    await idle();
    const cpuAfter = await Promise.all(servers.map((s) => cpuMsOf(s.child)));
    const machineAfter = machineCpu();
    const cpuMs = cpuAfter.reduce((sum, v, i) => sum + v - cpuBefore[i]!, 0);
    const events = await db.inboundEvent.findMany({ where: { id: { gt: before } }, select: { id: true, receivedAt: true, processedAt: true, status: true } });
    const last = Math.max(...events.map((e) => e.processedAt?.getTime() ?? 0));
    const seconds = (last - t0) / 1000;
    const replyAt = new Map<number, number>();
    for (let i = 0; i < events.length; i += 1000) {
      const keys = events.slice(i, i + 1000).map((e) => `in:${e.id}:0`);
      for (const r of await db.outboxMessage.findMany({ where: { dedupeKey: { in: keys } }, select: { dedupeKey: true, createdAt: true } })) {
        replyAt.set(Number(r.dedupeKey.split(":")[1]), r.createdAt.getTime());
      }
    }
    const latencies = events.map((e) => (replyAt.get(e.id) ?? last) - e.receivedAt.getTime()).sort((a, b) => a - b);
    const done = events.filter((e) => e.status === "done").length;
    const answered = await db.quizAttempt.findMany({ where: { round }, select: { answersJson: true } });
    const recorded = answered.reduce((n, a) => n + (JSON.parse(a.answersJson) as unknown[]).length, 0);

    // The baseline runs once the service has stopped: while it ran, the service's outbox was still sending the burst's
    // replies, and each baseline transaction held the write lock against those writes (they found SQLITE_BUSY).
    await Promise.all(servers.map((s) => stopServer(s.child)));
    const base = performance.now();
    for (let i = 0; i < events.length; i++) await db.$transaction(async (tx) => tx.contact.count({ where: { id: `quiz-${ids[i % ids.length]}` } }));
    const baselineS = (performance.now() - base) / 1000;

    const result: Result = {
      database: dialect,
      processes,
      answers: events.length,
      seconds,
      turnsPerS: events.length / seconds,
      p50: percentile(latencies, 50) / 1000,
      p99: percentile(latencies, 99) / 1000,
      max: latencies.at(-1)! / 1000,
      cpuMsPerTurn: cpuMs / events.length,
      done,
      baselinePerS: events.length / baselineS,
      loadBefore,
    };
    console.log(`${events.length} answers posted in ${(postedMs / 1000).toFixed(1)} s (${((events.length * 1000) / postedMs).toFixed(0)}/s${RATE ? `, asked for ${RATE}/s` : ", as fast as taken"}); ${done} processed (done); ${recorded} answers recorded in attempts; ${replyAt.size} replies queued`);
    console.log(`turns/s: ${result.turnsPerS.toFixed(0)} (first answer posted to last processed: ${seconds.toFixed(1)} s)`);
    console.log(`service CPU: ${(cpuMs / 1000).toFixed(1)} s for ${events.length} turns = ${result.cpuMsPerTurn.toFixed(2)} ms per turn (webhook, turn, replies sent; ≈ ${(1000 / result.cpuMsPerTurn).toFixed(0)} turns/s per core)`);
    if (machineBefore && machineAfter) {
      const spent = (k: keyof MachineCpu) => (machineAfter[k] - machineBefore[k]) / 1000;
      const all = spent("totalMs");
      console.log(
        `the machine's ${os.cpus().length} cores over the burst (${all.toFixed(1)} core-seconds): service ${(cpuMs / 1000).toFixed(1)}, ` +
          `PostgreSQL ${spent("postgresMs").toFixed(1)}, this process (load generator, fake Bot API) ${spent("benchMs").toFixed(1)}, ` +
          `idle ${spent("idleMs").toFixed(1)}`,
      );
    }
    console.log(`arrival to reply queued: p50 ${result.p50.toFixed(2)} s, p99 ${result.p99.toFixed(2)} s, max ${result.max.toFixed(2)} s`);
    console.log(`baseline: ${events.length} one-query transactions (this process) in ${baselineS.toFixed(1)} s (${result.baselinePerS.toFixed(0)}/s); a turn costs ${(result.baselinePerS / result.turnsPerS).toFixed(2)}× one`);
    console.log(`load average after: ${load()}`);
    return result;
  } finally {
    await database.close();
    await Promise.all(servers.map((s) => stopServer(s.child)));
  }
}

async function main() {
  const fake = new FakeTelegramBotApi({ token: TEST_BOT_TOKEN, validateFirst: 200 });
  const { url: fakeUrl } = await fake.start();
  const results: Result[] = [];
  try {
    if (process.env.BENCH_SQLITE !== "0") results.push(await run("sqlite", 1, fakeUrl));
    if (PG_URL) {
      const host = new URL(PG_URL).hostname;
      if (!["127.0.0.1", "localhost", "::1"].includes(host) && process.env.BENCH_ALLOW_REMOTE_DB !== "1") throw new Error("BENCH_DATABASE_URL must be on this machine (BENCH_ALLOW_REMOTE_DB=1 to allow)");
      for (const n of PROCESSES) results.push(await run("postgresql", n, fakeUrl));
    }
  } finally {
    await fake.close();
  }
  console.log("\n| database | processes | answers | turns/s | p50 s | p99 s | max s | service CPU ms/turn | baseline tx/s | load before |");
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  for (const r of results) {
    console.log(`| ${r.database} | ${r.processes} | ${r.answers} | ${r.turnsPerS.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.max.toFixed(2)} | ${r.cpuMsPerTurn.toFixed(2)} | ${r.baselinePerS.toFixed(0)} | ${r.loadBefore} |`);
  }
}

const cleanUp = async () => {
  for (const child of children) child.kill("SIGKILL");
  for (const c of cleanups.reverse()) await c().catch(() => {});
};
process.once("SIGINT", () => void cleanUp().finally(() => process.exit(130)));
main()
  .then(cleanUp)
  .catch(async (e) => {
    console.error(e);
    await cleanUp();
    process.exit(1);
  });
