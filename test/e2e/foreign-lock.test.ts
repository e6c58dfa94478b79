/**
 * Another process holds SQLite's write lock for 12 s (a backup script, `sqlite3` left open in a
 * transaction). The service must keep answering: /healthz within 2 s every time (503
 * database_locked is the truth, and allowed), and a resident's message sent meanwhile is stored and
 * answered once the lock is gone. (SQLite, whatever TEST_DATABASE says: the lock is SQLite's.)
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chat, startTestService, WebchatVisitor, type TestService } from "../support/service.ts";
import { FakeTelegramBotApi, specAvailable } from "../fakes/telegram-bot-api.ts";
import { UpdateFactory } from "../fakes/telegram-updates.ts";
import { telegramWebhookEnv, TEST_BOT_TOKEN, TEST_WEBHOOK_SECRET } from "../support/telegram-webhook.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const LOCK_MS = 12_000;

interface LockHolder {
  locked: Promise<void>;
  released: Promise<void>;
}

/** A separate Node process that takes the write lock (BEGIN IMMEDIATE), holds it `ms`, then commits. */
function holdWriteLock(file: string, ms: number): LockHolder {
  const script = `
    const Database = require("better-sqlite3");
    const db = new Database(process.argv[1], { timeout: 5000 });
    db.exec("BEGIN IMMEDIATE");
    process.stdout.write("locked\\n");
    setTimeout(() => { db.exec("COMMIT"); db.close(); process.stdout.write("released\\n"); }, Number(process.argv[2]));`;
  const child: ChildProcess = spawn(process.execPath, ["-e", script, file, String(ms)], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  const heard = (word: string) =>
    new Promise<void>((resolve, reject) => {
      child.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes(word)) resolve();
      });
      child.once("exit", (code) => (out.includes(word) ? resolve() : reject(new Error(`the lock holder exited (${code}) before saying ${word}`))));
    });
  const locked = heard("locked");
  const released = heard("released").then(() => (child.exitCode === null ? once(child, "exit").then(() => undefined) : undefined));
  return { locked, released };
}

interface Answer {
  status: number;
  ms: number;
  codes: string[];
}

/**
 * Polls /healthz from another process, as a load balancer would: measured from inside the service's
 * own process, a frozen event loop would freeze the stopwatch too.
 */
async function pollHealth(url: string, forMs: number): Promise<Answer[]> {
  const script = `
    const [url, forMs] = [process.argv[1], Number(process.argv[2])];
    const answers = [];
    (async () => {
      const end = Date.now() + forMs;
      while (Date.now() < end) {
        const started = performance.now();
        try {
          const res = await fetch(url + "/healthz", { signal: AbortSignal.timeout(2000) });
          const body = await res.json();
          answers.push({ status: res.status, ms: performance.now() - started, codes: (body.reasons || []).map((r) => r.code) });
        } catch {
          answers.push({ status: 0, ms: performance.now() - started, codes: ["no answer within 2 s"] });
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      process.stdout.write(JSON.stringify(answers));
    })();`;
  const child = spawn(process.execPath, ["-e", script, url, String(forMs)], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  await once(child, "exit");
  return JSON.parse(out) as Answer[];
}

describe("another process holding the SQLite write lock for 12 s", () => {
  let dir: string;
  let svc: TestService;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "tinbao-lock-"));
    svc = await startTestService({ DATABASE_URL: `file:${path.join(dir, "tinbao.db")}`, SQLITE_BUSY_WAIT_MS: "10000" });
  });
  afterAll(async () => {
    await svc?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers /healthz within 2 s throughout, and stores and answers a message sent during the lock", async () => {
    const v = new WebchatVisitor(svc.url);
    await v.open();
    await chat(svc, v, { text: "xin chào" });
    expect((await chat(svc, v, { button: "lang:vi" }))?.text).toContain("Bạn cần gì?");

    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const holder = holdWriteLock(svc.ctx.config.databaseUrl.replace(/^file:/, ""), LOCK_MS);
    await holder.locked;
    const lockedAt = Date.now();

    // The resident writes 4 s into the lock: the message waits (without freezing anything) and is stored.
    const sent = new Promise((r) => setTimeout(r, 4_000)).then(() => v.send({ button: "menu:report" }));
    const answers = await pollHealth(svc.url, LOCK_MS - (Date.now() - lockedAt) + 1_000);
    await holder.released;
    loop.disable();

    const worst = Math.max(...answers.map((a) => a.ms));
    console.info(
      `[figures] foreign write lock ${LOCK_MS / 1000} s: ${answers.length} /healthz answers, worst ${Math.round(worst)} ms, ${answers.filter((a) => a.status === 0).length} unanswered in 2 s; ` +
        `event loop delay max ${(loop.max / 1e6).toFixed(1)} ms, p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms`,
    );
    expect(answers.length).toBeGreaterThan(20);
    expect(worst).toBeLessThan(2_000);
    expect(answers.every((a) => a.status === 200 || a.codes.includes("database_locked"))).toBe(true);
    expect(answers.some((a) => a.codes.includes("database_locked"))).toBe(true);

    expect((await sent).status).toBe(202);
    await svc.settle();
    expect((await v.lastBotMessage())?.text).toContain("Bạn muốn báo về việc gì?");
    expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
  }, 60_000);
});

describe.runIf(specAvailable())("a Telegram webhook while another process holds the lock longer than SQLITE_BUSY_WAIT_MS", () => {
  const fake = new FakeTelegramBotApi({ token: TEST_BOT_TOKEN });
  let dir: string;
  let svc: TestService;

  beforeAll(async () => {
    const { url } = await fake.start();
    dir = mkdtempSync(path.join(os.tmpdir(), "tinbao-lock-"));
    svc = await startTestService(telegramWebhookEnv(url, { DATABASE_URL: `file:${path.join(dir, "tinbao.db")}`, SQLITE_BUSY_WAIT_MS: "500" }));
  });
  afterAll(async () => {
    await svc?.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers 503 database_locked (so Telegram delivers it again) and stores the redelivery once the lock is gone", async () => {
    const update = new UpdateFactory({ user: { id: 7200001, first_name: "Nam" }, firstUpdateId: 720000 }).command("start");
    const post = () =>
      fetch(`${svc.url}/webhooks/telegram`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": TEST_WEBHOOK_SECRET },
        body: JSON.stringify(update),
        signal: AbortSignal.timeout(5_000),
      });
    const holder = holdWriteLock(svc.ctx.config.databaseUrl.replace(/^file:/, ""), 2_000);
    await holder.locked;
    const refused = await post();
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBeTruthy();
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("database_locked");
    expect(await svc.ctx.db.inboundEvent.count()).toBe(0);
    await holder.released;

    expect((await post()).status).toBe(200);
    await svc.settle();
    expect(await svc.ctx.db.inboundEvent.count({ where: { status: "done" } })).toBe(1);
    expect(fake.callsTo("sendMessage").length).toBeGreaterThan(0);
  });
});
