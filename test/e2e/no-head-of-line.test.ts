/**
 * No head-of-line blocking: a backlog on one channel (1,000 Telegram residents writing at once) never
 * keeps a web chat resident waiting for an answer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegramBotApi, specAvailable } from "../fakes/telegram-bot-api.ts";
import { UpdateFactory } from "../fakes/telegram-updates.ts";
import { startTestService, WebchatVisitor, type TestService } from "../support/service.ts";
import { postUpdate, telegramWebhookEnv, TEST_BOT_TOKEN } from "../support/telegram-webhook.ts";

const hasSpec = specAvailable();
if (!hasSpec && process.env.CI) throw new Error("Telegram Bot API spec missing: expected ../shared/data/telegram-bot-api-10.1.json");

describe.runIf(hasSpec)("a backlog on one channel", () => {
  const fake = new FakeTelegramBotApi({ token: TEST_BOT_TOKEN });
  let svc: TestService;

  beforeAll(async () => {
    const { url } = await fake.start();
    svc = await startTestService(telegramWebhookEnv(url, { LOG_LEVEL: "warn" }));
  });
  afterAll(async () => {
    await svc?.close();
    await fake.close();
  });

  it("answers a web chat resident within 5 s while 1,000 Telegram residents wait for theirs", async () => {
    const updates = Array.from({ length: 1000 }, (_, i) => new UpdateFactory({ firstUpdateId: 900_000 + i * 10, user: { id: 600_000 + i } }).command("start"));
    for (let i = 0; i < updates.length; i += 50) {
      const batch = await Promise.all(
        updates.slice(i, i + 50).map((u) =>
          postUpdate(svc.url, u),
        ),
      );
      expect(batch.every((r) => r.status === 200)).toBe(true);
    }

    const visitor = new WebchatVisitor(svc.url);
    await visitor.open();
    const sentAt = Date.now();
    expect((await visitor.send({ text: "xin chào" })).status).toBe(202);
    let answeredAfter: number | undefined;
    while (Date.now() - sentAt < 20_000) {
      if ((await visitor.messages()).some((m) => m.direction === "out")) {
        answeredAfter = Date.now() - sentAt;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const telegramWaiting = await svc.ctx.db.outboxMessage.count({ where: { channel: "telegram", status: { in: ["pending", "sending"] } } })
      + (await svc.ctx.db.inboundEvent.count({ where: { channel: "telegram", status: { in: ["pending", "processing"] } } }));
    console.info(`web chat answered after ${answeredAfter} ms with ${telegramWaiting} Telegram messages still waiting`);
    expect(answeredAfter).toBeDefined();
    expect(answeredAfter!).toBeLessThan(5_000);
    // The point of the test: the backlog was still there when the web chat resident got an answer.
    expect(telegramWaiting).toBeGreaterThan(100);
  }, 120_000);
});
