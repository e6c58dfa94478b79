/**
 * A campaign's image, from the editor's upload to each resident's screen: only a whole JPEG or PNG of at most
 * 1 MB is taken (whatever its declared type says), it is stored once, and it goes before the text on every
 * channel: Telegram sendPhoto then the text with its buttons, Zalo upload/image then the image message then the
 * text, and the web chat shows it from a public address that serves the same bytes.
 */
import { readdir } from "node:fs/promises";
import { request } from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegramBotApi } from "../fakes/telegram-bot-api.ts";
import { FakeZaloApi, ZALO_PATHS } from "../fakes/zalo-api.ts";
import { jpegSkeleton, tinyPng } from "../support/images.ts";
import { sweepOrphans } from "../../src/media/sweep-orphans.ts";
import { chat, startTestService, WebchatVisitor, type TestService } from "../support/service.ts";
import { TEST_BOT_TOKEN, telegramWebhookEnv } from "../support/telegram-webhook.ts";
import { addEditors, addSubscribers, api, finished, headers, launch, type CampaignView, type Editors, zaloCampaignDesk } from "./support.ts";
import type { SignedIn } from "../console/support.ts";

interface Uploaded {
  imageId?: string;
  width?: number;
  height?: number;
  error?: { code: string; message: string };
}

async function upload(svc: TestService, who: SignedIn, data: Buffer, type = "image/png"): Promise<{ status: number; body: Uploaded }> {
  const res = await fetch(`${svc.url}/api/campaigns/images`, { method: "POST", headers: { ...headers(who), "content-type": type }, body: new Uint8Array(data) });
  return { status: res.status, body: (await res.json()) as Uploaded };
}

type WithImage = CampaignView & { image: { id: string; url: string } | null };

describe("uploading a campaign image", () => {
  let svc: TestService;
  let who: Editors;
  beforeAll(async () => {
    svc = await startTestService();
    who = await addEditors(svc);
  });
  afterAll(async () => {
    await svc?.close();
  });

  it("takes a PNG or JPEG once, by its content, and tells its size; the upload is audited", async () => {
    const png = tinyPng(3, 2);
    const first = await upload(svc, who.editor, png);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ imageId: expect.stringMatching(/^[0-9a-f]{64}\.png$/), width: 3, height: 2 });
    const again = await upload(svc, who.lead, png);
    expect(again.body.imageId).toBe(first.body.imageId);
    expect(await readdir(path.join(svc.ctx.config.mediaDir, "campaign-images"))).toEqual([first.body.imageId]);

    const jpeg = await upload(svc, who.editor, jpegSkeleton(4, 3), "image/jpeg");
    expect(jpeg.status).toBe(201);
    expect(jpeg.body).toMatchObject({ imageId: expect.stringMatching(/\.jpg$/), width: 4, height: 3 });

    const audit = await svc.ctx.db.auditLog.findMany({ where: { action: "campaign.image_upload" } });
    expect(audit).toHaveLength(3);
    expect(audit[0]).toMatchObject({ targetId: first.body.imageId });
  });

  it("refuses what is not a JPEG or PNG, a PNG header on garbage, and anything over 1 MB, in Vietnamese", async () => {
    const text = await upload(svc, who.editor, Buffer.from("xin chào, đây không phải ảnh"));
    expect(text.status).toBe(415);
    expect(text.body.error?.message).toContain("không phải ảnh JPG hoặc PNG");

    const garbage = Buffer.concat([tinyPng().subarray(0, 16), Buffer.alloc(200, 0x41)]);
    const fake = await upload(svc, who.editor, garbage);
    expect(fake.status).toBe(415);

    // A real PNG declared as something else is refused by type, a GIF declared as PNG by its bytes.
    expect((await upload(svc, who.editor, tinyPng(), "text/plain")).status).toBe(415);
    expect((await upload(svc, who.editor, Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;", "latin1"))).status).toBe(415);

    const big = tinyPng(2, 2, 1024 * 1024);
    const tooBig = await upload(svc, who.editor, big);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error?.message).toContain("tối đa 1 MB");

    // Sent in chunks with no declared length: reading stops past 1 MB, and the answer is the same.
    const chunked = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const url = new URL(`${svc.url}/api/campaigns/images`);
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { ...headers(who.editor), "content-type": "image/png", "transfer-encoding": "chunked" } }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on("error", reject);
      req.write(big.subarray(0, 64 * 1024));
      let at = 64 * 1024;
      const more = () => {
        while (at < big.length) {
          const ok = req.write(big.subarray(at, at + 64 * 1024));
          at += 64 * 1024;
          if (!ok) return void req.once("drain", more);
        }
        req.end();
      };
      more();
    });
    expect(chunked.status).toBe(413);
    expect(chunked.text).toContain("tối đa 1 MB");

    // Nothing refused was stored, and a campaign cannot name an image that was never uploaded.
    expect(await readdir(path.join(svc.ctx.config.mediaDir, "campaign-images"))).toHaveLength(2);
    const missing = await api<{ error: { message: string } }>(svc, who.editor, "POST", "/campaigns", {
      title: "Ảnh không có",
      topic: "scam",
      variants: { vi: { text: "Có ảnh không?" } },
      image: { id: `${"a".repeat(64)}.png` },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain("Không tìm thấy ảnh này");
    expect((await api(svc, who.editor, "POST", "/campaigns", { title: "x", topic: "scam", variants: { vi: { text: "x" } }, image: { id: "../../etc/passwd" } })).status).toBe(400);
  });

  it("keeps an image a campaign names and removes, after UPLOAD_ORPHAN_HOURS, one that no campaign names", async () => {
    const dir = path.join(svc.ctx.config.mediaDir, "campaign-images");
    const [kept, unused] = [(await upload(svc, who.editor, tinyPng(3, 2))).body.imageId!, (await upload(svc, who.editor, jpegSkeleton(4, 3), "image/jpeg")).body.imageId!];
    const saved = await api(svc, who.editor, "POST", "/campaigns", { title: "Giữ ảnh", topic: "scam", variants: { vi: { text: "Có ảnh." } }, image: { id: kept } });
    expect(saved.status).toBe(201);
    expect(await sweepOrphans(svc.ctx)).toMatchObject({ campaignImages: 0 });
    const later = new Date(Date.now() + (svc.ctx.config.uploads.orphanHours + 1) * 3600_000);
    expect(await sweepOrphans({ db: svc.ctx.db, config: svc.ctx.config, now: () => later })).toMatchObject({ campaignImages: 1 });
    expect(await readdir(dir)).toEqual([kept]);
    expect(unused).toMatch(/\.jpg$/);
  });

  it("is refused to an account that does not write campaigns", async () => {
    const { addOfficer, signIn } = await import("../console/support.ts");
    await addOfficer(svc.ctx as never, "truc.ban.anh", "duty");
    const duty = await signIn(svc.url, "truc.ban.anh");
    expect((await upload(svc, duty, tinyPng())).status).toBe(403);
  });
});

