/**
 * Files sent on Telegram where no step takes one are not downloaded (nothing lands on the disk for
 * nobody), and the resident is told when files are taken; the same file at the evidence step is kept.
 */
import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegramBotApi, specAvailable, type RecordedCall } from "../fakes/telegram-bot-api.ts";
import { UpdateFactory } from "../fakes/telegram-updates.ts";
import { startTestService, TINY_PNG as PNG, type TestService } from "../support/service.ts";
import { postUpdate, telegramWebhookEnv, TEST_BOT_TOKEN } from "../support/telegram-webhook.ts";

describe.runIf(specAvailable())("files on Telegram outside a report", () => {
  const fake = new FakeTelegramBotApi({ token: TEST_BOT_TOKEN });
  let svc: TestService;
  beforeAll(async () => {
    const { url } = await fake.start();
    svc = await startTestService(telegramWebhookEnv(url));
  });
  afterAll(async () => {
    await svc?.close();
    await fake.close();
  });

  async function deliver(update: unknown): Promise<string[]> {
    const before = fake.calls.length;
    const res = await postUpdate(svc.url, update);
    expect(res.status).toBe(200);
    await svc.settle();
    return fake.calls.slice(before).filter((c: RecordedCall) => c.method === "sendMessage" && c.accepted).map((c) => String((c.params as { text?: string }).text));
  }
  const stored = () => {
    try {
      return readdirSync(svc.ctx.config.mediaDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
    } catch {
      return 0;
    }
  };

  it("does not download a photo sent at the menu, says when files are taken, and keeps one sent before the story", async () => {
    const u = new UpdateFactory({ user: { id: 7400001, first_name: "An" }, firstUpdateId: 740000, files: fake });
    await deliver(u.command("start"));
    await deliver(u.callback("lang:vi"));
    const atMenu = await deliver(u.photo({ content: PNG }));
    expect(atMenu[0]).toContain("Bạn chỉ gửi ảnh, video hay tệp khi đang báo tin");
    await deliver(u.callback("menu:report"));
    await deliver(u.callback("cat:theft"));
    expect(fake.callsTo("getFile")).toHaveLength(0);
    expect(stored()).toBe(0);
    expect(await svc.ctx.db.attachment.count()).toBe(0);
    // Before the story, a photo is kept as evidence and the story is still asked for.
    const atStory = await deliver(u.photo({ content: Buffer.concat([PNG, Buffer.from("2")]) }));
    expect(atStory.join("\n")).toContain("kể ngắn gọn chuyện gì đã xảy ra");
    expect(stored()).toBe(1);

    await deliver(u.text("Mất trộm xe máy trước nhà văn hóa thôn 4."));
    const kept = await deliver(u.photo({ content: PNG }));
    expect(kept[0]).toContain("Đã nhận tệp");
    expect(stored()).toBe(2);
    fake.assertAllValid();
  });
});
