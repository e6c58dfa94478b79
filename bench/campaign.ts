/**
 * A Telegram campaign against the fake Bot API enforcing a flood limit, the service running as its own process
 * (what `npm start` runs) on a SQLite file (or BENCH_DATABASE_URL):
 *
 *   npm run bench:campaign                                  100,000 recipients, paid broadcast at 1,000/s
 *   BENCH_RATE=30 BENCH_SECONDS=60 npm run bench:campaign   the free 30/s, measured over 60 s of a 100,000 run
 *   BENCH_KILL=1 npm run bench:campaign                     SIGKILL half-way, restart, then duplicates and misses
 *
 * Prints the achieved rate as a share of the limit (measured after a 2-second warm-up), the 429s after warm-up,
 * and with BENCH_KILL the duplicates, the misses, and the deliveries counted as interrupted.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { FakeTelegramBotApi } from "../test/fakes/telegram-bot-api.ts";
import { startChildService, type ChildService } from "../test/support/child-service.ts";
import { telegramWebhookEnv, TEST_BOT_TOKEN } from "../test/support/telegram-webhook.ts";
import { openDatabase } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import { createVault } from "../src/security/crypto.ts";

const RATE = Number(process.env.BENCH_RATE ?? 1000);
const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? 100_000);
const SECONDS = process.env.BENCH_SECONDS ? Number(process.env.BENCH_SECONDS) : undefined;
const KILL = process.env.BENCH_KILL === "1";
const WARMUP_MS = 2_000;
const TEXT = "Cảnh báo: kẻ gian giả danh công an gọi điện yêu cầu chuyển tiền. Công an không bao giờ làm vậy.";

async function main() {
  console.log(`load average before the run: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")} (${os.cpus().length} cores)`);
  const fake = new FakeTelegramBotApi({ token: TEST_BOT_TOKEN, limits: { perSecond: RATE }, validateFirst: 1_000 });
  const { url } = await fake.start();
  const dir = mkdtempSync(path.join(os.tmpdir(), "tinbao-bench-campaign-"));
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? `file:${path.join(dir, "tinbao.db")}`;
  const key = randomBytes(32);
  const env = {
    DATABASE_URL: databaseUrl,
    MEDIA_DIR: path.join(dir, "media"),
    DATA_ENCRYPTION_KEY: key.toString("base64"),
    LOG_LEVEL: "error",
    ...telegramWebhookEnv(url, RATE > 30 ? { TELEGRAM_BROADCAST_RATE: String(RATE) } : {}),
  };
  await migrate(databaseUrl);
  const database = await openDatabase(databaseUrl);
  const db = database.db;
  const vault = createVault(key);

  const seeded = performance.now();
  for (let i = 0; i < RECIPIENTS; i += 1000) {
    const ids = Array.from({ length: Math.min(1000, RECIPIENTS - i) }, (_, k) => i + k);
    await db.contact.createMany({
      data: ids.map((n) => ({
        id: `bench-${String(n).padStart(7, "0")}`,
        channel: "telegram",
        platformIdHash: vault.hash(`contact:telegram:${7_000_000_000 + n}`),
        platformIdEnc: vault.encrypt(String(7_000_000_000 + n)),
        language: "vi",
        lastInboundAt: new Date(),
      })),
    });
    await db.subscription.createMany({ data: ids.map((n) => ({ contactId: `bench-${String(n).padStart(7, "0")}`, topics: "scam", source: "menu", consentedAt: new Date() })) });
  }
  console.log(`${RECIPIENTS} subscribers stored in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);

  let svc: ChildService = await startChildService(env);
  const author = await db.officer.create({ data: { username: "bench.editor", displayName: "Biên tập", role: "outreach", passwordHash: "x" } });
  const campaign = await db.campaign.create({
    data: { title: "Bench", topic: "scam", variantsJson: JSON.stringify({ vi: { text: TEXT } }), status: "approved", createdById: author.id, approvedById: author.id, approvedAt: new Date(), nextRunAt: new Date() },
  });

  const sends = () => fake.callsTo("sendMessage").filter((c) => c.status === 200);
  const target = SECONDS ? Infinity : RECIPIENTS;
  const ok0 = () => fake.callsTo("sendMessage").find((c) => c.status === 200)?.at.getTime();
  const started = Date.now();
  let killedAt: number | undefined;
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    const n = sends().length;
    if (KILL && killedAt === undefined && n >= RECIPIENTS / 2) {
      await svc.kill("SIGKILL");
      killedAt = n;
      console.log(`SIGKILL at ${n} messages received; restarting`);
      svc = await startChildService(env);
    }
    const status = (await db.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status;
    // BENCH_SECONDS counts from the first message received (the run's start, 100,000 rows written, comes before it).
    const sending = ok0() ?? started;
    if (status === "done" || n >= target || (SECONDS && Date.now() - sending > SECONDS * 1000 + WARMUP_MS)) break;
    if (Date.now() - started > 3 * 3600_000) throw new Error("gave up after 3 hours");
  }
  await svc.stop();

  const ok = sends();
  const first = ok[0]!.at.getTime();
  const last = ok.at(-1)!.at.getTime();
  const steady = ok.filter((c) => c.at.getTime() >= first + WARMUP_MS);
  const steadySeconds = (last - (first + WARMUP_MS)) / 1000;
  const achieved = steady.length / steadySeconds;
  const throttledAfterWarmup = fake.throttled.filter((t) => t.getTime() >= first + WARMUP_MS).length;
  console.log(`limit ${RATE}/s; ${ok.length} messages in ${((last - first) / 1000).toFixed(1)} s`);
  console.log(`achieved after warm-up: ${achieved.toFixed(1)}/s = ${((achieved / RATE) * 100).toFixed(1)}% of the limit`);
  console.log(`429s: ${fake.throttled.length} in all, ${throttledAfterWarmup} after the ${WARMUP_MS / 1000}-second warm-up`);
  if (!SECONDS) {
    const byChat = new Map<string, number>();
    for (const c of ok) byChat.set(String(c.params["chat_id"]), (byChat.get(String(c.params["chat_id"])) ?? 0) + 1);
    const duplicates = [...byChat.values()].filter((n) => n > 1).length;
    const missed = RECIPIENTS - byChat.size;
    const interrupted = await db.campaignDelivery.count({ where: { campaignId: campaign.id, reason: "interrupted" } });
    console.log(`recipients reached ${byChat.size}/${RECIPIENTS}; duplicates ${duplicates}; missed ${missed}; deliveries counted as interrupted ${interrupted}`);
  }
  await database.close();
  await fake.close();
  if (!process.env.BENCH_DATABASE_URL) rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
