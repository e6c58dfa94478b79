/**
 * Outreach campaigns in the console, in real Chromium against the real service: an outreach editor writes a
 * campaign (Hre left empty), sees how many subscribers it reaches while choosing them, reads the preview of
 * each channel, submits it and cannot approve it; an outreach lead approves it and the figures come in.
 * Subscribers are rows written straight into the database (web chat contacts, so the service really sends).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import path from "node:path";
import { browserAvailable, SCREENSHOTS } from "../support/browser.ts";
import { openConsoleDesk, type ConsoleDesk } from "../support/console-browser.ts";
import { chat, WebchatVisitor } from "../support/service.ts";
import { createCampaign } from "../../src/outreach/campaigns/manage-campaigns.ts";
import { toSignedInOfficer } from "../../src/officers/roles.ts";
import { recordCampaign } from "../outreach/support.ts";

const BATO = "21484";
const SONHA = "21289";

describe.runIf(browserAvailable)("outreach campaigns in the console", () => {
  let desk: ConsoleDesk;
  let n = 0;

  /** A resident subscribed the way the subscribe flow stores it. */
  async function subscriber(o: { topics: string; commune: string; language?: string; stopped?: boolean }) {
    const { db, vault } = desk.svc.ctx;
    const visitor = `visitor-${++n}-${Date.now()}`;
    const contact = await db.contact.create({
      data: { channel: "webchat", platformIdHash: vault.hash(`contact:webchat:${visitor}`), platformIdEnc: vault.encrypt(visitor), language: o.language ?? "vi", lastInboundAt: new Date() },
    });
    const at = new Date();
    await db.subscription.create({ data: { contactId: contact.id, topics: o.topics, communeCode: o.commune, source: "menu", consentedAt: at, stoppedAt: o.stopped ? at : null } });
    await db.consentEvent.create({ data: { contactId: contact.id, action: "subscribed", topics: o.topics, source: "menu", at } });
  }

  beforeAll(async () => {
    desk = await openConsoleDesk([
      ["tt.bientap", "outreach", null],
      ["tt.truongnhom", "outreach_lead", null],
      ["quantri", "admin", null],
      ["trucban", "duty", null],
      ["ca.bato", "officer", "DEMO-CAX-BATO"],
    ]);
    // Reached once Ba Tơ is chosen: three (one reads Hre, which has no text: Vietnamese for them).
    await subscriber({ topics: "scam", commune: BATO });
    await subscriber({ topics: "scam,drugs", commune: BATO });
    await subscriber({ topics: "scam", commune: BATO, language: "hre" });
    // Scam warnings too, but in Sơn Hà: counted until the commune is chosen.
    await subscriber({ topics: "scam", commune: SONHA });
    // Never reached: another topic; consent withdrawn.
    await subscriber({ topics: "drugs", commune: BATO });
    await subscriber({ topics: "scam", commune: BATO, stopped: true });
    // A weekly reminder the lead wrote earlier: the list shows a period.
    const lead = await desk.svc.ctx.db.officer.findUniqueOrThrow({ where: { username: "tt.truongnhom" } });
    await createCampaign(
      desk.svc.ctx,
      toSignedInOfficer(lead),
      { title: "Nhắc mùa Ngày hội", topic: "festival", variants: { vi: { text: "Ngày hội toàn dân bảo vệ an ninh Tổ quốc sắp đến." } }, recurrence: { weekdays: [1], from: "2027-08-01", to: "2027-09-30", time: "08:00" } },
      null,
    );
  });
  afterAll(async () => {
    await desk?.close();
  });

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const audience = (page: Page) => page.locator("#camp-audience");
  const confirm = async (page: Page, yes: string) => {
    await page.locator("#dlg-confirm[open]").waitFor();
    expect(await page.locator("#dlg-confirm-text").innerText()).not.toBe("");
    await page.locator("#dlg-confirm-yes", { hasText: yes }).click();
  };
  /** Every date a screen shows is dd/mm/yyyy (never the ISO form, never the browser's own). */
  async function datesAreVietnamese(page: Page): Promise<string[]> {
    const text = await page.locator("main").innerText();
    const dates = text.match(/\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b/g) ?? [];
    for (const d of dates) expect(d).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}|T\d{2}:\d{2}|[AP]M\b/);
    return dates;
  }

  it("an editor writes, previews and submits; the editor cannot approve; the lead approves and the figures come in", async () => {
    const editor = await desk.signIn("tt.bientap");
    // No tips for an outreach account: the console opens on what it can use.
    await editor.getByRole("link", { name: "Tuyên truyền" }).click();
    await editor.getByRole("heading", { name: "Chiến dịch tuyên truyền" }).waitFor();
    const weekly = editor.locator("tr.camp-row", { hasText: "Nhắc mùa Ngày hội" });
    await weekly.waitFor();
    expect(await weekly.innerText()).toContain("Ngày hội 19/8");
    expect(await weekly.innerText()).toContain("Bản nháp");
    expect(await weekly.innerText()).toContain("Hằng tuần vào Thứ Hai, lúc 08:00, từ 01/08/2027 đến 30/09/2027");
    expect(await weekly.innerText()).toContain("Cán bộ tt.truongnhom");
    expect(await datesAreVietnamese(editor)).toEqual(["01/08/2027", "30/09/2027"]);

    await editor.getByRole("link", { name: "Soạn chiến dịch mới" }).click();
    await editor.getByRole("heading", { name: "Soạn chiến dịch mới" }).waitFor();
    // The Zalo article kind is not switched on here (no Zalo OA): offered, disabled, and the editor is told why.
    await expect.poll(() => editor.locator("#camp-kind-note").innerText()).toContain("Chưa dùng được “Bài viết Zalo gửi người quan tâm”: Chưa kết nối Zalo OA");
    expect(await editor.getByLabel("Bài viết Zalo gửi người quan tâm Zalo OA").isDisabled()).toBe(true);
    // The count before anything is narrowed: every scam subscriber still consenting.
    await expect.poll(() => audience(editor).innerText()).toContain("4 người");

    await editor.getByLabel("Tên chiến dịch (chỉ cán bộ thấy)").fill("Cảnh báo giả danh công an gọi điện");
    await editor.getByLabel("Chủ đề", { exact: true }).selectOption({ label: "Cảnh báo lừa đảo" });
    // Saved without the Vietnamese text: said next to the form, nothing stored.
    await editor.getByRole("button", { name: "Lưu bản nháp" }).click();
    await editor.getByText("Nội dung tiếng Việt là bắt buộc.").waitFor();
    expect(await desk.svc.ctx.db.campaign.count()).toBe(1);

    const text = "Công an không bao giờ gọi điện yêu cầu chuyển tiền hay cài ứng dụng. Ai gọi như vậy là kẻ lừa đảo: hãy cúp máy và báo ngay.";
    await editor.getByLabel("Nội dung tiếng Việt (bắt buộc)").fill(text);
    expect(await editor.locator("#camp-counter").innerText()).toContain(`${text.length} ký tự. Telegram: tối đa 4.096 ký tự một tin. Zalo: tối đa 2.000 ký tự một tin.`);
    // Hre and Co are not typed here: a speaker writes them on the translators' workbench and another approves.
    await editor.getByText("Chưa có bản dịch đã duyệt: người đọc tiếng Hrê nhận bản tiếng Việt. Sau khi lưu, người biết tiếng Hrê dịch trên Bàn dịch và một người khác duyệt.").waitFor();
    expect(await editor.locator("textarea.native").count()).toBe(0);
    await editor.getByLabel("Nút Báo tin").check();
    await editor.getByLabel("Nút Làm bài thi").check();
    await editor.getByLabel("Nút mở một trang web").check();
    await editor.getByLabel("Chữ trên nút").fill("Xem cách nhận biết");
    await editor.getByLabel("Địa chỉ trang web (bắt đầu bằng https://)").fill("https://congan.quangngai.gov.vn/canh-bao");

    // Narrowed to Ba Tơ: the count follows at once.
    await editor.getByLabel("Tìm xã, phường").fill("ba to");
    await editor.getByRole("button", { name: "Thêm Xã Ba Tơ" }).click();
    await editor.locator(".camp-communes", { hasText: "Xã Ba Tơ" }).waitFor();
    await expect.poll(() => audience(editor).innerText()).toBe("Số người sẽ nhận (tính đến lúc này): 3 người");
    // Only Hre readers: one; back to every language: three.
    await editor.locator("#camp-languages-hre").check();
    await expect.poll(() => audience(editor).innerText()).toContain(": 1 người");
    await editor.locator("#camp-languages-hre").uncheck();
    await expect.poll(() => audience(editor).innerText()).toContain(": 3 người");

    // A day that does not exist is refused in words; then "as soon as approved".
    await editor.getByLabel("Hẹn ngày giờ gửi").check();
    await editor.getByLabel("Ngày gửi").fill("31/02/2027");
    await editor.getByLabel("Giờ gửi (giờ Việt Nam)").fill("08:00");
    await editor.getByRole("button", { name: "Lưu bản nháp" }).click();
    await editor.getByText("Ngày gửi chưa đúng: ghi theo dạng ngày/tháng/năm, ví dụ 19/08/2027.").waitFor();
    await editor.getByLabel("Gửi ngay khi được duyệt").check();
    await shot(editor, "campaigns-1-editor");
    await editor.getByRole("button", { name: "Lưu bản nháp" }).click();

    // The campaign's page: status, facts, and the preview per channel.
    await editor.getByRole("heading", { name: "Cảnh báo giả danh công an gọi điện" }).waitFor();
    await editor.locator(".page-head .camp-status", { hasText: "Bản nháp" }).waitFor();
    expect(await editor.locator(".camp-facts").innerText()).toContain("Gửi ngay khi được duyệt");
    // The commune by its name (read from the police units' list once the page is shown).
    await expect.poll(() => editor.locator(".camp-facts").innerText()).toContain("Người đã đăng ký nhận tin về: Cảnh báo lừa đảo · Mọi ngôn ngữ · Mọi kênh · Xã Ba Tơ");

    const telegram = editor.locator("#camp-panel-telegram");
    await telegram.waitFor();
    const tgVi = telegram.locator('.camp-lang[data-language="vi"]');
    expect(await tgVi.locator(".camp-bubble").allInnerTexts()).toEqual([text]);
    expect(await tgVi.locator(".camp-btn").allInnerTexts()).toEqual(["Báo tin cho công an", "Làm bài thi", "Dừng nhận tin", "Xem cách nhận biết ↗"]);
    expect(await tgVi.locator("a.camp-btn").getAttribute("href")).toBe("https://congan.quangngai.gov.vn/canh-bao");
    const tgHre = telegram.locator('.camp-lang[data-language="hre"]');
    expect(await tgHre.locator(".camp-fallback").innerText()).toBe("Chưa có bản tiếng Hrê: người đọc tiếng Hrê sẽ nhận bản tiếng Việt dưới đây.");
    expect(await tgHre.locator(".camp-bubble").allInnerTexts()).toEqual([text]);

    await shot(editor, "campaigns-2-preview");
    await editor.getByRole("tab", { name: "Zalo" }).click();
    const zalo = editor.locator("#camp-panel-zalo");
    await zalo.waitFor({ state: "visible" });
    expect(await telegram.isVisible()).toBe(false);
    const zaloVi = zalo.locator('.camp-lang[data-language="vi"]');
    expect(await zaloVi.locator(".camp-bubble").allInnerTexts()).toEqual([text]);
    expect(await zaloVi.locator(".camp-btn").allInnerTexts()).toEqual(["Báo tin cho công an", "Làm bài thi", "Dừng nhận tin", "Xem cách nhận biết ↗"]);
    expect(await zalo.locator('.camp-lang[data-language="cua"] .camp-fallback').innerText()).toContain("sẽ nhận bản tiếng Việt");
    expect(await zalo.locator(".error").count()).toBe(0);

    // A test to the editor's own chat: the first click gives a one-time code to type in the bot (here the web
    // chat), the second sends it there.
    await editor.getByRole("button", { name: "Gửi thử đến máy của tôi" }).click();
    const code = (await editor.locator(".test-link .code").innerText()).trim();
    expect(code).toMatch(/^kt\d{6}$/);
    const mine = new WebchatVisitor(desk.svc.url);
    await mine.open();
    expect((await chat(desk.svc, mine, { text: code }))?.text).toContain("Đã liên kết máy này với tài khoản cán bộ");
    await editor.getByRole("button", { name: "Gửi thử đến máy của tôi" }).click();
    await editor.getByText("Đã gửi thử 1 tin đến máy của bạn (khung chat web).").first().waitFor();
    await desk.svc.settle();
    expect((await mine.lastBotMessage())?.text).toBe(`[Gửi thử] ${text}`);

    // Submitted after a confirming sentence; its author is told who approves, and has no button to do it.
    await editor.getByRole("button", { name: "Gửi duyệt" }).click();
    await confirm(editor, "Gửi duyệt");
    await editor.locator(".page-head .camp-status", { hasText: "Chờ duyệt" }).waitFor();
    await editor.getByText("Đang chờ duyệt. Chỉ trưởng nhóm tuyên truyền hoặc quản trị (không phải người soạn) được duyệt chiến dịch.").waitFor();
    expect(await editor.getByRole("button", { name: "Duyệt", exact: true }).count()).toBe(0);
    // Asking the API anyway (an old page, a crafted request) is refused in Vietnamese.
    const refused = await editor.evaluate(async (id) => {
      const me = await (await fetch("/api/auth/me")).json();
      const res = await fetch(`/api/campaigns/${id}/approve`, { method: "POST", headers: { "X-CSRF-Token": me.csrfToken } });
      return { status: res.status, body: await res.json() };
    }, editor.url().split("/").pop()!);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe("Chỉ quản trị và trưởng nhóm tuyên truyền được duyệt chiến dịch.");
    expect(await datesAreVietnamese(editor)).toHaveLength(1);

    // The lead, who did not write it, approves it.
    const leadPage = await desk.signIn("tt.truongnhom");
    await leadPage.getByRole("link", { name: "Tuyên truyền" }).click();
    const row = leadPage.locator("tr.camp-row", { hasText: "Cảnh báo giả danh công an gọi điện" });
    expect(await row.innerText()).toContain("Chờ duyệt");
    expect(await row.innerText()).toContain("Cán bộ tt.bientap");
    await row.getByRole("link").click();
    await leadPage.getByRole("button", { name: "Duyệt", exact: true }).click();
    await confirm(leadPage, "Duyệt");
    // Live figures while it sends: three web chat subscribers, each once.
    await leadPage.locator(".page-head .camp-status", { hasText: /Đang gửi|Đã gửi xong/ }).waitFor();
    await leadPage.locator(".page-head .camp-status", { hasText: "Đã gửi xong" }).waitFor({ timeout: 20_000 });
    await expect.poll(() => leadPage.locator(".camp-results").innerText()).toContain("3 đã gửi");
    const results = await leadPage.locator(".camp-results").innerText();
    expect(results).toContain("0 bỏ qua");
    expect(results).toContain("0 lỗi");
    expect(await leadPage.locator(".camp-facts").innerText()).toContain("Người duyệt\nCán bộ tt.truongnhom");
    expect(await datesAreVietnamese(leadPage)).toHaveLength(4); // sent for approval, approved, started, finished

    await shot(leadPage, "campaigns-3-sent");
    // Back in the list, the same figures.
    await leadPage.getByRole("link", { name: "← Danh sách chiến dịch" }).click();
    const done = leadPage.locator("tr.camp-row", { hasText: "Cảnh báo giả danh công an gọi điện" });
    await done.waitFor();
    expect(await done.innerText()).toContain("Đã gửi xong");
    expect(await done.innerText()).toContain("3 đã gửi");
    await datesAreVietnamese(leadPage);
    await shot(leadPage, "campaigns-4-list");

    const deliveries = await desk.svc.ctx.db.campaignDelivery.findMany({ select: { contactId: true, state: true } });
    expect(deliveries).toHaveLength(3);
    expect(new Set(deliveries.map((d) => d.contactId)).size).toBe(3);
    expect(deliveries.every((d) => d.state === "sent")).toBe(true);
    expect(desk.problems).toEqual([]);
  }, 120_000);

  it("a weekly reminder: edited with its dates as written, its author may not approve it, another approver does; paused, resumed, cancelled", async () => {
    const lead = await desk.signIn("tt.truongnhom");
    await lead.getByRole("link", { name: "Tuyên truyền" }).click();
    await lead.locator("tr.camp-row", { hasText: "Nhắc mùa Ngày hội" }).getByRole("link").click();
    await lead.getByRole("button", { name: "Sửa nội dung" }).click();
    // The saved schedule comes back as it is written: dd/mm/yyyy and HH:MM, Monday ticked.
    expect(await lead.getByLabel("Nhắc lại hằng tuần trong một khoảng ngày").isChecked()).toBe(true);
    expect(await lead.getByLabel("Từ ngày").inputValue()).toBe("01/08/2027");
    expect(await lead.getByLabel("Đến ngày").inputValue()).toBe("30/09/2027");
    expect(await lead.getByLabel("Giờ gửi mỗi lần (giờ Việt Nam)").inputValue()).toBe("08:00");
    expect(await lead.getByLabel("Thứ Hai").isChecked()).toBe(true);
    // A long text: the counter says Zalo splits it in two, Telegram keeps it whole.
    const long = "Ngày hội toàn dân bảo vệ an ninh Tổ quốc: mời bà con đến nhà văn hóa thôn. ".repeat(30).trim();
    expect(long.length).toBeGreaterThan(2000);
    await lead.getByLabel("Nội dung tiếng Việt (bắt buộc)").fill(long);
    expect(await lead.locator("#camp-counter").innerText()).toContain("Trên Zalo, nội dung này được chia thành 2 tin.");
    expect(await lead.locator("#camp-counter").innerText()).not.toContain("Trên Telegram");
    await lead.getByLabel("Thứ Năm").check();
    await lead.getByLabel("Giờ gửi mỗi lần (giờ Việt Nam)").fill("7h30");
    await lead.getByRole("button", { name: "Lưu thay đổi" }).click();
    await expect.poll(() => lead.locator(".camp-facts").innerText()).toContain("Hằng tuần vào Thứ Hai, Thứ Năm, lúc 07:30, từ 01/08/2027 đến 30/09/2027");
    const runs = lead.locator(".camp-runs");
    expect(await runs.locator("summary").innerText()).toBe("Các lần gửi theo lịch: 18 lần");
    await runs.locator("summary").click();
    expect((await runs.locator("li").allInnerTexts()).slice(0, 2)).toEqual(["07:30 02/08/2027", "07:30 05/08/2027"]);

    expect(await lead.locator('#camp-panel-telegram .camp-lang[data-language="vi"] .camp-bubble').count()).toBe(1);
    await lead.getByRole("tab", { name: "Zalo" }).click();
    const zaloVi = lead.locator('#camp-panel-zalo .camp-lang[data-language="vi"]');
    expect(await zaloVi.innerText()).toContain("Gửi thành 2 tin.");
    const parts = await zaloVi.locator(".camp-bubble").allInnerTexts();
    expect(parts).toHaveLength(2);
    expect(parts.every((p) => p.length <= 2000)).toBe(true);
    expect(parts.join(" ").replace(/\s+/g, " ")).toBe(long);
    await lead.getByRole("button", { name: "Gửi duyệt" }).click();
    await confirm(lead, "Gửi duyệt");
    await lead.locator(".page-head .camp-status", { hasText: "Chờ duyệt" }).waitFor();
    // A lead may approve, but not what they wrote: the button is there, not working, and says why.
    expect(await lead.getByRole("button", { name: "Duyệt", exact: true }).isDisabled()).toBe(true);
    await lead.getByText("Bạn là người soạn chiến dịch này nên không tự duyệt được: cần một người khác có quyền duyệt.").waitFor();
    await datesAreVietnamese(lead);

    const admin = await desk.signIn("quantri", lead.url().replace(desk.svc.url, ""));
    await admin.getByRole("button", { name: "Duyệt", exact: true }).click();
    await confirm(admin, "Duyệt");
    await admin.locator(".page-head .camp-status", { hasText: "Đã duyệt, chờ đến giờ gửi" }).waitFor();
    expect(await admin.locator(".camp-facts").innerText()).toContain("Lần gửi tới\n07:30 02/08/2027");
    expect(await admin.getByRole("button", { name: "Sửa nội dung" }).count()).toBe(0);

    await admin.getByRole("button", { name: "Tạm dừng" }).click();
    await confirm(admin, "Tạm dừng");
    await admin.locator(".page-head .camp-status", { hasText: "Tạm dừng" }).waitFor();
    await admin.getByRole("button", { name: "Tiếp tục" }).click();
    await confirm(admin, "Tiếp tục");
    await admin.locator(".page-head .camp-status", { hasText: "Đã duyệt, chờ đến giờ gửi" }).waitFor();
    // Saying no to the confirmation changes nothing.
    await admin.getByRole("button", { name: "Hủy chiến dịch" }).click();
    await admin.locator("#dlg-confirm[open]").waitFor();
    expect(await admin.locator("#dlg-confirm-text").innerText()).toContain("Những tin chưa gửi sẽ không bao giờ được gửi.");
    await admin.locator("#dlg-confirm-no").click();
    expect(await admin.locator(".page-head .camp-status").innerText()).toBe("Đã duyệt, chờ đến giờ gửi");
    await admin.getByRole("button", { name: "Hủy chiến dịch" }).click();
    await confirm(admin, "Hủy chiến dịch");
    await admin.locator(".page-head .camp-status", { hasText: "Đã hủy" }).waitFor();
    expect(await admin.locator(".camp-actions button").count()).toBe(0);
    await datesAreVietnamese(admin);

    const audit = await desk.svc.ctx.db.auditLog.findMany({ where: { targetType: "campaign", action: { in: ["campaign.update", "campaign.submit", "campaign.approve", "campaign.pause", "campaign.resume", "campaign.cancel"] } }, select: { action: true } });
    expect(audit.map((a) => a.action).sort()).toEqual(expect.arrayContaining(["campaign.approve", "campaign.cancel", "campaign.pause", "campaign.resume", "campaign.update"]));
    expect(desk.problems).toEqual([]);
  }, 120_000);

  it("shows the screen to the duty desk to read only, and not at all to a commune officer", async () => {
    // A paused campaign with every kind of outcome, as the sender records them.
    const { db } = desk.svc.ctx;
    const author = await db.officer.findUniqueOrThrow({ where: { username: "tt.bientap" } });
    const paused = await createCampaign(desk.svc.ctx, toSignedInOfficer(author), { title: "Cảnh báo tin nhắn trúng thưởng", topic: "scam", variants: { vi: { text: "Không bấm vào đường dẫn lạ." } } }, null);
    await db.campaign.update({ where: { id: paused.id }, data: { status: "paused", startedAt: new Date(), pausedAt: new Date() } });
    const rows: [string, string, string | null, string | null][] = [
      ["telegram", "sent", null, null],
      ["webchat", "sent", null, null],
      ["telegram", "skipped", "opted_out", null],
      ["telegram", "skipped", "blocked", null],
      ["zalo", "skipped", "window_closed", null],
      ["telegram", "failed", "interrupted", null],
      ["zalo", "queued", null, "night"],
    ];
    await db.campaignDelivery.createMany({ data: rows.map(([channel, state, reason, heldReason], i) => ({ campaignId: paused.id, contactId: `c-${i}`, channel, language: "vi", state, reason, heldReason })) });

    const duty = await desk.signIn("trucban");
    await duty.getByRole("link", { name: "Tuyên truyền" }).click();
    const row = duty.locator("tr.camp-row", { hasText: "Cảnh báo tin nhắn trúng thưởng" });
    await row.waitFor();
    expect(await duty.getByRole("link", { name: "Soạn chiến dịch mới" }).count()).toBe(0);
    expect(await row.innerText()).toContain("Tạm dừng");
    await row.getByRole("link").click();
    await duty.locator("#camp-panel-telegram").waitFor();
    const results = await duty.locator(".camp-results").innerText();
    for (const line of [
      "2 đã gửi",
      "3 bỏ qua",
      "1 lỗi",
      "1 tin: Đang giữ đến 06:00 (Zalo không gửi ban đêm)",
      "Người nhận đã hủy đăng ký: 1",
      "Người nhận đã chặn: 1",
      "Quá 7 ngày không nhắn (Zalo): 1",
      "Gián đoạn khi đang gửi: 1",
    ]) expect(results).toContain(line);
    expect(results).not.toMatch(/opted_out|window_closed|interrupted|đang chờ gửi/);
    // Reading only: no button to act with.
    expect(await duty.locator(".camp-actions button").count()).toBe(0);
    await datesAreVietnamese(duty);

    const officer = await desk.signIn("ca.bato");
    expect(await officer.getByRole("navigation", { name: "Chức năng" }).innerText()).not.toContain("Tuyên truyền");
    await officer.goto(`${desk.svc.url}/console/campaigns`);
    await officer.getByText("Tài khoản của bạn không dùng được chức năng này.").waitFor();
    expect(desk.problems).toEqual([]);
  }, 60_000);

  it("shows the editor a reviewed Hre recording with a player and counts it as a message; says Co has none while its clip is a draft", async () => {
    const { db } = desk.svc.ctx;
    const author = await db.officer.findUniqueOrThrow({ where: { username: "tt.bientap" } });
    const c = await createCampaign(desk.svc.ctx, toSignedInOfficer(author), { title: "Cảnh báo có ghi âm", topic: "scam", variants: { vi: { text: "Công an không gọi điện đòi tiền." } } }, null);
    const hre = await recordCampaign(desk.svc.ctx, c.id, "hre", { seconds: 3 });
    await recordCampaign(desk.svc.ctx, c.id, "cua", { state: "draft" });

    const editor = await desk.signIn("tt.bientap");
    await editor.goto(`${desk.svc.url}/console/campaigns/${encodeURIComponent(c.id)}`);
    const telegram = editor.locator("#camp-panel-telegram");
    await telegram.waitFor();
    const tgHre = telegram.locator('.camp-lang[data-language="hre"]');
    expect(await tgHre.locator(".camp-recording").innerText()).toBe(
      "Kèm bản ghi âm tiếng Hrê (3 giây), đã được người thứ hai biết tiếng Hrê duyệt trên Bàn dịch. Bản ghi âm được gửi thành một tin riêng, trước phần chữ.",
    );
    expect(await tgHre.locator(".camp-count").innerText()).toBe("Gửi thành 2 tin.");
    // The voice note's bubble plays the very copy Telegram gets, from its public address.
    const voice = tgHre.locator("audio");
    expect(await voice.locator("source").getAttribute("src")).toBe(`/chat/audio/clip/${hre.sha256}.ogg`);
    const seconds = await voice.evaluate(
      (el: HTMLAudioElement) =>
        new Promise<number>((resolve, reject) => {
          el.addEventListener("loadedmetadata", () => resolve(el.duration), { once: true });
          el.addEventListener("error", () => reject(new Error("the recording did not load")), { once: true });
          el.preload = "metadata";
          el.load();
        }),
    );
    expect(Math.abs(seconds - 3)).toBeLessThan(0.2);
    const tgCo = telegram.locator('.camp-lang[data-language="cua"]');
    expect(await tgCo.locator(".camp-recording").innerText()).toBe("Chưa có bản ghi âm tiếng Co đã duyệt: người dùng tiếng Co chỉ nhận phần chữ.");
    expect(await tgCo.locator("audio").count()).toBe(0);
    expect(await tgCo.locator(".camp-count").count()).toBe(0);
    expect(await telegram.locator('.camp-lang[data-language="vi"] .camp-recording').count()).toBe(0);

    // The web chat shows the player inside the message: one message.
    await editor.getByRole("tab", { name: "Trò chuyện trên trang web" }).click();
    const webHre = editor.locator('#camp-panel-webchat .camp-lang[data-language="hre"]');
    await webHre.waitFor({ state: "visible" });
    expect(await webHre.locator(".camp-recording").innerText()).toContain("Khung chat hiện nút nghe ngay trong tin.");
    expect(await webHre.locator(".camp-msg-group audio source").evaluateAll((els) => els.map((e) => e.getAttribute("src")))).toEqual([
      `/chat/audio/clip/${hre.sha256}.ogg`,
      `/chat/audio/clip/${hre.sha256}.m4a`,
    ]);
    expect(await webHre.locator(".camp-count").count()).toBe(0);
    await shot(editor, "campaigns-5-recording-preview");

    // The editor: recordings are shown, never attached here (only the workbench records, a second speaker approves).
    await editor.getByRole("button", { name: "Sửa nội dung" }).click();
    const hreField = editor.locator("#camp-recording-hre");
    await hreField.waitFor();
    expect(await hreField.innerText()).toContain("Bản ghi âm tiếng Hrê (3 giây) đã được duyệt: người dùng tiếng Hrê nhận bản ghi âm này cùng tin.");
    expect(await hreField.locator("audio").count()).toBe(1);
    expect(await editor.locator("#camp-recording-cua").innerText()).toContain("Chưa có bản ghi âm tiếng Co đã duyệt.");
    expect(await editor.locator('input[type="file"][accept^="audio"]').count()).toBe(0);
    await shot(editor, "campaigns-6-recording-editor");
    expect(desk.problems).toEqual([]);
  }, 60_000);
});
