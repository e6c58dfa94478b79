/**
 * Issue 14, item 5 (voice first), the whole service on Telegram with the fake Bot API: prompts with a reviewed clip
 * go out as a voice message — with the resident's own text when it exists, alone when it does not, and with the
 * Vietnamese text only where the message has buttons — and a Hre resident who answers every step by voice files a
 * tip with every clip, routed to the unit where Hre is spoken.
 *
 * The clips are tones made by ffmpeg and the Hre text is marked "[hre test]": a temporary copy of the locales, never
 * the committed ones (no word of Hre is invented here).
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LOCALES_DIR } from "../../src/i18n/index.ts";
import { createPoliceUnit } from "../../src/routing/save-police-unit.ts";
import { FakeTelegramBotApi, specAvailable, type RecordedCall } from "../fakes/telegram-bot-api.ts";
import { UpdateFactory } from "../fakes/telegram-updates.ts";
import { startTestService, type TestService } from "../support/service.ts";
import { CODES, importFixtures } from "../units/fixtures.ts";

const TOKEN = "555666778:AAVoiceFirstTestTokenAAAAAAAAAAAAAA";
const SECRET = "voice-first-secret";
const hasSpec = specAvailable();
if (!hasSpec && process.env.CI) throw new Error("Telegram Bot API spec missing: expected ../shared/data/telegram-bot-api-10.1.json");

/** A one-second OGG/Opus tone (a different pitch per clip, so each file is told apart by its size and bytes). */
function tone(file: string, frequency: number): Buffer {
  execFileSync("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", `sine=frequency=${frequency}:duration=1`, "-c:a", "libopus", file]);
  return readFileSync(file);
}

