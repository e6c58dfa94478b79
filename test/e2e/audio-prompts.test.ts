/**
 * Recorded prompts: a clip recorded for a key in the resident's language goes with that prompt —
 * an audio player in web chat, a voice message on Telegram. The clip here is a test fixture
 * (opaque bytes), not a recording of any language.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LOCALES_DIR } from "../../src/i18n/index.ts";
import { FakeTelegramBotApi, specAvailable } from "../fakes/telegram-bot-api.ts";
import { UpdateFactory } from "../fakes/telegram-updates.ts";
import { startTestService, WebchatVisitor, type TestService } from "../support/service.ts";

const TOKEN = "555666777:AAAudioPromptTestTokenAAAAAAAAAAAAA";
const CLIP = Buffer.concat([Buffer.from("OggS"), Buffer.alloc(60, 1)]);
const hasSpec = specAvailable();

describe.runIf(hasSpec || Boolean(process.env.CI))("recorded prompts", () => {
  const fake = new FakeTelegramBotApi({ token: TOKEN });
  let svc: TestService;
  let locales: string;

  beforeAll(async () => {
    locales = mkdtempSync(path.join(os.tmpdir(), "tinbao-locales-"));
    cpSync(DEFAULT_LOCALES_DIR, locales, { recursive: true });
    mkdirSync(path.join(locales, "hre", "clips"));
    writeFileSync(path.join(locales, "hre", "clips", "test-fixture-menu.ogg"), CLIP);
    writeFileSync(
      path.join(locales, "hre", "audio.json"),
      JSON.stringify({ "menu.prompt": { file: "clips/test-fixture-menu.ogg", mime: "audio/ogg", speaker: "test fixture", reviewer: "test fixture", version: 1 } }),
    );
    const { url } = await fake.start();
    svc = await startTestService(
      { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: url, TELEGRAM_MODE: "webhook", PUBLIC_URL: "https://tinbao.example.vn", TELEGRAM_WEBHOOK_SECRET: "audio-secret" },
      { localesDir: locales },
    );
  });
  afterAll(async () => {
    await svc?.close();
    await fake.close();
    rmSync(locales, { recursive: true, force: true });
  });

  it("plays the clip in web chat, with the Vietnamese text shown while Hre text is missing", async () => {
    const v = new WebchatVisitor(svc.url);
    await v.open();
    await v.send({ text: "xin chào" });
    await svc.settle();
    await v.send({ button: "lang:hre" });
    await svc.settle();
    const menu = await v.lastBotMessage();
    expect(menu?.text).toBe("Bạn cần gì? Bấm một nút bên dưới.");
    expect(menu?.audio?.url).toBe("/chat/audio/hre/clips/test-fixture-menu.ogg");
    const clip = await fetch(svc.url + menu!.audio!.url);
    expect(clip.status).toBe(200);
    expect(Buffer.from(await clip.arrayBuffer())).toEqual(CLIP);
  });

  it("sends the clip as a voice message before the text on Telegram", async () => {
    const u = new UpdateFactory({ user: { id: 8100001, first_name: "Đinh" }, firstUpdateId: 810000 });
    for (const update of [u.command("start"), u.callback("lang:hre")]) {
      const res = await fetch(`${svc.url}/webhooks/telegram`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": "audio-secret" },
        body: JSON.stringify(update),
      });
      expect(res.status).toBe(200);
      await svc.settle();
    }
    const calls = fake.calls.filter((c) => c.accepted && (c.method === "sendVoice" || c.method === "sendMessage"));
    const voice = calls.findIndex((c) => c.method === "sendVoice");
    expect(voice).toBeGreaterThan(-1);
    expect(calls[voice]!.files[0]?.size).toBe(CLIP.length);
    expect((calls[voice + 1]!.params as { text: string }).text).toBe("Bạn cần gì? Bấm một nút bên dưới.");
    fake.assertAllValid();
  });
});
