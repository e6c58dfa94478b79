/**
 * The queue's download buttons in real Chromium: the officer filters, sees how many tips the filter holds, and
 * "Tải Excel" / "Tải CSV" download exactly those (their unit's only), as files Excel opens.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, SCREENSHOTS } from "../support/browser.ts";
import { openConsoleDesk, type ConsoleDesk } from "../support/console-browser.ts";
import { insertTip } from "../console/support.ts";

const BATO = "DEMO-CAX-BATO";
const SONHA = "DEMO-CAX-SONHA";

describe.runIf(browserAvailable)("downloading the queue from the console", () => {
  let desk: ConsoleDesk;
  const bato: string[] = [];

  beforeAll(async () => {
    desk = await openConsoleDesk([["xk.bato", "officer", BATO]]);
    for (let i = 0; i < 7; i++) {
      bato.push((await insertTip(desk.ctx, { description: `Bán ma túy ở bãi đất trống số ${i}`, category: "drugs", unitId: BATO })).reference);
    }
    await insertTip(desk.ctx, { description: "Trộm bò ban đêm", category: "theft", unitId: BATO });
    await insertTip(desk.ctx, { description: "Bán ma túy ở Sơn Hà", category: "drugs", unitId: SONHA });
  });
  afterAll(async () => {
    await desk?.close();
  });

  it("shows how many tips the filter holds and downloads them as Excel and CSV", async () => {
    const page = await desk.signIn("xk.bato", "/console?category=drugs");
    await expect.poll(() => page.locator(".page-head .count").textContent()).toBe("7 tin");
    await page.screenshot({ path: path.join(SCREENSHOTS, "queue-exports.png") });

    const [excel] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Tải Excel" }).click()]);
    expect(excel.suggestedFilename()).toMatch(/^tin-bao-\d{8}-\d{4}\.xlsx$/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await readFile((await excel.path())!)) as unknown as ArrayBuffer);
    const refs: string[] = [];
    book.worksheets[0]!.eachRow((row, n) => n > 1 && refs.push(String(row.getCell(2).value)));
    expect(refs.sort()).toEqual([...bato].sort());

    const [csv] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Tải CSV" }).click()]);
    expect(csv.suggestedFilename()).toMatch(/^tin-bao-\d{8}-\d{4}\.csv$/);
    const text = await readFile((await csv.path())!, "utf8");
    expect(text.startsWith("\uFEFFSTT,Mã tin,")).toBe(true);
    expect(text.trimEnd().split("\r\n")).toHaveLength(8);
    for (const ref of bato) expect(text).toContain(ref);

    // Changing the filter changes the count and what the buttons download.
    await page.getByLabel("Loại tin").selectOption("theft");
    await expect.poll(() => page.locator(".page-head .count").textContent()).toBe("1 tin");
    expect(await page.getByRole("link", { name: "Tải CSV" }).getAttribute("href")).toContain("category=theft");
    expect(desk.problems).toEqual([]);
  });
});
