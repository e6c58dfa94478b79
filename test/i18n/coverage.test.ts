/**
 * scripts/i18n-coverage.ts on temporary locales folders and on the real one. The Hre/Co strings
 * below are made-up TEST FIXTURES ("[hre-test] …"), not Hre or Co.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { analyzeLocales, cli, type Problem } from "../../scripts/i18n-coverage.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const temporary: string[] = [];
afterEach(() => {
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const VI = {
  welcome: { greeting: "Xin chào!" },
  language: { saved: "Đã chọn {{label}}." },
  items_other: "Có {{count}} tệp",
};
const UNTRANSLATED = { welcome: { greeting: null }, language: { saved: null }, items_other: null };

/** A locales folder with vi, hre, cua: `overrides` replaces or adds files (undefined removes one). */
function makeLocales(overrides: Record<string, unknown> = {}): string {
  const files: Record<string, unknown> = {
    "languages.json": {
      languages: [
        { code: "vi", label: "Tiếng Việt", formatLocale: "vi" },
        { code: "hre", label: "Tiếng Hrê", formatLocale: "vi" },
        { code: "cua", label: "Tiếng Co (Cor)", formatLocale: "vi" },
      ],
    },
    "vi/bot.json": VI,
    "hre/bot.json": UNTRANSLATED,
    "cua/bot.json": UNTRANSLATED,
    ...overrides,
  };
  const dir = mkdtempSync(path.join(tmpdir(), "tinbao-i18n-coverage-"));
  temporary.push(dir);
  for (const [rel, content] of Object.entries(files)) {
    if (content === undefined) continue;
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), typeof content === "string" ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

const summary = (problems: Problem[]) => problems.map((p) => `${p.file} ${p.key ?? ""}: ${p.message}`);

describe("i18n coverage --check on fixtures", () => {
  it("passes when Hre and Co are all null (untranslated is not an error) and reports 0%", () => {
    const dir = makeLocales();
    const report = analyzeLocales(dir);
    expect(report.problems).toEqual([]);
    const hre = report.languages.find((l) => l.code === "hre")!.namespaces[0]!;
    expect(hre).toMatchObject({ namespace: "bot", total: 3, translated: 0, audio: 0 });
    expect(hre.untranslated).toEqual(["welcome.greeting", "language.saved", "items_other"]);
    const run = cli(["--check", "--dir", dir]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain("Tiếng Việt");
    expect(run.stdout).toMatch(/Tiếng Hrê \(hre\)\s+bot\s+0\/3\s+0%/);
  });

  it("counts a provided translation and a recorded clip", () => {
    const dir = makeLocales({
      "hre/bot.json": { ...UNTRANSLATED, language: { saved: "[hre-test] {{label}} placeholder" } },
      "hre/audio.json": { "welcome.greeting": { file: "clips/greeting.ogg", mime: "audio/ogg", speaker: "test-speaker" } },
      "hre/clips/greeting.ogg": "test fixture",
    });
    const report = analyzeLocales(dir);
    expect(report.problems).toEqual([]);
    const hre = report.languages.find((l) => l.code === "hre")!.namespaces[0]!;
    expect(hre).toMatchObject({ total: 3, translated: 1, audio: 1 });
    expect(hre.untranslated).toEqual(["welcome.greeting", "items_other"]);
    const verbose = cli(["--verbose", "--dir", dir]).stdout;
    expect(verbose).toMatch(/Tiếng Hrê \(hre\)\s+bot\s+1\/3\s+33%\s+1\/3/);
    expect(verbose).toContain("Tiếng Việt");
    expect(verbose).toMatch(/Tiếng Hrê \(hre\), bot: 2 câu còn hiện bằng Tiếng Việt:\n {2}welcome\.greeting: Xin chào!\n {2}items_other: Có \{\{count\}\} tệp/);
  });

  it("fails on a key missing from a locale (not null: absent)", () => {
    const dir = makeLocales({ "cua/bot.json": { welcome: { greeting: null }, language: { saved: null } } });
    const run = cli(["--check", "--dir", dir]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/i18n check FAILED: 1 problem/);
    expect(run.stderr).toContain("cua/bot.json [items_other]: missing");
  });

  it("fails on mismatched {{variables}} between a translation and Vietnamese", () => {
    const dir = makeLocales({ "hre/bot.json": { ...UNTRANSLATED, language: { saved: "[hre-test] {{name}} placeholder" } } });
    const report = analyzeLocales(dir);
    expect(summary(report.problems)).toEqual(["hre/bot.json language.saved: variables {{name}} differ from Vietnamese {{label}}"]);
    expect(cli(["--check", "--dir", dir]).exitCode).toBe(1);
  });

  it("fails on the other structural problems", () => {
    const dir = makeLocales({
      "vi/bot.json": { ...VI, menu: { report: "" } },
      "hre/bot.json": { ...UNTRANSLATED, menu: { report: null }, extra: "[hre-test] extra", items_other: 3 },
      "cua/bot.json": "{ not json",
      "hre/audio.json": { "welcome.greeting": { file: "clips/missing.ogg", mime: "audio/ogg" } },
    });
    const problems = summary(analyzeLocales(dir).problems).join("\n");
    expect(problems).toContain("vi/bot.json menu.report: Vietnamese text is null or empty");
    expect(problems).toContain("hre/bot.json extra: unknown key");
    expect(problems).toContain("hre/bot.json items_other: value must be a string or null, found 3");
    expect(problems).toMatch(/cua\/bot\.json : invalid JSON/);
    expect(problems).toContain("hre/audio.json welcome.greeting: file not found: hre/clips/missing.ogg");
  });

  it("fails on a missing locale file, and the command exits non-zero", () => {
    const dir = makeLocales({ "cua/bot.json": undefined });
    const child = spawnSync(process.execPath, ["--import", "tsx", "scripts/i18n-coverage.ts", "--check", "--dir", dir], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(child.status).toBe(1);
    expect(child.stderr).toContain("cua/bot.json: file missing");
  });
});

describe("the real locales/", () => {
  it("passes --check and reports Hre and Co as 0% translated (no native-speaker text yet)", () => {
    const report = analyzeLocales(path.join(ROOT, "locales"));
    expect(summary(report.problems)).toEqual([]);
    const vi = report.languages.find((l) => l.code === "vi")!;
    for (const code of ["hre", "cua"]) {
      const lang = report.languages.find((l) => l.code === code)!;
      expect(lang.namespaces.map((n) => n.namespace)).toEqual(vi.namespaces.map((n) => n.namespace));
      for (const ns of lang.namespaces) {
        expect(ns.total).toBeGreaterThan(0);
        expect(ns.translated).toBe(0);
        expect(ns.untranslated).toHaveLength(ns.total);
      }
    }
    const run = cli(["--check"]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/Tiếng Hrê \(hre\)\s+bot\s+0\/\d+\s+0%/);
    expect(run.stdout).toMatch(/Tiếng Co \(Cor\) \(cua\)\s+bot\s+0\/\d+\s+0%/);
    expect(run.stdout).toContain("i18n check passed");
  });
});

describe("with the workbench's database", () => {
  it("counts reviewed database translations (bot strings and FAQ/quiz/campaign content) as translated, drafts apart, and --check stays file-only", async () => {
    const { createTestContext } = await import("../support/context.ts");
    const { seedFaqEntries } = await import("../../src/faq/faq-store.ts");
    const { seedQuizQuestions } = await import("../../src/quiz/quiz-store.ts");
    const ctx = await createTestContext();
    try {
      await seedFaqEntries(ctx.db);
      await seedQuizQuestions(ctx.db);
      const officer = await ctx.db.officer.findFirst();
      const by = officer?.id ?? "test-officer";
      const row = (key: string, state: "draft" | "reviewed", lang = "hre") =>
        ctx.db.translation.create({ data: { lang, key, source: "x", text: `[${lang} test] ${key}`, state, draftedBy: by, ...(state === "reviewed" ? { reviewedBy: "another", reviewedAt: new Date() } : {}) } });
      await row("menu.prompt", "reviewed");
      await row("menu.report", "reviewed");
      await row("nav.back", "draft");
      await row("faq:goi-113", "reviewed");
      await row("faq:goi-114", "draft");
      await row("quiz:goi-113.question", "reviewed");
      await row("menu.prompt", "draft", "cua");
      await row("no.longer.a.key", "reviewed"); // a string since removed from the Vietnamese file: not counted

      const env = { DATABASE_URL: ctx.config.databaseUrl, ...(ctx.config.encryptionKey ? { DATA_ENCRYPTION_KEY: Buffer.from(ctx.config.encryptionKey).toString("base64") } : {}) };
      const { run } = await import("../../scripts/i18n-coverage.ts");
      const withDb = await run([], env);
      expect(withDb.exitCode, withDb.stderr).toBe(0);
      const files = cli([]);
      const botTotal = Number(/Tiếng Hrê \(hre\)\s+bot\s+0\/(\d+)/.exec(files.stdout)![1]);
      const faqTotal = await ctx.db.faqEntry.count({ where: { disabled: false } });
      const quizParts = (await ctx.db.quizQuestion.findMany()).reduce((n, q) => n + 2 + (JSON.parse(q.choicesJson) as unknown[]).length, 0);
      expect(withDb.stdout).toContain("Tính cả bản dịch đã duyệt trên bàn dịch (cơ sở dữ liệu");
      // Two reviewed bot strings; the draft only in the drafts column.
      expect(withDb.stdout).toMatch(new RegExp(`Tiếng Hrê \\(hre\\)\\s+bot\\s+2/${botTotal}\\s+0%\\s+0/${botTotal}\\s+1\\n`));
      expect(withDb.stdout).toMatch(new RegExp(`Tiếng Hrê \\(hre\\)\\s+faq\\s+1/${faqTotal}\\s+\\d+%\\s+0/${faqTotal}\\s+1\\n`));
      expect(withDb.stdout).toMatch(new RegExp(`Tiếng Hrê \\(hre\\)\\s+quiz\\s+1/${quizParts}\\s+\\d+%\\s+0/${quizParts}\\s+0\\n`));
      expect(withDb.stdout).toMatch(new RegExp(`Tiếng Co \\(Cor\\) \\(cua\\)\\s+bot\\s+0/${botTotal}\\s+0%\\s+0/${botTotal}\\s+1\\n`));
      expect(withDb.stdout).toMatch(/Tiếng Hrê \(hre\)\s+campaign\s+0\/0\s+—/);
      // --verbose lists what is still Vietnamese: a reviewed string is no longer there, a draft still is.
      const verbose = (await run(["--verbose"], env)).stdout.split("Tiếng Co (Cor) (cua), bot:")[0]!;
      expect(verbose).not.toMatch(/^ {2}menu\.prompt:/m);
      expect(verbose).toMatch(/^ {2}nav\.back:/m);
      expect(verbose).toMatch(/^ {2}goi-114: 114 là số/m);
      // CI's --check reads the files only, even with DATABASE_URL set; --database asks for the database.
      const check = await run(["--check"], env);
      expect(check.exitCode).toBe(0);
      expect(check.stdout).not.toContain("bàn dịch");
      expect((await run(["--check", "--database"], env)).stdout).toMatch(/Tiếng Hrê \(hre\)\s+bot\s+2\//);
    } finally {
      await ctx.close();
    }
  }, 60_000);
});
