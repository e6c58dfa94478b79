/**
 * Web chat uploads as a stranger would try them: files nobody asked for, more files than a report
 * takes, more bytes than an address may send in an hour, several at once, a full disk. Each is
 * refused before it is stored, with words the resident can act on, and the conversation goes on.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chat, payloadOf, startTestService, TINY_PNG as PNG, WebchatVisitor, type TestService } from "../support/service.ts";
import { rawUpload } from "../support/upload.ts";

const KB = 1024;

/** Every file under the media folder (stored evidence and partial uploads alike). */
function filesIn(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

/** A new visitor at the report's evidence step ("Bạn có ảnh, video…"). */
async function atEvidenceStep(svc: TestService, story = "Có người bán ma túy ở quán nước đầu thôn 3."): Promise<WebchatVisitor> {
  const v = new WebchatVisitor(svc.url);
  await v.open();
  for (const b of ["lang:vi", "menu:report", "cat:drugs"]) await chat(svc, v, { button: b });
  const bot = await chat(svc, v, { text: story });
  expect(bot?.text).toContain("ảnh, video");
  return v;
}

/** A picture of `size` bytes (PNG header, then padding): a real type, any size. */
const png = (size: number) => Buffer.concat([PNG, Buffer.alloc(Math.max(0, size - PNG.length))]);

describe("web chat uploads nobody asked for", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService();
  });
  afterAll(async () => svc?.close());

  it("refuses files from a client with no cookie, a made-up cookie, or a visitor with no report in progress: 409, nothing stored", async () => {
    const upload = (cookie?: string, chunked = false) => rawUpload(`${svc.url}/chat/api/upload`, { cookie, fileName: "anh.png", head: png(512 * KB), chunked });

    const none = await upload();
    expect(none.status).toBe(409);
    expect(none.body.error?.message).toContain("Bạn chỉ gửi ảnh, video hay tệp khi đang báo tin");
    expect(none.headers["set-cookie"]).toBeUndefined();

    const madeUp = await upload(`tb_chat=${"A".repeat(43)}`, true);
    expect(madeUp.status).toBe(409);

    const atMenu = new WebchatVisitor(svc.url);
    await atMenu.open();
    const menu = await chat(svc, atMenu, { button: "lang:vi" });
    expect(menu?.text).toContain("Bạn cần gì?");
    for (const chunked of [false, true]) {
      const res = await upload(atMenu.cookie, chunked);
      expect(res.status).toBe(409);
      expect(res.body.error?.message).toContain("khi đang báo tin");
    }

    await svc.settle();
    expect(filesIn(svc.ctx.config.mediaDir)).toEqual([]);
    expect(await svc.ctx.db.attachment.count()).toBe(0);
    expect(await svc.ctx.db.inboundEvent.count({ where: { externalId: { contains: ":up-" } } })).toBe(0);
  });

  it("keeps a photo sent before the story as evidence and still asks for the story; a voice message is the story", async () => {
    const v = new WebchatVisitor(svc.url);
    await v.open();
    for (const b of ["lang:vi", "menu:report"]) await chat(svc, v, { button: b });
    const bot = await chat(svc, v, { button: "cat:theft" });
    expect(bot?.text).toContain("Chuyện gì đã xảy ra?");
    const photo = await rawUpload(`${svc.url}/chat/api/upload`, { cookie: v.cookie, fileName: "anh.png", head: PNG });
    expect(photo.status).toBe(202);
    await svc.settle();
    expect((await v.lastBotMessage())?.text).toContain("kể ngắn gọn chuyện gì đã xảy ra");
    expect(await svc.ctx.db.attachment.findFirst({ where: { kind: "photo" } })).toMatchObject({ status: "stored" });

    // A browser's voice recording (WebM with only an Opus track) is the story.
    const voice = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.from("....webm....A_OPUS....OpusHead"), Buffer.alloc(600)]);
    const sent = await rawUpload(`${svc.url}/chat/api/upload`, { cookie: v.cookie, fileName: "ghi-am.webm", head: voice });
    expect(sent.status).toBe(202);
    await svc.settle();
    expect((await v.lastBotMessage())?.text).toContain("ảnh, video");
    expect(await svc.ctx.db.attachment.findFirst({ where: { kind: "voice" } })).toMatchObject({ mime: "audio/webm", status: "stored" });
  });
});

