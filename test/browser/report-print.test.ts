/**
 * The period report printed on A4 in real Chromium (page.pdf, format A4), read back page by page: the heading,
 * the period and the totals on the first page, page numbers, a long table's header repeated on the page it runs
 * onto and no row cut in two. Screenshots and the PDFs are kept for a person to look at (test/screenshots).
 */
import { readFileSync, writeFileSync } from "node:fs";
import ExcelJS from "exceljs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderReportHtml } from "../../src/reports/render-report-html.ts";
import { browserAvailable, SCREENSHOTS } from "../support/browser.ts";
import { openConsoleDesk, type ConsoleDesk } from "../support/console-browser.ts";
import { pdfPages, squash } from "../support/pdf-pages.ts";
import { insertTip } from "../console/support.ts";
import { manyCommunes, sampleSummary } from "../reports/sample-summary.ts";

const BATO = "DEMO-CAX-BATO";
const SONHA = "DEMO-CAX-SONHA";
const PERIOD = "from=2026-01-01&to=2026-06-30";

describe.runIf(browserAvailable)("the period report printed on A4", () => {
  let desk: ConsoleDesk;

  beforeAll(async () => {
    desk = await openConsoleDesk([
      ["bc.quantri", "admin", null],
      ["bc.bato", "officer", BATO],
    ]);
    const at = (month: number, day: number) => new Date(Date.UTC(2026, month - 1, day, 3));
    for (let i = 0; i < 23; i++) await insertTip(desk.ctx, { description: `Tin thử ${i}`, category: i % 3 ? "drugs" : "gambling", unitId: BATO, createdAt: at(1 + (i % 6), 2 + i) });
    for (let i = 0; i < 9; i++) await insertTip(desk.ctx, { description: `Tin Sơn Hà ${i}`, category: "theft", unitId: SONHA, channel: "zalo", createdAt: at(3, 10 + i) });
    // Outside the period: counted in no total of this report.
    await insertTip(desk.ctx, { description: "Tin tháng Bảy", category: "drugs", unitId: BATO, createdAt: at(7, 1) });
  });
  afterAll(async () => {
    await desk?.close();
  });

  it("prints the province's report with its period, unit and totals, numbered pages", async () => {
    const page = await desk.signIn("bc.quantri");
    await page.goto(`${desk.svc.url}/api/reports/period.html?${PERIOD}`);
    await page.getByRole("button", { name: "In báo cáo" }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, "report-print-screen.png"), fullPage: true });
    const pdf = await page.pdf({ format: "A4", printBackground: true });
    writeFileSync(path.join(SCREENSHOTS, "report-province.pdf"), pdf);
    const pages = pdfPages(pdf);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages.length).toBeLessThanOrEqual(5);
    const first = squash(pages[0]!);
    for (const text of ["BÁO CÁO KẾT QUẢ TIẾP NHẬN, XỬ LÝ TIN BÁO VỀ TỘI PHẠM", "Kỳ báo cáo: từ 01/01/2026 đến 30/06/2026", "Đơn vị: Toàn tỉnh", "Tổng số tin báo nhận được32"]) {
      expect(first, text).toContain(squash(text));
    }
    pages.forEach((p, i) => expect(squash(p), `page ${i + 1}`).toContain(`Trang${i + 1}/${pages.length}`));
    const all = squash(pages.join(""));
    for (const section of ["II. TRẢ LỜI CÂU HỎI CỦA NGƯỜI DÂN", "III. TUYÊN TRUYỀN", "IV. SO SÁNH", "So với cùng kỳ năm trước"]) expect(all).toContain(squash(section));
    // The toolbar is for the screen only.
    expect(all).not.toContain(squash("Quay lại màn hình Báo cáo"));
    expect(desk.problems).toEqual([]);
  });

  it("prints a unit officer's report of their own unit only", async () => {
    const page = await desk.signIn("bc.bato");
    await page.goto(`${desk.svc.url}/api/reports/period.html?${PERIOD}`);
    const pages = pdfPages(await page.pdf({ format: "A4" }));
    const first = squash(pages[0]!);
    expect(first).toContain(squash("Đơn vị: [DEMO] Công an xã Ba Tơ"));
    expect(first).toContain(squash("Tổng số tin báo nhận được23"));
  });

  it("lets an officer choose the period on the Báo cáo screen and download or print that report", async () => {
    const page = await desk.signIn("bc.quantri", `/console/reports?${PERIOD}`);
    await page.getByRole("heading", { name: "Báo cáo", exact: true }).waitFor();
    await expect.poll(() => page.locator(".report-status").textContent()).toBe("Toàn tỉnh, từ 01/01/2026 đến 30/06/2026: 32 tin báo, 0 đã giải quyết xong.");
    await page.screenshot({ path: path.join(SCREENSHOTS, "report-screen.png") });

    const [excel] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Tải Excel" }).click()]);
    expect(excel.suggestedFilename()).toBe("bao-cao-20260101-20260630.xlsx");
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(readFileSync((await excel.path())!) as unknown as ArrayBuffer);
    expect(book.getWorksheet("Tổng hợp")!.getCell("B6").value).toBe(32);

    const [csv] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Tải CSV" }).click()]);
    expect(readFileSync((await csv.path())!, "utf8")).toContain("Tổng số tin báo nhận được,32,");

    // One unit, from the list: the numbers and every link follow.
    await page.getByLabel("Đơn vị").selectOption({ label: "[DEMO] Công an xã Sơn Hà" });
    await expect.poll(() => page.locator(".report-status").textContent()).toContain(": 9 tin báo");
    const [printView] = await Promise.all([page.waitForEvent("popup"), page.getByRole("link", { name: "In báo cáo" }).click()]);
    await printView.getByRole("button", { name: "In báo cáo" }).waitFor();
    expect(await printView.locator("p.scope").textContent()).toBe("Đơn vị: [DEMO] Công an xã Sơn Hà");

    // A period the server would refuse is caught before any download.
    await page.getByLabel("Từ ngày").fill("2026-07-01");
    await page.getByLabel("Đến ngày").fill("2026-06-01");
    await page.getByLabel("Đến ngày").dispatchEvent("change");
    await page.getByText("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.").waitFor();
    // Without an address the download is no longer a link at all.
    await expect.poll(() => page.getByRole("link", { name: "Tải Excel" }).count()).toBe(0);
    expect(await page.locator("#report-xlsx").getAttribute("aria-disabled")).toBe("true");
    expect(desk.problems).toEqual([]);
  });

  it("repeats a long table's header on the page it runs onto and never cuts a row in two", async () => {
    const page = await desk.page("print");
    await page.goto(`${desk.svc.url}/console/static/report-print.css`);
    await page.setContent(renderReportHtml(sampleSummary({ communes: manyCommunes(96) })), { waitUntil: "load" });
    await page.screenshot({ path: path.join(SCREENSHOTS, "report-96-communes-screen.png") });
    const pdf = await page.pdf({ format: "A4" });
    writeFileSync(path.join(SCREENSHOTS, "report-96-communes.pdf"), pdf);
    const pages = pdfPages(pdf).map(squash);
    const withCommunes = pages.filter((p) => p.includes("XãThửNghiệmSố"));
    expect(withCommunes.length).toBeGreaterThanOrEqual(3);
    // Every page the commune list runs onto starts with a table header: the commune table's or the comparison's.
    for (const p of withCommunes) expect(p.includes(squash("Xã, phường, đặc khuSố tinTỷ lệ")) || p.includes(squash("Chỉ tiêuKỳ này"))).toBe(true);
    // Each commune's line whole, name and count together, three times (its own table, then the two comparisons).
    const summary = sampleSummary({ communes: manyCommunes(96) });
    for (const [code, name] of Object.entries(summary.labels.commune)) {
      const line = squash(`${name}${summary.tips.byCommune[code]!.toLocaleString("vi-VN")}`);
      expect(pages.reduce((n, p) => n + p.split(line).length - 1, 0), name).toBe(3);
    }
  });
});
