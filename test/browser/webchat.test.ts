/** A resident on a phone-sized screen: the web chat in real Chromium against the real service. */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { browserAvailable, launchBrowser, SCREENSHOTS } from "../support/browser.ts";
import { startTestService, type TestService } from "../support/service.ts";
import { secretHash } from "../../src/tips/create-tip.ts";

describe.runIf(browserAvailable)("the web chat page", () => {
  let svc: TestService;
  let browser: Browser;

  beforeAll(async () => {
    svc = await startTestService();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await svc?.close();
  });

  /** A phone-sized page on the chat (`height` 640: a small phone; `on`: another browser, `url`: another address). */
  async function phone(options: { height?: number; permissions?: string[]; geolocation?: { latitude: number; longitude: number }; on?: Browser; url?: string } = {}): Promise<Page> {
    const context = await (options.on ?? browser).newContext({
      viewport: { width: 360, height: options.height ?? 740 },
      locale: "vi-VN",
      hasTouch: true,
      geolocation: options.geolocation,
    });
    if (options.permissions) await context.grantPermissions(options.permissions, { origin: options.url ?? svc.url });
    const page = await context.newPage();
    page.on("dialog", (d) => {
      throw new Error(`unexpected dialog: ${d.message()}`);
    });
    await page.goto(`${options.url ?? svc.url}/chat`);
    return page;
  }
  const type = async (page: Page, text: string) => {
    await page.locator("#text").fill(text);
    await page.locator("#text").press("Enter");
  };
  const tap = async (page: Page, label: string) => {
    const button = page.getByRole("button", { name: label, exact: true }).last();
    await button.waitFor({ timeout: 10_000 });
    await button.click();
  };
  const botSays = (page: Page, text: string) => page.getByText(text, { exact: false }).last().waitFor({ timeout: 10_000 });
  /** Does `action`, then waits for one more bot message containing `text` (a prompt seen before does not count). */
  async function botSaysAgain(page: Page, text: string, action: () => Promise<void>): Promise<void> {
    const before = await page.locator(".msg.out", { hasText: text }).count();
    await action();
    await page.locator(".msg.out", { hasText: text }).nth(before).waitFor({ timeout: 10_000 });
  }
  /** The two codes as the receipt card shows them (the secret in two groups of four for reading aloud). */
  async function receiptCodes(page: Page): Promise<{ reference: string; secret: string }> {
    const codes = page.locator(".msg.out .receipt dd");
    await codes.nth(1).waitFor({ timeout: 10_000 });
    const [reference, secret] = await codes.allInnerTexts();
    expect(secret).toMatch(/^\d{4} \d{4}$/);
    return { reference: reference!, secret: secret!.replace(/\s/g, "") };
  }
  /** Where an element is, against the scrolling conversation's visible box (in CSS pixels of the phone). */
  async function placeInLog(page: Page, locator: ReturnType<Page["locator"]>) {
    const log = (await page.locator("#log").boundingBox())!;
    const box = (await locator.boundingBox())!;
    return { top: box.y - log.y, bottom: box.y + box.height - log.y, left: box.x, right: box.x + box.width, visibleHeight: log.height };
  }
  async function inView(page: Page, locator: ReturnType<Page["locator"]>): Promise<boolean> {
    const p = await placeInLog(page, locator);
    return p.top >= -0.5 && p.bottom <= p.visibleHeight + 0.5 && p.left >= 0 && p.right <= 360;
  }
  /** Language, "Báo tin", a category and the story: the report then asks for evidence. */
  async function startReport(page: Page): Promise<void> {
    await tap(page, "Tiếng Việt");
    await tap(page, "Báo tin");
    await tap(page, "Ma túy");
    await botSays(page, "Chuyện gì đã xảy ra?");
    await type(page, "Có người bán ma túy ở bến xe, tối nào cũng có.");
    await tap(page, "Bỏ qua");
    await botSays(page, "xảy ra ở đâu");
  }
  /** Sends the reviewed report and waits for the receipt card and the menu that follows it. */
  async function sendReport(page: Page): Promise<{ reference: string; secret: string }> {
    await botSaysAgain(page, "Bạn cần gì?", () => tap(page, "Gửi tin báo"));
    const codes = await receiptCodes(page);
    const tip = await svc.ctx.db.tip.findUnique({ where: { reference: codes.reference }, select: { secretHash: true } });
    expect(tip?.secretHash).toBe(secretHash(svc.ctx.vault, codes.reference, codes.secret));
    return codes;
  }

  it("lets a resident report a tip by tapping and typing, ending with the receipt code", async () => {
    const page = await phone();
    // The bot greets a first visit without waiting to be spoken to.
    await botSays(page, "Đây là kênh báo tin của Công an tỉnh Quảng Ngãi");
    await botSays(page, "Bạn muốn dùng tiếng nào?");
    await page.screenshot({ path: path.join(SCREENSHOTS, "webchat-1-language.png") });
    await tap(page, "Tiếng Việt");
    await tap(page, "Báo tin");
    await tap(page, "Ma túy");
    await botSays(page, "Chuyện gì đã xảy ra?");
    await type(page, "Có người bán ma túy ở bến xe, tối nào cũng có. <img src=x onerror=alert(1)>");
    await tap(page, "Bỏ qua");
    await botSays(page, "xảy ra ở đâu");
    await type(page, "Bến xe thôn 3");
    await tap(page, "Hôm nay");
    await tap(page, "Giữ kín tên");
    await botSays(page, "Bạn xem lại tin báo");
    // Text a resident typed is shown as text, never run as HTML.
    await expect(page.getByText("<img src=x onerror=alert(1)>", { exact: false }).last().isVisible()).resolves.toBe(true);
    expect(await page.locator("img[src=x]").count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, "webchat-2-confirm.png"), fullPage: true });
    await tap(page, "Gửi tin báo");
    const { reference } = await receiptCodes(page);
    await page.screenshot({ path: path.join(SCREENSHOTS, "webchat-3-receipt.png") });
    expect(reference).toMatch(/^QN-[A-Z0-9]+$/);
    expect(await svc.ctx.db.tip.count({ where: { reference } })).toBe(1);
  });

  it("works with the keyboard alone", async () => {
    const page = await phone();
    await botSays(page, "Bạn muốn dùng tiếng nào?");
    await page.keyboard.press("Tab"); // skip link
    await page.keyboard.press("Enter"); // to the message field
    await page.keyboard.type("xin chào");
    await page.keyboard.press("Enter");
    await botSays(page, "Chưa hiểu ý bạn");
    // Focus moves to the newest choices; Enter picks the focused one.
    const first = page.getByRole("button", { name: "Tiếng Việt", exact: true }).last();
    await first.focus();
    await page.keyboard.press("Enter");
    await botSays(page, "Bạn cần gì?");
    let reached = false;
    for (let i = 0; i < 12 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = (await page.evaluate(() => document.activeElement?.textContent?.trim())) === "Báo tin";
    }
    expect(reached).toBe(true);
    await page.keyboard.press("Enter");
    await botSays(page, "Bạn muốn báo về việc gì?");
  });
  it("shows the receipt as a card with the two codes large, still on a small screen after the menu arrives", { timeout: 60_000 }, async () => {
    const page = await phone({ height: 640, geolocation: { latitude: 15.12, longitude: 108.8 }, permissions: ["geolocation", "clipboard-read", "clipboard-write"] });
    await startReport(page);

    // The prompt names «Gửi vị trí», and that button is right under it; it sends the phone's position.
    await botSays(page, "Bấm “Gửi vị trí”");
    const pin = page.locator(".msg.out").last().getByRole("button", { name: "Gửi vị trí", exact: true });
    expect(await pin.isVisible()).toBe(true);
    await pin.click();
    await botSays(page, "15.12000, 108.80000");
    await botSays(page, "Việc này xảy ra khi nào?");
    await tap(page, "Hôm nay");
    await tap(page, "Để lại tên");
    await botSays(page, "Bạn tên là gì?");
    await type(page, "Nguyễn Văn An");

    // No phone button on a web page, so the bot asks for the number in words and shows no form.
    await botSays(page, "Bạn gõ số, ví dụ 0912 345 678");
    expect(await page.getByText("Gửi số điện thoại").count()).toBe(0);
    expect(await page.locator("input[type=tel], form.contact").count()).toBe(0);
    await type(page, "0912 345 678");
    await botSays(page, "Người báo: Nguyễn Văn An, 0912345678");

    const { reference, secret } = await sendReport(page);
    await page.screenshot({ path: path.join(SCREENSHOTS, "webchat-4-receipt-640.png") });
    const card = page.locator(".msg.out .receipt");
    const codes = card.locator("dd");
    // The menu came after the receipt and the burst is taller than the screen: the view keeps the codes, not the menu's end.
    const menu = page.locator(".msg.out").last();
    expect(await menu.innerText()).toContain("Bạn cần gì?");
    const burst = { top: (await placeInLog(page, card)).top, bottom: (await placeInLog(page, menu)).bottom };
    expect(burst.bottom - burst.top).toBeGreaterThan((await placeInLog(page, card)).visibleHeight);
    expect(await inView(page, codes.nth(0))).toBe(true);
    expect(await inView(page, codes.nth(1))).toBe(true);
    expect(await page.locator("#jump").isVisible()).toBe(true); // "Có tin nhắn mới ↓": the menu waits below
    // Large and monospaced, so they read aloud without mistakes.
    const style = await codes.nth(0).evaluate((el) => ({ size: parseFloat(getComputedStyle(el).fontSize), family: getComputedStyle(el).fontFamily }));
    expect(style.size).toBeGreaterThanOrEqual(26);
    expect(style.family).toMatch(/mono/i);
    // Text, not a picture: a screen reader reads both codes with their names, and the advice to keep them.
    const spoken = await card.ariaSnapshot();
    expect(spoken).toContain(reference);
    expect(spoken).toContain(secret.slice(0, 4));
    expect(spoken).toMatch(/Mã tin báo/);
    expect(spoken).toMatch(/Mã bí mật/);
    expect(await card.getByText("Chụp màn hình hoặc ghi lại hai mã này").isVisible()).toBe(true);

    // One button copies both codes, with their names, and says so where the resident looks.
    const copy = card.getByRole("button", { name: "Sao chép hai mã" });
    await copy.click();
    await card.getByRole("button", { name: "Đã chép ✓" }).waitFor({ timeout: 5_000 });
    expect(await inView(page, card.locator("button.copy"))).toBe(true);
    expect(await card.getByRole("status").innerText()).toMatch(/^Đã chép hai mã/);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`Mã tin báo: ${reference}\nMã bí mật: ${secret}`);
    await page.screenshot({ path: path.join(SCREENSHOTS, "webchat-5-receipt-copied.png") });
    // Coming back to the page later shows the same: the latest answer from its start, not the menu's end.
    await page.reload();
    await receiptCodes(page);
    expect(await inView(page, codes.nth(0))).toBe(true);
    expect(await inView(page, codes.nth(1))).toBe(true);

    // The whole card and the menu under it, on a tall screen, for people to look at.
    await page.setViewportSize({ width: 360, height: 1200 });
    await page.locator("#log").evaluate((log) => (log.scrollTop = log.scrollHeight));
    await page.screenshot({ path: path.join(SCREENSHOTS, "webchat-5-receipt-card.png") });
  });

  it("keeps the first line of an answer on screen when «Câu trả lời có giúp bạn không?» follows it", async () => {
    const page = await phone({ height: 640 });
    await tap(page, "Tiếng Việt");
    await tap(page, "Hỏi đáp");
    await botSays(page, "Bạn muốn hỏi gì?");
    await botSaysAgain(page, "Câu trả lời có giúp bạn không?", () => type(page, "Bị lừa chuyển tiền rồi phải làm sao?"));
    await page.screenshot({ path: path.join(SCREENSHOTS, "webchat-6-answer-640.png") });
    const answer = page.locator(".msg.out", { hasText: "Bạn làm ngay:" }).last();
    const feedback = page.locator(".msg.out").last();
    const top = await placeInLog(page, answer);
    // The answer and the question together do not fit: scrolling to the end would hide the answer's start.
    expect((await placeInLog(page, feedback)).bottom - top.top).toBeGreaterThan(top.visibleHeight);
    const firstLine = await answer.locator("p.text").evaluate((el) => parseFloat(getComputedStyle(el).lineHeight));
    const text = await placeInLog(page, answer.locator("p.text"));
    expect(text.top).toBeGreaterThanOrEqual(0);
    expect(text.top + firstLine).toBeLessThanOrEqual(text.visibleHeight);
    // The buttons under the question are one tap away.
    await page.locator("#jump").click();
    await botSaysAgain(page, "Cảm ơn bạn", () => tap(page, "Có"));
  });
  it("copies the codes on a page served without https, where there is no clipboard API and no position to share", { timeout: 60_000 }, async () => {
    // The service under a plain name, not localhost: not a secure context, like plain http on an office network.
    const insecure = await launchBrowser(["--host-resolver-rules=MAP tinbao.test 127.0.0.1"]);
    try {
      const page = await phone({ height: 640, on: insecure, url: `http://tinbao.test:${new URL(svc.url).port}` });
      expect(await page.evaluate(() => [window.isSecureContext, typeof navigator.clipboard])).toEqual([false, "undefined"]);
      await startReport(page);
      // Browsers give no position to such a page: the resident is told so, and types the place.
      await page.locator(".msg.out").last().getByRole("button", { name: "Gửi vị trí", exact: true }).click();
      await page.locator(".note", { hasText: "Không lấy được vị trí. Bạn có thể gõ tên xã, phường hoặc địa chỉ." }).waitFor({ timeout: 10_000 });
      await type(page, "Bến xe thôn 3");
      await tap(page, "Hôm nay");
      await tap(page, "Giữ kín tên");
      await botSays(page, "Bạn xem lại tin báo");
      const { reference, secret } = await sendReport(page);

      const card = page.locator(".msg.out .receipt");
      await card.locator("button.copy").click();
      await card.getByRole("button", { name: "Đã chép ✓" }).waitFor({ timeout: 5_000 });
      await page.screenshot({ path: path.join(SCREENSHOTS, "webchat-7-copied-without-https.png") });
      // What the old way (a selected text and "copy") put on the clipboard, read by a page allowed to read it.
      await page.context().grantPermissions(["clipboard-read"], { origin: svc.url });
      const reader = await page.context().newPage();
      await reader.goto(`${svc.url}/chat`);
      await reader.bringToFront();
      expect(await reader.evaluate(() => navigator.clipboard.readText())).toBe(`Mã tin báo: ${reference}\nMã bí mật: ${secret}`);

      // A browser that refuses even that: the codes are selected for the phone's own "copy", and the page says so.
      await page.bringToFront();
      await page.evaluate(() => {
        document.execCommand = () => false;
      });
      await card.locator("button.copy").click();
      await card.getByRole("status").filter({ hasText: "Máy chưa cho chép tự động" }).waitFor({ timeout: 5_000 });
      const selected = await page.evaluate(() => window.getSelection()?.toString() ?? "");
      expect(selected).toContain(reference);
      expect(selected.replace(/\s/g, "")).toContain(secret);
    } finally {
      await insecure.close();
    }
  });
});