describe("upload quotas", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({ UPLOAD_MAX_FILES_PER_REPORT: "2", UPLOAD_MAX_MB_PER_REPORT: "1" });
  });
  afterAll(async () => svc?.close());

  it("refuses the third file of a report with the limit in words, and the report goes on and starts afresh after filing", async () => {
    const v = await atEvidenceStep(svc);
    for (const name of ["mot.png", "hai.png"]) {
      const res = await rawUpload(`${svc.url}/chat/api/upload`, { cookie: v.cookie, fileName: name, head: png(10 * KB + name.length) });
      expect(res.status).toBe(202);
      await svc.settle();
    }
    const third = await rawUpload(`${svc.url}/chat/api/upload`, { cookie: v.cookie, fileName: "ba.png", head: png(12 * KB) });
    expect(third.status).toBe(429);
    expect(third.body.error?.message).toBe("Mỗi tin báo gửi kèm được tối đa 2 tệp, bạn đã gửi đủ. Bấm “Xong” để đi tiếp nhé.");

    let bot = await chat(svc, v, { button: "nav:done" });
    expect(bot?.text).toContain("xảy ra ở đâu");
    for (const b of ["nav:skip", "when:today", "id:anon"]) bot = await chat(svc, v, { button: b });
    expect(bot?.text).toContain("Tệp gửi kèm: 2");
    await chat(svc, v, { button: payloadOf(bot, "Gửi tin báo") });
    const tip = await svc.ctx.db.tip.findFirstOrThrow({ orderBy: { createdAt: "desc" }, include: { attachments: true } });
    expect(tip.attachments).toHaveLength(2);

    // The next report has its whole quota again.
    await chat(svc, v, { button: "menu:report" });
    await chat(svc, v, { button: "cat:drugs" });
    await chat(svc, v, { text: "Lại có người bán ma túy ở quán nước đầu thôn 3." });
    const again = await rawUpload(`${svc.url}/chat/api/upload`, { cookie: v.cookie, fileName: "moi.png", head: png(9 * KB) });
    expect(again.status).toBe(202);
  });

  it("takes files into an opened tip's thread, up to the same number per day, and none once the tip is closed again", async () => {
    const v = await atEvidenceStep(svc, "Có người trộm gà ở xóm dưới thôn 7.");
    let bot = await chat(svc, v, { button: "nav:skip" });
    for (const b of ["nav:skip", "when:yesterday", "id:anon"]) bot = await chat(svc, v, { button: b });
    await chat(svc, v, { button: payloadOf(bot, "Gửi tin báo") });
    const tip = await svc.ctx.db.tip.findFirstOrThrow({ where: { description: { contains: "trộm gà" } } });
    await chat(svc, v, { button: "menu:mine" });
    bot = await chat(svc, v, { button: `tip:${tip.id}` });
    expect(bot?.text).toContain("gửi ảnh, video");
    for (const name of ["them1.png", "them2.png"]) {
      expect((await rawUpload(`${svc.url}/chat/api/upload`, { cookie: v.cookie, fileName: name, head: png(3 * KB + name.length) })).status).toBe(202);
      await svc.settle();
      expect((await v.lastBotMessage())?.text).toContain("Đã gửi thêm cho công an");
    }
    const third = await rawUpload(`${svc.url}/chat/api/upload`, { cookie: v.cookie, fileName: "them3.png", head: png(4 * KB) });
    expect(third.status).toBe(429);
    expect(third.body.error?.message).toContain("Tin báo này đã nhận đủ 2 tệp trong hôm nay");
    expect(await svc.ctx.db.attachment.count({ where: { tipId: tip.id } })).toBe(2);
    await chat(svc, v, { button: "nav:done" });
    expect((await rawUpload(`${svc.url}/chat/api/upload`, { cookie: v.cookie, fileName: "sau.png", head: png(5 * KB) })).status).toBe(409);
  });

  it("refuses a file that would take the report past its bytes, before or while reading it", async () => {
    const v = await atEvidenceStep(svc);
    expect((await rawUpload(`${svc.url}/chat/api/upload`, { cookie: v.cookie, fileName: "lon.png", head: png(700 * KB) })).status).toBe(202);
    await svc.settle();
    const message = "Các tệp gửi kèm một tin báo được tối đa 1 MB, tin này đã gần đủ. Bạn gửi tệp nhỏ hơn, hoặc bấm “Xong” để đi tiếp nhé.";
    const declared = await rawUpload(`${svc.url}/chat/api/upload`, { cookie: v.cookie, fileName: "lon2.png", head: png(400 * KB) });
    expect(declared).toMatchObject({ status: 429, body: { error: { message } } });
    const chunked = await rawUpload(`${svc.url}/chat/api/upload`, { cookie: v.cookie, fileName: "lon3.png", head: png(400 * KB), chunked: true });
    expect(chunked).toMatchObject({ status: 429, body: { error: { message } } });
    await new Promise((r) => setTimeout(r, 100));
    expect(filesIn(path.join(svc.ctx.config.mediaDir, "tmp"))).toEqual([]);
    expect(await svc.ctx.db.attachment.count({ where: { size: { gte: 400 * KB, lt: 700 * KB } } })).toBe(0);
    // A small file still fits, and the flow goes on.
    expect((await rawUpload(`${svc.url}/chat/api/upload`, { cookie: v.cookie, fileName: "nho.png", head: png(50 * KB) })).status).toBe(202);
    await svc.settle();
    expect((await chat(svc, v, { button: "nav:done" }))?.text).toContain("xảy ra ở đâu");
  });
});

