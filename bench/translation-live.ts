/**
 * How long an approved Hre string takes to reach a resident (issue 14): from the moment a second speaker presses
 * "approve" in the console to the moment the fake Telegram Bot API receives the resident's next answer in Hre. The
 * resident writes right after the approval, so the figure is the approval call plus one whole turn (webhook, inbox,
 * the translator's stamp check and reload, the turn, the outbox); the same turn with nothing approved is the baseline.
 *
 *   npm run bench:translations               (BENCH_ROUNDS=40 for more)
 *
 * One process on SQLite; then, when PostgreSQL answers on 127.0.0.1:5432 (TEST_PG_URL), two processes on one
 * database: the approval in a console process (no workers), the resident answered by a chat process.
 * The Hre text is a marked test string ("[hre test] …"), never a word of the language.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createTranslator } from "../src/i18n/index.ts";
import { fileEntries } from "../src/translations/translation-sources.ts";
import { FakeTelegramBotApi } from "../test/fakes/telegram-bot-api.ts";
import { UpdateFactory } from "../test/fakes/telegram-updates.ts";
import { freshDatabaseUrl, PG_ADMIN_URL } from "../test/support/context.ts";
import { createReadyOfficer } from "../test/support/officers.ts";
import { startTestService, type TestService } from "../test/support/service.ts";
import { PASSWORD, signIn, type SignedIn } from "../test/console/support.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const SECRET = "bench-secret_1";
const KEY = "menu.prompt";

interface Setup {
  fake: FakeTelegramBotApi;
  /** Where officers approve. */
  console: TestService;
  /** Where the resident's messages are processed (the same service on SQLite). */
  chat: TestService;
  close(): Promise<void>;
}

function env(fake: FakeTelegramBotApi): Record<string, string> {
  return { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: fake.url, TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_MODE: "webhook", PUBLIC_URL: "https://tinbao.example.vn", LOG_LEVEL: "warn" };
}

async function oneProcess(): Promise<Setup> {
  const fake = new FakeTelegramBotApi({ token: TOKEN });
  await fake.start();
  const svc = await startTestService(env(fake));
  return { fake, console: svc, chat: svc, close: async () => (await svc.close(), await fake.close()) };
}

