/**
 * The whole service on Zalo: real signed webhooks, real database, real workers, and the fake Zalo server on
 * 127.0.0.1 as both the OAuth host and the OA API (ZALO_API_BASE = ZALO_OAUTH_BASE = its URL), refusing any request
 * Zalo would refuse.
 */
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LOCALES_DIR } from "../../src/i18n/index.ts";
import { enqueueMessages } from "../../src/outbox/enqueue.ts";
import { FAKE_OA_ID, FAKE_OA_SECRET_KEY, FakeZaloApi, ZALO_PATHS, ZaloEventFactory, zaloServiceEnv } from "../fakes/zalo-api.ts";
import { startTestService, type TestService } from "../support/service.ts";

const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" + "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
  "hex",
);
const DAY = 24 * 3600_000;


const textOf = (message: Record<string, unknown>): string => {
  const attachment = message["attachment"] as { payload?: { text?: string } } | undefined;
  return String(message["text"] ?? attachment?.payload?.text ?? "");
};
const buttonsOf = (message: Record<string, unknown>): { type: string; title: string; payload: unknown }[] =>
  ((message["attachment"] as { payload?: { buttons?: never[] } } | undefined)?.payload?.buttons ?? []) as never[];

describe("a resident reports a tip to the police's Zalo Official Account", () => {
  const fake = new FakeZaloApi();
  let svc: TestService;
  let refreshToken: string;

  beforeAll(async () => {
    const { url } = await fake.start();
    const env = zaloServiceEnv(fake, url);
    refreshToken = env.ZALO_REFRESH_TOKEN!;
    svc = await startTestService({ ...env, INBOX_MAX_ATTEMPTS: "2" });
  });
  afterAll(async () => {
    await svc?.close();
    await fake.close();
  });
  afterEach(() => fake.assertAllValid());

  const post = (signed: { rawBody: Buffer; headers: Record<string, string> }) =>
    fetch(`${svc.url}/webhooks/zalo`, { method: "POST", headers: signed.headers, body: new Uint8Array(signed.rawBody) });

  /** Delivers a signed event, lets the service answer, and returns the messages Zalo received meanwhile. */
  async function deliver(events: ZaloEventFactory, event: Record<string, unknown>): Promise<Record<string, unknown>[]> {
    const before = fake.sentMessages().length;
    const res = await post(events.signed(event));
    expect(res.status).toBe(200);
    await svc.settle();
    return fake.sentMessages().slice(before);
  }
  const texts = (messages: Record<string, unknown>[]) => messages.map(textOf);

  it("greets a new follower, lets them choose a language and takes a whole report with a photo, ending with the receipt", async () => {
    const resident = "2512523625400001";
    const z = new ZaloEventFactory({ appId: fake.appId, oaId: FAKE_OA_ID, oaSecretKey: FAKE_OA_SECRET_KEY, user: resident, attachments: fake });

    const greeting = await deliver(z, z.follow());
    expect(texts(greeting)).toEqual([expect.stringContaining("Xin chào! Đây là kênh báo tin"), "Bạn muốn dùng tiếng nào?"]);
    expect(buttonsOf(greeting[1]!).map((button) => [button.type, button.payload])).toEqual([
      ["oa.query.hide", "#tb:lang:vi"],
      ["oa.query.hide", "#tb:lang:hre"],
      ["oa.query.hide", "#tb:lang:cua"],
    ]);
    // The first send exchanged ZALO_REFRESH_TOKEN once and used the stored access token.
    expect(fake.oauthCalls).toHaveLength(1);

    const menu = await deliver(z, z.button("lang:vi"));
    // Six menu buttons: Zalo shows five per message, the sixth comes in a short follow-up.
    expect(menu.flatMap(buttonsOf).map((button) => button.payload)).toEqual(expect.arrayContaining(["#tb:menu:report", "#tb:menu:news"]));
    const categories = await deliver(z, z.button("menu:report"));
    expect(categories.flatMap(buttonsOf).map((button) => button.payload)).toContain("#tb:cat:theft");
    for (const message of categories) expect(buttonsOf(message).length).toBeLessThanOrEqual(5);

    expect(texts(await deliver(z, z.button("cat:theft"))).at(-1)).toContain("Chuyện gì đã xảy ra?");
    await deliver(z, z.text("Trộm đột nhập nhà bà Ba ở thôn 2 lấy xe máy Wave màu đỏ."));
    const photo = texts(await deliver(z, z.image({ content: PNG })));
    expect(photo[0]).toContain("Đã nhận tệp");
    expect(fake.downloads).toHaveLength(1);

    // Zalo has no "send my location" button: the question must not tell the resident to tap one.
    const where = texts(await deliver(z, z.button("nav:done")));
    expect(where.at(-1)).toBe("Việc này xảy ra ở đâu? Bạn gõ tên xã, phường, thôn hay địa chỉ, hoặc gửi vị trí của bạn.");
    const place = texts(await deliver(z, z.location("15.1201", "108.8044")));
    expect(place[0]).toContain("Đã nhận vị trí");
    await deliver(z, z.button("when:yesterday"));
    const confirm = texts(await deliver(z, z.button("id:anon")));
    expect(confirm.at(-1)).toContain("Bạn xem lại tin báo");
    expect(confirm.at(-1)).toContain("Trộm đột nhập nhà bà Ba");

    const receipt = texts(await deliver(z, z.button("report:send")));
    const [tip] = await svc.ctx.db.tip.findMany({ where: { channel: "zalo" }, include: { attachments: true } });
    expect(tip).toBeDefined();
    expect(tip!.description).toBe("Trộm đột nhập nhà bà Ba ở thôn 2 lấy xe máy Wave màu đỏ.");
    expect(tip!.latitude).toBeCloseTo(15.1201);
    expect(tip!.longitude).toBeCloseTo(108.8044);
    expect(tip!.attachments).toHaveLength(1);
    const evidence = tip!.attachments[0]!;
    expect(evidence).toMatchObject({ status: "stored", kind: "photo", mime: "image/png", size: PNG.length, sha256: createHash("sha256").update(PNG).digest("hex") });
    expect(readFileSync(path.join(svc.ctx.config.mediaDir, evidence.storageKey!))).toEqual(PNG);
    expect(receipt.join("\n")).toContain(tip!.reference);
    expect(receipt.join("\n")).toContain("Công an đã nhận tin báo của bạn.");

    // Privacy: the resident's Zalo id and the tokens never reach the logs.
    const logs = svc.logs();
    expect(logs).not.toContain(resident);
    for (const token of [refreshToken, ...fake.issuedTokens()]) expect(logs).not.toContain(token);
  }, 60_000);

  it("files one tip when Zalo delivers the same signed event three times", async () => {
    const resident = "2512523625400002";
    const z = new ZaloEventFactory({ appId: fake.appId, oaId: FAKE_OA_ID, oaSecretKey: FAKE_OA_SECRET_KEY, user: resident, attachments: fake });
    for (const event of [z.follow(), z.button("lang:vi"), z.button("menu:report"), z.button("cat:gambling")]) await deliver(z, event);
    await deliver(z, z.text("Đánh bạc ăn tiền ở nhà ông Tư, thôn 4, mỗi tối."));
    for (const event of [z.button("nav:skip"), z.button("nav:skip"), z.button("when:today"), z.button("id:anon")]) await deliver(z, event);

    const send = z.signed(z.button("report:send"));
    const before = fake.sentMessages().length;
    const answers = await Promise.all([post(send), post(send), post(send)]);
    expect(answers.map((res) => res.status)).toEqual([200, 200, 200]);
    const bodies = (await Promise.all(answers.map((res) => res.json()))) as { duplicate?: boolean }[];
    expect(bodies.filter((body) => body.duplicate)).toHaveLength(2);
    await svc.settle();

    const msgId = String((send.payload["message"] as { msg_id: string }).msg_id);
    expect(await svc.ctx.db.inboundEvent.count({ where: { channel: "zalo", externalId: msgId } })).toBe(1);
    const tips = await svc.ctx.db.tip.findMany({ where: { channel: "zalo", category: "gambling" } });
    expect(tips).toHaveLength(1);
    const receipts = fake.sentMessages().slice(before).map(textOf).filter((text) => text.includes(tips[0]!.reference));
    expect(receipts).toHaveLength(1);
  }, 60_000);

  it("refuses a 40 MB video with the limit in words, and goes on without a photo whose link expired", async () => {
    const resident = "2512523625400003";
    const z = new ZaloEventFactory({ appId: fake.appId, oaId: FAKE_OA_ID, oaSecretKey: FAKE_OA_SECRET_KEY, user: resident, attachments: fake });
    for (const event of [z.follow(), z.button("lang:vi"), z.button("menu:report"), z.button("cat:theft")]) await deliver(z, event);
    await deliver(z, z.text("Có người lạ lấy trộm bò của nhà tôi."));

    const huge = texts(await deliver(z, z.file({ size: 40 * 1024 * 1024, name: "video-dai.mp4" })));
    expect(huge[0]).toContain("lớn quá");
    expect(huge[0]).toMatch(/20 MB/);

    // The inbox tries the download again (INBOX_MAX_ATTEMPTS=2), then the flow goes on without the file.
    const expired = z.signed(z.image({ url: fake.expiredAttachmentUrl() }));
    const before = fake.sentMessages().length;
    expect((await post(expired)).status).toBe(200);
    await svc.settle();
    await svc.ctx.db.inboundEvent.updateMany({ where: { status: "pending" }, data: { nextAttemptAt: new Date() } });
    await svc.settle();
    const replies = fake.sentMessages().slice(before).map(textOf);
    expect(replies[0]).toBe("Chưa tải được tệp này. Bạn thử gửi lại nhé.");
    const attachments = await svc.ctx.db.attachment.findMany({ where: { status: "rejected" }, orderBy: { createdAt: "asc" } });
    expect(attachments.map((a) => a.rejectReason)).toEqual(["too_large", "failed"]);
    expect(svc.logs()).toContain("HTTP 404 (Zalo's link may have expired)");
  }, 60_000);

  it("records when Zalo says the resident's phone received a reply and when they saw it", async () => {
    const resident = "2512523625400006";
    const z = new ZaloEventFactory({ appId: fake.appId, oaId: FAKE_OA_ID, oaSecretKey: FAKE_OA_SECRET_KEY, user: resident, attachments: fake });
    await deliver(z, z.follow());
    const replies = await svc.ctx.db.outboxMessage.findMany({ where: { channel: "zalo", status: "sent" }, orderBy: { id: "desc" }, take: 2 });
    const ids = replies.map((reply) => reply.providerMessageId!);
    expect(ids.every((id) => /^[0-9a-f]{32}$/.test(id))).toBe(true);

    expect(await deliver(z, z.received(ids))).toEqual([]);
    expect(await deliver(z, z.seen(ids.slice(0, 1), { inverted: true }))).toEqual([]);
    const after = await svc.ctx.db.outboxMessage.findMany({ where: { id: { in: replies.map((reply) => reply.id) } }, orderBy: { id: "desc" } });
    expect(after.map((reply) => [reply.deliveredAt !== null, reply.seenAt !== null])).toEqual([
      [true, true],
      [true, false],
    ]);
  });

  it("does not send a reply once the resident's last interaction is 8 days old, and records when the window closed", async () => {
    const resident = "2512523625400004";
    const z = new ZaloEventFactory({ appId: fake.appId, oaId: FAKE_OA_ID, oaSecretKey: FAKE_OA_SECRET_KEY, user: resident, attachments: fake });
    await deliver(z, z.follow());
    const hash = svc.ctx.vault.hash(`contact:zalo:${resident}`);
    const contact = await svc.ctx.db.contact.findFirstOrThrow({ where: { channel: "zalo", platformIdHash: hash } });
    const lastInboundAt = new Date(Date.now() - 8 * DAY);
    await svc.ctx.db.contact.update({ where: { id: contact.id }, data: { lastInboundAt } });

    const before = fake.callsTo(ZALO_PATHS.message).length;
    await svc.ctx.db.$transaction((tx) =>
      enqueueMessages(tx, svc.ctx.vault, [
        { channel: "zalo", chatId: resident, contactId: contact.id, message: { text: "Công an xã trả lời: chúng tôi đã xác minh." }, dedupeKey: "officer-reply-1" },
      ]),
    );
    svc.ctx.bus.emit("outbox:queued");
    await svc.settle();

    const reply = await svc.ctx.db.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: "officer-reply-1" } });
    expect(reply.status).toBe("window_closed");
    expect(reply.windowClosedAt?.getTime()).toBe(lastInboundAt.getTime() + 7 * DAY);
    expect(fake.callsTo(ZALO_PATHS.message).length).toBe(before);
  });
});

