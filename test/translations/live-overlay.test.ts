/**
 * The live overlay of the translator (src/i18n): reviewed workbench rows laid over a locales folder, drafts never,
 * reviewed clips before audio.json, the OGG/Opus copy first, and Vietnamese-like plural rules kept. The Hre/Co strings
 * are made-up test fixtures, not Hre or Co.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTranslator, type Translator } from "../../src/i18n/index.ts";
import { createTestContext, type TestContext } from "../support/context.ts";

const LOCALES: Record<string, unknown> = {
  "languages.json": {
    languages: [
      { code: "vi", label: "Tiếng Việt", formatLocale: "vi" },
      { code: "hre", label: "Tiếng Hrê", formatLocale: "vi" },
      { code: "cua", label: "Tiếng Co (Cor)", formatLocale: "vi" },
    ],
  },
  "vi/bot.json": { menu: { prompt: "Bạn cần gì?", report: "Báo tin" }, items_other: "Có {{count}} tệp" },
  "hre/bot.json": { menu: { prompt: null, report: "[hre-test] report from the file" }, items_other: null },
  "cua/bot.json": { menu: { prompt: null, report: null }, items_other: null },
  "hre/audio.json": { "menu.report": { file: "clips/file-clip.ogg", mime: "audio/ogg" } },
  "hre/clips/file-clip.ogg": "test fixture",
};

let ctx: TestContext;
let dir: string;
let i18n: Translator;
let author: string;

async function row(lang: string, key: string, state: "draft" | "reviewed", text: string | null, clipId: string | null = null) {
  return ctx.db.translation.upsert({
    where: { lang_key: { lang, key } },
    create: { lang, key, source: "…", text, state, clipId, draftedBy: author },
    update: { text, state, clipId, version: { increment: 1 } },
  });
}

beforeAll(async () => {
  ctx = await createTestContext();
  dir = mkdtempSync(path.join(tmpdir(), "tinbao-overlay-"));
  for (const [rel, content] of Object.entries(LOCALES)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), typeof content === "string" ? content : JSON.stringify(content));
  }
  i18n = await createTranslator(dir, { mediaDir: ctx.config.mediaDir });
  author = "officer-who-drafted";
});
afterAll(async () => {
  await ctx?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the translator's live overlay", () => {
  it("reads nothing new when the table has not changed since the last refresh", async () => {
    expect(await i18n.refresh!(ctx.db)).toBe(true); // the first look
    expect(await i18n.refresh!(ctx.db)).toBe(false);
  });

  it("never shows a draft, and shows a reviewed text over the file (has() says so)", async () => {
    await row("hre", "menu.prompt", "draft", "[hre test] draft prompt");
    expect(await i18n.refresh!(ctx.db)).toBe(true);
    expect(i18n.t("hre", "menu.prompt")).toBe("Bạn cần gì?");
    expect(i18n.has("hre", "menu.prompt")).toBe(false);

    await row("hre", "menu.prompt", "reviewed", "[hre test] reviewed prompt");
    await row("hre", "menu.report", "reviewed", "[hre test] reviewed report");
    await i18n.refresh!(ctx.db);
    expect(i18n.t("hre", "menu.prompt")).toBe("[hre test] reviewed prompt");
    expect(i18n.fixedT("hre")("menu.prompt")).toBe("[hre test] reviewed prompt");
    expect(i18n.has("hre", "menu.prompt")).toBe(true);
    expect(i18n.t("hre", "menu.report")).toBe("[hre test] reviewed report");
    expect(i18n.t("cua", "menu.prompt")).toBe("Bạn cần gì?");
    expect(i18n.t("vi", "menu.prompt")).toBe("Bạn cần gì?");
  });

  it("falls back to the file text, then Vietnamese, as soon as a string goes back to draft", async () => {
    await row("hre", "menu.report", "draft", "[hre test] reviewed report");
    await row("hre", "menu.prompt", "draft", "[hre test] reviewed prompt");
    await i18n.refresh!(ctx.db);
    expect(i18n.t("hre", "menu.report")).toBe("[hre-test] report from the file");
    expect(i18n.t("hre", "menu.prompt")).toBe("Bạn cần gì?");
    expect(i18n.has("hre", "menu.prompt")).toBe(false);
  });

  it("serves a reviewed clip before the file's, as its OGG/Opus copy, and never a draft clip", async () => {
    const clip = await ctx.db.audioClip.create({
      data: { sha256: "a".repeat(64), mime: "audio/webm", bytes: 10, durationMs: 2400, file: "clips/aaa.webm", oggFile: "clips/aaa.ogg", m4aFile: "clips/aaa.m4a", createdBy: author },
    });
    await row("hre", "menu.report", "draft", null, clip.id);
    await i18n.refresh!(ctx.db);
    expect(i18n.audio("hre", "menu.report")?.path).toBe(path.join(dir, "hre", "clips", "file-clip.ogg"));
    await row("hre", "menu.report", "reviewed", null, clip.id);
    await i18n.refresh!(ctx.db);
    expect(i18n.audio("hre", "menu.report")).toMatchObject({
      path: path.join(ctx.config.mediaDir, "clips", "aaa.ogg"),
      file: path.join(ctx.config.mediaDir, "clips", "aaa.ogg"),
      mime: "audio/ogg",
      durationMs: 2400,
      m4a: path.join(ctx.config.mediaDir, "clips", "aaa.m4a"),
    });
    // A clip alone: the text stays the file's (or Vietnamese).
    expect(i18n.t("hre", "menu.report")).toBe("[hre-test] report from the file");
  });

  it("keeps Vietnamese-like plural rules for a reviewed Co plural, and ignores database content keys", async () => {
    await row("cua", "items_other", "reviewed", "[cua test] {{count}} files");
    await row("cua", "faq:some-entry", "reviewed", "[cua test] an FAQ answer");
    await i18n.refresh!(ctx.db);
    expect(i18n.t("cua", "items", { count: 1 })).toBe("[cua test] 1 files");
    expect(i18n.t("cua", "items", { count: 5 })).toBe("[cua test] 5 files");
  });

  it("lets concurrent turns share the checks without missing a change made before they asked", async () => {
    await row("hre", "menu.prompt", "reviewed", "[hre test] concurrent");
    await Promise.all(Array.from({ length: 20 }, () => i18n.refresh!(ctx.db)));
    expect(i18n.t("hre", "menu.prompt")).toBe("[hre test] concurrent");
  });
});