describe.runIf(hasSpec)("voice first on Telegram", () => {
  const fake = new FakeTelegramBotApi({ token: TOKEN });
  let svc: TestService;
  let locales: string;
  const clips: Record<string, Buffer> = {};
  let spoken: Buffer;

  beforeAll(async () => {
    locales = mkdtempSync(path.join(os.tmpdir(), "tinbao-voice-locales-"));
    cpSync(DEFAULT_LOCALES_DIR, locales, { recursive: true });
    mkdirSync(path.join(locales, "hre", "clips"));
    // A clip with "[hre test]" text (menu), clips without Hre text: one with buttons (the story), one without (the acknowledgement).
    const keys = { "menu.prompt": 300, "report.descriptionPrompt": 500, "report.voiceReceived": 700 };
    const audio: Record<string, unknown> = {};
    for (const [key, frequency] of Object.entries(keys)) {
      const file = `clips/test-${key}.ogg`;
      clips[key] = tone(path.join(locales, "hre", file), frequency);
      audio[key] = { file, mime: "audio/ogg", speaker: "test fixture", reviewer: "test fixture", version: 1 };
    }
    writeFileSync(path.join(locales, "hre", "audio.json"), JSON.stringify(audio));
    const bot = JSON.parse(readFileSync(path.join(locales, "hre", "bot.json"), "utf8"));
    bot.menu.prompt = "[hre test] Bạn cần gì?";
    writeFileSync(path.join(locales, "hre", "bot.json"), JSON.stringify(bot, null, 2));
    spoken = tone(path.join(locales, "resident.ogg"), 900);

    const { url } = await fake.start();
    svc = await startTestService(
      { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: url, TELEGRAM_MODE: "webhook", PUBLIC_URL: "https://tinbao.example.vn", TELEGRAM_WEBHOOK_SECRET: SECRET },
      { localesDir: locales },
    );
    await importFixtures(svc.ctx.db);
    const actor = { officerId: null };
    await createPoliceUnit(svc.ctx, { id: "TRUCBAN", name: "Trực ban Công an tỉnh", kind: "duty_desk", communes: [], categories: [], languages: ["vi"] }, actor);
    await createPoliceUnit(svc.ctx, { id: "CAX-BATO2", name: "Công an xã Ba Tô", kind: "commune", communes: [CODES.baTo2], categories: [], languages: ["vi", "hre"] }, actor);
  }, 120_000);
  afterAll(async () => {
    await svc?.close();
    await fake.close();
    rmSync(locales, { recursive: true, force: true });
  });
  afterEach(() => fake.assertAllValid());

  /** Posts an update and returns what the bot sent for it (accepted sendMessage/sendVoice calls, in order). */
  async function deliver(update: unknown): Promise<RecordedCall[]> {
    const before = fake.calls.length;
    const res = await fetch(`${svc.url}/webhooks/telegram`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
      body: JSON.stringify(update),
    });
    expect(res.status).toBe(200);
    await svc.settle();
    return fake.calls.slice(before).filter((c) => c.accepted && (c.method === "sendMessage" || c.method === "sendVoice"));
  }
  /** "voice:<key>" for a clip of ours, the text for a message. */
  const shown = (calls: RecordedCall[]) =>
    calls.map((c) => {
      if (c.method === "sendMessage") return String((c.params as { text: string }).text);
      const size = fake.fileSent(c, "voice")?.size;
      return `voice:${Object.entries(clips).find(([, bytes]) => bytes.length === size)?.[0] ?? size}`;
    });

  it("a Hre resident hears the clips, reads text only where it is theirs or where buttons need it, answers every step by voice, and the tip goes where Hre is spoken", async () => {
    expect(new Set(Object.values(clips).map((b) => b.length)).size).toBe(3);
    const u = new UpdateFactory({ user: { id: 8200001, first_name: "Đinh" }, firstUpdateId: 820000, files: fake });
    await deliver(u.command("start"));
    const menu = shown(await deliver(u.callback("lang:hre")));
    // Clip and Hre text: the clip, then the "[hre test]" text with the menu's buttons.
    expect(menu.slice(-2)).toEqual(["voice:menu.prompt", "[hre test] Bạn cần gì?"]);
    await deliver(u.callback("menu:report"));

    // The kind, by voice. "Đã nhận tin nhắn thoại." has a clip and no Hre text: the clip alone. The story prompt has a
    // clip and no Hre text but buttons: the clip, then the Vietnamese text that carries the buttons.
    const story = await deliver(u.voice({ content: spoken }));
    expect(shown(story)).toEqual(["voice:report.voiceReceived", "voice:report.descriptionPrompt", expect.stringContaining("Chuyện gì đã xảy ra?")]);
    expect((story[2]!.params as { reply_markup?: { inline_keyboard?: unknown[] } }).reply_markup?.inline_keyboard?.length).toBeGreaterThan(0);

    // The story, the evidence, the place, the time, the identity: all by voice, no typed word.
    const expected = ["Bạn có ảnh, video", "Việc này xảy ra ở đâu?", "Việc này xảy ra khi nào?", "Bạn muốn giữ kín tên không?", "Bạn xem lại tin báo"];
    for (const next of expected) {
      const replies = shown(await deliver(u.voice({ content: spoken })));
      expect(replies[0]).toBe("voice:report.voiceReceived");
      expect(replies).not.toContain("Đã nhận tin nhắn thoại.");
      expect(replies.join("\n")).toContain(next);
    }
    const summary = shown(await deliver(u.voice({ content: spoken }))).at(-1)!; // one more at the confirmation
    expect(summary).toContain("Nơi xảy ra: (trả lời bằng tin nhắn thoại)");
    // The clip said at "anonymous or named?" may carry a name: the report is anonymous, and that clip is not kept.
    expect(summary).toContain("Tệp gửi kèm: 6");
    const receipt = shown(await deliver(u.callback("report:send")));
    expect(receipt.join("\n")).toContain("Mã tin báo:");

    const tip = await svc.ctx.db.tip.findFirstOrThrow({ where: { channel: "telegram", language: "hre" }, include: { attachments: true, routings: true, events: true } });
    expect(tip.attachments).toHaveLength(6);
    expect(tip.attachments.every((a) => a.kind === "voice" && a.status === "stored" && a.size === spoken.length)).toBe(true);
    for (const a of tip.attachments) expect(statSync(path.join(svc.ctx.config.mediaDir, a.storageKey!)).size).toBe(spoken.length);
    expect(tip).toMatchObject({ category: "other", description: "(tin nhắn thoại)", placeText: "(trả lời bằng tin nhắn thoại)", occurredText: "(trả lời bằng tin nhắn thoại)", anonymous: true });
    expect(tip.routings.map((r) => [r.unitId, r.rule])).toContainEqual(["CAX-BATO2", "language"]);
    expect(JSON.parse(tip.events.find((e) => e.type === "routed")!.data)).toMatchObject({ voice: true });
  }, 120_000); // about 20 s alone: Telegram's pace of one message a second per chat, over 13 turns
});
