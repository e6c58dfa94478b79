/**
 * Issue 14, item 5: how `say` words a prompt that has a reviewed clip in the resident's language (prompt.ts). Built
 * on a Translator over a temporary copy of the locales with an audio.json, an ffmpeg tone and "[hre test]" text.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Channel, ChannelCapabilities, ChannelName } from "../../src/channels/types.ts";
import { telegramCapabilities } from "../../src/channels/telegram/capabilities.ts";
import { zaloCapabilities } from "../../src/channels/zalo/capabilities.ts";
import { webchatCapabilities } from "../../src/channels/webchat/channel.ts";
import { createTranslator, DEFAULT_LOCALES_DIR, type Translator } from "../../src/i18n/index.ts";
import { say } from "../../src/conversation/prompt.ts";
import type { Turn } from "../../src/conversation/types.ts";

let locales: string;
let i18n: Translator;
const KEYS = ["report.voiceReceived", "report.descriptionPrompt", "report.receipt", "report.placeSaved", "language.notReady", "menu.prompt"];

beforeAll(async () => {
  locales = mkdtempSync(path.join(os.tmpdir(), "tinbao-say-"));
  cpSync(DEFAULT_LOCALES_DIR, locales, { recursive: true });
  mkdirSync(path.join(locales, "hre", "clips"));
  execFileSync("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "libopus", path.join(locales, "hre", "clips", "tone.ogg")]);
  const audio = Object.fromEntries(KEYS.map((key) => [key, { file: "clips/tone.ogg", mime: "audio/ogg", speaker: "test fixture", reviewer: "test fixture", version: 1 }]));
  writeFileSync(path.join(locales, "hre", "audio.json"), JSON.stringify(audio));
  const bot = JSON.parse(readFileSync(path.join(locales, "hre", "bot.json"), "utf8"));
  bot.menu.prompt = "[hre test] menu";
  writeFileSync(path.join(locales, "hre", "bot.json"), JSON.stringify(bot, null, 2));
  i18n = await createTranslator(locales);
});
afterAll(() => rmSync(locales, { recursive: true, force: true }));

/** Just what `say` reads of a turn: the channel's capabilities, the language, the translator. */
function turnFor(lng: string, capabilities: ChannelCapabilities = telegramCapabilities, channel: ChannelName = "telegram"): Turn {
  const channels = new Map([[channel, { name: channel, capabilities } as unknown as Channel]]);
  return { app: { channels }, message: { channel }, lng, i18n, t: (key: string, options?: Record<string, unknown>) => i18n.t(lng, key, options) } as unknown as Turn;
}
const TONE = () => path.join(locales, "hre", "clips", "tone.ogg");
const nav = [[{ label: "Hủy", payload: "nav:cancel" }]];

describe("a prompt with a reviewed clip", () => {
  it("and no Hre text goes out as the clip alone where nothing needs the text", () => {
    const m = say(turnFor("hre"), "report.voiceReceived");
    expect(m).toEqual({ text: "", audio: { file: TONE(), mime: "audio/ogg" } });
  });

  it("keeps the Vietnamese text after the clip where the message carries buttons", () => {
    const m = say(turnFor("hre"), "report.descriptionPrompt", {}, { buttons: nav });
    expect(m.audio?.file).toBe(TONE());
    expect(m.text).toContain("Chuyện gì đã xảy ra?");
    expect(m.buttons).toEqual(nav);
  });

  it("keeps the Vietnamese text where it carries values a recording cannot say (codes, a place), but not for the language's own name", () => {
    const receipt = say(turnFor("hre"), "report.receipt", { reference: "AB12C", secret: "XY34Z", hours: 24 }, { protect: true, receipt: { reference: "AB12C", secret: "XY34Z" } });
    expect(receipt.text).toContain("AB12C");
    expect(receipt.audio).toBeDefined();
    expect(say(turnFor("hre"), "report.placeSaved", { place: "thôn 2" }).text).toContain("thôn 2");
    expect(say(turnFor("hre"), "language.notReady", { label: "Hre" })).toMatchObject({ text: "", audio: { file: TONE() } });
  });

  it("with Hre text goes out as the clip and the Hre text", () => {
    const m = say(turnFor("hre"), "menu.prompt", {}, { buttons: nav });
    expect(m).toMatchObject({ text: "[hre test] menu", audio: { file: TONE(), mime: "audio/ogg" } });
  });

  it("keeps the text on Zalo, which may skip a clip, and for residents of other languages", () => {
    const zalo = say(turnFor("hre", zaloCapabilities, "zalo"), "report.voiceReceived");
    expect(zalo).toMatchObject({ text: "Đã nhận tin nhắn thoại.", audio: { file: TONE() } });
    expect(say(turnFor("hre", webchatCapabilities, "webchat"), "report.voiceReceived").text).toBe("");
    expect(say(turnFor("vi"), "report.voiceReceived")).toEqual({ text: "Đã nhận tin nhắn thoại." });
    expect(say(turnFor("cua"), "report.voiceReceived")).toEqual({ text: "Đã nhận tin nhắn thoại." });
  });
});
