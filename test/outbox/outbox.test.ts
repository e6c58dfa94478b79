/**
 * The outbox against a fake Bot API: order per chat, 429 waits retry_after, 5xx retried,
 * "blocked by the user" stops the contact, a message a crashed process was sending is sent again.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeTelegramBotApi, specAvailable } from "../fakes/telegram-bot-api.ts";
import { createTelegramChannel } from "../../src/channels/telegram/index.ts";
import { enqueueMessages } from "../../src/outbox/enqueue.ts";
import { createOutboxWorker } from "../../src/outbox/worker.ts";
import { Readable } from "node:stream";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { webchatCapabilities } from "../../src/channels/webchat/channel.ts";
import { createTestContext, type TestContext } from "../support/context.ts";

const TOKEN = "987654321:AAFakeTokenForOutboxTestsAAAAAAAAAA";
const hasSpec = specAvailable();
if (!hasSpec && process.env.CI) throw new Error("Telegram Bot API spec missing: expected ../shared/data/telegram-bot-api-10.1.json");

describe.runIf(hasSpec)("the outbox", () => {
  const fake = new FakeTelegramBotApi({ token: TOKEN });
  let ctx: TestContext;
  let clock = Date.now();

  beforeAll(async () => {
    await fake.start();
  });
  afterAll(async () => fake.close());
  beforeEach(async () => {
    fake.reset();
    ctx = await createTestContext();
    clock = Date.now();
    ctx.now = () => new Date(clock);
    ctx.channels.set(
      "telegram",
      createTelegramChannel({ token: TOKEN, apiRoot: fake.url, mode: "webhook", webhookSecret: "s", publicUrl: "https://x.example" }, { log: ctx.log }, { callTimeoutMs: 300 }),
    );
  });
  afterEach(async () => {
    fake.assertAllValid();
    await ctx.close();
  });

  async function queue(chatId: string, texts: string[], contactId?: string) {
    await ctx.db.$transaction((tx) =>
      enqueueMessages(tx, ctx.vault, texts.map((text, i) => ({ channel: "telegram", chatId, contactId, message: { text }, dedupeKey: `t:${chatId}:${text}:${i}` }))),
    );
    clock = Date.now() + 1;
  }
  const sentTexts = (chatId: number) => fake.callsTo("sendMessage").filter((c) => c.accepted && !c.failure && (c.params as { chat_id: number }).chat_id === chatId).map((c) => (c.params as { text: string }).text);

  it("sends one chat's messages in order", async () => {
    await queue("1001", ["một", "hai", "ba"]);
    const worker = createOutboxWorker(ctx);
    await worker.drain();
    expect(sentTexts(1001)).toEqual(["một", "hai", "ba"]);
    expect(await ctx.db.outboxMessage.count({ where: { status: "sent" } })).toBe(3);
  });

  it("waits as long as a 429 says, then sends, without letting a later message overtake", async () => {
    fake.failNext("sendMessage", { kind: "429", retryAfter: 7 });
    await queue("1002", ["đầu tiên", "thứ hai"]);
    const worker = createOutboxWorker(ctx);
    await worker.drain();
    const first = await ctx.db.outboxMessage.findFirstOrThrow({ orderBy: { id: "asc" } });
    expect(first).toMatchObject({ status: "pending", lastErrorKind: "throttled" });
    expect(first.nextAttemptAt.getTime() - clock).toBe(7000);
    expect(sentTexts(1002)).toEqual([]);
    clock += 7001;
    await worker.drain();
    expect(sentTexts(1002)).toEqual(["đầu tiên", "thứ hai"]);
  });

  it("retries a 5xx and a timeout with backoff", async () => {
    fake.failNext("sendMessage", { kind: "502" });
    await queue("1003", ["xin chào"]);
    const worker = createOutboxWorker(ctx);
    await worker.drain();
    let row = await ctx.db.outboxMessage.findFirstOrThrow();
    expect(row).toMatchObject({ status: "pending", lastErrorKind: "server", attempts: 1 });
    fake.failNext("sendMessage", { kind: "hang" });
    clock = row.nextAttemptAt.getTime() + 1;
    await worker.drain();
    row = await ctx.db.outboxMessage.findFirstOrThrow();
    expect(row).toMatchObject({ status: "pending", lastErrorKind: "connection", attempts: 2 });
    clock = row.nextAttemptAt.getTime() + 1;
    await worker.drain();
    expect(await ctx.db.outboxMessage.findFirstOrThrow()).toMatchObject({ status: "sent", attempts: 3 });
    expect(sentTexts(1003)).toEqual(["xin chào"]);
  });

  it("does not send the voice note twice when the text after it failed: the retry sends only the text", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "tinbao-outbox-voice-"));
    const ogg = path.join(dir, "loi-chao.ogg");
    writeFileSync(ogg, Buffer.concat([Buffer.from("OggS"), Buffer.alloc(2_000, 1)]));
    await ctx.db.$transaction((tx) =>
      enqueueMessages(tx, ctx.vault, [{ channel: "telegram", chatId: "1010", message: { text: "Xin chào", audio: { file: ogg, mime: "audio/ogg", label: "Lời chào" } }, dedupeKey: "voice:1010" }]),
    );
    clock = Date.now() + 1;
    fake.failNext("sendMessage", { kind: "502" });
    const worker = createOutboxWorker(ctx);
    await worker.drain();
    const row = await ctx.db.outboxMessage.findFirstOrThrow();
    expect(row).toMatchObject({ status: "pending", lastErrorKind: "server", attempts: 1 });
    clock = row.nextAttemptAt.getTime() + 1;
    await worker.drain();
    expect(await ctx.db.outboxMessage.findFirstOrThrow()).toMatchObject({ status: "sent", attempts: 2 });
    const to1010 = fake.calls.filter((c) => (c.params as { chat_id?: number }).chat_id === 1010);
    expect(to1010.map((c) => [c.method, c.failure ? "failed" : "ok"])).toEqual([
      ["sendVoice", "ok"],
      ["sendMessage", "failed"],
      ["sendMessage", "ok"],
    ]);
    expect(sentTexts(1010)).toEqual(["Xin chào"]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("marks the contact stopped when Telegram says the bot was blocked, and does not retry", async () => {
    const contact = await ctx.db.contact.create({ data: { channel: "telegram", platformIdHash: "h1004", platformIdEnc: ctx.vault.encrypt("1004") } });
    fake.failNext("sendMessage", { kind: "blocked" });
    await queue("1004", ["tin báo đã nhận"], contact.id);
    await createOutboxWorker(ctx).drain();
    expect(await ctx.db.outboxMessage.findFirstOrThrow()).toMatchObject({ status: "failed", lastErrorKind: "contact_stopped" });
    expect((await ctx.db.contact.findUniqueOrThrow({ where: { id: contact.id } })).stoppedAt).not.toBeNull();
  });

  it("gives up at once on a message Telegram refuses as invalid", async () => {
    fake.failNext("sendMessage", { kind: "chat-not-found" });
    await queue("1005", ["không tới được"]);
    await createOutboxWorker(ctx).drain();
    expect(await ctx.db.outboxMessage.findFirstOrThrow()).toMatchObject({ status: "failed", lastErrorKind: "rejected", attempts: 1 });
  });

  it("sends again, whole and in order, a message a crashed process was sending, and counts the resend", async () => {
    await queue("1006", ["có thể đã gửi", "tin sau"]);
    const first = await ctx.db.outboxMessage.findFirstOrThrow({ orderBy: { id: "asc" } });
    // A process claimed it and died before recording the answer: its lease ran out.
    await ctx.db.outboxMessage.update({ where: { id: first.id }, data: { status: "sending", lockedBy: "dead", lockedUntil: new Date(clock - 1), attempts: 1 } });
    await createOutboxWorker(ctx).drain();
    expect(await ctx.db.outboxMessage.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({ status: "sent", resends: 1 });
    expect(sentTexts(1006)).toEqual(["có thể đã gửi", "tin sau"]);
  });

  it("leaves alone a message another live process is sending on PostgreSQL; on SQLite (one process) takes it back at start", async () => {
    await queue("1008", ["đang gửi ở máy khác"]);
    const row = await ctx.db.outboxMessage.findFirstOrThrow();
    await ctx.db.outboxMessage.update({ where: { id: row.id }, data: { status: "sending", lockedBy: "other", lockedUntil: new Date(clock + 60_000), attempts: 1 } });
    await createOutboxWorker(ctx).drain();
    const after = await ctx.db.outboxMessage.findUniqueOrThrow({ where: { id: row.id } });
    if (ctx.config.dialect === "postgresql") {
      expect(after).toMatchObject({ status: "sending", resends: 0 });
      expect(sentTexts(1008)).toEqual([]);
    } else {
      expect(after).toMatchObject({ status: "sent", resends: 1 });
      expect(sentTexts(1008)).toEqual(["đang gửi ở máy khác"]);
    }
  });

  it("renews the lease of a slow send, so another process never takes it over", async () => {
    ctx.channels.set(
      "telegram",
      createTelegramChannel({ token: TOKEN, apiRoot: fake.url, mode: "webhook", webhookSecret: "s", publicUrl: "https://x.example" }, { log: ctx.log }, { callTimeoutMs: 5_000 }),
    );
    await queue("1009", ["chậm"]);
    fake.failNext("sendMessage", { kind: "slow", ms: 1_500 });
    ctx.now = () => new Date();
    const worker = createOutboxWorker(ctx, { leaseMs: 300 });
    const startedAt = Date.now();
    worker.start();
    await new Promise((r) => setTimeout(r, 1_000));
    // Three leases later the send is still going, and its lease has kept moving.
    const during = await ctx.db.outboxMessage.findFirstOrThrow();
    expect(during.status).toBe("sending");
    expect(during.lockedUntil!.getTime()).toBeGreaterThan(startedAt + 800);
    await worker.drain();
    await worker.stop();
    expect(sentTexts(1009)).toEqual(["chậm"]);
    expect(await ctx.db.outboxMessage.findFirstOrThrow()).toMatchObject({ status: "sent", resends: 0 });
  });

  it("keeps the token out of every log line and error it records", async () => {
    fake.failNext("sendMessage", { kind: "garbage", status: 200 });
    await queue("1007", ["x"]);
    await createOutboxWorker(ctx).drain();
    const row = await ctx.db.outboxMessage.findFirstOrThrow();
    expect(row.lastErrorKind).toBe("unexpected_response");
    expect(JSON.stringify(row)).not.toContain(TOKEN.split(":")[1]);
    expect(ctx.logs()).not.toContain(TOKEN.split(":")[1]);
  });
});

describe("the outbox and a channel's reply window", () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });
  afterEach(async () => ctx.close());

  it("does not attempt a reply once the window has closed, and records when it closed", async () => {
    const sent: string[] = [];
    ctx.channels.set("zalo", {
      name: "zalo",
      capabilities: { ...webchatCapabilities, replyWindowHours: 168 },
      receive: () => null,
      send: async (_chat, m) => (sent.push(m.text), {}),
      download: async () => Readable.from([]),
    });
    const lastInboundAt = new Date(Date.now() - 8 * 24 * 3600_000);
    const contact = await ctx.db.contact.create({ data: { channel: "zalo", platformIdHash: "z1", platformIdEnc: ctx.vault.encrypt("z1"), lastInboundAt } });
    await ctx.db.$transaction((tx) =>
      enqueueMessages(tx, ctx.vault, [{ channel: "zalo", chatId: "z1", contactId: contact.id, message: { text: "Công an trả lời" }, dedupeKey: "w1" }]),
    );
    await createOutboxWorker(ctx).drain();
    expect(sent).toEqual([]);
    const row = await ctx.db.outboxMessage.findFirstOrThrow();
    expect(row).toMatchObject({ status: "window_closed", attempts: 1 });
    expect(row.windowClosedAt?.getTime()).toBe(lastInboundAt.getTime() + 168 * 3600_000);
  });
});
