/**
 * Files in real Chromium, from both sides: the resident's page says plainly when a file is not
 * taken, and the officer's console never shows a name that direction characters disguise; its
 * download link carries the name from the file's real type.
 */
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { browserAvailable } from "../support/browser.ts";
import { openConsoleDesk, type ConsoleDesk } from "../support/console-browser.ts";
import { TINY_PNG } from "../support/service.ts";
import { insertTip } from "../console/support.ts";
import { storeStream } from "../../src/media/store.ts";

const CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200B-\u200F\u061C\u2060\uFEFF]/;

describe.runIf(browserAvailable)("evidence file names", () => {
  let desk: ConsoleDesk;
  beforeAll(async () => {
    desk = await openConsoleDesk([["trucban.tep", "duty", null]]);
  });
  afterAll(async () => desk?.close());

  async function phone(): Promise<Page> {
    const context = await desk.browser.newContext({ viewport: { width: 360, height: 740 }, locale: "vi-VN", hasTouch: true });
    desk.track(context);
    const page = await context.newPage();
    desk.watch(page, "web chat");
    await page.goto(`${desk.svc.url}/chat`);
    return page;
  }
  const tap = async (page: Page, label: string) => {
    const button = page.getByRole("button", { name: label, exact: true }).last();
    await button.waitFor({ timeout: 10_000 });
    await button.click();
  };
  const botSays = (page: Page, text: string) => page.getByText(text, { exact: false }).last().waitFor({ timeout: 15_000 });
  const attach = async (page: Page, name: string) => {
    await page.locator("#file").setInputFiles({ name, mimeType: "image/png", buffer: TINY_PNG });
    await page.getByRole("button", { name: "Gửi", exact: true }).click();
  };

  it("tells the resident plainly when a file is not taken, then takes it at the evidence step; the officer sees no disguised name", async () => {
    const page = await phone();
    await tap(page, "Tiếng Việt");
    await botSays(page, "Bạn cần gì?");
    await attach(page, "anh.png");
    await botSays(page, "Bạn chỉ gửi ảnh, video hay tệp khi đang báo tin");

    await tap(page, "Báo tin");
    await tap(page, "Lừa đảo");
    await botSays(page, "Chuyện gì đã xảy ra?");
    await page.locator("#text").fill("Có người nhắn tin giả danh ngân hàng \u202Eknab\u202C đòi mã OTP.");
    await page.locator("#text").press("Enter");
    await botSays(page, "ảnh, video");
    await attach(page, "photo\u202Egpj.exe");
    await botSays(page, "Đã nhận tệp");
    await tap(page, "Xong");
    await tap(page, "Bỏ qua");
    await tap(page, "Hôm nay");
    await tap(page, "Giữ kín tên");
    await tap(page, "Gửi tin báo");
    await botSays(page, "Mã tin báo");

    const tip = await desk.svc.ctx.db.tip.findFirstOrThrow({ where: { channel: "webchat", description: { contains: "OTP" } } });
    const officer = await desk.signIn("trucban.tep", `/console/tips/${tip.id}`);
    const evidence = officer.locator(".evidence");
    await evidence.getByText("Tên tệp người gửi đặt:").waitFor();
    const shown = await officer.locator("main").innerText();
    expect(shown).not.toMatch(CONTROLS);
    expect(shown).toContain("Có người nhắn tin giả danh ngân hàng knab đòi mã OTP.");
    expect(await evidence.innerText()).toContain("Tên tệp người gửi đặt: photogpj.exe");
    const link = evidence.getByRole("link", { name: /^bang-chung-[0-9a-f]{8}\.png$/ });
    const href = await link.getAttribute("href");
    const download = await officer.request.get(`${desk.svc.url}${href}`);
    expect(download.headers()["content-disposition"]).toMatch(/^inline; filename="bang-chung-[0-9a-f]{8}\.png"/);
    expect(desk.problems).toEqual([]);
  }, 90_000);

  it("shows a name stored before intake was cleaned without its direction characters", async () => {
    const tip = await insertTip(desk.ctx, { description: "Tin cũ có tệp đính kèm.", category: "fraud" });
    const file = await storeStream(desk.svc.ctx.config.mediaDir, Readable.from([TINY_PNG]), 1_000_000);
    await desk.svc.ctx.db.attachment.create({
      data: { tipId: tip.id, sourceKey: `test:${randomBytes(6).toString("hex")}`, kind: "document", mime: file.mime, size: file.size, sha256: file.sha256, storageKey: file.storageKey, originalName: "hoa-don\u202Efdp.exe", status: "stored" },
    });
    const officer = await desk.signIn("trucban.tep", `/console/tips/${tip.id}`);
    const evidence = officer.locator(".evidence");
    await evidence.getByText("Tên tệp người gửi đặt:").waitFor();
    const text = await evidence.innerText();
    expect(text).not.toMatch(CONTROLS);
    expect(text).toContain("hoa-donfdp.exe");
    expect(text).toContain(`bang-chung-${file.sha256.slice(0, 8)}.png`);
    expect(desk.problems).toEqual([]);
  }, 60_000);
});
