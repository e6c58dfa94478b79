/**
 * The dashboard and the commune map in real Chromium (issue 13, items 1 and 2), on Quảng Ngãi's real 96 commune
 * boundaries (../shared/data, read from there): the period kept in the URL survives a reload, the tables under the
 * charts say the same numbers as the key figures, the map shows a commune's name and count on hover and on
 * keyboard focus, and a click opens the queue for that commune. Screenshots go to /tmp/shots-dash/.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { browserAvailable } from "../support/browser.ts";
import { openConsoleDesk, type ConsoleDesk } from "../support/console-browser.ts";
import { insertTip } from "../console/support.ts";
import { importUnits } from "../../src/units/import-units.ts";
import { importPopulation } from "../../src/units/import-population.ts";

const POLYGONS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../shared/data/quang-ngai-communes-2026-07.geojson");
const SHOTS = "/tmp/shots-dash";
const LONG = { timeout: 20_000 };
const BATO = "DEMO-CAX-BATO";
const CAMTHANH = "DEMO-CAP-CAMTHANH";

/** A Vietnam day `n` days before today, at 10:00 Vietnam time. */
function daysAgo(n: number): Date {
  const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
  return new Date(Date.parse(`${today}T10:00:00+07:00`) - n * 86400_000);
}
const iso = (d: Date) => new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
const dmy = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;

