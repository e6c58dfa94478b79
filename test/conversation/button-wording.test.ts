/**
 * No prompt names a button the resident's chat does not have: every "Bấm “…”" in every locale and in the FAQ
 * answers is walked against every channel's declared capabilities, through `say` as the flows use it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { ChannelCapabilities, ChannelName } from "../../src/channels/types.ts";
import { telegramCapabilities } from "../../src/channels/telegram/capabilities.ts";
import { DEFAULT_KEYBOARD_LABELS } from "../../src/channels/telegram/plan.ts";
import { zaloCapabilities } from "../../src/channels/zalo/capabilities.ts";
import { webchatCapabilities } from "../../src/channels/webchat/channel.ts";
import { BUTTON_WORDING, CAPABILITY_BUTTON_LABEL_KEYS, type ButtonCapability } from "../../src/conversation/button-wording.ts";
import { say } from "../../src/conversation/prompt.ts";
import type { Turn } from "../../src/conversation/types.ts";
import { createTranslator, DEFAULT_LOCALES_DIR, type Translator } from "../../src/i18n/index.ts";

/** Every channel, by its type: a new channel does not compile here until its capabilities are walked too. */
const CHANNELS: Record<ChannelName, Pick<ChannelCapabilities, ButtonCapability>> = {
  telegram: telegramCapabilities,
  webchat: webchatCapabilities,
  zalo: zaloCapabilities,
};
const CAPABILITIES = Object.keys(CAPABILITY_BUTTON_LABEL_KEYS) as ButtonCapability[];

/** The words a prompt quotes after "bấm/nhấn/chọn" (the Vietnamese for tapping a button). */
function namedButtons(text: string): string[] {
  return [...text.matchAll(/(?:bấm|nhấn|chọn)\s+(?:vào\s+)?(?:nút\s+)?[“"«]([^”"»]+)[”"»]/giu)].map((m) => m[1]!.trim());
}
/** A label as read, without its emoji ("📍 Gửi vị trí" → "Gửi vị trí"). */
const bare = (label: string) => label.replace(/[^\p{L}\p{M}\p{N}\s,.-]/gu, "").replace(/\s+/g, " ").trim();

function leaves(tree: unknown, prefix = ""): [string, string][] {
  if (typeof tree === "string") return [[prefix, tree]];
  if (!tree || typeof tree !== "object") return [];
  return Object.entries(tree).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

const viKeys = leaves(JSON.parse(readFileSync(path.join(DEFAULT_LOCALES_DIR, "vi/bot.json"), "utf8"))).map(([key]) => key);
const faqAnswers = (JSON.parse(readFileSync(path.resolve("content/faq/starter.json"), "utf8")) as { entries: { id: string; answer: Record<string, string | null> }[] }).entries;

describe("buttons named in prompts", () => {
  let i18n: Translator;
  let languages: string[];
  /** The label of each capability's button, per language. */
  const label = (lng: string, capability: ButtonCapability) => bare(i18n.t(lng, CAPABILITY_BUTTON_LABEL_KEYS[capability]));
  /** The capabilities whose button a text tells the resident to tap. */
  const needs = (lng: string, text: string) => CAPABILITIES.filter((c) => namedButtons(text).includes(label(lng, c)));

  beforeAll(async () => {
    i18n = await createTranslator();
    languages = i18n.languages.map((l) => l.code);
  });

  /** A turn on a channel with these capabilities, as the inbox builds it (only what `say` reads). */
  function turnOn(channel: ChannelName, lng: string): Turn {
    return {
      app: { channels: new Map([[channel, { name: channel, capabilities: CHANNELS[channel] }]]) },
      message: { channel },
      i18n,
      lng,
      t: (key: string, options?: Record<string, unknown>) => i18n.t(lng, key, options),
    } as unknown as Turn;
  }

  it("finds the buttons the location and phone prompts name (the walk below is not vacuous)", () => {
    expect(needs("vi", i18n.t("vi", "report.locationPrompt"))).toEqual(["requestsLocation"]);
    expect(needs("vi", i18n.t("vi", "report.phonePrompt"))).toEqual(["requestsContact"]);
    expect(namedButtons("Nếu không có, bấm “Bỏ qua”.")).toEqual(["Bỏ qua"]);
  });

  it("names only buttons the bot shows: every quoted label is a label in the same language", () => {
    for (const lng of languages) {
      const labels = new Set(viKeys.map((key) => bare(i18n.t(lng, key))).filter((text) => text.length <= 40));
      const texts = [
        ...viKeys.map((key) => [key, i18n.t(lng, key)] as const),
        ...faqAnswers.map((entry) => [`faq ${entry.id}`, entry.answer[lng] ?? entry.answer.vi ?? ""] as const),
      ];
      for (const [where, text] of texts) {
        for (const named of namedButtons(text)) expect(labels.has(named), `${lng} ${where} names “${named}”, which no button shows`).toBe(true);
      }
    }
  });

  it("lists every prompt that names a button only some channels have, with a typed wording that does not", () => {
    for (const lng of languages) {
      for (const key of viKeys) {
        const named = needs(lng, i18n.t(lng, key));
        if (named.length === 0) continue;
        const rule = BUTTON_WORDING[key];
        expect(rule, `${lng} ${key} names the ${named.join(", ")} button: add it to BUTTON_WORDING with a typed wording`).toBeDefined();
        expect(named).toEqual([rule!.needs]);
        expect(needs(lng, i18n.t(lng, rule!.otherwise)), `${lng} ${rule!.otherwise}`).toEqual([]);
      }
    }
    // FAQ answers go to every channel as they are: they may name only the buttons every channel has.
    for (const entry of faqAnswers) {
      for (const lng of languages) expect(needs(lng, entry.answer[lng] ?? entry.answer.vi ?? ""), `faq ${entry.id} (${lng})`).toEqual([]);
    }
  });

  for (const channel of Object.keys(CHANNELS) as ChannelName[]) {
    it(`on ${channel}, every prompt names a location or phone button only if ${channel} shows one`, () => {
      let asked = 0;
      for (const lng of languages) {
        for (const key of viKeys) {
          const text = say(turnOn(channel, lng), key).text;
          for (const capability of needs(lng, text)) {
            asked++;
            expect(CHANNELS[channel][capability], `${channel} ${lng} ${key}: “${text}”`).toBe(true);
          }
        }
      }
      // The walk said the location and phone prompts on this channel, with or without their buttons.
      const location = say(turnOn(channel, "vi"), "report.locationPrompt").text;
      const phone = say(turnOn(channel, "vi"), "report.phonePrompt").text;
      expect(needs("vi", location)).toEqual(CHANNELS[channel].requestsLocation ? ["requestsLocation"] : []);
      expect(needs("vi", phone)).toEqual(CHANNELS[channel].requestsContact ? ["requestsContact"] : []);
      expect(asked).toBeGreaterThanOrEqual(languages.length * CAPABILITIES.filter((c) => CHANNELS[channel][c]).length);
    });
  }

  it("the web chat asks for the phone in words: a page has no number to share, so it shows no such button", () => {
    expect(webchatCapabilities.requestsContact).toBe(false);
    expect(say(turnOn("webchat", "vi"), "report.phonePrompt").text).toBe(i18n.t("vi", "report.phonePromptTyped"));
  });

  it("Telegram's keyboard buttons carry the very words the prompts quote", () => {
    expect(bare(DEFAULT_KEYBOARD_LABELS.location)).toBe(label("vi", "requestsLocation"));
    expect(bare(DEFAULT_KEYBOARD_LABELS.contact)).toBe(label("vi", "requestsContact"));
  });
});