describe("bytes per address per hour, uploads at once, and the disk floor", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({ UPLOAD_MAX_MB_PER_ADDRESS_HOUR: "1", MAX_UPLOAD_MB: "1" });
  });
  afterAll(async () => svc?.close());

  it("refuses an address past its bytes for the hour, whichever visitor sends, and text still goes through", async () => {
    const a = await atEvidenceStep(svc);
    const b = await atEvidenceStep(svc, "Có người đánh bạc ở nhà văn hóa thôn 5 mỗi tối.");
    expect((await rawUpload(`${svc.url}/chat/api/upload`, { cookie: a.cookie, fileName: "a.png", head: png(600 * KB) })).status).toBe(202);
    const refused = await rawUpload(`${svc.url}/chat/api/upload`, { cookie: b.cookie, fileName: "b.png", head: png(600 * KB), chunked: true });
    expect(refused.status).toBe(429);
    expect(refused.body.error?.message).toMatch(/^Mạng của bạn đã gửi nhiều tệp trong giờ qua\. Bạn thử lại sau (60|59) phút nhé\. Lời kể bằng chữ vẫn gửi được như thường\.$/);
    const bot = await chat(svc, b, { text: "Thêm: họ thường tụ tập đông, có cả người ở xã khác đến." });
    expect(bot?.text).toContain("Đã thêm vào nội dung tin báo");
  });

  it("lets at most two uploads from one address run at once", async () => {
    const v = await atEvidenceStep(svc, "Có xe chở gỗ lậu qua cầu thôn 2.");
    await svc.ctx.db.rateLimit.deleteMany({ where: { key: { startsWith: "upload:address:" } } });
    const tmp = path.join(svc.ctx.config.mediaDir, "tmp");
    // Two slow phones: each sends a chunk every 200 ms.
    const slow = [1, 2].map((n) => rawUpload(`${svc.url}/chat/api/upload`, { cookie: v.cookie, fileName: `cham${n}.png`, head: PNG, size: 256 * KB, chunked: true, chunkDelayMs: 200 }));
    for (let i = 0; i < 100 && filesIn(tmp).length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(filesIn(tmp)).toHaveLength(2);
    const third = await rawUpload(`${svc.url}/chat/api/upload`, { cookie: v.cookie, fileName: "ba.png", head: png(1 * KB) });
    expect(third.status).toBe(429);
    expect(third.body.error?.message).toBe("Bạn đang gửi 2 tệp cùng lúc. Chờ gửi xong rồi gửi tiếp nhé.");
    expect((await Promise.all(slow)).map((r) => r.status)).toEqual([202, 202]);
  });

  it("refuses files politely below the free-space floor, and the tip text is still taken", async () => {
    const full = await startTestService({ MEDIA_MIN_FREE_MB: "1000000" });
    try {
      const v = await atEvidenceStep(full, "Có người phá rừng phòng hộ ở thôn 6.");
      const res = await rawUpload(`${full.url}/chat/api/upload`, { cookie: v.cookie, fileName: "rung.png", head: png(5 * KB) });
      expect(res.status).toBe(507);
      expect(res.body.error?.message).toBe(
        "Máy chủ tạm thời chưa nhận thêm tệp được. Bạn cứ kể bằng chữ, tin báo vẫn được ghi nhận đầy đủ; tệp bạn gửi lại sau nhé.",
      );
      expect(filesIn(full.ctx.config.mediaDir)).toEqual([]);
      let bot = await chat(full, v, { button: "nav:skip" });
      for (const b of ["nav:skip", "when:today", "id:anon"]) bot = await chat(full, v, { button: b });
      await chat(full, v, { button: payloadOf(bot, "Gửi tin báo") });
      expect(await full.ctx.db.tip.count({ where: { description: { contains: "phá rừng phòng hộ" } } })).toBe(1);
    } finally {
      await full.close();
    }
  });
});
