/**
 * What an officer reads about when a tip happened, in real Chromium: the range, in words, beside
 * the resident's own words, and never a clock time the resident did not give.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { browserAvailable, SCREENSHOTS } from "../support/browser.ts";
import { openConsoleDesk, type ConsoleDesk } from "../support/console-browser.ts";
import { insertTip } from "../console/support.ts";
import { parseTimeRange } from "../../src/text/parse-time.ts";

const BATO = "DEMO-CAX-BATO";

describe.runIf(browserAvailable)("when a tip happened, in the console", () => {
  let desk: ConsoleDesk;
  beforeAll(async () => {
    desk = await openConsoleDesk([["ca.bato", "officer", BATO]]);
  });
  afterAll(async () => desk?.close());

  /** The value beside "Thời gian xảy ra" in the tip's facts. */
  async function occurredFact(page: Page): Promise<string> {
    const value = page.locator("dl.facts dt", { hasText: "Thời gian xảy ra" }).locator("xpath=following-sibling::dd[1]");
    await value.waitFor();
    return value.innerText();
  }

  it("shows the range the resident confirmed and what they wrote", async () => {
    const words = "tối qua khoảng 8 giờ";
    const range = parseTimeRange(words, new Date("2026-12-02T10:00:00+07:00"))!;
    const tip = await insertTip(desk.ctx, { description: "Có người trộm xe máy ở chợ.", category: "theft", unitId: BATO });
    await desk.ctx.db.tip.update({ where: { id: tip.id }, data: { occurredText: words, occurredFrom: range.from, occurredTo: range.to } });

    const page = await desk.signIn("ca.bato", `/console/tips/${tip.id}`);
    const fact = await occurredFact(page);
    expect(fact).toContain("khoảng 19:30–20:30 ngày 01/12/2026");
    expect(fact).toContain("Người báo viết: tối qua khoảng 8 giờ");
    expect(fact.match(/\d{2}:\d{2}/g)).toEqual(["19:30", "20:30"]);
    await page.screenshot({ path: path.join(SCREENSHOTS, "tip-time-range.png"), fullPage: true });
    expect(desk.problems).toEqual([]);
  }, 60_000);

  it("shows the 'Hôm qua' button of an old tip as the whole day, without the clock time once stored for it", async () => {
    const filed = new Date("2026-11-20T09:41:00+07:00");
    const tip = await insertTip(desk.ctx, { description: "Đánh bạc ở nhà văn hóa thôn.", category: "gambling", unitId: BATO, createdAt: filed });
    await desk.ctx.db.tip.update({ where: { id: tip.id }, data: { occurredText: "yesterday", occurredAt: new Date(filed.getTime() - 24 * 3600_000) } });

    const page = await desk.signIn("ca.bato", `/console/tips/${tip.id}`);
    const fact = await occurredFact(page);
    expect(fact).toContain("cả ngày 19/11/2026");
    expect(fact).toContain("Người báo chọn: Hôm qua");
    expect(fact).not.toMatch(/\d{2}:\d{2}/);
    expect(desk.problems).toEqual([]);
  }, 60_000);

  it("shows typed words with no range as words only", async () => {
    const tip = await insertTip(desk.ctx, { description: "Có người lạ hỏi đường vào thôn.", category: "other", unitId: BATO });
    await desk.ctx.db.tip.update({ where: { id: tip.id }, data: { occurredText: "hôm trước nữa" } });
    const page = await desk.signIn("ca.bato", `/console/tips/${tip.id}`);
    const fact = await occurredFact(page);
    expect(fact).toContain("Chưa rõ khoảng thời gian");
    expect(fact).toContain("Người báo viết: hôm trước nữa");
    expect(fact).not.toMatch(/\d{2}:\d{2}/);
  }, 60_000);
});
