/**
 * The translator on a temporary locales folder. The Hre/Co strings below are made-up TEST
 * FIXTURES ("[hre-test] …", "[cua-test] …"), not Hre or Co: no translation exists yet and none
 * may be invented.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTranslator, type Translator } from "../../src/i18n/index.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Writes `files` (path relative to the folder → JSON value, or a string for a raw file). */
function makeLocales(files: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "tinbao-i18n-"));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), typeof content === "string" ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

const LANGUAGES = {
  languages: [
    { code: "vi", label: "Tiếng Việt", formatLocale: "vi" },
    { code: "hre", label: "Tiếng Hrê", formatLocale: "vi" },
    { code: "cua", label: "Tiếng Co (Cor)", formatLocale: "vi" },
  ],
};

const FIXTURE = {
  "languages.json": LANGUAGES,
  "vi/bot.json": {
    welcome: { greeting: "Xin chào! Đây là kênh báo tin." },
    language: { saved: "Đã chọn {{label}}." },
    menu: { report: "Báo tin", prompt: "Bạn cần gì?" },
    items_other: "Có {{count}} tệp",
  },
  "hre/bot.json": {
    welcome: { greeting: null },
    language: { saved: null },
    menu: { report: "[hre-test] report placeholder", prompt: null },
    items_other: null,
  },
  "cua/bot.json": {
    welcome: { greeting: null },
    language: { saved: null },
    menu: { report: null, prompt: null },
    items_other: "[cua-test] {{count}} files placeholder",
  },
  "vi/audio.json": {},
  "hre/audio.json": {
    "welcome.greeting": { file: "clips/greeting.ogg", mime: "audio/ogg", speaker: "test-speaker", reviewer: "test-reviewer", version: 1 },
  },
  "hre/clips/greeting.ogg": "not really audio: test fixture",
};

describe("createTranslator", () => {
  let dir: string;
  let i18n: Translator;

  beforeAll(async () => {
    dir = makeLocales(FIXTURE);
    i18n = await createTranslator(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("shows untranslated (null) Hre and Co keys in Vietnamese", () => {
    for (const lng of ["hre", "cua"]) {
      expect(i18n.t(lng, "welcome.greeting")).toBe("Xin chào! Đây là kênh báo tin.");
      expect(i18n.t(lng, "menu.prompt")).toBe("Bạn cần gì?");
      expect(i18n.t(lng, "language.saved", { label: "Tiếng Co (Cor)" })).toBe("Đã chọn Tiếng Co (Cor).");
    }
    expect(i18n.t("cua", "menu.report")).toBe("Báo tin");
  });

  it("uses a translation once one is provided", () => {
    expect(i18n.t("hre", "menu.report")).toBe("[hre-test] report placeholder");
    expect(i18n.fixedT("hre")("menu.report")).toBe("[hre-test] report placeholder");
    expect(i18n.t("vi", "menu.report")).toBe("Báo tin");
  });

  it("returns the recorded clip of a key with an absolute path", () => {
    const clip = i18n.audio("hre", "welcome.greeting");
    expect(clip).toMatchObject({ file: "clips/greeting.ogg", mime: "audio/ogg", speaker: "test-speaker", version: 1 });
    expect(path.isAbsolute(clip!.path)).toBe(true);
    expect(clip!.path).toBe(path.join(dir, "hre", "clips", "greeting.ogg"));
    expect(existsSync(clip!.path)).toBe(true);
    expect(i18n.audio("hre", "menu.report")).toBeUndefined();
    expect(i18n.audio("cua", "welcome.greeting")).toBeUndefined();
    expect(i18n.audio("xx", "welcome.greeting")).toBeUndefined();
  });

  it("returns an absolute clip path when given a relative locales folder", async () => {
    const relative = await createTranslator(path.relative(process.cwd(), dir));
    const clip = relative.audio("hre", "welcome.greeting");
    expect(clip!.path).toBe(path.join(dir, "hre", "clips", "greeting.ogg"));
  });

  it("lists the languages from languages.json", () => {
    expect(i18n.languages.map((l) => l.code)).toEqual(["vi", "hre", "cua"]);
    expect(i18n.isLanguage("cua")).toBe(true);
    expect(i18n.isLanguage("kpy")).toBe(false);
  });
});

describe("Hre and Co plural and number rules on an English-locale host", () => {
  const ENGLISH_HOST = { LANG: "en_US.UTF-8", LC_ALL: "en_US.UTF-8" };
  let dir: string;
  beforeAll(() => {
    dir = makeLocales({
      ...FIXTURE,
      "probe.mjs": `
        const { createTranslator } = await import(${JSON.stringify(path.join(ROOT, "src/i18n/index.ts"))});
        const i18n = await createTranslator(process.argv[2]);
        const result = {
          hostLocale: new Intl.NumberFormat().resolvedOptions().locale,
          hrePluralLocale: new Intl.PluralRules("hre").resolvedOptions().locale,
          cuaHostCategory: new Intl.PluralRules("cua").select(1),
          cuaOne: i18n.t("cua", "items", { count: 1 }),
          cuaFive: i18n.t("cua", "items", { count: 5 }),
          hreOne: i18n.t("hre", "items", { count: 1 }),
          hreNumber: i18n.number("hre", 1234.5),
          cuaNumber: i18n.number("cua", 1234.5),
        };
        console.log("RESULT " + JSON.stringify(result));
      `,
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function probe(): Record<string, string> {
    const child = spawnSync(process.execPath, ["--import", "tsx", path.join(dir, "probe.mjs"), dir], {
      cwd: ROOT,
      env: { ...process.env, ...ENGLISH_HOST, LANGUAGE: "" },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(child.status, child.stderr).toBe(0);
    const line = child.stdout.split("\n").find((l) => l.startsWith("RESULT "));
    expect(line, child.stdout + child.stderr).toBeDefined();
    return JSON.parse(line!.slice("RESULT ".length)) as Record<string, string>;
  }

  it("uses Vietnamese rules, not the host's", () => {
    const r = probe();
    // The host really is English, and Intl really falls back to it for hre/cua: the trap is armed.
    expect(r.hostLocale).toBe("en-US");
    expect(r.hrePluralLocale).toBe("en-US");
    expect(r.cuaHostCategory).toBe("one");
    // vi has only `items_other` (Vietnamese has one plural form): count 1 must pick the Co `_other` form.
    expect(r.cuaOne).toBe("[cua-test] 1 files placeholder");
    expect(r.cuaFive).toBe("[cua-test] 5 files placeholder");
    expect(r.hreOne).toBe("Có 1 tệp");
    expect(r.hreNumber).toBe("1.234,5");
    expect(r.cuaNumber).toBe("1.234,5");
  });
});
