/**
 * SIGKILL while residents' answers are being sent: after the restart every resident whose message
 * was acknowledged gets the whole answer within 30 s, and the only duplicates are messages that were
 * in flight at the kill.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegramBotApi, specAvailable } from "../fakes/telegram-bot-api.ts";
import { UpdateFactory } from "../fakes/telegram-updates.ts";
import { startChildService, type ChildService } from "../support/child-service.ts";
import { freshDatabaseUrl } from "../support/context.ts";
import { postUpdate, telegramWebhookEnv, TEST_BOT_TOKEN } from "../support/telegram-webhook.ts";

const RESIDENTS = 200;
/** What /start answers, in order: the greeting, then the language question. */
const ANSWER = ["Xin chào!", "Bạn muốn dùng tiếng nào?"];
const hasSpec = specAvailable();
if (!hasSpec && process.env.CI) throw new Error("Telegram Bot API spec missing: expected ../shared/data/telegram-bot-api-10.1.json");

describe.runIf(hasSpec)("a crash while answers are being sent", () => {
  const fake = new FakeTelegramBotApi({ token: TEST_BOT_TOKEN });
  const dir = mkdtempSync(path.join(os.tmpdir(), "tinbao-crash-"));
  let database: Awaited<ReturnType<typeof freshDatabaseUrl>>;
  let env: Record<string, string>;
  let svc: ChildService | undefined;

  beforeAll(async () => {
    const { url } = await fake.start();
    database = await freshDatabaseUrl(dir);
    env = {
      DATABASE_URL: database.url,
      MEDIA_DIR: path.join(dir, "media"),
      DATA_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      ...telegramWebhookEnv(url),
    };
  });
  afterAll(async () => {
    await svc?.kill();
    await fake.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Texts each resident received, in order, by chat id. */
  function received(): Map<number, string[]> {
    const byChat = new Map<number, string[]>();
    for (const call of fake.callsTo("sendMessage")) {
      if (!call.accepted || call.status !== 200) continue;
      const p = call.params as { chat_id: number; text: string };
      byChat.set(p.chat_id, [...(byChat.get(p.chat_id) ?? []), p.text]);
    }
    return byChat;
  }
  const whole = (texts: string[] | undefined) => ANSWER.every((start) => texts?.some((t) => t.startsWith(start)));

  it("answers every acknowledged resident in full within 30 s of the restart", async () => {
    // A Bot API that takes 150 ms per message: several answers are always in flight.
    fake.failNext("sendMessage", { kind: "slow", ms: 150 }, 1_000_000);
    svc = await startChildService(env);
    const acknowledged: number[] = [];
    const post = (i: number) =>
      postUpdate(svc!.url, new UpdateFactory({ firstUpdateId: 100_000 + i * 10, user: { id: 700_000 + i } }).command("start")).then((r) => r.status === 200 && acknowledged.push(700_000 + i));
    for (let i = 0; i < RESIDENTS; i += 25) await Promise.all(Array.from({ length: 25 }, (_, k) => post(i + k)));
    expect(acknowledged).toHaveLength(RESIDENTS);

    // Half-way through the answers, kill it.
    while (fake.callsTo("sendMessage").length < RESIDENTS) await new Promise((r) => setTimeout(r, 20));
    const inFlight = fake.callsTo("sendMessage").filter((c) => c.status === undefined).length;
    await svc.kill("SIGKILL");
    const beforeRestart = received();
    const answeredBefore = acknowledged.filter((chat) => whole(beforeRestart.get(chat))).length;

    const restartedAt = Date.now();
    svc = await startChildService(env);
    let allAnsweredAfter: number | undefined;
    while (Date.now() - restartedAt < 60_000) {
      const now = received();
      if (acknowledged.every((chat) => whole(now.get(chat)))) {
        allAnsweredAfter = Date.now() - restartedAt;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const final = received();
    const missing = acknowledged.filter((chat) => !whole(final.get(chat)));
    const duplicated = acknowledged.filter((chat) => (final.get(chat)?.length ?? 0) > ANSWER.length);
    console.info(
      `crash test: ${RESIDENTS} residents, ${answeredBefore} fully answered before the kill, ${inFlight} calls unanswered at the kill; ` +
        `all answered ${allAnsweredAfter ?? "NEVER"} ms after the restart; ${missing.length} missing, ${duplicated.length} with a duplicate`,
    );
    expect(answeredBefore).toBeLessThan(RESIDENTS);
    expect(missing).toEqual([]);
    expect(allAnsweredAfter).toBeLessThan(30_000);
    // What was being sent at the kill was sent again, counted for operators; it is the only source of duplicates,
    // and never more than the senders that can be at work at once (8 per channel).
    const metrics = await (await fetch(`${svc.url}/metrics`)).text();
    const resent = Number(/tinbao_outbox_resent_total\{channel="telegram"\} (\d+)/.exec(metrics)?.[1] ?? -1);
    expect(resent).toBeGreaterThan(0);
    expect(resent).toBeLessThanOrEqual(8);
    expect(duplicated.length).toBeLessThanOrEqual(resent);
  }, 180_000);
});
