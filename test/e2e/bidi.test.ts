/**
 * Direction-control and zero-width characters cannot mislead an officer: "photo\u202Egpj.exe" would
 * show as "photoexe.jpg", and a U+202E in a story reverses it on screen. Whatever the channel, they
 * are gone by the time an officer reads the tip, and a download is named from the file's real type.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReadyOfficer } from "../support/officers.ts";
import { FakeTelegramBotApi, specAvailable } from "../fakes/telegram-bot-api.ts";
import { UpdateFactory } from "../fakes/telegram-updates.ts";
import { chat, payloadOf, startTestService, TINY_PNG as PNG, WebchatVisitor, type TestService } from "../support/service.ts";
import { rawUpload } from "../support/upload.ts";
import { postUpdate, telegramWebhookEnv, TEST_BOT_TOKEN } from "../support/telegram-webhook.ts";

const CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200B-\u200F\u061C\u2060\uFEFF]/;

interface TipFile {
  description: string;
  attachments: { originalName: string | null; downloadName: string | null; mime: string | null; url: string | null }[];
}

describe.runIf(specAvailable())("bidi and zero-width characters from residents", () => {
  const fake = new FakeTelegramBotApi({ token: TEST_BOT_TOKEN });
  let svc: TestService;
  let auth: string;

  beforeAll(async () => {
    const { url } = await fake.start();
    svc = await startTestService(telegramWebhookEnv(url));
    const { password } = await createReadyOfficer(svc.ctx, { username: "trucban.bidi", displayName: "Trực ban", role: "duty" });
    const login = await fetch(`${svc.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "trucban.bidi", password }),
    });
    auth = `Bearer ${/tb_session=([^;]+)/.exec(login.headers.get("set-cookie") ?? "")?.[1]}`;
  });
  afterAll(async () => {
    await svc?.close();
    await fake.close();
  });

  const tipFile = async (id: string) => (await (await fetch(`${svc.url}/api/tips/${id}`, { headers: { authorization: auth } })).json()) as TipFile;

  it("reach the officer neither in a web chat story nor in a file name, and the download is named from the real type", async () => {
    const v = new WebchatVisitor(svc.url);
    await v.open();
    for (const b of ["lang:vi", "menu:report", "cat:fraud"]) await chat(svc, v, { button: b });
    await chat(svc, v, { text: "Kẻ lừa đảo bảo chuyển tiền vào tài khoản \u202E9876543210\u202C rồi\u200B biến mất." });
    const up = await rawUpload(`${svc.url}/chat/api/upload`, { cookie: v.cookie, fileName: "photo\u202Egpj.exe", head: PNG, caption: "ảnh \u2066chụp\u2069 màn hình" });
    expect(up.status).toBe(202);
    await svc.settle();
    // The resident's own echo shows the name plainly too.
    const echo = (await v.messages()).find((m) => m.direction === "in" && (m as { attachment?: unknown }).attachment) as { attachment: { name: string } } | undefined;
    expect(echo?.attachment.name).toBe("photogpj.exe");
    let bot = await chat(svc, v, { button: "nav:done" });
    for (const b of ["nav:skip", "when:today", "id:anon"]) bot = await chat(svc, v, { button: b });
    await chat(svc, v, { button: payloadOf(bot, "Gửi tin báo") });

    const tip = await svc.ctx.db.tip.findFirstOrThrow({ where: { channel: "webchat", category: "fraud" }, orderBy: { createdAt: "desc" } });
    const file = await tipFile(tip.id);
    expect(file.description).not.toMatch(CONTROLS);
    expect(file.description).toBe("Kẻ lừa đảo bảo chuyển tiền vào tài khoản 9876543210 rồi biến mất.\nảnh chụp màn hình");
    expect(tip.descriptionFolded).toContain("9876543210 roi bien mat");
    const [attachment] = file.attachments;
    expect(attachment).toMatchObject({ originalName: "photogpj.exe", mime: "image/png" });
    expect(attachment!.downloadName).toMatch(/^bang-chung-[0-9a-f]{8}\.png$/);

    const download = await fetch(`${svc.url}${attachment!.url}`, { headers: { authorization: auth } });
    expect(download.status).toBe(200);
    const disposition = download.headers.get("content-disposition")!;
    expect(disposition).toBe(`inline; filename="${attachment!.downloadName}"; filename*=UTF-8''${attachment!.downloadName}`);
    expect(disposition).not.toMatch(/exe|gpj/);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(PNG);
  });

  it("reach the officer neither from Telegram text, captions nor document names", async () => {
    const u = new UpdateFactory({ user: { id: 7300001, first_name: "Bình" }, firstUpdateId: 730000, files: fake });
    const post = async (update: unknown) => {
      const res = await postUpdate(svc.url, update);
      expect(res.status).toBe(200);
      await svc.settle();
    };
    await post(u.command("start"));
    for (const data of ["lang:vi", "menu:report", "cat:drugs"]) await post(u.callback(data));
    await post(u.text("Có người bán \u202Eúyt am\u202C ở bến xe\uFEFF thôn 2."));
    await post(u.document({ content: PNG, fileName: "photo\u202Egpj.exe", mimeType: "image/png", caption: "ảnh\u200F ở bến xe" }));
    for (const data of ["nav:done", "nav:skip", "when:today", "id:anon", "report:send"]) await post(u.callback(data));

    const tip = await svc.ctx.db.tip.findFirstOrThrow({ where: { channel: "telegram", category: "drugs" } });
    const file = await tipFile(tip.id);
    expect(file.description).toBe("Có người bán úyt am ở bến xe thôn 2.\nảnh ở bến xe");
    expect(file.attachments).toHaveLength(1);
    expect(file.attachments[0]).toMatchObject({ originalName: "photogpj.exe", mime: "image/png" });
    expect(file.attachments[0]!.downloadName).toMatch(/^bang-chung-[0-9a-f]{8}\.png$/);
    fake.assertAllValid();
  });
});
