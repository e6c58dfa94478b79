/**
 * Evidence the server cannot take: below the free-space floor (MEDIA_MIN_FREE_MB) no file is
 * downloaded from Telegram or Zalo, and on a read-only evidence folder none can be stored. Either way
 * the resident hears, kindly, that files cannot be taken now, and the report's text is still filed.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegramBotApi, specAvailable, type RecordedCall } from "../fakes/telegram-bot-api.ts";
import { UpdateFactory } from "../fakes/telegram-updates.ts";
import { FAKE_OA_ID, FAKE_OA_SECRET_KEY, FakeZaloApi, ZaloEventFactory, zaloServiceEnv } from "../fakes/zalo-api.ts";
import { startTestService, TINY_PNG as PNG, type TestService } from "../support/service.ts";
import { mountProblem, mountTmpfs, type Mounted } from "../support/tmpfs.ts";
import { postUpdate, telegramWebhookEnv, TEST_BOT_TOKEN } from "../support/telegram-webhook.ts";

/** More than any disk here has free: every file is below the floor. */
const HUGE_FLOOR_MB = "1000000";
const hasSpec = specAvailable();
if (!hasSpec && process.env.CI) throw new Error("Telegram Bot API spec missing: expected ../shared/data/telegram-bot-api-10.1.json");

const NOT_NOW = "Hiện máy chủ tạm thời chưa nhận được tệp. Những gì bạn đã kể vẫn được giữ lại.";

/** A Telegram resident's whole report with a photo the server cannot keep; returns what they read after the photo, and the tip. */
async function reportWithPhoto(svc: TestService, fake: FakeTelegramBotApi, userId: number, firstUpdateId: number) {
  const u = new UpdateFactory({ user: { id: userId, first_name: "Lan", language_code: "vi" }, firstUpdateId, files: fake });
  const deliver = async (update: unknown): Promise<string[]> => {
    const before = fake.calls.length;
    const res = await postUpdate(svc.url, update);
    expect(res.status).toBe(200);
    await svc.settle();
    return fake.calls.slice(before).filter((c: RecordedCall) => c.method === "sendMessage" && c.accepted).map((c) => String((c.params as { text?: string }).text ?? ""));
  };
  for (const step of [u.command("start"), u.callback("lang:vi"), u.callback("menu:report"), u.callback("cat:theft")]) await deliver(step);
  await deliver(u.text("Trộm lấy xe máy trước cổng chợ."));
  const afterPhoto = await deliver(u.photo({ content: PNG }));
  for (const step of [u.callback("nav:done"), u.callback("nav:skip"), u.callback("when:today"), u.callback("id:anon"), u.callback("report:send")]) await deliver(step);
  const tip = await svc.ctx.db.tip.findFirstOrThrow({ where: { channel: "telegram", description: { contains: "Trộm lấy xe máy" } }, include: { attachments: true } });
  return { afterPhoto, tip };
}

describe.runIf(hasSpec)("Telegram evidence below the free-space floor", () => {
  const fake = new FakeTelegramBotApi({ token: TEST_BOT_TOKEN });
  let svc: TestService;
  beforeAll(async () => {
    const { url } = await fake.start();
    svc = await startTestService(telegramWebhookEnv(url, { MEDIA_MIN_FREE_MB: HUGE_FLOOR_MB }));
  });
  afterAll(async () => {
    await svc?.close();
    await fake.close();
  });
  afterEach(() => fake.assertAllValid());

  it("is not downloaded; the resident hears why, and the tip is filed with its text", async () => {
    const getFileBefore = fake.callsTo("getFile").length;
    const { afterPhoto, tip } = await reportWithPhoto(svc, fake, 7100001, 610000);
    expect(afterPhoto[0]).toContain(NOT_NOW);
    expect(fake.callsTo("getFile").length).toBe(getFileBefore);
    expect(tip.description).toBe("Trộm lấy xe máy trước cổng chợ.");
    expect(tip.attachments.map((a) => [a.status, a.rejectReason])).toEqual([["rejected", "no_space"]]);
    expect((await (await fetch(`${svc.url}/healthz`)).json()) as { reasons: { code: string }[] }).toMatchObject({ reasons: expect.arrayContaining([expect.objectContaining({ code: "disk_full" })]) });
  }, 60_000);
});

