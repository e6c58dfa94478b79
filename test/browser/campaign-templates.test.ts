/**
 * The ready 19/8 Festival templates in the campaign editor, in real Chromium against the real service:
 * an outreach editor picks the weekly quiz reminder and finds the schedule filled for the coming festival
 * (every Monday 08:00, 01/08 – 30/09), saves it; picks the commune announcement and cannot save it while
 * "[…]" placeholders remain (listed under the text), then saves it once they are replaced.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import { browserAvailable, SCREENSHOTS } from "../support/browser.ts";
import { openConsoleDesk, type ConsoleDesk } from "../support/console-browser.ts";
import { festivalYear } from "../../src/outreach/campaigns/templates.ts";

describe.runIf(browserAvailable)("19/8 Festival templates in the campaign editor", () => {
  let desk: ConsoleDesk;
  beforeAll(async () => {
    desk = await openConsoleDesk([["tt.mau", "outreach", null]]);
  });
  afterAll(async () => {
    await desk?.close();
  });

  it("fills the form from a template, lists the placeholders left and refuses to save until they are replaced", async () => {
    const year = festivalYear(new Date());
    const page = await desk.signIn("tt.mau", "/console/campaigns/new");
    await page.getByRole("heading", { name: "Soạn chiến dịch mới" }).waitFor();
    const pick = page.getByLabel("Dùng mẫu Ngày hội 19/8");
    await expect.poll(() => pick.locator("option").count()).toBe(6);

    // The weekly quiz reminder: a Monday-morning schedule over the peak period of the coming festival.
    await pick.selectOption({ label: "Nhắc làm bài thi tìm hiểu pháp luật mỗi thứ Hai" });
    expect(await page.getByLabel("Tên chiến dịch (chỉ cán bộ thấy)").inputValue()).toBe("Nhắc làm bài thi Ngày hội 19/8 hằng tuần");
    expect(await page.getByLabel("Chủ đề", { exact: true }).inputValue()).toBe("festival");
    expect(await page.getByLabel("Nội dung tiếng Việt (bắt buộc)").inputValue()).toContain("Bấm nút “Làm bài thi” bên dưới.");
    expect(await page.getByLabel("Nút Làm bài thi").isChecked()).toBe(true);
    expect(await page.getByLabel("Nút Báo tin").isChecked()).toBe(false);
    expect(await page.getByLabel("Nhắc lại hằng tuần trong một khoảng ngày").isChecked()).toBe(true);
    const weekdays = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"];
    const checked = [];
    for (const d of weekdays) if (await page.getByLabel(d, { exact: true }).isChecked()) checked.push(d);
    expect(checked).toEqual(["Thứ Hai"]);
    expect(await page.getByLabel("Từ ngày").inputValue()).toBe(`01/08/${year}`);
    expect(await page.getByLabel("Đến ngày").inputValue()).toBe(`30/09/${year}`);
    expect(await page.getByLabel("Giờ gửi mỗi lần (giờ Việt Nam)").inputValue()).toBe("08:00");
    expect(await page.locator(".camp-template-note").innerText()).toContain("chưa qua cán bộ nghiệp vụ duyệt");
    expect(await page.locator("#camp-placeholders").isHidden()).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, "campaign-templates-1-quiz.png"), fullPage: true });

    // The commune announcement: its placeholders are listed, and saving is refused while any remains.
    await pick.selectOption({ label: "Thông báo Ngày hội toàn dân bảo vệ an ninh Tổ quốc tại xã" });
    expect(await page.getByLabel("Gửi ngay khi được duyệt").isChecked()).toBe(true);
    expect(await page.getByLabel("Nút Làm bài thi").isChecked()).toBe(false);
    const warn = page.locator("#camp-placeholders");
    await warn.waitFor();
    expect(await warn.innerText()).toContain("Còn chỗ phải điền: [tên xã], [giờ], [ngày], [địa điểm]");
    await page.getByRole("button", { name: "Lưu bản nháp" }).click();
    await page.getByText("Còn chỗ chưa điền: [tên xã], [giờ], [ngày], [địa điểm]. Hãy thay bằng thông tin thật trước khi lưu.").waitFor();
    expect(await desk.svc.ctx.db.campaign.count()).toBe(0);

    // Replaced all but one: still listed, still refused.
    const title = page.getByLabel("Tên chiến dịch (chỉ cán bộ thấy)");
    const text = page.getByLabel("Nội dung tiếng Việt (bắt buộc)");
    await title.fill((await title.inputValue()).replace("[tên xã]", "Xã Ba Tơ"));
    await text.fill((await text.inputValue()).replace("[tên xã]", "Xã Ba Tơ").replace("[giờ]", "07:30").replace("[ngày]", `19/08/${year}`));
    await expect.poll(() => warn.innerText()).toContain("Còn chỗ phải điền: [địa điểm]");
    expect(await warn.innerText()).not.toContain("[giờ]");
    await page.getByRole("button", { name: "Lưu bản nháp" }).click();
    await page.getByText("Còn chỗ chưa điền: [địa điểm].", { exact: false }).waitFor();
    expect(await desk.svc.ctx.db.campaign.count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, "campaign-templates-2-placeholder.png"), fullPage: true });

    // All replaced: the warning goes and the draft is saved as written.
    await text.fill((await text.inputValue()).replace("[địa điểm]", "sân nhà văn hóa thôn Gò Da"));
    await expect.poll(() => warn.isHidden()).toBe(true);
    await page.getByRole("button", { name: "Lưu bản nháp" }).click();
    await page.getByRole("heading", { name: "Thông báo Ngày hội 19/8 tại Xã Ba Tơ" }).waitFor();
    expect(await page.locator(".camp-facts").innerText()).toContain("Ngày hội 19/8");
    const bubble = page.locator('#camp-panel-telegram .camp-lang[data-language="vi"] .camp-bubble');
    await bubble.first().waitFor();
    expect(await bubble.first().innerText()).toContain(`Xã Ba Tơ tổ chức Ngày hội toàn dân bảo vệ an ninh Tổ quốc vào lúc 07:30 ngày 19/08/${year}, tại sân nhà văn hóa thôn Gò Da.`);
    expect(await desk.svc.ctx.db.campaign.count()).toBe(1);

    // The quiz reminder saved straight from its template: the page states its weekly schedule.
    await page.goto(`${desk.svc.url}/console/campaigns/new`);
    await expect.poll(() => page.getByLabel("Dùng mẫu Ngày hội 19/8").locator("option").count()).toBe(6);
    await page.getByLabel("Dùng mẫu Ngày hội 19/8").selectOption({ label: "Nhắc làm bài thi tìm hiểu pháp luật mỗi thứ Hai" });
    await page.getByRole("button", { name: "Lưu bản nháp" }).click();
    await page.getByRole("heading", { name: "Nhắc làm bài thi Ngày hội 19/8 hằng tuần" }).waitFor();
    expect(await page.locator(".camp-facts").innerText()).toContain(`Hằng tuần vào Thứ Hai, lúc 08:00, từ 01/08/${year} đến 30/09/${year}`);
    expect(desk.problems).toEqual([]);
  });
});
