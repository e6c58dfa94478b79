/**
 * The whole service on Telegram: real HTTP webhook, real database, real workers, and a fake Bot API
 * server on 127.0.0.1 that refuses any call not valid under the published Bot API spec.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegramBotApi, specAvailable, type RecordedCall } from "../fakes/telegram-bot-api.ts";
import { UpdateFactory } from "../fakes/telegram-updates.ts";
import { startTestService, TINY_PNG as PNG, type TestService } from "../support/service.ts";

const SECRET = "e2e-secret_123";
const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const hasSpec = specAvailable();
if (!hasSpec && process.env.CI) throw new Error("Telegram Bot API spec missing: expected ../shared/data/telegram-bot-api-10.1.json");


describe.runIf(hasSpec)("a resident reports a tip on Telegram", () => {
  const fake = new FakeTelegramBotApi({ token: TOKEN });
  let svc: TestService;
  let env: Record<string, string>;

  beforeAll(async () => {
    const { url } = await fake.start();
    env = {
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: url,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_MODE: "webhook",
      PUBLIC_URL: "https://tinbao.example.vn",
    };
    svc = await startTestService(env);
  });
  afterAll(async () => {
    await svc?.close();
    await fake.close();
  });
  afterEach(() => fake.assertAllValid());

  const post = (update: unknown, secret: string | null = SECRET, body?: string) =>
    fetch(`${svc.url}/webhooks/telegram`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(secret ? { "x-telegram-bot-api-secret-token": secret } : {}) },
      body: body ?? JSON.stringify(update),
    });

  async function deliver(update: unknown): Promise<RecordedCall[]> {
    const before = fake.calls.length;
    const res = await post(update);
    expect(res.status).toBe(200);
    await svc.settle();
    return fake.calls.slice(before).filter((c) => c.method.startsWith("send") && c.accepted);
  }
  const texts = (calls: RecordedCall[]) => calls.map((c) => String((c.params as { text?: string }).text ?? ""));

  it("registers its webhook at start with PUBLIC_URL and the secret", () => {
    const setWebhook = fake.callsTo("setWebhook").at(-1);
    expect(setWebhook?.params).toMatchObject({ url: "https://tinbao.example.vn/webhooks/telegram", secret_token: SECRET });
  });

  it("rejects a missing or wrong secret and stores nothing", async () => {
    const u = new UpdateFactory({ firstUpdateId: 500000 }).text("xin chào");
    const before = await svc.ctx.db.inboundEvent.count();
    expect((await post(u, null)).status).toBe(401);
    expect((await post(u, "wrong-secret")).status).toBe(401);
    expect(await svc.ctx.db.inboundEvent.count()).toBe(before);
  });

  it("answers malformed JSON with 400 and ignores unknown update types with 200", async () => {
    const bad = await post(null, SECRET, "{not json");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "bad_request" } });
    const before = await svc.ctx.db.inboundEvent.count();
    const unknown = await post({ update_id: 990001, message_reaction_count: { chat: { id: 1, type: "private" }, message_id: 1, date: 1, reactions: [] } });
    expect(unknown.status).toBe(200);
    expect(await svc.ctx.db.inboundEvent.count()).toBe(before);
  });

  it("takes a whole report with a sticker, a 30 MB video and two quick messages in stride, and files one tip per confirmation even when Telegram delivers it 5 times", async () => {
    const u = new UpdateFactory({ user: { id: 7000001, first_name: "Hoa", language_code: "vi" }, firstUpdateId: 100000, files: fake });
    const started = await deliver(u.command("start"));
    expect(texts(started)).toEqual([expect.stringContaining("Xin chào"), expect.stringContaining("tiếng nào")]);
    await deliver(u.callback("lang:vi"));
    await deliver(u.callback("menu:report"));
    const afterCategory = texts(await deliver(u.callback("cat:theft")));
    expect(afterCategory.at(-1)).toContain("Chuyện gì đã xảy ra?");

    const sticker = texts(await deliver(u.sticker()));
    expect(sticker[0]).toContain("Nhãn dán chưa đọc được");
    expect(sticker.at(-1)).toContain("Chuyện gì đã xảy ra?");

    // Two messages sent quickly: both stored before processing, processed in order.
    const first = u.text("Trộm đột nhập nhà bà Ba ở thôn 2 lấy xe máy.");
    const second = u.text("Biển số 76H1-123.45, xe màu đỏ.");
    expect((await post(first)).status).toBe(200);
    expect((await post(second)).status).toBe(200);
    await svc.settle();

    const video = texts(await deliver(u.video({ fileSize: 30 * 1024 * 1024 })));
    expect(video[0]).toContain("lớn quá");
    expect(video[0]).toMatch(/20 MB/);
    const photo = texts(await deliver(u.photo({ content: PNG })));
    expect(photo[0]).toContain("Đã nhận tệp");

    await deliver(u.callback("nav:done"));
    const place = texts(await deliver(u.location(15.1201, 108.8044)));
    expect(place[0]).toContain("Đã nhận vị trí");
    await deliver(u.callback("when:yesterday"));
    await deliver(u.callback("id:named"));
    await deliver(u.text("Trần Thị Hoa"));
    const confirm = texts(await deliver(u.contact({ phoneNumber: "+84905111222" })));
    expect(confirm.at(-1)).toContain("Bạn xem lại tin báo");
    expect(confirm.at(-1)).toContain("Biển số 76H1-123.45");

    const send = u.callback("report:send");
    const sends = await Promise.all(Array.from({ length: 5 }, () => post(send)));
    expect(sends.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    await svc.settle();
    const tips = await svc.ctx.db.tip.findMany({ where: { category: "theft", channel: "telegram" }, include: { attachments: true } });
    expect(tips).toHaveLength(1);
    const tip = tips[0]!;
    expect(tip.description).toBe("Trộm đột nhập nhà bà Ba ở thôn 2 lấy xe máy.\nBiển số 76H1-123.45, xe màu đỏ.");
    expect(tip.anonymous).toBe(false);
    expect(svc.ctx.vault.decrypt(tip.reporterPhoneEnc!)).toBe("0905111222");
    expect(tip.latitude).toBeCloseTo(15.1201);
    expect(tip.attachments.map((a) => [a.kind, a.status]).sort()).toEqual([["photo", "stored"], ["video", "rejected"]]);
    const receipt = fake.callsTo("sendMessage").map((c) => c.params as { text: string; protect_content?: boolean }).find((p) => p.text.includes(tip.reference));
    expect(receipt?.protect_content).toBe(true);

    // Privacy: the resident's Telegram id, name and phone never reach the logs.
    const logs = svc.logs();
    for (const secret of ["7000001", "Hoa", "905111222", "Trần Thị Hoa"]) expect(logs).not.toContain(secret);
    expect(logs).not.toContain(TOKEN.split(":")[1]);
  });

  it("keeps the event and retries it when the database fails during processing", async () => {
    const u = new UpdateFactory({ user: { id: 7000002, first_name: "Minh" }, firstUpdateId: 200000 });
    await svc.ctx.db.$executeRawUnsafe(`ALTER TABLE "Conversation" RENAME TO "Conversation_away"`);
    try {
      expect((await post(u.command("start"))).status).toBe(200);
      await svc.inbox.drain();
      const failed = await svc.ctx.db.inboundEvent.findFirstOrThrow({ orderBy: { id: "desc" } });
      expect(failed.status).toBe("pending");
      expect(failed.attempts).toBe(1);
      expect(failed.lastError).toMatch(/Conversation/);
    } finally {
      await svc.ctx.db.$executeRawUnsafe(`ALTER TABLE "Conversation_away" RENAME TO "Conversation"`);
    }
    await svc.ctx.db.inboundEvent.updateMany({ where: { status: "pending" }, data: { nextAttemptAt: new Date() } });
    const before = fake.callsTo("sendMessage").length;
    await svc.settle();
    const event = await svc.ctx.db.inboundEvent.findFirstOrThrow({ orderBy: { id: "desc" } });
    expect(event).toMatchObject({ status: "done", attempts: 2 });
    expect(fake.callsTo("sendMessage").length - before).toBe(2);
  });

  it("continues the conversation where it was after a restart", async () => {
    const u = new UpdateFactory({ user: { id: 7000003, first_name: "Tuấn" }, firstUpdateId: 300000 });
    await deliver(u.command("start"));
    await deliver(u.callback("lang:vi"));
    await deliver(u.callback("menu:report"));
    await deliver(u.callback("cat:gambling"));
    // Stored but not yet processed when the process stops.
    await svc.inbox.stop();
    expect((await post(u.text("Đánh bạc ăn tiền ở nhà ông Tư, thôn 4, mỗi tối."))).status).toBe(200);
    const dbUrl = svc.ctx.config.databaseUrl;
    const key = svc.ctx.config.encryptionKey!.toString("base64");
    const dir = svc.dir;
    await svc.stop();
    const before = fake.calls.length;
    svc = await startTestService(env, {}, { dir, url: dbUrl, key });
    await svc.settle();
    const replies = texts(fake.calls.slice(before).filter((c) => c.method === "sendMessage"));
    expect(replies.at(-1)).toContain("ảnh, video");
  });
});

describe.runIf(hasSpec)("a resident on Telegram when the bot long-polls", () => {
  const fake = new FakeTelegramBotApi({ token: TOKEN, maxLongPollMs: 300 });
  let svc: TestService;

  beforeAll(async () => {
    const { url } = await fake.start();
    svc = await startTestService({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: url, TELEGRAM_MODE: "polling" });
  });
  afterAll(async () => {
    await svc?.close();
    await fake.close();
  });

  it("removes any webhook, fetches updates, stores them and answers", async () => {
    expect(fake.callsTo("deleteWebhook")).toHaveLength(1);
    const u = new UpdateFactory({ user: { id: 7100001, first_name: "Y" }, firstUpdateId: 710000 });
    fake.queueUpdate(u.command("start"));
    const sent = await fake.waitForCalls("sendMessage", 2, 5000);
    expect((sent[1]!.params as { text: string }).text).toContain("tiếng nào");
    const events = await svc.ctx.db.inboundEvent.findMany({ where: { channel: "telegram" } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ externalId: "710000", status: "done" });
    fake.assertAllValid();
  });
});