describe("a campaign with an image on Telegram and web chat", () => {
  let fake: FakeTelegramBotApi;
  let svc: TestService;
  let who: Editors;
  beforeAll(async () => {
    fake = new FakeTelegramBotApi({ token: TEST_BOT_TOKEN });
    await fake.start();
    svc = await startTestService(telegramWebhookEnv(fake.url));
    who = await addEditors(svc);
  });
  afterAll(async () => {
    await svc?.close();
    await fake?.close();
  });

  it("sends the photo, then the text with its buttons, to each subscriber; the view and the preview show it", async () => {
    const png = tinyPng(5, 4);
    const { body: img } = await upload(svc, who.editor, png);
    const people = await addSubscribers(svc, 2);
    const c = (await launch(svc, who, { title: "Có ảnh", image: { id: img.imageId }, buttons: [{ kind: "report" }], variants: { vi: { text: "Ảnh cảnh báo lừa đảo kèm theo." } } })) as WithImage;
    expect(c.image).toEqual({ id: img.imageId, url: `/chat/campaign-images/${img.imageId}` });
    const done = await finished(svc, who.editor, c.id);
    expect(done.counts).toMatchObject({ total: 2, sent: 2, failed: 0 });
    const photos: unknown[] = [];
    for (const p of people) {
      const calls = fake.calls.filter((call) => String(call.params["chat_id"]) === p.chatId && call.status === 200);
      expect(calls.map((call) => call.method)).toEqual(["sendPhoto", "sendMessage"]);
      photos.push(calls[0]!.files.length ? calls[0]!.files.map((f) => f.size) : calls[0]!.params["photo"]);
      expect(calls[0]!.params["caption"]).toBeUndefined();
      expect(calls[1]!.params["text"]).toBe("Ảnh cảnh báo lừa đảo kèm theo.");
      expect(JSON.stringify(calls[1]!.params["reply_markup"])).toContain("Báo tin cho công an");
    }
    // Uploaded once; the next chat gets the same photo by the file_id Telegram gave it.
    const uploaded = fake.callsTo("sendPhoto").find((call) => call.files.length)!;
    const fileId = ((uploaded.reply as { result: { photo: { file_id: string }[] } }).result.photo.at(-1)!).file_id;
    expect(photos).toEqual([[png.length], fileId]);
    // A file id Telegram no longer takes: the photo is uploaded again and the resident still gets it.
    fake.failNext("sendPhoto", { kind: "error", code: 400, description: "Bad Request: wrong file identifier/HTTP URL specified" });
    const [again] = await addSubscribers(svc, 1, { topics: ["drugs"] });
    const second = await launch(svc, who, { topic: "drugs", title: "Lại ảnh", image: { id: img.imageId }, variants: { vi: { text: "Ảnh lần hai." } } });
    expect((await finished(svc, who.editor, second.id)).counts).toMatchObject({ total: 1, sent: 1 });
    const tries = fake.callsTo("sendPhoto").filter((call) => String(call.params["chat_id"]) === again!.chatId);
    expect(tries.map((call) => [call.status, call.files.map((f) => f.size)])).toEqual([[400, []], [200, [png.length]]]);
    const preview = await api<{ channels: { channel: string; language: string; requests: unknown[] }[] }>(svc, who.editor, "GET", `/campaigns/${c.id}/preview`);
    const tg = preview.body.channels.find((ch) => ch.channel === "telegram" && ch.language === "vi")!;
    expect(tg.requests[0]).toMatchObject({ method: "sendPhoto", payload: { photo: { source: c.image!.url } } });
    expect((tg.requests as { method: string }[]).map((r) => r.method)).toEqual(["sendPhoto", "sendMessage"]);
    const zalo = preview.body.channels.find((ch) => ch.channel === "zalo" && ch.language === "vi")!;
    expect(zalo.requests[0]).toEqual({ kind: "image", file: c.image!.url, mime: "image/png" });
    const web = preview.body.channels.find((ch) => ch.channel === "webchat" && ch.language === "vi")!;
    expect(web.requests[0]).toMatchObject({ image: { url: c.image!.url } });
  });

  it("shows a web chat subscriber the image, whose address serves the same bytes to anyone", async () => {
    const v = new WebchatVisitor(svc.url);
    await v.open();
    // Subscribed from a poster's link, by the subscribe flow's topic buttons.
    await chat(svc, v, { command: "start", args: "cho-ba-to" });
    await chat(svc, v, { button: "sub:topic:scam" });
    await chat(svc, v, { button: "sub:done" });
    expect(await svc.ctx.db.subscription.count({ where: { sourceCode: "cho-ba-to" } })).toBe(1);

    const jpeg = jpegSkeleton(8, 6);
    const { body: img } = await upload(svc, who.editor, jpeg, "image/jpeg");
    const c = await launch(svc, who, { title: "Web có ảnh", image: { id: img.imageId }, audience: { channels: ["webchat"] }, variants: { vi: { text: "Tin có ảnh trên khung chat." } } });
    await finished(svc, who.editor, c.id);
    const last = (await v.messages()).filter((m) => m.direction === "out").at(-1) as { text?: string; image?: { url: string } };
    expect(last.text).toBe("Tin có ảnh trên khung chat.");
    expect(last.image).toEqual({ url: `/chat/campaign-images/${img.imageId}` });

    const res = await fetch(`${svc.url}${last.image!.url}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
    expect(res.headers.get("cache-control")).toContain("max-age=31536000");
    expect(Buffer.from(await res.arrayBuffer()).equals(jpeg)).toBe(true);
    // Only stored names: no other path of the media folder is reachable.
    expect((await fetch(`${svc.url}/chat/campaign-images/${"b".repeat(64)}.png`)).status).toBe(404);
    expect((await fetch(`${svc.url}/chat/campaign-images/..%2F..%2Fsecrets`)).status).toBe(404);
  });
});

describe("a campaign with an image on Zalo", () => {
  const fake = new FakeZaloApi();
  let svc: TestService;
  let who: Editors;
  zaloCampaignDesk(fake, (desk) => ({ svc, who } = desk));

  it("uploads the image once, sends it as an image message, then the text", async () => {
    const png = tinyPng(6, 6);
    const { body: img } = await upload(svc, who.editor, png);
    // Daytime in Vietnam, so the night hold does not apply whatever hour the test runs at.
    const real = svc.ctx.now;
    svc.ctx.now = () => new Date(`${new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10)}T10:00:00+07:00`);
    try {
      const people = await addSubscribers(svc, 2, { channel: "zalo", lastInboundAt: new Date(Date.now()) });
      const c = await launch(svc, who, { title: "Zalo có ảnh", image: { id: img.imageId }, variants: { vi: { text: "Tin Zalo có ảnh." } } });
      const done = await finished(svc, who.editor, c.id);
      expect(done.counts).toMatchObject({ total: 2, sent: 2 });
      const uploads = fake.callsTo(ZALO_PATHS.uploadImage).filter((call) => call.status === 200);
      expect(uploads).toHaveLength(1);
      expect(uploads[0]!.files[0]!.size).toBe(png.length);
      const attachmentId = (uploads[0]!.answer as { data: { attachment_id: string } }).data.attachment_id;
      for (const p of people) {
        const sent = fake
          .callsTo(ZALO_PATHS.message)
          .filter((call) => call.status === 200 && (call.params["recipient"] as { user_id: string }).user_id === p.chatId)
          .map((call) => call.params["message"]);
        expect(sent).toHaveLength(2);
        expect(sent[0]).toEqual({ attachment: { type: "template", payload: { template_type: "media", elements: [{ media_type: "image", attachment_id: attachmentId }] } } });
        expect(JSON.stringify(sent[1])).toContain("Tin Zalo có ảnh.");
      }
    } finally {
      svc.ctx.now = real;
    }
  });
});