describe("recorded prompts on Zalo", () => {
  const fake = new FakeZaloApi();
  const clip = Buffer.concat([Buffer.from("OggS"), Buffer.alloc(60, 1)]);
  let svc: TestService;
  let locales: string;

  beforeAll(async () => {
    locales = mkdtempSync(path.join(os.tmpdir(), "tinbao-zalo-locales-"));
    cpSync(DEFAULT_LOCALES_DIR, locales, { recursive: true });
    mkdirSync(path.join(locales, "hre", "clips"));
    writeFileSync(path.join(locales, "hre", "clips", "test-fixture-menu.ogg"), clip);
    writeFileSync(
      path.join(locales, "hre", "audio.json"),
      JSON.stringify({ "menu.prompt": { file: "clips/test-fixture-menu.ogg", mime: "audio/ogg", speaker: "test fixture", reviewer: "test fixture", version: 1 } }),
    );
    const { url } = await fake.start();
    svc = await startTestService(zaloServiceEnv(fake, url), { localesDir: locales });
  });
  afterAll(async () => {
    await svc?.close();
    await fake.close();
    rmSync(locales, { recursive: true, force: true });
  });

  it("sends the clip as a file before the menu, uploading it once", async () => {
    const z = new ZaloEventFactory({ appId: fake.appId, oaId: FAKE_OA_ID, oaSecretKey: FAKE_OA_SECRET_KEY, user: "2512523625400005" });
    for (const event of [z.follow(), z.button("lang:hre"), z.button("nav:menu")]) {
      const { rawBody, headers } = z.signed(event);
      expect((await fetch(`${svc.url}/webhooks/zalo`, { method: "POST", headers, body: new Uint8Array(rawBody) })).status).toBe(200);
      await svc.settle();
    }
    const uploads = fake.callsTo(ZALO_PATHS.uploadFile);
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.files[0]).toMatchObject({ field: "file", filename: "test-fixture-menu.ogg", size: clip.length });
    const sent = fake.sentMessages();
    const files = sent.flatMap((message, index) => ((message["attachment"] as { type?: string } | undefined)?.type === "file" ? [index] : []));
    expect(files).toHaveLength(2);
    for (const index of files) expect(textOf(sent[index + 1]!)).toBe("Bạn cần gì? Bấm một nút bên dưới.");
    fake.assertAllValid();
  });
});
