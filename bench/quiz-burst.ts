/**
 * A quiz reminder's burst (issue 12, "a quiz answered at festival scale"): 5,000 residents in the middle of the
 * 19/8 quiz each answer 4 questions, 20,000 Telegram button taps posted to the real webhook as fast as it takes
 * them, on a SQLite file (or BENCH_DATABASE_URL). Measures conversation turns per second (first answer arriving
 * to the last one processed) and, per answer, the time from its arrival to its reply being queued (p50, p99).
 * Baseline in the same run: the same number of one-query transactions on the same database.
 *
 *   npm run bench:quiz                (BENCH_RESIDENTS=1000 BENCH_ANSWERS=4 for a shorter run)
 */
import os from "node:os";
import { FakeTelegramBotApi } from "../test/fakes/telegram-bot-api.ts";
import { UpdateFactory } from "../test/fakes/telegram-updates.ts";
import { startTestService } from "../test/support/service.ts";
import { postUpdate, telegramWebhookEnv, TEST_BOT_TOKEN } from "../test/support/telegram-webhook.ts";
import { quizRound } from "../src/quiz/attempts.ts";

const RESIDENTS = Number(process.env.BENCH_RESIDENTS ?? 5_000);
const ANSWERS = Number(process.env.BENCH_ANSWERS ?? 4);
const CONCURRENCY = 50;

async function pool<T>(items: T[], run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < items.length) await run(items[next++]!);
  }));
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main() {
  console.log(`load average before the run: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")} (${os.cpus().length} cores)`);
  const fake = new FakeTelegramBotApi({ token: TEST_BOT_TOKEN, validateFirst: 200 });
  const { url } = await fake.start();
  const svc = await startTestService({ ...telegramWebhookEnv(url), LOG_LEVEL: "error" });
  const { db, vault } = svc.ctx;
  const idle = async () => {
    for (;;) {
      const open = await db.inboundEvent.count({ where: { status: { in: ["pending", "processing"] } } });
      if (open === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await db.quizQuestion.updateMany({ data: { approvedAt: new Date(), approvedById: "bench" } });

  // 5,000 residents who chose Vietnamese, subscribed with their commune, and each started the quiz.
  const now = new Date();
  const ids = Array.from({ length: RESIDENTS }, (_, i) => 6_000_000_000 + i);
  for (let i = 0; i < ids.length; i += 1000) {
    const slice = ids.slice(i, i + 1000);
    await db.contact.createMany({
      data: slice.map((id) => ({ id: `quiz-${id}`, channel: "telegram", platformIdHash: vault.hash(`contact:telegram:${id}`), platformIdEnc: vault.encrypt(String(id)), language: "vi", lastInboundAt: now })),
    });
    await db.subscription.createMany({ data: slice.map((id) => ({ contactId: `quiz-${id}`, topics: "festival", communeCode: "21199", source: "menu", consentedAt: now })) });
  }
  const started = performance.now();
  await pool(ids, async (id) => {
    const u = new UpdateFactory({ user: { id }, firstUpdateId: 1 + (id - 6_000_000_000) * 100 });
    const res = await postUpdate(svc.url, u.text("/start quiz"));
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
  });
  await idle();
  const round = quizRound(new Date());
  const attempts = await db.quizAttempt.findMany({ where: { round }, select: { contactId: true, questionIdsJson: true } });
  if (attempts.length !== RESIDENTS) throw new Error(`${attempts.length} of ${RESIDENTS} residents started the quiz`);
  console.log(`${RESIDENTS} residents started the quiz in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const questionsOf = new Map(attempts.map((a) => [Number(a.contactId.slice(5)), JSON.parse(a.questionIdsJson) as string[]]));

  // The burst: answer k of every resident, then answer k+1 of every resident (a resident's answers in order).
  const before = await db.inboundEvent.count();
  const burst: { id: number; k: number }[] = [];
  for (let k = 0; k < ANSWERS; k++) for (const id of ids) burst.push({ id, k });
  const t0 = Date.now();
  await pool(burst, async ({ id, k }) => {
    const u = new UpdateFactory({ user: { id }, firstUpdateId: 50 + k + (id - 6_000_000_000) * 100 });
    const res = await postUpdate(svc.url, u.callback(`quiz:a:${questionsOf.get(id)![k]}:0`));
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
  });
  const postedMs = Date.now() - t0;
  await idle();
  const events = await db.inboundEvent.findMany({ where: { id: { gt: before } }, select: { id: true, receivedAt: true, processedAt: true, status: true } });
  const last = Math.max(...events.map((e) => e.processedAt?.getTime() ?? 0));
  const seconds = (last - t0) / 1000;
  const replies = await db.outboxMessage.findMany({ where: { dedupeKey: { in: events.map((e) => `in:${e.id}:0`) } }, select: { dedupeKey: true, createdAt: true } });
  const replyAt = new Map(replies.map((r) => [Number(r.dedupeKey.split(":")[1]), r.createdAt.getTime()]));
  const latencies = events.map((e) => (replyAt.get(e.id) ?? last) - e.receivedAt.getTime()).sort((a, b) => a - b);
  const done = events.filter((e) => e.status === "done").length;
  const finished = await db.quizAttempt.count({ where: { round, answersJson: { not: "[]" } } });

  const base = performance.now();
  for (let i = 0; i < events.length; i++) await db.$transaction(async (tx) => tx.contact.count({ where: { id: `quiz-${ids[i % ids.length]}` } }));
  const baselineS = (performance.now() - base) / 1000;

  console.log(`${events.length} answers posted in ${(postedMs / 1000).toFixed(1)} s; ${done} processed; ${finished} attempts with answers`);
  console.log(`turns/s: ${(events.length / seconds).toFixed(0)} (first answer posted to last processed: ${seconds.toFixed(1)} s)`);
  console.log(`arrival to reply queued: p50 ${(percentile(latencies, 50) / 1000).toFixed(2)} s, p99 ${(percentile(latencies, 99) / 1000).toFixed(2)} s, max ${(latencies.at(-1)! / 1000).toFixed(2)} s`);
  console.log(`baseline: ${events.length} one-query transactions in ${baselineS.toFixed(1)} s (${(events.length / baselineS).toFixed(0)}/s); a turn costs ${((seconds / events.length) / (baselineS / events.length)).toFixed(1)}× one`);
  await svc.close();
  await fake.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
