/**
 * The console as an officer with little computer training meets it, in real Chromium: dates typed
 * and shown dd/mm/yyyy in a browser set to American English, the resident's language in the queue,
 * an account without a unit told why its queue is empty, the audit log in sentences, the header,
 * the tap-to-call phone, and one tip's file printed on A4 (checked in the PDF Chromium prints).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { browserAvailable } from "../support/browser.ts";
import { openConsoleDesk, type ConsoleDesk } from "../support/console-browser.ts";
import { pdfText } from "../support/pdf-text.ts";
import { TINY_PNG } from "../support/service.ts";
import { storeStream } from "../../src/media/store.ts";
import { insertTip, type TipFixture } from "../console/support.ts";

const BATO = "DEMO-CAX-BATO";
const SHOTS = "/tmp/shots-plain";
mkdirSync(SHOTS, { recursive: true });

describe.runIf(browserAvailable)("the console for officers with little training", () => {
  let desk: ConsoleDesk;

  beforeAll(async () => {
    desk = await openConsoleDesk([
      ["ca.bato", "officer", BATO],
      ["chua.don.vi", "officer", null],
      ["quantri", "admin", null],
    ]);
    await desk.ctx.db.officer.update({ where: { username: "ca.bato" }, data: { displayName: "Lan" } });
    // The first administrator is named after its role: the header must not say it twice.
    await desk.ctx.db.officer.update({ where: { username: "quantri" }, data: { displayName: "Quản trị hệ thống" } });
  });
  afterAll(async () => {
    await desk?.close();
  });

  const fileTip = (t: TipFixture) => insertTip(desk.ctx, t);

  /** Signs in in a browser whose language is American English (dates there default to mm/dd/yyyy). */
  async function signInAmerican(username: string, at: string): Promise<Page> {
    const context = await desk.browser.newContext({ viewport: { width: 1280, height: 860 }, locale: "en-US", timezoneId: "America/New_York" });
    desk.track(context);
    const page = await context.newPage();
    desk.watch(page, `${username} (en-US)`);
    await page.goto(`${desk.svc.url}${at}`);
    await page.getByLabel("Tên đăng nhập", { exact: true }).fill(username);
    await page.getByLabel("Mật khẩu", { exact: true }).fill(desk.passwords.get(username)!);
    await page.getByRole("button", { name: "Đăng nhập" }).click();
    await page.getByRole("navigation", { name: "Chức năng" }).waitFor();
    return page;
  }

  it("takes and shows dates as dd/mm/yyyy in an English browser, filters the queue by them, and explains an impossible date", async () => {
    const march10 = await fileTip({ description: "Mất trộm xe máy trước cổng chợ", category: "theft", unitId: BATO, createdAt: new Date("2026-03-10T09:00:00+07:00") });
    const march20 = await fileTip({ description: "Đánh nhau ở quán nhậu đầu thôn", category: "theft", unitId: BATO, createdAt: new Date("2026-03-20T09:00:00+07:00") });
    await desk.ctx.db.tip.update({ where: { id: march20.id }, data: { language: "hre" } });

    const page = await signInAmerican("ca.bato", "/console?statusGroup=all");
    expect(await page.evaluate(() => navigator.language)).toBe("en-US");
    expect(await page.locator('input[type="date"]').count()).toBe(0);
    const from = page.getByLabel("Từ ngày");
    expect(await from.getAttribute("placeholder")).toBe("dd/mm/yyyy");
    await page.getByRole("link", { name: march10.reference }).waitFor();

    // d/m/yyyy typed the short way: the field shows it back in full, the address carries YYYY-MM-DD.
    await from.fill("15/3/2026");
    await from.press("Enter");
    await page.waitForURL((url) => url.searchParams.get("from") === "2026-03-15");
    expect(await from.inputValue()).toBe("15/03/2026");
    await page.getByRole("link", { name: march20.reference }).waitFor();
    await expect.poll(() => page.getByRole("link", { name: march10.reference }).count()).toBe(0);

    // The resident's language, beside the channel.
    const row = page.locator("tr", { has: page.getByRole("link", { name: march20.reference }) });
    expect(await row.locator(".lang").innerText()).toBe("Tiếng Hrê");
    expect(await page.locator("thead").innerText()).toContain("Kênh, ngôn ngữ");

    // dd-mm-yyyy works too; 31 February does not exist, and the officer is told so in the field.
    const to = page.getByLabel("Đến ngày");
    await to.fill("31-02-2026");
    await to.press("Enter");
    const error = page.getByText("Ngày 31/2/2026 không có: tháng 2 năm 2026 chỉ có 28 ngày.");
    await error.waitFor();
    expect(await to.getAttribute("aria-invalid")).toBe("true");
    expect(new URL(page.url()).searchParams.get("to")).toBeNull();
    await to.fill("20-03-2026");
    await to.press("Enter");
    await page.waitForURL((url) => url.searchParams.get("to") === "2026-03-20");
    await expect.poll(() => error.isVisible()).toBe(false);
    await page.getByRole("link", { name: march20.reference }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, "queue-dates-en-US.png") });

    // A reload (or a link someone sent) shows the period the Vietnamese way.
    await page.reload();
    await page.getByRole("link", { name: march20.reference }).waitFor();
    expect(await page.getByLabel("Từ ngày").inputValue()).toBe("15/03/2026");
    expect(await page.getByLabel("Đến ngày").inputValue()).toBe("20/03/2026");
    expect(desk.problems).toEqual([]);
  }, 60_000);

  it("tells an officer without a unit why the queue is empty and what to do", async () => {
    const page = await desk.signIn("chua.don.vi");
    const notice = page.getByRole("note");
    await notice.waitFor();
    expect(await notice.innerText()).toContain("Tài khoản của bạn chưa thuộc đơn vị nào, nên chưa thấy tin báo nào.");
    expect(await notice.innerText()).toContain("Hãy báo quản trị hệ thống chọn đơn vị cho tài khoản của bạn");
    await page.getByText("Chưa thấy tin báo nào vì tài khoản chưa thuộc đơn vị").waitFor();
    await page.screenshot({ path: path.join(SHOTS, "queue-no-unit.png") });
    expect(desk.problems).toEqual([]);
  });

  it("names the signed-in officer once in the header, and writes the audit log as sentences with the codes behind «Chi tiết»", async () => {
    const tip = await fileTip({ description: "Có người lạ dắt bò ra khỏi chuồng lúc nửa đêm", category: "theft", unitId: BATO });
    const officer = await desk.signIn("ca.bato", `/console/tips/${tip.id}`);
    await officer.getByRole("heading", { name: new RegExp(tip.reference) }).waitFor();
    expect((await officer.locator("#who-name").innerText()).trim()).toBe("Lan · Cán bộ thụ lý");

    const admin = await signInAmerican("quantri", "/console/audit");
    expect((await admin.locator("#who-name").innerText()).trim()).toBe("Quản trị hệ thống");
    const sentence = admin.locator("td.sentence", { hasText: `Cán bộ Lan xem tin ${tip.reference} lúc` });
    await sentence.first().waitFor();
    expect(await sentence.first().innerText()).toMatch(new RegExp(`^Cán bộ Lan xem tin ${tip.reference} lúc \\d{2}:\\d{2} ngày \\d{2}/\\d{2}/\\d{4}\\.$`));
    expect(await sentence.first().getByRole("link", { name: tip.reference }).getAttribute("href")).toBe(`/console/tips/${tip.id}`);
    const table = admin.locator("table.grid tbody");
    expect(await table.innerText()).not.toMatch(/\btip\.read\b|auth\.login/);
    expect(await table.innerText()).not.toContain(tip.id);
    // The admin who must trace a row opens its details.
    const row = admin.locator("tr", { has: sentence.first() });
    await row.getByText("Chi tiết").click();
    expect(await row.locator("dl.raw").innerText()).toContain("tip.read");
    expect(await admin.locator('input[type="date"]').count()).toBe(0);
    expect(await admin.getByLabel("Từ ngày").getAttribute("placeholder")).toBe("dd/mm/yyyy");
    await admin.screenshot({ path: path.join(SHOTS, "audit-sentences.png"), fullPage: true });
    expect(desk.problems).toEqual([]);
  }, 60_000);

  it("prints one tip's file on A4: facts, dates dd/mm/yyyy, timeline and evidence, the identity only when chosen, and audits the print", async () => {
    const tip = await fileTip({
      description: "Nhóm thanh niên đi xe máy không biển số giật túi xách của người bán hàng rong ở chợ phiên Ba Tơ.",
      category: "theft",
      unitId: BATO,
      anonymous: false,
      reporterName: "Phạm Thị Hoa",
      reporterPhone: "0905 123 456",
      placeText: "chợ phiên Ba Tơ",
      createdAt: new Date("2026-12-01T08:15:00+07:00"),
    });
    const photo = await storeStream(desk.ctx.config.mediaDir, Readable.from([TINY_PNG]), 1_000_000);
    await desk.ctx.db.attachment.create({
      data: { tipId: tip.id, sourceKey: `test:${randomBytes(6).toString("hex")}`, kind: "photo", mime: photo.mime, size: photo.size, sha256: photo.sha256, storageKey: photo.storageKey, originalName: "anh-hien-truong.png", status: "stored" },
    });
    await desk.ctx.db.tipEvent.create({ data: { tipId: tip.id, type: "created", actor: "system", data: JSON.stringify({ channel: "telegram" }), createdAt: new Date("2026-12-01T08:15:00+07:00") } });

    const page = await desk.signIn("ca.bato", `/console/tips/${tip.id}`);
    await page.getByRole("heading", { name: new RegExp(tip.reference) }).waitFor();
    // The phone, once the officer opened the identity, is a tap-to-call link.
    await page.getByRole("button", { name: "Xem danh tính người báo tin" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Xem và ghi nhật ký" }).click();
    expect(await page.getByRole("link", { name: "0905 123 456" }).getAttribute("href")).toBe("tel:0905123456");

    await page.getByRole("link", { name: "In hồ sơ" }).click();
    await page.waitForURL(`**/console/tips/${tip.id}/print`);
    await page.getByRole("heading", { name: "HỒ SƠ TIN BÁO, TỐ GIÁC TỘI PHẠM" }).waitFor();
    const paper = page.locator(".print-file");
    expect(await paper.innerText()).toContain("Có để lại danh tính (không in trong bản này)");
    expect(await paper.innerText()).not.toContain("Phạm Thị Hoa");

    // The browser's print dialog cannot be answered from a test (headless Chromium would keep the page
    // "being printed"): count the calls instead; the paper itself is page.pdf below.
    await page.evaluate(() => {
      (window as unknown as { printed: number }).printed = 0;
      window.print = () => void (window as unknown as { printed: number }).printed++;
    });
    const printed = () => page.evaluate(() => (window as unknown as { printed: number }).printed);

    // Printing without the identity first: audited as such.
    await page.getByRole("button", { name: "In hồ sơ" }).click();
    await expect.poll(printed).toBe(1);
    await expect.poll(() => desk.ctx.db.auditLog.count({ where: { action: "tip.print", targetId: tip.id } })).toBe(1);
    const first = await desk.ctx.db.auditLog.findFirstOrThrow({ where: { action: "tip.print", targetId: tip.id } });
    expect(JSON.parse(first.data)).toEqual({ reference: tip.reference, withIdentity: false });

    // Then with it, after the usual audited confirmation.
    await page.getByLabel("Kèm danh tính người báo tin").check();
    await page.getByRole("dialog").getByRole("button", { name: "Xem và in kèm danh tính" }).click();
    await paper.getByText("Phạm Thị Hoa — 0905 123 456").waitFor();
    await page.waitForTimeout(5_100); // one print per click: the next click is a new print
    await page.getByRole("button", { name: "In hồ sơ" }).click();
    await expect.poll(() => desk.ctx.db.auditLog.count({ where: { action: "tip.print", targetId: tip.id } })).toBe(2);
    await expect.poll(printed).toBe(2);
    const second = await desk.ctx.db.auditLog.findFirstOrThrow({ where: { action: "tip.print", targetId: tip.id }, orderBy: { id: "desc" } });
    expect(JSON.parse(second.data)).toEqual({ reference: tip.reference, withIdentity: true });

    await page.emulateMedia({ media: "print" });
    await page.setViewportSize({ width: 794, height: 1123 }); // A4 at 96 dpi, to look at
    await page.screenshot({ path: path.join(SHOTS, "tip-print.png"), fullPage: true });
    const pdf = await page.pdf({ format: "A4", printBackground: true });
    writeFileSync(path.join(SHOTS, "tip-print.pdf"), pdf);
    const { pages, text } = pdfText(pdf);
    expect(pages.length).toBeGreaterThanOrEqual(1);
    for (const p of pages) {
      expect(Math.round(p.size[0])).toBe(596);
      expect(Math.round(p.size[1])).toBe(843);
    }
    for (const expected of [
      "HỒ SƠ TIN BÁO, TỐ GIÁC TỘI PHẠM",
      `Mã tin: ${tip.reference}`,
      "08:15 01/12/2026",
      "Trộm, cướp",
      "chợ phiên Ba Tơ",
      "Công an xã Ba Tơ",
      "Chưa giao",
      "giật túi xách của người bán hàng rong",
      "Tiếp nhận tin báo qua Telegram.",
      photo.sha256.slice(0, 16),
      "anh-hien-truong.png",
      "Phạm Thị Hoa — 0905 123 456",
    ]) expect(text, expected).toContain(expected);
    expect(text).toMatch(/Ảnh\s?PNG/); // the cell may wrap between the two words
    expect(text).toContain("Lan xem danh tính người báo tin");
    // Nothing of the screen around it: no menu, no buttons, no English.
    for (const absent of ["Đăng xuất", "Kèm danh tính người báo tin", "Tuyên truyền", "Nhật ký", "image/png", tip.id]) expect(text, absent).not.toContain(absent);
    expect(desk.problems).toEqual([]);
  }, 90_000);

  it("shows no internal codes on any screen: no uuids, action keys, data versions, FAQ slugs or English", async () => {
    const tip = await fileTip({ description: "Có người bán ma túy sau trường học", category: "drugs", unitId: BATO, urgent: true, urgentReason: "dang xay ra, dam nguoi" });
    await desk.ctx.db.tip.update({ where: { id: tip.id }, data: { adminDataVersion: "vn-admin-2026-07", communeCode: "21484" } });
    const admin = await desk.signIn("quantri");
    const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
    const KEY = /\b(tip|auth|officer|unit|campaign|faq|quiz|audit|attachment)\.[a-z_]+\b|\b(typed_commune|place_guess|no_location|adminDataVersion|vn-admin-\d)/;
    const ENGLISH = /\b(Loading|Error|Submit|Cancel|Save|Delete|undefined|null|NaN|true|false)\b/;
    const screens: [string, string][] = [
      ["/console", "queue"], [`/console/tips/${tip.id}`, "tip"], [`/console/tips/${tip.id}/print`, "print"], ["/console/questions", "questions"],
      ["/console/faq", "faq"], ["/console/quiz", "quiz"], ["/console/officers", "officers"], ["/console/audit", "audit"], ["/console/campaigns", "campaigns"],
      ["/console/outreach-progress", "outreach-progress"],
    ];
    for (const [at, name] of screens) {
      await admin.goto(`${desk.svc.url}${at}`);
      await admin.locator("main h1").first().waitFor();
      await admin.waitForLoadState("networkidle");
      const text = await admin.locator("main").innerText();
      expect(text, name).not.toMatch(UUID);
      expect(text, name).not.toMatch(KEY);
      expect(text, name).not.toMatch(ENGLISH);
      await admin.screenshot({ path: path.join(SHOTS, `screen-${name}.png`) });
    }
    // The FAQ shows each entry by its question; its code and tags are not on the card.
    await admin.goto(`${desk.svc.url}/console/faq`);
    const card = admin.locator(".faq-list .card").first();
    await card.waitFor();
    expect(await card.innerText()).not.toMatch(/Mã:|nhãn:|phiên bản/);
    // The urgent reason reads as Vietnamese, with its marks, even when it was stored without them.
    await admin.goto(`${desk.svc.url}/console/tips/${tip.id}`);
    await admin.getByText("Khẩn — đang xảy ra, đâm người").waitFor();
    expect(desk.problems).toEqual([]);
  }, 120_000);

  it("adds a knowledge base entry from its question and answer alone: the code is made for the editor, the review date is dd/mm/yyyy", async () => {
    const page = await signInAmerican("quantri", "/console/faq");
    await page.locator(".faq-list .card").first().waitFor();
    await page.getByRole("button", { name: "Thêm mục hỏi đáp" }).click();
    const reviewed = page.getByLabel("Ngày duyệt");
    expect(await reviewed.inputValue()).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    await page.getByLabel("Các cách hỏi (mỗi dòng một câu)").fill("Mất giấy phép lái xe thì báo ở đâu?\nmat bang lai xe");
    await page.getByLabel("Câu trả lời tiếng Việt (bắt buộc)").fill("Bạn đến Công an xã nơi mất để trình báo, rồi làm lại bằng lái ở Sở Giao thông vận tải.");
    await reviewed.fill("2/12/2026");
    await page.getByRole("button", { name: "Thêm mục", exact: true }).click();
    await page.locator("#banner", { hasText: "Đã thêm mục hỏi đáp." }).waitFor();
    const row = await desk.ctx.db.faqEntry.findUniqueOrThrow({ where: { id: "mat-giay-phep-lai-xe-thi-bao-o-dau" } });
    expect(row.reviewedAt).toBe("2026-12-02");
    await page.getByLabel("Tìm kiếm").fill("giay phep lai xe");
    const card = page.locator(".faq-list .card").first();
    await expect.poll(() => card.locator("h2").innerText()).toBe("Mất giấy phép lái xe thì báo ở đâu?");
    expect(await card.innerText()).toContain("(02/12/2026)");
    expect(desk.problems).toEqual([]);
  }, 60_000);
});
