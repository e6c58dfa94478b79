/**
 * The console's case-work flows in real Chromium against the real service, as an officer uses
 * them: merging duplicates, extending a deadline, moving a tip and confirming its commune (seen
 * live by both units), a reporter's answer marked in the queue and shown in the open tip, changing
 * one's password, the forced change of a generated password at first login, the login lockout, queue filters kept in the address, the knowledge base's
 * export and import, and the banner that protects a half-filled form from a colleague's change.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { browserAvailable, SCREENSHOTS } from "../support/browser.ts";
import { openConsoleDesk, type ConsoleDesk } from "../support/console-browser.ts";
import { chat, payloadOf, WebchatVisitor, type TestService } from "../support/service.ts";
import { ensureUnit, insertTip, type TipFixture } from "../console/support.ts";
import { fold } from "../../src/text/normalize.ts";
import { WRONG_CURRENT_PASSWORD } from "../../src/officers/change-own-password.ts";

const BATO = "DEMO-CAX-BATO";
const SONHA = "DEMO-CAX-SONHA";
const BATO_CODE = "21484";
const QUEUE_UNIT = "TEST-CAX-LOC";
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const LONG = { timeout: 20_000 };

describe.runIf(browserAvailable)("the police console: case work", () => {
  let desk: ConsoleDesk;
  let svc: TestService;
  let adminVersion: string;
  let passwords: Map<string, string>;
  let problems: string[];

  beforeAll(async () => {
    desk = await openConsoleDesk([
      ["ca.bato", "officer", BATO],
      ["ca.bato2", "officer", BATO],
      ["ca.sonha", "officer", SONHA],
      ["ca.loc", "officer", QUEUE_UNIT],
      ["doi.matkhau", "officer", BATO],
      ["bi.khoa", "officer", BATO],
      ["quantri", "admin", null],
      ["moi.vao", "officer", BATO, { firstLogin: true }],
    ]);
    ({ svc, passwords, problems } = desk);
    await ensureUnit(desk.ctx, QUEUE_UNIT);
    adminVersion = (await svc.ctx.db.adminDataVersion.findFirstOrThrow({ orderBy: { seq: "desc" } })).id;
  });
  afterAll(async () => {
    await desk?.close();
  });

  async function logIn(page: Page, username: string, password: string) {
    await page.getByLabel("Tên đăng nhập", { exact: true }).fill(username);
    await page.getByLabel("Mật khẩu", { exact: true }).fill(password);
    await page.getByRole("button", { name: "Đăng nhập" }).click();
  }

  const signIn = (username: string, at?: string) => desk.signIn(username, at);

  const fileTip = (t: TipFixture) => insertTip(desk.ctx, t);
  /** A tip in a known commune, with the data version intake would record. */
  async function fileTipIn(communeCode: string, t: TipFixture) {
    const tip = await fileTip({ ...t, communeCode });
    return svc.ctx.db.tip.update({ where: { id: tip.id }, data: { adminDataVersion: adminVersion } });
  }
  const rowOf = (page: Page, reference: string) => page.locator("table.tips tbody tr", { hasText: reference });
  const shot = (page: Page, name: string, fullPage = true) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage });
  const bannerText = (page: Page) => page.locator("#banner").innerText();
  const tipHeading = (page: Page, reference: string) => page.getByRole("heading", { name: new RegExp(reference) }).waitFor(LONG);
  const live = (page: Page) => page.locator("#live-state[data-state=on]").waitFor(LONG);
  const vnDateTime = (d: Date) => {
    const p = Object.fromEntries(
      new Intl.DateTimeFormat("vi-VN", { timeZone: "Asia/Ho_Chi_Minh", hour: "2-digit", minute: "2-digit", day: "2-digit", month: "2-digit", year: "numeric", hour12: false })
        .formatToParts(d)
        .map((x) => [x.type, x.value]),
    );
    return `${p.hour}:${p.minute} ${p.day}/${p.month}/${p.year}`;
  };

  it("suggests the earlier tip as a duplicate (saying why), merges into it, and links both ways", async () => {
    const first = await fileTipIn(BATO_CODE, {
      description: "Kẻ gian bẻ khóa trộm xe máy Wave trước cổng chợ Ba Tơ lúc chiều tối.",
      category: "theft",
      unitId: BATO,
      placeText: "cổng chợ Ba Tơ",
      createdAt: new Date(Date.now() - 3 * HOUR),
    });
    const second = await fileTipIn(BATO_CODE, {
      description: "Có người trộm xe máy Wave ở cổng chợ Ba Tơ, bẻ khóa rất nhanh.",
      category: "theft",
      unitId: BATO,
      placeText: "chợ Ba Tơ",
      createdAt: new Date(Date.now() - HOUR),
    });
    const page = await signIn("ca.bato", `/console/tips/${second.id}`);
    await tipHeading(page, second.reference);
    await page.locator("summary", { hasText: "Gộp vào tin trùng" }).click();
    const suggestion = page.locator(".suggestions .suggestion", { hasText: first.reference });
    await suggestion.waitFor(LONG);
    const text = await suggestion.innerText();
    expect(text).toContain("cùng nơi, gần cùng thời gian");
    expect(text).toContain("Xã Ba Tơ");
    expect(text).toContain("Trộm, cướp");
    await shot(page, "actions-1-duplicate-suggestions");

    await suggestion.getByRole("radio").check();
    expect(await page.locator("#merge-ref").inputValue()).toBe(first.reference);
    await page.locator("#merge-reason").fill("Cùng một vụ trộm xe ở cổng chợ.");
    await page.getByRole("button", { name: "Gộp tin" }).click();
    const confirm = page.getByRole("dialog", { name: `Gộp tin ${second.reference} vào ${first.reference}?` });
    await confirm.waitFor();
    await confirm.getByRole("button", { name: "Gộp tin" }).click();

    await page.locator(".tip-head .status", { hasText: "Trùng tin khác" }).waitFor(LONG);
    const facts = page.locator("section[aria-labelledby=h-facts] .facts");
    const original = facts.getByRole("link", { name: first.reference });
    await original.waitFor();
    expect(await page.locator(".timeline").innerText()).toContain(`gộp tin này vào tin ${first.reference}`);
    await shot(page, "actions-2-merged");

    await original.click();
    await tipHeading(page, first.reference);
    expect(page.url()).toContain(`/console/tips/${first.id}`);
    const duplicates = await page.locator("section[aria-labelledby=h-facts] .facts").innerText();
    expect(duplicates).toContain("Tin trùng đã gộp vào");
    expect(duplicates).toContain(second.reference);
    expect(await page.locator(".timeline").innerText()).toContain(`Tin ${second.reference} được gộp vào tin này`);
    await shot(page, "actions-3-original-lists-duplicate");
    expect(problems).toEqual([]);
  }, 90_000);

  it("extends the settlement deadline with a reason, and shows the server's refusal without one", async () => {
    const tip = await fileTip({ description: "Nghi có người cho vay nặng lãi, đòi nợ bằng đe dọa ở thôn 4.", category: "fraud", status: "verifying", unitId: BATO });
    const before = await svc.ctx.db.tip.findUniqueOrThrow({ where: { id: tip.id } });
    const page = await signIn("ca.bato", `/console/tips/${tip.id}`);
    await tipHeading(page, tip.reference);
    await page.locator("summary", { hasText: "Gia hạn giải quyết" }).click();
    await page.getByLabel("Thêm số ngày (1–60)").fill("15");
    // Two letters: the page sends it, and the server's rule comes back in words.
    await page.getByLabel("Lý do gia hạn").fill("ab");
    await page.getByRole("button", { name: "Gia hạn", exact: true }).click();
    const error = page.locator("details[data-key=extend] .error");
    await error.waitFor(LONG);
    expect(await error.innerText()).toContain("Lý do cần ít nhất 3 ký tự");
    await shot(page, "actions-4-extend-refused");
    // Nothing changed on the tip.
    expect((await svc.ctx.db.tip.findUniqueOrThrow({ where: { id: tip.id } })).settleExtensions).toBe(0);

    await page.getByLabel("Lý do gia hạn").fill("Cần chờ kết quả xác minh tài khoản ngân hàng.");
    await page.getByRole("button", { name: "Gia hạn", exact: true }).click();
    await page.locator("#saved", { hasText: "Đã gia hạn thêm 15 ngày." }).waitFor(LONG);
    const newDue = new Date(before.settleDueAt.getTime() + 15 * DAY);
    const deadlines = await page.locator("section[aria-labelledby=h-deadlines]").innerText();
    expect(deadlines).toContain(vnDateTime(newDue));
    expect(deadlines).not.toContain(vnDateTime(before.settleDueAt));
    expect(deadlines).toContain("Đã gia hạn 1 lần");
    const timeline = await page.locator(".timeline").innerText();
    expect(timeline).toContain(`Cán bộ ca.bato gia hạn giải quyết thêm 15 ngày (lần 1), đến ${vnDateTime(newDue)}.`);
    expect(timeline).toContain("Lý do: Cần chờ kết quả xác minh tài khoản ngân hàng.");
    expect(await page.locator("summary", { hasText: "Gia hạn giải quyết" }).innerText()).toContain(vnDateTime(newDue));
    await shot(page, "actions-5-extended");
    expect(problems).toEqual([]);
  }, 90_000);

  it("moves a tip to another unit and confirms a guessed commune: each leaves the old unit's open queue live and reaches the new one's", async () => {
    const moved = await fileTip({ description: "Nhóm thanh niên đua xe, lạng lách trên đường tỉnh lộ về đêm.", category: "traffic", unitId: BATO, placeText: "tỉnh lộ 624" });
    const guessed = await fileTip({ description: "Có người khai thác cát trái phép ở bến sông, xe tải chở ban đêm.", category: "other", unitId: BATO, placeText: "bến sông gần cầu" });
    await svc.ctx.db.tip.update({ where: { id: guessed.id }, data: { needsConfirmation: true, routeRule: "place_guess", communeCode: BATO_CODE, adminDataVersion: adminVersion } });

    const mover = await signIn("ca.bato", `/console/tips/${moved.id}`);
    const colleague = await signIn("ca.bato2");
    const receiver = await signIn("ca.sonha");
    for (const p of [mover, colleague, receiver]) await live(p);
    await rowOf(colleague, moved.reference).waitFor(LONG);
    await rowOf(colleague, guessed.reference).waitFor(LONG);
    expect(await rowOf(colleague, guessed.reference).innerText()).toContain("Cần xác nhận nơi xảy ra");
    expect(await rowOf(receiver, moved.reference).count()).toBe(0);
    await colleague.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    await receiver.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));

    // 1. Moved by hand to another unit.
    await tipHeading(mover, moved.reference);
    await mover.locator("summary", { hasText: "Chuyển đơn vị khác" }).click();
    const unitSelect = mover.getByLabel("Đơn vị nhận");
    await unitSelect.locator("option", { hasText: "Công an xã Sơn Hà" }).waitFor({ state: "attached", timeout: 20_000 });
    await unitSelect.selectOption({ label: "[DEMO] Công an xã Sơn Hà" });
    await mover.getByLabel("Lý do chuyển").fill("Đoạn đường này thuộc địa bàn xã Sơn Hà.");
    await mover.getByRole("button", { name: "Chuyển đơn vị" }).click();
    // The officer who moved it is back at the queue and told why it is no longer there.
    await mover.getByRole("heading", { name: "Tin báo", exact: true }).waitFor(LONG);
    await mover.locator("#banner", { hasText: "Tin không còn thuộc đơn vị của bạn" }).waitFor(LONG);
    expect(await bannerText(mover)).toContain("Đã chuyển tin cho [DEMO] Công an xã Sơn Hà.");
    await shot(mover, "actions-6-moved-banner", false);
    await rowOf(receiver, moved.reference).waitFor(LONG);
    await expect.poll(() => rowOf(colleague, moved.reference).count(), LONG).toBe(0);

    // 2. The commune confirmed (found by name through /api/communes): it belongs to Sơn Hà.
    await rowOf(mover, guessed.reference).getByRole("link", { name: guessed.reference }).click();
    await tipHeading(mover, guessed.reference);
    await mover.getByText("Cán bộ cần xác nhận xã, phường.").waitFor();
    const communes = mover.waitForResponse((r) => r.url().includes("/api/communes?") && r.status() === 200);
    await mover.getByLabel("Tìm xã, phường").fill("son ha");
    await communes;
    const choice = mover.getByLabel("Xã, phường", { exact: true });
    await expect.poll(() => choice.inputValue(), LONG).toBe("21289");
    expect(await choice.locator("option:checked").innerText()).toContain("Xã Sơn Hà");
    await mover.locator("#commune-reason").fill("Đã gọi lại người báo tin: bến sông thuộc xã Sơn Hà.");
    await shot(mover, "actions-7-confirm-commune");
    await mover.getByRole("button", { name: "Xác nhận nơi xảy ra" }).click();
    await mover.getByRole("heading", { name: "Tin báo", exact: true }).waitFor(LONG);
    await mover.locator("#banner", { hasText: "Đã xác nhận nơi xảy ra." }).waitFor(LONG);

    await rowOf(receiver, guessed.reference).waitFor(LONG);
    const row = await rowOf(receiver, guessed.reference).innerText();
    expect(row).toContain("Xã Sơn Hà");
    expect(row).not.toContain("Cần xác nhận nơi xảy ra");
    await expect.poll(() => rowOf(colleague, guessed.reference).count(), LONG).toBe(0);
    expect(await rowOf(mover, guessed.reference).count()).toBe(0);
    // Live: neither queue was reloaded.
    expect(await colleague.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    expect(await receiver.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    await shot(receiver, "actions-8-new-unit-queue");

    // The new unit's file tells the story.
    await rowOf(receiver, guessed.reference).getByRole("link", { name: guessed.reference }).click();
    await tipHeading(receiver, guessed.reference);
    const timeline = await receiver.locator(".timeline").innerText();
    expect(timeline).toContain("Cán bộ ca.bato chuyển tin từ [DEMO] Công an xã Ba Tơ sang [DEMO] Công an xã Sơn Hà. Xác nhận nơi xảy ra: Xã Sơn Hà.");
    const place = await receiver.locator("section[aria-labelledby=h-place]").innerText();
    expect(place).toContain("Xã Sơn Hà");
    expect(place).not.toContain("21289"); // the commune's code stays out of sight
    expect(problems).toEqual([]);
  }, 120_000);

  it("marks a tip with a new reply in the open queue, and shows the reporter's answer in the open tip, without a reload", async () => {
    // A resident reports from the web chat, as the chat page does it.
    const v = new WebchatVisitor(svc.url);
    const say = (body: Record<string, unknown>) => chat(svc, v, body);
    await v.open();
    await say({ text: "xin chào" });
    await say({ button: "lang:vi" });
    let bot = await say({ button: "menu:report" });
    bot = await say({ button: payloadOf(bot, "Trộm, cướp") });
    bot = await say({ text: "Có kẻ lạ đột nhập kho lúa nhà văn hóa thôn 7, lấy mất hai bao thóc." });
    bot = await say({ button: payloadOf(bot, "Bỏ qua") });
    bot = await say({ text: "ba to" });
    bot = await say({ button: payloadOf(bot, "Đúng") });
    bot = await say({ button: payloadOf(bot, "Hôm nay") });
    bot = await say({ button: payloadOf(bot, "Giữ kín tên") });
    const before = (await v.messages()).length;
    await say({ button: payloadOf(bot, "Gửi tin báo") });
    const reference = (await v.messages()).slice(before).find((m) => m.text?.includes("Mã tin báo"))?.text?.match(/QN-[A-Z0-9]+/)?.[0];
    expect(reference).toBeTruthy();
    const tip = await svc.ctx.db.tip.findUniqueOrThrow({ where: { reference: reference! } });
    expect(tip.unitId).toBe(BATO);

    // The officer asks a question from the tip page, then goes back to the queue.
    const page = await signIn("ca.bato", `/console/tips/${tip.id}`);
    await tipHeading(page, reference!);
    await live(page);
    const question = "Bạn có thấy kẻ lạ đi xe gì không?";
    await page.getByLabel("Tin nhắn cho người báo tin").fill(question);
    await page.getByRole("button", { name: "Gửi cho người báo tin" }).click();
    await page.locator(".thread .msg.out", { hasText: question }).waitFor(LONG);
    await page.getByRole("link", { name: "← Danh sách tin báo" }).click();
    const row = rowOf(page, reference!);
    await row.waitFor(LONG);
    expect(await row.locator(".badge.reply").count()).toBe(0);
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));

    // The resident reads it in the chat and answers.
    await svc.settle();
    const asked = await v.lastBotMessage();
    expect(asked?.text).toContain(question);
    await say({ text: "Xe máy Sirius màu xanh, không biển số." });
    await row.locator(".badge.reply", { hasText: "Tin nhắn mới" }).waitFor(LONG);
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    await shot(page, "actions-9-queue-new-reply");

    // Opening the tip shows the answer, and the mark goes once it has been read.
    await row.getByRole("link", { name: reference! }).click();
    await tipHeading(page, reference!);
    await page.locator(".thread .msg.in", { hasText: "Xe máy Sirius màu xanh, không biển số." }).waitFor(LONG);
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));

    // With the tip open, the resident answers again (the "Trả lời" button under the officer's message).
    bot = await say({ button: payloadOf(asked, "Trả lời") });
    await say({ text: "Nó chạy về hướng cầu treo." });
    await page.locator(".thread .msg.in", { hasText: "Nó chạy về hướng cầu treo." }).waitFor(LONG);
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    expect(await page.locator(".timeline").innerText()).toContain("Người báo tin gửi tin nhắn.");
    await shot(page, "actions-10-tip-live-answer");

    await page.getByRole("link", { name: "← Danh sách tin báo" }).click();
    await rowOf(page, reference!).waitFor(LONG);
    expect(await rowOf(page, reference!).locator(".badge.reply").count()).toBe(0);
    expect(problems).toEqual([]);
  }, 120_000);

  it("changes the officer's own password: the server's refusal first, then only the new one opens the console", async () => {
    const page = await signIn("doi.matkhau");
    const dialog = page.getByRole("dialog", { name: "Đổi mật khẩu" });
    const newPassword = "mua-xuan-tren-song-tra-2025";
    await page.getByRole("button", { name: "Đổi mật khẩu" }).click();
    await dialog.waitFor();
    await dialog.getByLabel("Mật khẩu hiện tại").fill("khong-phai-mat-khau-nay");
    await dialog.locator("#pw-new").fill(newPassword);
    await dialog.getByLabel("Nhập lại mật khẩu mới").fill(newPassword);
    await dialog.getByRole("button", { name: "Đổi mật khẩu" }).click();
    const error = page.locator("#password-error");
    await error.waitFor({ state: "visible", timeout: 20_000 });
    expect(await error.innerText()).toBe(WRONG_CURRENT_PASSWORD);
    await shot(page, "actions-11-password-wrong", false);
    // Still signed in: the dialog stays, the session too.
    expect(await dialog.isVisible()).toBe(true);

    await dialog.getByLabel("Mật khẩu hiện tại").fill(passwords.get("doi.matkhau")!);
    await dialog.getByRole("button", { name: "Đổi mật khẩu" }).click();
    await dialog.waitFor({ state: "hidden", timeout: 20_000 });
    await page.locator("#banner", { hasText: "Đã đổi mật khẩu." }).waitFor();

    await page.getByRole("button", { name: "Đăng xuất" }).click();
    await page.getByRole("heading", { name: "Đăng nhập" }).waitFor();
    await logIn(page, "doi.matkhau", passwords.get("doi.matkhau")!);
    await page.getByRole("alert").filter({ hasText: "Sai tên đăng nhập hoặc mật khẩu." }).waitFor(LONG);
    await logIn(page, "doi.matkhau", newPassword);
    await page.getByRole("navigation", { name: "Chức năng" }).waitFor(LONG);
    expect(await page.locator("#who-name").innerText()).toContain("Cán bộ doi.matkhau");
    expect(problems).toEqual([]);
  }, 90_000);

  it("takes an officer on a generated password straight to choosing their own, and opens the console only after", async () => {
    const page = await desk.page("moi.vao");
    await page.goto(`${svc.url}/console/tips/khong-co`);
    await page.getByRole("heading", { name: "Đăng nhập" }).waitFor();
    await logIn(page, "moi.vao", passwords.get("moi.vao")!);
    const main = page.getByRole("main");
    await main.getByRole("heading", { name: "Đổi mật khẩu" }).waitFor(LONG);
    expect(await main.innerText()).toContain("Bạn đang dùng mật khẩu do quản trị hệ thống cấp");
    expect(await page.getByRole("navigation", { name: "Chức năng" }).isVisible()).toBe(false);
    expect(await page.getByRole("button", { name: "Đăng xuất" }).isVisible()).toBe(true);
    await shot(page, "actions-11b-first-password", false);

    // A weak choice is refused with what to do instead.
    await main.getByLabel("Mật khẩu đang dùng (được cấp)").fill(passwords.get("moi.vao")!);
    await main.getByLabel("Mật khẩu mới của bạn").fill("aaaaaaaaaaaa");
    await main.getByLabel("Nhập lại mật khẩu mới").fill("aaaaaaaaaaaa");
    await main.getByRole("button", { name: "Đổi mật khẩu và bắt đầu làm việc" }).click();
    const alert = main.getByRole("alert");
    await alert.filter({ hasText: "lặp lại một ký tự" }).waitFor(LONG);
    expect(await alert.innerText()).toContain("Hãy ghép 4–5 từ ngẫu nhiên");

    const own = "sao-khuya-tren-nui-an-2026";
    await main.getByLabel("Mật khẩu mới của bạn").fill(own);
    await main.getByLabel("Nhập lại mật khẩu mới").fill(own);
    await main.getByRole("button", { name: "Đổi mật khẩu và bắt đầu làm việc" }).click();
    await page.getByRole("navigation", { name: "Chức năng" }).waitFor(LONG);
    await page.locator("#banner", { hasText: "Đã đổi mật khẩu." }).waitFor(LONG);
    expect(await page.getByRole("button", { name: "Đổi mật khẩu" }).isVisible()).toBe(true);

    // The generated password no longer opens anything; the officer's own goes straight to work.
    await page.getByRole("button", { name: "Đăng xuất" }).click();
    await page.getByRole("heading", { name: "Đăng nhập" }).waitFor();
    await logIn(page, "moi.vao", passwords.get("moi.vao")!);
    await page.getByRole("alert").filter({ hasText: "Sai tên đăng nhập hoặc mật khẩu." }).waitFor(LONG);
    await logIn(page, "moi.vao", own);
    await page.getByRole("navigation", { name: "Chức năng" }).waitFor(LONG);
    expect(problems).toEqual([]);
  }, 90_000);

  it("locks the login after five wrong passwords and says in how many minutes, and at what time, to try again", async () => {
    const page = await desk.page("lockout");
    await page.goto(`${svc.url}/console`);
    await page.getByRole("heading", { name: "Đăng nhập" }).waitFor();
    const alert = page.locator("form.login .error");
    for (let i = 1; i <= 5; i++) {
      await logIn(page, "bi.khoa", `sai-mat-khau-${i}`);
      await alert.filter({ hasText: "Sai tên đăng nhập hoặc mật khẩu." }).waitFor(LONG);
      await expect.poll(() => page.getByLabel("Mật khẩu", { exact: true }).inputValue()).toBe("");
    }
    // Even the right password is refused now, with the time to come back.
    const started = Date.now();
    await logIn(page, "bi.khoa", passwords.get("bi.khoa")!);
    await alert.filter({ hasText: "tạm khóa" }).waitFor(LONG);
    const message = await alert.innerText();
    const m = /thử lại sau (\d+) phút \(lúc (\d{2}):(\d{2})\)/.exec(message);
    expect(m, message).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(14);
    expect(Number(m![1])).toBeLessThanOrEqual(15);
    const retryAt = vnDateTime(new Date(started + 15 * 60_000)).slice(0, 5);
    const retryAtEarly = vnDateTime(new Date(started + 14 * 60_000)).slice(0, 5);
    expect([retryAt, retryAtEarly]).toContain(`${m![2]}:${m![3]}`);
    expect(await page.getByRole("navigation", { name: "Chức năng" }).isVisible()).toBe(false);
    await shot(page, "actions-12-lockout", false);
    expect(problems).toEqual([]);
  }, 90_000);

  it("keeps queue filters in the address across a reload, lists what matches, and loads the next page", async () => {
    const now = Date.now();
    const matching: string[] = [];
    for (let i = 0; i < 55; i++) {
      await fileTip({ description: `Chặt phá rừng keo lần ${i + 1} ở khe suối thôn ${i % 9}.`, category: "forest", unitId: QUEUE_UNIT, createdAt: new Date(now - (i + 1) * 60_000) });
    }
    for (let i = 0; i < 3; i++) {
      // Filed 25 days ago, still being verified: past the 20-day settlement deadline.
      const t = await fileTip({ description: `Lừa đảo chiếm đoạt tiền qua mạng, vụ ${i + 1}.`, category: "fraud", status: "verifying", unitId: QUEUE_UNIT, createdAt: new Date(now - (25 + i) * DAY) });
      matching.push(t.reference);
    }
    await fileTip({ description: "Lừa đảo bán hàng online, chưa quá hạn.", category: "fraud", status: "verifying", unitId: QUEUE_UNIT, createdAt: new Date(now - 2 * DAY) });
    await fileTip({ description: "Lừa đảo nhận quà trúng thưởng, quá hạn nhưng mới tiếp nhận.", category: "fraud", status: "received", unitId: QUEUE_UNIT, createdAt: new Date(now - 25 * DAY) });
    await fileTip({ description: "Rừng phòng hộ bị đốt, quá hạn đang xác minh.", category: "forest", status: "verifying", unitId: QUEUE_UNIT, createdAt: new Date(now - 25 * DAY) });
    const total = 55 + 3 + 3;

    const page = await signIn("ca.loc");
    const rows = page.locator("table.tips tbody tr");
    await expect.poll(() => rows.count(), LONG).toBe(50);
    // The count is the whole filter's (GET /api/tips/count), not the page's.
    await expect.poll(() => page.locator(".page-head .count").innerText(), LONG).toBe(`${total} tin`);

    const listed = (p: Page) => p.waitForResponse((r) => new URL(r.url()).pathname === "/api/tips" && r.status() === 200, LONG);
    let done = listed(page);
    await page.getByLabel("Trạng thái", { exact: true }).selectOption({ label: "Đang xác minh" });
    await done;
    done = listed(page);
    await page.getByLabel("Loại tin").selectOption({ label: "Lừa đảo" });
    await done;
    done = listed(page);
    await page.getByLabel("Chỉ tin quá hạn").check();
    await done;
    await expect.poll(() => rows.count(), LONG).toBe(3);
    const url = new URL(page.url());
    expect(url.pathname).toBe("/console/tips");
    expect(Object.fromEntries(url.searchParams)).toEqual({ status: "verifying", category: "fraud", overdue: "true" });
    const check = async () => {
      const texts = await rows.allInnerTexts();
      expect(texts).toHaveLength(3);
      for (const ref of matching) expect(texts.some((t) => t.includes(ref))).toBe(true);
      for (const t of texts) {
        expect(t).toContain("Đang xác minh");
        expect(t).toContain("Lừa đảo");
        expect(t).toContain("quá hạn");
      }
    };
    await check();
    await shot(page, "actions-13-queue-filtered");

    await page.reload();
    await page.getByRole("navigation", { name: "Chức năng" }).waitFor(LONG);
    await expect.poll(() => rows.count(), LONG).toBe(3);
    expect(await page.locator("#f-status").inputValue()).toBe("verifying");
    expect(await page.locator("#f-category").inputValue()).toBe("fraud");
    expect(await page.locator("#f-overdue").isChecked()).toBe(true);
    await check();

    // Back to everything: 50 at a time, then the rest.
    await page.getByRole("button", { name: "Xóa bộ lọc" }).click();
    await expect.poll(() => rows.count(), LONG).toBe(50);
    expect(new URL(page.url()).search).toBe("");
    const more = page.getByRole("button", { name: "Xem thêm" });
    await more.waitFor({ state: "visible" });
    await shot(page, "actions-14-queue-first-page");
    await more.click();
    await expect.poll(() => rows.count(), LONG).toBe(total);
    const ids = await rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.id));
    expect(new Set(ids).size).toBe(total);
    expect(await more.isVisible()).toBe(false);
    expect(await page.locator(".page-head .count").innerText()).toBe(`${total} tin`);
    expect(problems).toEqual([]);
  }, 120_000);

  it("exports the knowledge base as a file, and imports an edited copy with counts of what was added and changed", async () => {
    const page = await signIn("quantri", "/console/faq");
    await page.locator(".faq-list .card").first().waitFor(LONG);
    const entriesBefore = await svc.ctx.db.faqEntry.count();
    const downloading = page.waitForEvent("download", LONG);
    await page.getByRole("link", { name: "Xuất tệp" }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe("hoi-dap.json");
    const file = JSON.parse(await readFile((await download.path())!, "utf8")) as {
      format: string;
      version: number;
      entries: { id: string; version: number; questions: string[]; answer: { vi: string }; tags: string[]; reviewedBy: string; reviewedAt: string }[];
    };
    expect(file.format).toBe("tin-bao-faq");
    expect(file.entries.length).toBe(entriesBefore);

    const edited = structuredClone(file);
    const changed = edited.entries[0]!;
    changed.answer.vi = `${changed.answer.vi} Mọi thắc mắc xin gọi Công an xã trong giờ hành chính.`;
    edited.entries.push({
      id: "bao-tin-qua-web-chat",
      version: 1,
      tags: ["bao-tin"],
      questions: ["Tôi báo tin qua web chat được không?"],
      answer: { vi: "Được. Mở trang báo tin, chọn «Báo tin» rồi làm theo hướng dẫn." },
      reviewedBy: "Cán bộ quantri",
      reviewedAt: "2025-08-20",
    });
    const editedPath = path.join(svc.dir, "hoi-dap-da-sua.json");
    await writeFile(editedPath, JSON.stringify(edited, null, 2));
    await page.locator("#faq-import").setInputFiles(editedPath);
    await page.locator("#banner", { hasText: "Đã nhập tệp" }).waitFor(LONG);
    expect(await bannerText(page)).toContain(`Đã nhập tệp: thêm 1, sửa 1, giữ nguyên ${file.entries.length - 1} mục.`);
    await page.getByText("Tôi báo tin qua web chat được không?").waitFor(LONG);
    await page.getByLabel("Tìm kiếm").fill("giờ hành chính");
    await expect.poll(async () => (await page.locator(".faq-list .card").first().innerText()).includes(changed.questions[0]!), LONG).toBe(true);
    await shot(page, "actions-15-faq-imported", false);
    expect(problems).toEqual([]);
  }, 90_000);

  it("warns an officer with a half-filled form that a colleague changed the tip, keeps the draft, and reloads on request", async () => {
    const tip = await fileTip({ description: "Hàng xóm nghi có người tàng trữ pháo nổ trong nhà kho.", category: "other", unitId: BATO });
    const drafting = await signIn("ca.bato2", `/console/tips/${tip.id}`);
    const other = await signIn("ca.bato", `/console/tips/${tip.id}`);
    await tipHeading(drafting, tip.reference);
    await live(drafting);
    await drafting.getByLabel("Trạng thái mới").selectOption({ label: "Đang xác minh" });
    await drafting.locator("#status-reason").fill("Đã hẹn tổ dân phố cùng kiểm tra nhà kho.");
    await drafting.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));

    await tipHeading(other, tip.reference);
    // A colleague's internal note changes nothing the form relies on: it shows up, with no warning and the draft kept.
    await other.locator("#note").fill("Trưởng thôn xác nhận nhà kho có khóa.");
    await other.getByRole("button", { name: "Lưu ghi chú" }).click();
    await drafting.locator(".notes", { hasText: "Trưởng thôn xác nhận nhà kho có khóa." }).waitFor(LONG);
    expect(await drafting.locator("#banner").filter({ hasText: "vừa có thay đổi" }).count()).toBe(0);
    expect(await drafting.locator("#status-reason").inputValue()).toBe("Đã hẹn tổ dân phố cùng kiểm tra nhà kho.");

    await other.getByRole("button", { name: "Nhận xử lý" }).click();
    await other.getByText("Cán bộ thụ lý: Cán bộ ca.bato").waitFor(LONG);

    const banner = drafting.locator("#banner");
    await banner.filter({ hasText: "vừa có thay đổi" }).waitFor(LONG);
    expect(fold(await bannerText(drafting))).toContain("tai lai");
    // Nothing was swapped under the officer's hands.
    expect(await drafting.locator("#status-next").inputValue()).toBe("verifying");
    expect(await drafting.locator("#status-reason").inputValue()).toBe("Đã hẹn tổ dân phố cùng kiểm tra nhà kho.");
    expect(await drafting.getByText("Chưa giao cho cán bộ nào.").count()).toBe(1);
    await shot(drafting, "actions-16-stale-banner");

    await banner.getByRole("button", { name: "Tải lại" }).click();
    await drafting.getByText("Cán bộ thụ lý: Cán bộ ca.bato").waitFor(LONG);
    expect(await banner.isVisible()).toBe(false);
    expect(await drafting.locator("#status-next").inputValue()).toBe("verifying");
    expect(await drafting.locator("#status-reason").inputValue()).toBe("Đã hẹn tổ dân phố cùng kiểm tra nhà kho.");
    expect(await drafting.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    // Sent now, with the fresh version: accepted.
    await drafting.getByRole("button", { name: "Cập nhật trạng thái" }).click();
    await drafting.locator(".tip-head .status", { hasText: "Đang xác minh" }).waitFor(LONG);
    await shot(drafting, "actions-17-after-reload-saved");
    expect(problems).toEqual([]);
  }, 90_000);
});
