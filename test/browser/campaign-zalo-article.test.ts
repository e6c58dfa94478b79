/**
 * "Bài viết Zalo gửi người quan tâm" in the console, in real Chromium against the real service and the fake Zalo OA:
 * the editor chooses the kind, names the article and Zalo's own follower groups in Vietnamese, reads the call that
 * will be made; the lead approves; the campaign's page shows what Zalo answered and says the reach is unknown.
 * The service's clock is moved to daytime in Vietnam (articles are never broadcast 22:00–06:00).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import path from "node:path";
import { browserAvailable, SCREENSHOTS } from "../support/browser.ts";
import { openConsoleDesk, type ConsoleDesk } from "../support/console-browser.ts";
import { FakeZaloApi, ZALO_PATHS, zaloServiceEnv } from "../fakes/zalo-api.ts";

const ARTICLE = "4402c73f7e7a9724ce6b";

describe.runIf(browserAvailable)("a Zalo article campaign in the console", () => {
  const fake = new FakeZaloApi();
  let desk: ConsoleDesk;

  beforeAll(async () => {
    const { url } = await fake.start();
    desk = await openConsoleDesk(
      [
        ["tt.bientap", "outreach", null],
        ["tt.truongnhom", "outreach_lead", null],
      ],
      { env: { ...zaloServiceEnv(fake, url), ZALO_ARTICLE_BROADCAST: "on", ZALO_ARTICLE_CITIES: JSON.stringify({ "Quảng Ngãi": "47" }) } },
    );
    // 10:00 in Vietnam today, running on from there.
    const tenAm = Date.parse(`${new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10)}T10:00:00+07:00`);
    const offset = tenAm - Date.now();
    desk.svc.ctx.now = () => new Date(Date.now() + offset);
  });
  afterAll(async () => {
    await desk?.close();
    await fake.close();
  });

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const confirm = async (page: Page, yes: string) => {
    await page.locator("#dlg-confirm[open]").waitFor();
    await page.locator("#dlg-confirm-yes", { hasText: yes }).click();
  };

  it("is written with Zalo's filters, approved by another person, and sent as one broadcast whose reach is said to be unknown", async () => {
    const editor = await desk.signIn("tt.bientap", "/console/campaigns/new");
    await editor.getByRole("heading", { name: "Soạn chiến dịch mới" }).waitFor();
    const kind = editor.getByLabel("Bài viết Zalo gửi người quan tâm Zalo OA");
    await expect.poll(() => kind.isDisabled()).toBe(false);
    await kind.check();
    // What only a message to subscribers has is gone; the article's section is there.
    await editor.getByLabel("Mã bài viết").waitFor();
    expect(await editor.getByLabel("Nút Báo tin").isVisible()).toBe(false);
    expect(await editor.getByText("Người đã đăng ký chủ đề", { exact: true }).isVisible()).toBe(false);
    expect(await editor.getByLabel("Nhắc lại hằng tuần trong một khoảng ngày").isVisible()).toBe(false);

    await editor.getByLabel("Tên chiến dịch (chỉ cán bộ thấy)").fill("Bài viết: giả danh công an gọi điện");
    await editor.getByLabel("Mã bài viết").fill("không phải mã");
    await editor.getByLabel("Tóm tắt bài viết (bắt buộc; chỉ người duyệt đọc, không gửi đi)").fill("Ba thủ đoạn giả danh công an gọi điện đòi chuyển tiền, và cách báo tin.");
    await editor.getByRole("button", { name: "Lưu bản nháp" }).click();
    await editor.getByText("Mã bài viết chưa đúng: chép mã bài viết (chữ và số) từ Zalo OA Manager.").waitFor();
    await editor.getByLabel("Mã bài viết").fill(ARTICLE);
    await editor.getByLabel("Nữ", { exact: true }).check();
    await editor.getByLabel("Từ 18 đến 24 tuổi").check();
    await editor.getByLabel("Quảng Ngãi").check();
    await editor.getByLabel("Android").check();
    await shot(editor, "campaign-zalo-article-1-editor");
    await editor.getByRole("button", { name: "Lưu bản nháp" }).click();

    await editor.getByRole("heading", { name: "Bài viết: giả danh công an gọi điện" }).waitFor();
    const facts = await editor.locator(".camp-facts").innerText();
    expect(facts).toContain("Loại chiến dịch\nBài viết Zalo gửi người quan tâm");
    expect(facts).toContain("Người quan tâm nhận bài\nNữ · Từ 18 đến 24 tuổi · Quảng Ngãi · Android");
    await editor.getByRole("heading", { name: "Xem trước lệnh gửi tới Zalo" }).waitFor();
    expect(await editor.getByRole("button", { name: "Gửi thử đến máy của tôi" }).count()).toBe(0);
    expect(await editor.locator(".camp-results").innerText()).toContain("Số người nhận được: Zalo không cho biết.");
    await editor.getByRole("button", { name: "Gửi duyệt" }).click();
    await confirm(editor, "Gửi duyệt");
    await editor.locator(".page-head .camp-status", { hasText: "Chờ duyệt" }).waitFor();
    expect(fake.callsTo(ZALO_PATHS.broadcast)).toHaveLength(0);

    const lead = await desk.signIn("tt.truongnhom", "/console/campaigns");
    await lead.locator("tr.camp-row", { hasText: "Bài viết: giả danh công an gọi điện" }).getByRole("link").click();
    await lead.getByRole("button", { name: "Duyệt", exact: true }).click();
    await confirm(lead, "Duyệt");
    await lead.locator(".page-head .camp-status", { hasText: "Đã gửi xong" }).waitFor({ timeout: 20_000 });
    await expect.poll(() => lead.locator(".camp-results").innerText()).toContain("Zalo đã nhận lệnh gửi");
    const results = await lead.locator(".camp-results").innerText();
    const call = fake.callsTo(ZALO_PATHS.broadcast);
    expect(call).toHaveLength(1);
    expect(call[0]!.params["recipient"]).toEqual({ target: { ages: "2", gender: "2", cities: "47", platform: "2" } });
    expect(results).toContain(`Mã tin Zalo trả về (để đối chiếu với Zalo): ${(call[0]!.answer as { data: { message_id: string } }).data.message_id}`);
    expect(results).toContain("Số người nhận được: Zalo không cho biết.");
    expect(results).toMatch(/Lúc: \d{2}:\d{2} \d{2}\/\d{2}\/\d{4}/);
    await shot(lead, "campaign-zalo-article-2-sent");
    // The list says what Zalo answered, not "0 sent".
    await lead.getByRole("link", { name: "← Danh sách chiến dịch" }).click();
    const row = lead.locator("tr.camp-row", { hasText: "Bài viết: giả danh công an gọi điện" });
    await row.waitFor();
    expect(await row.innerText()).toContain("Zalo đã nhận lệnh gửi");
    expect(await row.locator(".camp-counts").count()).toBe(0);
    fake.assertAllValid();
    expect(desk.problems).toEqual([]);
  }, 120_000);
});
