/**
 * Outreach results in real Chromium against the real service: an outreach editor opens "Tiến độ 19/8" from
 * the menu, picks 2027 and reads the checkpoints as dd/mm/yyyy columns; then a campaign's results page, and
 * "Tải CSV" downloads the Vietnamese spreadsheet. A unit officer has no such menu entry.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, SCREENSHOTS } from "../support/browser.ts";
import { openConsoleDesk, type ConsoleDesk } from "../support/console-browser.ts";

describe.runIf(browserAvailable)("outreach results in the console", () => {
  let desk: ConsoleDesk;
  let campaignId: string;

  beforeAll(async () => {
    desk = await openConsoleDesk([
      ["tuyen.truyen", "outreach", null],
      ["ca.bato", "officer", "DEMO-CAX-BATO"],
    ]);
    const { db, vault } = desk.svc.ctx;
    const author = await db.officer.findFirstOrThrow({ where: { username: "tuyen.truyen" } });
    campaignId = (
      await db.campaign.create({ data: { title: "Mời thi tìm hiểu pháp luật", topic: "festival", variantsJson: JSON.stringify({ vi: { text: "Mời thi" } }), status: "done", createdById: author.id } })
    ).id;
    const sentAt = new Date("2027-08-15T00:01:00+07:00");
    for (const [i, channel] of ["zalo", "telegram"].entries()) {
      const contact = await db.contact.create({ data: { channel, language: "vi", platformIdHash: vault.hash(`kqb-${i}`), platformIdEnc: vault.encrypt(`kqb-${i}`) } });
      await db.consentEvent.create({ data: { contactId: contact.id, action: "subscribed", topics: "festival", source: "menu", at: new Date("2027-08-02T08:00:00+07:00") } });
      await db.campaignDelivery.create({
        data: { campaignId, contactId: contact.id, channel, language: "vi", state: "sent", sentAt, ...(channel === "zalo" ? { deliveredAt: sentAt, seenAt: sentAt } : {}) },
      });
    }
  }, 120_000);
  afterAll(async () => {
    await desk?.close();
  });

  it("shows the peak period's checkpoints as dd/mm/yyyy columns", async () => {
    const page = await desk.signIn("tuyen.truyen");
    await page.getByRole("link", { name: "Tiến độ 19/8" }).click();
    await page.getByRole("heading", { name: "Tiến độ đợt cao điểm 19/8" }).waitFor();
    await page.getByLabel("Năm", { exact: true }).fill("2027");
    await page.getByRole("button", { name: "Xem" }).click();
    await page.getByText("Đợt cao điểm năm 2027: từ 01/08/2027 đến 30/09/2027.").waitFor();
    const headings = (await page.locator("table.peak-progress thead th").allInnerTexts()).map((t) => t.trim());
    expect(headings).toEqual(["Chỉ tiêu", "15/08/2027", "31/08/2027", "15/09/2027", "30/09/2027"]);
    const cells = async (label: string) => (await page.locator("table.peak-progress tbody tr", { hasText: label }).locator("td").allInnerTexts()).map((t) => t.trim());
    expect(await cells("Người đã nhận tin")).toEqual(["2", "2", "2", "2"]);
    expect(await cells("Người đăng ký mới từ 01/08")).toEqual(["2", "2", "2", "2"]);
    expect(page.url()).toMatch(/\/console\/outreach-progress\?year=2027$/);
    await page.screenshot({ path: path.join(SCREENSHOTS, "console-outreach-progress.png") });
    expect(desk.problems).toEqual([]);
  }, 60_000);

  it("shows a campaign's results and downloads them as CSV", async () => {
    const page = await desk.signIn("tuyen.truyen", `/console/campaigns/${campaignId}/results`);
    await page.getByRole("heading", { name: "Kết quả: Mời thi tìm hiểu pháp luật" }).waitFor();
    const figure = async (label: string) => (await page.locator("table.campaign-figures tbody tr", { hasText: label }).first().locator("td").innerText()).trim();
    expect(await figure("Người đã nhận tin")).toBe("2");
    expect(await figure("Đã xem (Zalo báo)")).toBe("1");
    expect(await page.getByText("Gửi từ 15/08/2027.").count()).toBe(1);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Tải CSV" }).click()]);
    const csv = readFileSync((await download.path())!, "utf8");
    expect(csv.startsWith("\uFEFFChỉ số,Giá trị\r\n")).toBe(true);
    expect(csv).toContain("Ngày gửi đầu tiên,15/08/2027\r\n");
    expect(csv).toContain("Số người đã nhận tin,2\r\n");
    expect(await desk.svc.ctx.db.auditLog.count({ where: { action: "campaign.export", targetId: campaignId } })).toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, "console-campaign-results.png") });
    expect(desk.problems).toEqual([]);
  }, 60_000);

  it("has no progress entry for a unit officer", async () => {
    const page = await desk.signIn("ca.bato");
    expect(await page.getByRole("link", { name: "Tiến độ 19/8" }).count()).toBe(0);
  }, 60_000);
});