async function twoProcesses(): Promise<Setup> {
  const fake = new FakeTelegramBotApi({ token: TOKEN });
  await fake.start();
  const dir = mkdtempSync(path.join(os.tmpdir(), "tinbao-bench-"));
  const database = await freshDatabaseUrl(dir, true);
  const reuse = { dir, url: database.url, key: randomBytes(32).toString("base64") };
  const consoleProcess = await startTestService(env(fake), { workers: false }, reuse);
  const chatProcess = await startTestService(env(fake), {}, reuse);
  return {
    fake,
    console: consoleProcess,
    chat: chatProcess,
    async close() {
      await chatProcess.close();
      await consoleProcess.close();
      await fake.close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function translators(svc: TestService): Promise<{ lan: SignedIn; ha: SignedIn }> {
  for (const [username, role] of [["bench.lan", "translator"], ["bench.ha", "admin"]] as const) {
    const { officer } = await createReadyOfficer(svc.ctx, { username, displayName: username, role, unitId: null, password: PASSWORD });
    await svc.ctx.db.officer.update({ where: { id: officer.id }, data: { languages: "vi,hre" } });
  }
  return { lan: await signIn(svc.url, "bench.lan"), ha: await signIn(svc.url, "bench.ha") };
}

async function call(base: string, who: SignedIn, method: string, pathname: string, body: unknown): Promise<{ version: number }> {
  const res = await fetch(`${base}/api${pathname}`, {
    method,
    headers: { ...who.cookie, "x-csrf-token": who.csrfToken, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`${method} ${pathname}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { version: number };
}

/** Posts the resident's message and waits until the fake Bot API received an answer containing `expected`. */
async function turnUntil(s: Setup, u: UpdateFactory, expected: string): Promise<void> {
  const seen = s.fake.calls.length;
  const res = await fetch(`${s.chat.url}/webhooks/telegram`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
    body: JSON.stringify(u.text("menu")),
  });
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
  const until = Date.now() + 15_000;
  for (;;) {
    const got = s.fake.calls.slice(seen).some((c) => c.method === "sendMessage" && String((c.params as { text?: string }).text ?? "").includes(expected));
    if (got) return;
    if (Date.now() > until) throw new Error(`no answer containing "${expected}" within 15 s; got ${JSON.stringify(s.fake.calls.slice(seen).map((c) => [c.method, (c.params as { text?: string }).text]))}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/**
 * Telegram allows about one message a second per chat, and the outbox keeps to it: without a pause the resident's
 * answer would wait for the previous one's second, and the figure would measure the pacing, not the translation.
 */
const pause = () => new Promise((r) => setTimeout(r, 1100));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function measure(label: string, s: Setup): Promise<void> {
  const { lan, ha } = await translators(s.console);
  const u = new UpdateFactory({ user: { id: 7300001, first_name: "Bench", language_code: "vi" }, firstUpdateId: 730000, files: s.fake });
  for (const update of [u.command("start"), u.callback("lang:hre")]) {
    await fetch(`${s.chat.url}/webhooks/telegram`, { method: "POST", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET }, body: JSON.stringify(update) });
    await s.chat.settle();
  }
  const baseline: number[] = [];
  const approveCall: number[] = [];
  const toResident: number[] = [];
  let version = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    const text = `[hre test] vòng ${round}`;
    version = (await call(s.console.url, lan, "PUT", `/translations/hre/${KEY}`, { text, version })).version;
    await pause();
    const quiet = performance.now();
    // The edit made last round's approved text a draft again: the resident is back to Vietnamese until approval.
    await turnUntil(s, u, "Bạn cần gì?");
    baseline.push(performance.now() - quiet);
    await s.chat.settle();
    await pause();
    const started = performance.now();
    version = (await call(s.console.url, ha, "POST", `/translations/hre/${KEY}/approve`, { version })).version;
    approveCall.push(performance.now() - started);
    await turnUntil(s, u, text);
    toResident.push(performance.now() - started);
    await s.chat.settle();
  }
  // The translator's own cost: the stamp check when nothing changed, and a reload of every reviewed row.
  const probe = await createTranslator();
  await probe.refresh!(s.chat.ctx.db);
  const checks: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    await probe.refresh!(s.chat.ctx.db);
    checks.push(performance.now() - t);
  }
  // A full language pair: every bot string reviewed in Hre and Co, then a reload after each change.
  const keys = fileEntries().map((e) => e.key).filter((k) => k !== KEY);
  await s.chat.ctx.db.translation.createMany({
    data: ["hre", "cua"].flatMap((lang) => keys.map((key) => ({ lang, key, source: "…", text: `[${lang} test] ${key}`, state: "reviewed", draftedBy: "bench", reviewedBy: "bench" }))),
  });
  const reloads: number[] = [];
  for (let i = 0; i < 20; i++) {
    await s.chat.ctx.db.translation.updateMany({ where: { lang: "cua", key: keys[i]! }, data: { version: { increment: 1 } } });
    const t = performance.now();
    if (!(await probe.refresh!(s.chat.ctx.db))) throw new Error("the change was not seen");
    reloads.push(performance.now() - t);
  }
  console.log(`\n${label}, ${ROUNDS} rounds`);
  console.log(`  approval → resident sees it:  median ${ms(median(toResident))}, p90 ${ms(p90(toResident))}, max ${ms(Math.max(...toResident))}`);
  console.log(`    of which the approve call:  median ${ms(median(approveCall))}`);
  console.log(`  the same turn, nothing approved (baseline): median ${ms(median(baseline))}, p90 ${ms(p90(baseline))}`);
  console.log(`  stamp check with nothing new (per inbound turn): median ${ms(median(checks))}`);
  console.log(`  reload after a change, ${keys.length * 2 + 1} reviewed strings (every bot string in Hre and Co): median ${ms(median(reloads))}`);
}

async function postgresAnswers(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

async function main() {
  console.log(`load average before the run: ${os.loadavg().map((l) => l.toFixed(2)).join(", ")} (${os.cpus().length} cores)`);
  const sqlite = await oneProcess();
  try {
    await measure("one process, SQLite", sqlite);
  } finally {
    await sqlite.close();
  }
  if (!(await postgresAnswers())) {
    console.log(`\nPostgreSQL does not answer at ${PG_ADMIN_URL}: the two-process figure is skipped.`);
    return;
  }
  console.log(`\nload average before the PostgreSQL run: ${os.loadavg().map((l) => l.toFixed(2)).join(", ")}`);
  const twoPg = await twoProcesses();
  try {
    await measure("two processes, PostgreSQL (approved in the console process, answered by the chat process)", twoPg);
  } finally {
    await twoPg.close();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