describe.runIf(browserAvailable && existsSync(POLYGONS))("the dashboard and the commune map", () => {
  let desk: ConsoleDesk;
  const signIn = (username: string, at?: string) => desk.signIn(username, at);

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    desk = await openConsoleDesk([
      ["lanhdao", "admin", null],
      ["trucban", "duty", null],
      ["ca.bato", "officer", BATO],
    ]);
    await importUnits(desk.ctx.db, { bytes: readFileSync(POLYGONS), file: POLYGONS });
    const tips: [string, string, string, number, { lat: number; lon: number } | null][] = [
      ["21484", BATO, "drugs", 2, { lat: 14.7694, lon: 108.7292 }],
      ["21484", BATO, "drugs", 3, null],
      ["21484", BATO, "theft", 5, null],
      ["21025", CAMTHANH, "fraud", 1, { lat: 15.1133, lon: 108.8107 }],
      ["21025", CAMTHANH, "fraud", 8, null],
      ["21025", CAMTHANH, "drugs", 12, null],
      ["21025", CAMTHANH, "theft", 40, null], // outside "30 ngày qua"
    ];
    for (const [communeCode, unitId, category, ago, pin] of tips) {
      const tip = await insertTip(desk.ctx, { description: `Tin thử ${category} ${ago}`, communeCode, unitId, category, createdAt: daysAgo(ago) });
      if (pin) await desk.ctx.db.tip.update({ where: { id: tip.id }, data: { latitude: pin.lat, longitude: pin.lon } });
      // Some handled: acknowledged within 3 h, or after 30 h (late) and closed 5 days after filing.
      const hours = (h: number) => new Date(tip.createdAt.getTime() + h * 3600_000);
      if (ago === 2 || ago === 5) await desk.ctx.db.tip.update({ where: { id: tip.id }, data: { status: "received", acknowledgedAt: hours(3), dueAt: hours(20 * 24) } });
      if (ago === 8) await desk.ctx.db.tip.update({ where: { id: tip.id }, data: { status: "closed", outcome: "administrative", acknowledgedAt: hours(30), closedAt: hours(5 * 24) } });
    }
  }, 180_000);
  afterAll(async () => {
    await desk?.close();
  });

  const figure = (page: Page, label: string) => page.locator(".figure-card", { hasText: label }).locator(".figure-value");
  const chartTable = (page: Page, id: string) => page.locator(`#chart-${id} table`);
  const mapDrawn = (page: Page) => page.locator("svg.commune-map path").first().waitFor(LONG);

  it("opens on the dashboard for the admin, keeps a custom period and area in the URL across a reload, and its tables say the figures", async () => {
    const page = await signIn("lanhdao");
    await page.locator("h1", { hasText: "Tổng quan" }).waitFor(LONG);
    expect(new URL(page.url()).pathname).toBe("/console");
    await expect.poll(() => figure(page, "Tin báo trong kỳ").textContent(), LONG).toBe("6");
    // The category table's total is the key figure, and each row is what was filed.
    await expect.poll(() => chartTable(page, "category").locator("tfoot td").first().textContent(), LONG).toBe("6");
    const row = (id: string, label: string) => chartTable(page, id).locator("tbody tr", { hasText: label }).locator("td").first().textContent();
    expect(await row("category", "Ma túy")).toBe("3");
    expect(await row("commune", "Phường Cẩm Thành")).toBe("3");
    expect(await row("commune", "Xã Ba Tơ")).toBe("3");
    expect(await chartTable(page, "funnel").locator("tbody tr").first().locator("td").first().textContent()).toBe("6");
    // Every chart has a table and a description for screen readers.
    for (const id of ["series", "category", "channel", "language", "commune", "funnel", "acknowledge", "settle", "questions"]) {
      await expect.poll(() => page.locator(`#chart-${id} .chart-img svg`).count(), LONG).toBe(1);
      expect(await page.locator(`#chart-${id} .chart-img`).getAttribute("aria-label"), id).toBeTruthy();
    }
    await mapDrawn(page);
    await page.screenshot({ path: `${SHOTS}/dashboard-admin.png`, fullPage: true });
    await page.screenshot({ path: `${SHOTS}/dashboard-admin-top.png` });
    for (const id of ["series", "category", "commune", "funnel", "acknowledge", "settle", "questions"]) await page.locator(`#chart-${id}`).screenshot({ path: `${SHOTS}/chart-${id}.png` });

    // A custom period and one commune, typed as dd/mm/yyyy.
    const from = iso(daysAgo(45));
    const to = iso(daysAgo(4));
    await page.getByLabel("Kỳ", { exact: true }).selectOption({ label: "Chọn ngày" });
    await page.getByLabel("Từ ngày", { exact: true }).fill(dmy(from));
    await page.getByLabel("Đến ngày", { exact: true }).fill(dmy(to));
    await page.getByLabel("Xã, phường", { exact: true }).selectOption({ label: "Phường Cẩm Thành" });
    await expect.poll(() => Object.fromEntries(new URL(page.url()).searchParams), LONG).toEqual({ range: "custom", start: from, end: to, commune: "21025" });
    await page.getByRole("button", { name: "Xem" }).click();
    await expect.poll(() => figure(page, "Tin báo trong kỳ").textContent(), LONG).toBe("3"); // fraud 8, drugs 12, theft 40
    await page.reload();
    await page.locator("h1", { hasText: "Tổng quan" }).waitFor(LONG);
    await expect.poll(() => figure(page, "Tin báo trong kỳ").textContent(), LONG).toBe("3");
    expect(await page.getByLabel("Từ ngày", { exact: true }).inputValue()).toBe(dmy(from));
    expect(await page.getByLabel("Đến ngày", { exact: true }).inputValue()).toBe(dmy(to));
    expect(await page.getByLabel("Kỳ", { exact: true }).inputValue()).toBe("custom");
    await expect.poll(() => page.getByLabel("Xã, phường", { exact: true }).inputValue(), LONG).toBe("21025");
    expect(await page.locator(".dash-scope").textContent()).toContain(`từ ${dmy(from)} đến ${dmy(to)}`);
    await expect.poll(() => chartTable(page, "category").locator("tfoot td").first().textContent(), LONG).toBe("3");
    expect(await row("category", "Trộm")).toBe("1");
    await page.screenshot({ path: `${SHOTS}/dashboard-custom-commune.png`, fullPage: true });

    // A tablet: the filters, figures, map and charts fit the width (nothing scrolls sideways).
    const tablet = await desk.signIn("lanhdao", "/console", [768, 1024]);
    await mapDrawn(tablet);
    await tablet.locator("#chart-series .chart-img svg").waitFor(LONG);
    expect(await tablet.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(768);
    await tablet.screenshot({ path: `${SHOTS}/dashboard-tablet.png` });
    expect(desk.problems).toEqual([]);
  }, 120_000);

  it("shows a commune's name and count on hover and on keyboard focus, and a click opens the queue for it; first paint measured", async () => {
    const page = await signIn("trucban");
    await mapDrawn(page);
    const batoPath = page.locator('svg.commune-map path[data-code="21484"]');
    expect(await batoPath.getAttribute("aria-label")).toBe("Xã Ba Tơ: 3 tin");
    await batoPath.hover();
    const tip = page.locator(".map-tip");
    await expect.poll(() => tip.textContent(), LONG).toContain("Xã Ba Tơ");
    expect(await tip.textContent()).toContain("3 tin");
    await page.screenshot({ path: `${SHOTS}/map-hover.png` });
    await page.mouse.move(1, 1);
    await page.locator('svg.commune-map path[data-code="21025"]').focus();
    await expect.poll(() => tip.textContent(), LONG).toContain("Phường Cẩm Thành");
    expect(await tip.textContent()).toContain("3 tin");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Phường Cẩm Thành: 3 tin");
    // The map table under it: same counts.
    expect(await page.locator(".map-table tbody tr[data-code='21484'] td").first().textContent()).toBe("3");
    // The province's pins: two tips with a location in the period.
    expect(await page.locator("svg.commune-map .pins circle").count()).toBe(2);
    // Enter on the focused commune opens the queue filtered by it.
    await page.keyboard.press("Enter");
    await expect.poll(() => new URL(page.url()).pathname, LONG).toBe("/console/tips");
    expect(new URL(page.url()).searchParams.get("communeCode")).toBe("21025");
    await expect.poll(() => page.locator("table.tips tbody tr").count(), LONG).toBe(3);
    // Back, then a click on Ba Tơ.
    await page.goBack();
    await mapDrawn(page);
    await page.locator('svg.commune-map path[data-code="21484"]').click();
    await expect.poll(() => new URL(page.url()).searchParams.get("communeCode"), LONG).toBe("21484");
    await expect.poll(() => page.locator("table.tips tbody tr").count(), LONG).toBe(3);

    // First paint of the map: from navigation to the SVG drawn, on a fresh load of the dashboard.
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      await page.goto(`${desk.svc.url}/console`);
      await mapDrawn(page);
      await page.waitForFunction(() => performance.getEntriesByName("tb:map-drawn").length > 0, null, LONG);
      times.push(await page.evaluate(() => performance.getEntriesByName("tb:map-drawn")[0]!.startTime));
    }
    console.log(`map first paint (navigation → SVG drawn, 96 real communes): ${times.map((t) => Math.round(t)).join(", ")} ms`);
    await page.locator(".dash-map").screenshot({ path: `${SHOTS}/map-admin.png` });

    // Per 1,000 residents: offered once population is imported; the choice is kept in the URL.
    expect(await page.getByLabel("Số tin trên 1.000 dân", { exact: true }).isDisabled()).toBe(true);
    await importPopulation(desk.ctx.db, { text: "code,population\n21484,15000\n21025,60000\n", file: "dan-so.csv" });
    await page.reload();
    await mapDrawn(page);
    await page.getByLabel("Số tin trên 1.000 dân", { exact: true }).check();
    await expect.poll(() => page.locator('svg.commune-map path[data-code="21484"]').getAttribute("aria-label"), LONG).toBe("Xã Ba Tơ: 3 tin, 0,2 tin trên 1.000 dân");
    expect(new URL(page.url()).searchParams.get("measure")).toBe("per1000");
    expect(await page.locator(".map-table tbody tr[data-code='21025'] td").last().textContent()).toBe("0,1");
    await page.locator('svg.commune-map path[data-code="21484"]').hover();
    await page.locator(".dash-map").screenshot({ path: `${SHOTS}/map-per1000.png` });
    expect(desk.problems).toEqual([]);
  }, 120_000);

  it("keeps a unit officer on their queue first, and gives them their unit's dashboard and pins only; old queue links still open the queue", async () => {
    const page = await signIn("ca.bato");
    await expect.poll(() => new URL(page.url()).pathname, LONG).toBe("/console/tips");
    await page.getByRole("link", { name: "Tổng quan" }).click();
    await expect.poll(() => figure(page, "Tin báo trong kỳ").textContent(), LONG).toBe("3");
    expect(await page.locator(".dash-scope").textContent()).toContain("Công an xã Ba Tơ");
    expect(await page.getByLabel("Đơn vị", { exact: true }).count()).toBe(0);
    await mapDrawn(page);
    expect(await page.locator('svg.commune-map path[data-code="21025"]').getAttribute("aria-label")).toBe("Phường Cẩm Thành: 0 tin");
    expect(await page.locator("svg.commune-map .pins circle").count()).toBe(1);
    // The map opens on the unit's commune; the whole province is one click away.
    expect(await page.locator("svg.commune-map").getAttribute("viewBox")).not.toMatch(/^0 0 /);
    await page.locator('svg.commune-map path[data-code="21484"]').hover();
    await expect.poll(() => page.locator(".map-tip").textContent(), LONG).toContain("Xã Ba Tơ");
    await page.locator(".dash-map").screenshot({ path: `${SHOTS}/map-unit-zoomed.png` });
    await page.getByRole("button", { name: "Xem cả tỉnh" }).click();
    expect(await page.locator("svg.commune-map").getAttribute("viewBox")).toMatch(/^0 0 800 /);
    await page.screenshot({ path: `${SHOTS}/dashboard-unit.png`, fullPage: true });

    await page.goto(`${desk.svc.url}/console?communeCode=21484&statusGroup=all`);
    await expect.poll(() => new URL(page.url()).pathname, LONG).toBe("/console/tips");
    expect(new URL(page.url()).searchParams.get("communeCode")).toBe("21484");
    await expect.poll(() => page.locator("table.tips tbody tr").count(), LONG).toBe(3);
    expect(desk.problems).toEqual([]);
  }, 120_000);
});
