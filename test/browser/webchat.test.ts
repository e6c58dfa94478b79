/** A resident on a phone-sized screen: the web chat in real Chromium against the real service. */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { browserAvailable, launchBrowser, SCREENSHOTS } from "../support/browser.ts";
import { startTestService, type TestService } from "../support/service.ts";

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

  async function phone(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "vi-VN", hasTouch: true });
    const page = await context.newPage();
    page.on("dialog", (d) => {
      throw new Error(`unexpected dialog: ${d.message()}`);
    });
    await page.goto(`${svc.url}/chat`);
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
    await botSays(page, "Mã tin báo");
    await page.screenshot({ path: path.join(SCREENSHOTS, "webchat-3-receipt.png") });
    const receipt = await page.getByText("Mã tin báo").last().innerText();
    const reference = receipt.match(/QN-[A-Z0-9]+/)?.[0];
    expect(reference).toBeTruthy();
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
});