describe("Zalo evidence below the free-space floor", () => {
  const fake = new FakeZaloApi();
  let svc: TestService;
  beforeAll(async () => {
    const { url } = await fake.start();
    svc = await startTestService({ ...zaloServiceEnv(fake, url), MEDIA_MIN_FREE_MB: HUGE_FLOOR_MB });
  });
  afterAll(async () => {
    await svc?.close();
    await fake.close();
  });
  afterEach(() => fake.assertAllValid());

  it("is not downloaded; the resident hears why, and the tip is filed with its text", async () => {
    const z = new ZaloEventFactory({ appId: fake.appId, oaId: FAKE_OA_ID, oaSecretKey: FAKE_OA_SECRET_KEY, user: "2512523625409001", attachments: fake });
    const deliver = async (event: Record<string, unknown>): Promise<string[]> => {
      const before = fake.sentMessages().length;
      const signed = z.signed(event);
      const res = await fetch(`${svc.url}/webhooks/zalo`, { method: "POST", headers: signed.headers, body: new Uint8Array(signed.rawBody) });
      expect(res.status).toBe(200);
      await svc.settle();
      return fake.sentMessages().slice(before).map((m) => String(m["text"] ?? (m["attachment"] as { payload?: { text?: string } } | undefined)?.payload?.text ?? ""));
    };
    for (const event of [z.follow(), z.button("lang:vi"), z.button("menu:report"), z.button("cat:fraud")]) await deliver(event);
    await deliver(z.text("Có người gọi điện giả công an đòi chuyển tiền."));
    const afterPhoto = await deliver(z.image({ content: PNG }));
    expect(afterPhoto[0]).toContain(NOT_NOW);
    expect(fake.downloads).toHaveLength(0);
    for (const event of [z.button("nav:done"), z.button("nav:skip"), z.button("when:today"), z.button("id:anon"), z.button("report:send")]) await deliver(event);
    const tip = await svc.ctx.db.tip.findFirstOrThrow({ where: { channel: "zalo" }, include: { attachments: true } });
    expect(tip.description).toBe("Có người gọi điện giả công an đòi chuyển tiền.");
    expect(tip.attachments.map((a) => [a.status, a.rejectReason])).toEqual([["rejected", "no_space"]]);
  }, 60_000);
});

describe.runIf(hasSpec && !mountProblem)("Telegram evidence when the evidence folder is read-only", () => {
  const fake = new FakeTelegramBotApi({ token: TEST_BOT_TOKEN });
  let svc: TestService;
  let media: Mounted;
  beforeAll(async () => {
    const { url } = await fake.start();
    svc = await startTestService(telegramWebhookEnv(url, { MEDIA_MIN_FREE_MB: "1", INBOX_MAX_ATTEMPTS: "2" }));
    mkdirSync(svc.ctx.config.mediaDir, { recursive: true });
    media = mountTmpfs(16, { readOnly: true, at: path.resolve(svc.ctx.config.mediaDir) });
  });
  afterAll(async () => {
    media?.unmount();
    await svc?.close();
    await fake.close();
  });
  afterEach(() => fake.assertAllValid());

  it("gets the resident a polite answer at once (not a retry loop nor an error), and the tip is filed with its text", async () => {
    const { afterPhoto, tip } = await reportWithPhoto(svc, fake, 7100002, 620000);
    expect(afterPhoto[0]).toContain(NOT_NOW);
    expect(tip.attachments.map((a) => [a.status, a.rejectReason])).toEqual([["rejected", "unwritable"]]);
    expect(await svc.ctx.db.inboundEvent.count({ where: { status: "failed" } })).toBe(0);
  }, 60_000);
});
