/**
 * The translators' workbench in real Chromium against the real service (issue 14). A translator who speaks Hre
 * lands on the workbench, types a test string for the main menu and saves it as a draft; they cannot approve their
 * own draft and are told why; a second Hre speaker approves it and the progress moves. A clip recorded from
 * Chromium's fake microphone is heard back, saved, converted (its duration shown), approved by the second speaker,
 * and a Telegram resident who chooses Hre then gets it as a voice message with the text, from the fake Bot API.
 * A translation that drops a variable is warned about on the page and refused by the server, in words.
 *
 * Hre here is only obviously-marked test text ("[hre test] …") and a test tone: no word of the language is invented.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegramBotApi, specAvailable } from "../fakes/telegram-bot-api.ts";
import { UpdateFactory } from "../fakes/telegram-updates.ts";
import { browserAvailable, SCREENSHOTS } from "../support/browser.ts";
import { openConsoleDesk, type ConsoleDesk } from "../support/console-browser.ts";
import { makeRecording } from "../support/recordings.ts";
import { TINY_PNG } from "../support/service.ts";
import { postUpdate, TEST_BOT_TOKEN, telegramWebhookEnv } from "../support/telegram-webhook.ts";

const MENU = "Bạn cần gì? Bấm một nút bên dưới.";
const HRE_MENU = "[hre test] Bạn cần gì? (thử)";
const RECEIPT_START = "Công an đã nhận tin báo của bạn.";
const CHOOSE_LANGUAGE = "Bạn muốn dùng tiếng nào?";

describe.runIf(browserAvailable && (specAvailable() || Boolean(process.env.CI)))("the translators' workbench", () => {
  const fake = new FakeTelegramBotApi({ token: TEST_BOT_TOKEN });
  let desk: ConsoleDesk;

  beforeAll(async () => {
    const { url } = await fake.start();
    desk = await openConsoleDesk(
      [
        ["dich.a", "translator", null],
        ["dich.b", "translator", null],
        ["quantri", "admin", null],
        ["dich.moi", "translator", null],
      ],
      { env: telegramWebhookEnv(url), browserArgs: ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"] },
    );
    await desk.ctx.db.officer.updateMany({ where: { username: { in: ["dich.a", "dich.b"] } }, data: { languages: "vi,hre" } });
  }, 120_000);
  afterAll(async () => {
    await desk?.close();
    await fake.close();
  });

  const card = (page: Page, source: string) => page.locator("li.tr-entry", { has: page.locator(".tr-source", { hasText: source }) });
  const hreProgress = (page: Page) => page.locator('.tr-lang-progress[data-lang="hre"]');

  /** Narrows the list to one Vietnamese text and opens it. */
  async function open(page: Page, source: string, state?: string) {
    if (state) await page.getByLabel("Tình trạng").selectOption({ label: state });
    await page.getByLabel("Tìm kiếm").fill(source);
    const c = card(page, source).first();
    await c.getByRole("button", { name: /Dịch câu này|Mở/ }).click();
    await c.locator(".tr-editor").waitFor();
    return c;
  }

  it("a translator drafts, cannot approve their own draft, a second speaker approves, and the progress moves", async () => {
    const a = await desk.signIn("dich.a");
    // A translator has no tips: the console opens on the workbench.
    await a.getByRole("heading", { name: "Dịch tiếng dân tộc" }).waitFor();
    expect(new URL(a.url()).pathname).toBe("/console/translations");
    expect(await a.getByRole("link", { name: "Tin báo", exact: true }).count()).toBe(0);
    await expect.poll(() => hreProgress(a).innerText()).toMatch(/0\/\d+ câu đã duyệt/);
    const total = Number(/0\/(\d+) câu đã duyệt/.exec(await hreProgress(a).innerText())![1]);
    expect(total).toBeGreaterThan(100);

    const c = await open(a, MENU, "Chưa dịch");
    // The text box has the focus once a string is opened.
    expect(await a.evaluate(() => document.activeElement?.getAttribute("lang"))).toBe("hre");
    expect(new URL(a.url()).searchParams.get("state")).toBe("missing");
    expect(new URL(a.url()).searchParams.get("lang")).toBe("hre");
    // The preview is the bubble with the menu's buttons, in Vietnamese until they are translated.
    const preview = c.locator(".tr-preview");
    expect(await preview.locator(".tr-btn").allInnerTexts()).toContain("Báo tin");
    await c.getByLabel("Bản dịch tiếng Hrê").fill(HRE_MENU);
    expect(await preview.locator(".tr-bubble").last().innerText()).toBe(HRE_MENU);
    expect(await c.locator(".tr-counter").innerText()).toContain(`Telegram: ${[...HRE_MENU].length}/4.096 ký tự`);
    await c.getByRole("button", { name: "Lưu bản nháp" }).click();
    await c.locator(".tr-state", { hasText: "Bản nháp" }).first().waitFor();
    await c.getByText("Bạn là người làm bản nháp này nên không tự duyệt được.", { exact: false }).waitFor();
    expect(await c.getByRole("button", { name: "Duyệt" }).count()).toBe(0);
    await expect.poll(() => hreProgress(a).innerText()).toContain("Bản nháp 1");

    const b = await desk.signIn("dich.b", "/console/translations?lang=hre&state=draft");
    const cb = card(b, MENU);
    await cb.waitFor();
    expect(await cb.locator(".tr-text").innerText()).toBe(HRE_MENU);
    await cb.getByRole("button", { name: "Mở" }).click();
    expect(await cb.locator(".tr-review").innerText()).toContain("Người làm: Cán bộ dich.a");
    await cb.getByRole("button", { name: "Duyệt" }).click();
    await cb.locator(".tr-review .tr-state", { hasText: "Đã duyệt" }).waitFor();
    expect(await cb.locator(".tr-review").innerText()).toMatch(/duyệt bởi bạn lúc \d{2}:\d{2} \d{2}\/\d{2}\/\d{4}/);
    await expect.poll(() => hreProgress(b).innerText()).toMatch(/^Tiếng Hrê\s*1\/\d+ câu đã duyệt/);
    await b.screenshot({ path: path.join(SCREENSHOTS, "console-translations.png"), fullPage: false });

    // The first translator's form is now stale: saving it says so in words and shows the entry as it is now.
    await c.getByLabel("Bản dịch tiếng Hrê").fill(`${HRE_MENU} 2`);
    await c.getByRole("button", { name: "Lưu bản nháp" }).click();
    await c.getByText("Câu này vừa được người khác sửa hoặc duyệt.", { exact: false }).waitFor();
    await c.locator(".tr-review .tr-state", { hasText: "Đã duyệt" }).waitFor();
    expect(await c.getByText("Bản bạn vừa gõ (chưa lưu):").count()).toBe(1);
    expect(await c.getByLabel("Bản dịch tiếng Hrê").inputValue()).toBe(HRE_MENU);

    // A reviewed string can be sent back to draft by another speaker (residents get Vietnamese again).
    await c.getByLabel("Lý do trả lại (không bắt buộc)").fill("Đọc lại cho tự nhiên hơn");
    await c.getByRole("button", { name: "Trả lại bản nháp" }).click();
    await c.locator(".tr-review .tr-state", { hasText: "Bản nháp" }).waitFor();
    await expect.poll(() => hreProgress(a).innerText()).toMatch(/0\/\d+ câu đã duyệt/);

    // An administrator finds the workbench in the navigation (and still opens on the dashboard).
    const admin = await desk.signIn("quantri");
    await admin.getByRole("link", { name: "Dịch tiếng dân tộc" }).click();
    await admin.getByRole("heading", { name: "Dịch tiếng dân tộc" }).waitFor();

    const audit = await desk.svc.ctx.db.auditLog.findMany({ where: { action: { startsWith: "translation." } }, orderBy: { createdAt: "asc" } });
    expect(audit.length).toBeGreaterThanOrEqual(3);
    expect(desk.problems).toEqual([]);
  }, 90_000);

  it("records a clip in the browser, plays it back, saves it, and a Telegram resident who chose Hre gets it once approved", async () => {
    const a = await desk.signIn("dich.a", "/console/translations?lang=hre");
    const c = await open(a, MENU);
    // The text too (already there when the first test ran: then nothing changes and nothing is saved).
    await c.getByLabel("Bản dịch tiếng Hrê").fill(HRE_MENU);
    await c.getByRole("button", { name: "Lưu bản nháp" }).click();
    await c.locator(".tr-summary .tr-state", { hasText: "Bản nháp" }).waitFor();
    await c.getByRole("button", { name: "Ghi âm", exact: true }).click();
    await c.locator(".rec-clock").waitFor();
    await a.waitForTimeout(2100);
    await c.getByRole("button", { name: "Dừng" }).click();
    const save = c.getByRole("button", { name: "Lưu đoạn ghi âm" });
    await c.getByRole("button", { name: "Nghe lại" }).waitFor();
    // Nothing is saved before the translator listened to it.
    expect(await save.isDisabled()).toBe(true);
    await c.getByRole("button", { name: "Nghe lại" }).click();
    await expect.poll(() => save.isDisabled()).toBe(false);
    await save.click();
    await c.locator(".tr-duration").waitFor({ timeout: 30_000 });
    expect(await c.locator(".tr-duration").innerText()).toMatch(/^Thời lượng 0:0[123]$/);
    await c.locator(".tr-summary .tr-state", { hasText: "Bản nháp" }).waitFor();
    const row = await desk.svc.ctx.db.translation.findUniqueOrThrow({ where: { lang_key: { lang: "hre", key: "menu.prompt" } } });
    expect(row.state).toBe("draft");
    const clip = await desk.svc.ctx.db.audioClip.findUniqueOrThrow({ where: { id: row.clipId! } });
    expect(clip.durationMs).toBeGreaterThan(1500);
    expect(clip.durationMs).toBeLessThan(3500);
    expect(clip.oggFile).toBeTruthy();

    // A draft never reaches a resident: Hre chosen now gives no voice message.
    const u = new UpdateFactory({ user: { id: 8200001, first_name: "Đinh" }, firstUpdateId: 820000 });
    for (const update of [u.command("start"), u.callback("lang:hre")]) {
      expect((await postUpdate(desk.svc.url, update)).status).toBe(200);
      await desk.svc.settle();
    }
    expect(fake.callsTo("sendVoice")).toHaveLength(0);

    const b = await desk.signIn("dich.b", "/console/translations?lang=hre&state=draft");
    const cb = await open(b, MENU);
    // The second speaker hears the draft clip before approving it.
    expect(await cb.locator(".tr-clip audio source").first().getAttribute("src")).toMatch(/^\/api\/translations\/clips\/.+\.ogg$/);
    const heard = await cb.locator(".tr-clip audio").evaluate(
      (el: HTMLAudioElement) =>
        new Promise<number>((resolve) => {
          el.addEventListener("loadedmetadata", () => resolve(el.duration), { once: true });
          el.addEventListener("error", () => resolve(-1), { once: true });
          el.preload = "auto";
          el.load();
        }),
    );
    expect(heard).toBeGreaterThan(1.5);
    expect(heard).toBeLessThan(3.5);
    await cb.getByRole("button", { name: "Duyệt" }).click();
    await cb.locator(".tr-review .tr-state", { hasText: "Đã duyệt" }).waitFor();

    // Approved: the next message of a resident who chose Hre brings the clip, then the text, without a restart.
    fake.reset();
    const r = new UpdateFactory({ user: { id: 8200002, first_name: "Phạm" }, firstUpdateId: 830000 });
    for (const update of [r.command("start"), r.callback("lang:hre")]) {
      expect((await postUpdate(desk.svc.url, update)).status).toBe(200);
      await desk.svc.settle();
    }
    const calls = fake.calls.filter((x) => x.accepted && (x.method === "sendVoice" || x.method === "sendMessage"));
    const voice = calls.findIndex((x) => x.method === "sendVoice");
    expect(voice).toBeGreaterThan(-1);
    expect(calls[voice]!.files[0]?.size).toBeGreaterThan(1000);
    expect((calls[voice + 1]!.params as { text: string }).text).toBe(HRE_MENU);
    fake.assertAllValid();
    expect(desk.problems).toEqual([]);
  }, 120_000);

  it("takes a phone's recording as a file, and says in words when a file is not a recording", async () => {
    const a = await desk.signIn("dich.a", "/console/translations?lang=hre");
    const c = await open(a, CHOOSE_LANGUAGE);
    const file = c.getByLabel("Tải lên tệp ghi âm…");
    await file.setInputFiles({ name: "anh.png", mimeType: "image/png", buffer: TINY_PNG });
    await c.getByRole("button", { name: "Nghe lại" }).click();
    await c.getByRole("button", { name: "Lưu đoạn ghi âm" }).click();
    const refusal = c.locator(".tr-voice .error");
    await refusal.waitFor();
    expect(await refusal.innerText()).toContain("không phải bản ghi âm");

    await c.getByRole("button", { name: "Bỏ đoạn này" }).click();
    await file.setInputFiles({ name: "ghi-am.m4a", mimeType: "audio/mp4", buffer: makeRecording("m4a", 3) });
    await c.getByRole("button", { name: "Nghe lại" }).click();
    await c.getByRole("button", { name: "Lưu đoạn ghi âm" }).click();
    await c.locator(".tr-duration", { hasText: "Thời lượng 0:03" }).waitFor({ timeout: 30_000 });
    expect(await c.locator(".tr-summary").innerText()).toContain("Ghi âm 0:03");
    expect(await c.locator(".tr-summary .tr-text").innerText()).toBe("(chỉ có ghi âm)");
    expect(desk.problems).toEqual([]);
  }, 60_000);

  it("downloads the language as a JSON file and imports it back as drafts, naming what it refused", async () => {
    const a = await desk.signIn("dich.a", "/console/translations?lang=hre");
    await a.getByText("Làm việc ngoài trang: tải về, nhập tệp").click();
    const [download] = await Promise.all([a.waitForEvent("download"), a.getByRole("link", { name: "Tải tệp JSON" }).click()]);
    const file = JSON.parse(readFileSync((await download.path())!, "utf8")) as { bot: { menu: Record<string, string | null>; language: Record<string, string | null> } };
    expect(file.bot.menu.report).toBeNull();
    file.bot.menu.report = "[hre test] Báo tin (thử)";
    file.bot.language.saved = "[hre test] đã chọn"; // drops {{label}}: refused, with the reason
    await a.getByLabel("Nhập tệp bản dịch tiếng Hrê…").setInputFiles({ name: "hre.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(file)) });
    const result = a.locator(".tr-import-result");
    await result.waitFor();
    expect(await result.innerText()).toContain("{{label}}");
    await a.getByLabel("Tình trạng").selectOption({ label: "Bản nháp" });
    await a.getByLabel("Tìm kiếm").fill("[hre test] Báo tin");
    await card(a, "Báo tin").locator(".tr-text", { hasText: "[hre test] Báo tin (thử)" }).waitFor();
    expect(desk.problems).toEqual([]);
  }, 60_000);

  it("lets an administrator record which languages a translator speaks, and the translator is told until then", async () => {
    const fresh = await desk.signIn("dich.moi", "/console/translations?lang=hre");
    const c = await open(fresh, CHOOSE_LANGUAGE);
    await c.getByLabel("Bản dịch tiếng Hrê").fill("[hre test] tiếng nào");
    await c.getByRole("button", { name: "Lưu bản nháp" }).click();
    await c.getByText("chưa được ghi là biết Tiếng Hrê", { exact: false }).waitFor();

    const admin = await desk.signIn("quantri", "/console/officers");
    const row = admin.locator("tr", { hasText: "Cán bộ dich.moi" });
    await row.getByLabel("Tiếng Hrê").check();
    await row.getByRole("button", { name: "Lưu" }).click();
    await expect.poll(async () => (await desk.svc.ctx.db.officer.findUniqueOrThrow({ where: { username: "dich.moi" } })).languages).toBe("vi,hre");

    await c.getByRole("button", { name: "Lưu bản nháp" }).click();
    await c.locator(".tr-summary .tr-state", { hasText: "Bản nháp" }).waitFor();
    expect(desk.problems).toEqual([]);
  }, 60_000);

  it("warns about a translation that drops a variable, and shows the server's refusal", async () => {
    const a = await desk.signIn("dich.a", "/console/translations?lang=hre");
    const c = await open(a, RECEIPT_START);
    expect(await c.locator(".tr-vars").first().innerText()).toContain("{{reference}}");
    await c.getByLabel("Bản dịch tiếng Hrê").fill("[hre test] biên nhận {{secret}} {{hours}}");
    await c.getByText("Bản dịch thiếu {{reference}}", { exact: false }).waitFor();
    await c.getByRole("button", { name: "Lưu bản nháp" }).click();
    const refusal = c.locator(".tr-text-form .error");
    await refusal.waitFor();
    expect(await refusal.innerText()).toContain("{{reference}}");
    expect(await desk.svc.ctx.db.translation.count({ where: { key: "report.receipt" } })).toBe(0);

    // The chip puts the variable back; then it saves.
    await c.getByRole("button", { name: "{{reference}}" }).click();
    await c.getByRole("button", { name: "Lưu bản nháp" }).click();
    await c.locator(".tr-summary .tr-state", { hasText: "Bản nháp" }).waitFor();
    expect(desk.problems).toEqual([]);
  }, 60_000);
});
