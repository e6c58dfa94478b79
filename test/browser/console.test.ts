/**
 * The police console in real Chromium against the real service: an officer at a 1280 px desk and
 * a resident on a phone, side by side. What is asserted is what the officer (or resident) sees.
 */
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { browserAvailable, SCREENSHOTS } from "../support/browser.ts";
import { openConsoleDesk, type ConsoleDesk } from "../support/console-browser.ts";
import { Readable } from "node:stream";
import { TINY_PNG, type TestService } from "../support/service.ts";
import { storeStream } from "../../src/media/store.ts";
import { insertTip, type TipFixture } from "../console/support.ts";
import { fold } from "../../src/text/normalize.ts";

const BATO = "DEMO-CAX-BATO";
const SONHA = "DEMO-CAX-SONHA";
const TRABONG = "DEMO-CAX-TRABONG";

describe.runIf(browserAvailable)("the police console", () => {
  let desk: ConsoleDesk;
  let svc: TestService;
  let browser: Browser;
  let problems: string[];

  beforeAll(async () => {
    desk = await openConsoleDesk([
      ["ca.bato", "officer", BATO],
      ["ca.bato2", "officer", BATO],
      ["ca.sonha", "officer", SONHA],
      ["ca.trabong", "officer", TRABONG],
      ["quantri", "admin", null],
    ]);
    ({ svc, browser, problems } = desk);
  });
  afterAll(async () => {
    await desk?.close();
  });

  const signIn = (username: string, at?: string, size?: [number, number]) => desk.signIn(username, at, size);

  async function phone(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "vi-VN", hasTouch: true });
    desk.track(context);
    const page = await context.newPage();
    desk.watch(page, "web chat");
    await page.goto(`${svc.url}/chat`);
    return page;
  }
  const tap = async (page: Page, label: string) => {
    const button = page.getByRole("button", { name: label, exact: true }).last();
    await button.waitFor({ timeout: 10_000 });
    await button.click();
  };
  const type = async (page: Page, text: string) => {
    await page.locator("#text").fill(text);
    await page.locator("#text").press("Enter");
  };
  const botSays = (page: Page, text: string) => page.getByText(text, { exact: false }).last().waitFor({ timeout: 15_000 });

  /** A resident reports a tip in the web chat; returns its reference code. */
  async function reportByWebchat(page: Page, category: string, story: string, place: string): Promise<string> {
    await botSays(page, "Bạn muốn dùng tiếng nào?");
    await tap(page, "Tiếng Việt");
    await tap(page, "Báo tin");
    await tap(page, category);
    await botSays(page, "Chuyện gì đã xảy ra?");
    await type(page, story);
    await tap(page, "Bỏ qua");
    await botSays(page, "xảy ra ở đâu");
    await type(page, place);
    await botSays(page, "đúng không?");
    await tap(page, "Đúng");
    await tap(page, "Hôm nay");
    await tap(page, "Giữ kín tên");
    await tap(page, "Gửi tin báo");
    // The receipt card: the reference is the first code it shows.
    const reference = (await page.locator(".msg.out .receipt dd").first().innerText({ timeout: 10_000 })).trim();
    expect(reference).toMatch(/^QN-[A-Z0-9]+$/);
    return reference;
  }

  /** A tip stored the way intake stores it (the console helper wants a test context: the service's, here). */
  const fileTip = (t: TipFixture) => insertTip(desk.ctx, t);
  const rowOf = (page: Page, reference: string) => page.locator("table.tips tbody tr", { hasText: reference });
  const shot = (page: Page, name: string, fullPage = true) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage });
  const bannerText = (page: Page) => page.locator("#banner").innerText();

  async function chooseStatus(page: Page, label: string, extra: { outcome?: string; reason?: string; share?: boolean } = {}) {
    await page.getByLabel("Trạng thái mới").selectOption({ label });
    if (extra.outcome) await page.getByLabel("Kết quả giải quyết", { exact: true }).selectOption({ label: extra.outcome });
    if (extra.reason) await page.locator("#status-reason").fill(extra.reason);
    if (extra.share) await page.getByLabel("Báo cho người báo tin").check();
    await page.getByRole("button", { name: "Cập nhật trạng thái" }).click();
  }

  it("shows a tip sent by web chat live in the open queue, then claim, reply (the resident reads it) and close with an outcome", async () => {
    const login = await desk.page();
    await login.goto(`${svc.url}/console`);
    await login.getByRole("heading", { name: "Đăng nhập" }).waitFor();
    await shot(login, "console-1-login");
    await login.close();

    const officer = await signIn("ca.bato");
    await officer.getByRole("heading", { name: "Tin báo", exact: true }).waitFor();
    await officer.locator("#live-state[data-state=on]").waitFor();
    expect(await officer.locator("#live-state").innerText()).toBe("Trực tuyến");
    await officer.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));

    const resident = await phone();
    const story = "Có người lạ bẻ khóa xe máy trước nhà văn hóa thôn 2, tối nào cũng rình.";
    const reference = await reportByWebchat(resident, "Trộm, cướp", story, "ba to");

    // It appears without a reload, highlighted, and is announced to screen readers.
    const row = rowOf(officer, reference);
    await row.waitFor({ timeout: 15_000 });
    expect(await officer.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    await expect.poll(() => officer.locator("#announce").innerText(), { timeout: 5_000 }).toContain(reference);
    const rowText = await row.innerText();
    expect(rowText).toContain("Trộm, cướp");
    expect(rowText).toContain("Xã Ba Tơ");
    expect(rowText).toContain("Mới");
    expect(rowText).toContain("Chưa giao");
    expect(rowText).toContain("Trang web");
    expect(rowText).toMatch(/còn \d+ (giờ|phút)/);
    await shot(officer, "console-2-queue");

    await row.getByRole("link", { name: reference }).click();
    await officer.getByRole("heading", { name: new RegExp(reference) }).waitFor();
    expect(officer.url()).toMatch(/\/console\/tips\//);
    await officer.getByText(story).waitFor();
    await officer.getByText("Người báo tin ẩn danh.").waitFor();
    expect(await officer.getByRole("button", { name: "Xem danh tính người báo tin" }).count()).toBe(0);

    await officer.getByRole("button", { name: "Nhận xử lý" }).click();
    await officer.getByText("Cán bộ thụ lý: Cán bộ ca.bato").waitFor();
    await officer.locator(".tip-head .status", { hasText: "Đã tiếp nhận" }).waitFor();

    const reply = "Công an xã đã nhận tin. Bạn cho biết thêm xe màu gì được không?";
    await officer.getByLabel("Tin nhắn cho người báo tin").fill(reply);
    await officer.getByRole("button", { name: "Gửi cho người báo tin" }).click();
    await officer.locator(".thread .msg.out", { hasText: reply }).waitFor();
    expect(await officer.locator(".thread .msg.out", { hasText: reply }).innerText()).toContain("Cán bộ ca.bato");
    await officer.getByLabel("Ghi chú mới (chỉ cán bộ thấy)").fill("Đã hẹn kiểm tra khu vực nhà văn hóa tối nay.");
    await officer.getByRole("button", { name: "Lưu ghi chú" }).click();
    await officer.locator(".notes", { hasText: "Đã hẹn kiểm tra" }).waitFor();

    // The resident reads the officer's reply in the same chat.
    await botSays(resident, reply);

    await chooseStatus(officer, "Đã xử lý");
    await officer.locator(".tip-head .status", { hasText: "Đã xử lý" }).waitFor();
    await chooseStatus(officer, "Đã kết thúc", { outcome: "Xử lý vi phạm hành chính", share: true });
    await officer.locator(".tip-head .status", { hasText: "Đã kết thúc" }).waitFor();
    const facts = await officer.locator("section[aria-labelledby=h-facts] .facts").innerText();
    expect(facts).toContain("Xử lý vi phạm hành chính");
    const timeline = await officer.locator(".timeline").innerText();
    expect(timeline).toContain("nhận xử lý tin báo");
    expect(timeline).toContain("sang «Đã kết thúc»");
    expect(timeline).toContain("Kết quả giải quyết: Xử lý vi phạm hành chính");
    await shot(officer, "console-3-tip");

    // Closed tips leave the open queue.
    await officer.keyboard.press("Escape");
    await officer.getByRole("heading", { name: "Tin báo", exact: true }).waitFor();
    await officer.getByText("Chưa có tin báo nào cần xử lý.").waitFor();
    expect(await rowOf(officer, reference).count()).toBe(0);
    expect(problems).toEqual([]);
  }, 60_000);

  it("does not let an officer of another unit open a tip by its address", async () => {
    const tip = await fileTip({ description: "Nhóm người lạ tụ tập đánh bạc ở bãi sông thôn 5.", category: "gambling", unitId: BATO, channel: "zalo", placeText: "bãi sông thôn 5" });
    const other = await signIn("ca.sonha", `/console/tips/${tip.id}`);
    await other.getByRole("heading", { name: "Không tìm thấy tin báo" }).waitFor();
    const text = await other.locator("main").innerText();
    expect(text).not.toContain(tip.reference);
    expect(text).not.toContain("đánh bạc");
    expect(text).not.toContain("bãi sông");
    await other.getByRole("link", { name: "Tin báo", exact: true }).click();
    await other.getByRole("heading", { name: "Tin báo", exact: true }).waitFor();
    await other.getByText("Chưa có tin báo nào cần xử lý.").waitFor();
    expect(await rowOf(other, tip.reference).count()).toBe(0);
    expect(problems).toEqual([]);
  }, 60_000);

  it("shows markup in a tip's text as text and never runs it", async () => {
    const evil = `Kẻ gian dán mã QR giả <img src=x onerror="window.pwned=1"> <script>window.pwned=2</script> ở chợ`;
    const tip = await fileTip({ description: evil, category: "fraud", unitId: BATO, placeText: `<b onmouseover="window.pwned=3">chợ</b>` });
    const page = await signIn("ca.bato");
    const row = rowOf(page, tip.reference);
    await row.waitFor();
    expect(await row.innerText()).toContain('<img src=x onerror="window.pwned=1">');
    await row.getByRole("link", { name: tip.reference }).click();
    await page.locator(".description").waitFor();
    expect(await page.locator(".description").innerText()).toBe(evil);
    expect(await page.locator("main").innerText()).toContain(`<b onmouseover="window.pwned=3">chợ</b>`);
    expect(await page.locator("img[src=x], main script, main b").count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(problems).toEqual([]);
  }, 60_000);

  it("lets an officer triage with the keyboard alone", async () => {
    for (const [i, d] of ["Có người chặt phá rừng phòng hộ ở khe suối.", "Xe công nông chở gỗ không giấy tờ.", "Nghi có người trồng cần sa trong rẫy."].entries()) {
      await fileTip({ description: d, category: i === 2 ? "drugs" : "forest", unitId: TRABONG, createdAt: new Date(Date.now() - (i + 1) * 3600_000) });
    }
    const page = await desk.page();
    await page.goto(`${svc.url}/console`);
    await page.locator("#login-username").waitFor();
    await page.keyboard.type("ca.trabong");
    await page.keyboard.press("Tab");
    await page.keyboard.type(desk.passwords.get("ca.trabong")!);
    await page.keyboard.press("Enter");
    await page.locator("table.tips tbody tr").nth(2).waitFor();

    await page.keyboard.press("?");
    await page.getByRole("dialog", { name: "Phím tắt" }).waitFor();
    await page.keyboard.press("Escape");
    await page.getByRole("dialog", { name: "Phím tắt" }).waitFor({ state: "hidden" });

    await page.keyboard.press("j");
    await page.keyboard.press("j");
    await page.keyboard.press("j");
    await page.keyboard.press("k");
    const selected = page.locator("table.tips tbody tr.selected");
    expect(await selected.count()).toBe(1);
    expect(await selected.getAttribute("data-id")).toBe(await page.locator("table.tips tbody tr").nth(1).getAttribute("data-id"));
    const reference = (await selected.locator("a.ref").innerText()).trim();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(reference);

    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: new RegExp(reference) }).waitFor();
    await page.keyboard.press("c");
    await page.getByText("Cán bộ thụ lý: Cán bộ ca.trabong").waitFor();
    // Focus lands on the next step: the new status.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("status-next");
    await page.keyboard.press("ArrowDown");
    expect(await page.locator("#status-next").inputValue()).toBe("verifying");
    for (let i = 0; i < 8 && (await page.evaluate(() => document.activeElement?.id)) !== "btn-status"; i++) await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.locator(".tip-head .status", { hasText: "Đang xác minh" }).waitFor();

    await page.keyboard.press("r");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("reply");
    // This reporter cannot be reached (no chat account): the officer is told before typing, and cannot send.
    await page.getByText("Không còn liên lạc được với người báo tin").waitFor();
    expect(await page.getByRole("button", { name: "Gửi cho người báo tin" }).isDisabled()).toBe(true);
    await page.keyboard.press("Escape"); // leaves the reply box
    await page.keyboard.press("Escape"); // back to the queue
    await page.getByRole("heading", { name: "Tin báo", exact: true }).waitFor();
    await page.keyboard.press("/");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("q");
    await page.keyboard.type("can sa");
    await expect.poll(() => page.locator("table.tips tbody tr").count(), { timeout: 5_000 }).toBe(1);
    expect(page.url()).toContain("q=can+sa");
    expect(await page.locator("table.tips tbody tr").innerText()).toContain("Ma túy");
    expect(problems).toEqual([]);
  }, 60_000);

  it("shows evidence inline with its SHA-256, links the map, and reveals a named reporter only after a logged confirmation", async () => {
    const tip = await fileTip({ description: "Người bán hàng rong bị giật túi ở chợ phiên.", category: "theft", unitId: BATO, anonymous: false, reporterName: "Phạm Thị Hoa", reporterPhone: "0905 123 456" });
    await svc.ctx.db.tip.update({ where: { id: tip.id }, data: { latitude: 14.7701, longitude: 108.7236 } });
    const photo = await storeStream(svc.ctx.config.mediaDir, Readable.from([TINY_PNG]), 1_000_000);
    await svc.ctx.db.attachment.create({
      data: { tipId: tip.id, sourceKey: `test:${randomBytes(6).toString("hex")}`, kind: "photo", mime: photo.mime, size: photo.size, sha256: photo.sha256, storageKey: photo.storageKey, originalName: "anh-hien-truong.png", status: "stored" },
    });
    const page = await signIn("ca.bato", `/console/tips/${tip.id}`);
    const img = page.getByRole("img", { name: /anh-hien-truong\.png/ });
    await img.waitFor();
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(1);
    expect(await page.locator(".evidence").innerText()).toContain(`SHA-256: ${photo.sha256}`);
    const map = page.getByRole("link", { name: "Mở bản đồ" });
    expect(await map.getAttribute("href")).toBe("https://www.openstreetmap.org/?mlat=14.770100&mlon=108.723600#map=16/14.770100/108.723600");
    expect(await map.getAttribute("target")).toBe("_blank");
    expect(await map.getAttribute("rel")).toContain("noopener");

    expect(await page.locator("main").innerText()).not.toContain("Phạm Thị Hoa");
    await page.getByRole("button", { name: "Xem danh tính người báo tin" }).click();
    const confirm = page.getByRole("dialog", { name: "Xem danh tính người báo tin?" });
    expect(await confirm.innerText()).toContain("ghi vào nhật ký");
    await confirm.getByRole("button", { name: "Xem và ghi nhật ký" }).click();
    await page.getByText("Phạm Thị Hoa").waitFor();
    await page.getByRole("link", { name: "0905 123 456" }).waitFor();
    expect(await svc.ctx.db.auditLog.count({ where: { targetId: tip.id, action: { contains: "identity" } } })).toBe(1);
    expect(problems).toEqual([]);
  }, 60_000);

  it("tells the second officer that the tip changed meanwhile, and keeps what they chose", async () => {
    const tip = await fileTip({ description: "Trẻ em bị bắt nạt trước cổng trường tiểu học.", category: "school_violence", unitId: BATO });
    const first = await signIn("ca.bato", `/console/tips/${tip.id}`);
    const second = await signIn("ca.bato2", `/console/tips/${tip.id}`);
    await first.getByLabel("Trạng thái mới").waitFor();
    await second.getByLabel("Trạng thái mới").selectOption({ label: "Đang xác minh" });
    await second.locator("#status-reason").fill("Cần hỏi thêm nhà trường.");

    await chooseStatus(first, "Không thụ lý", { reason: "Đã có tin khác cùng vụ việc." });
    await first.locator(".tip-head .status", { hasText: "Không thụ lý" }).waitFor();

    await second.getByRole("button", { name: "Cập nhật trạng thái" }).click();
    await second.locator("#banner.warn").waitFor();
    const message = await bannerText(second);
    expect(message).toContain("Cán bộ ca.bato");
    expect(fold(message)).toContain("thay doi");
    // The page now shows the first officer's change, and still holds what the second one typed.
    await second.locator(".tip-head .status", { hasText: "Không thụ lý" }).waitFor();
    expect(await second.locator("#status-reason").inputValue()).toBe("Cần hỏi thêm nhà trường.");
    expect(problems).toEqual([]);
  }, 60_000);

  it("gives the admin the questions, knowledge base, officers and audit screens", async () => {
    await svc.ctx.db.question.create({
      data: { channel: "webchat", chatIdEnc: svc.ctx.vault.encrypt("visitor-x"), language: "vi", text: "Làm căn cước cho con 10 tuổi ở đâu?", textFolded: fold("Làm căn cước cho con 10 tuổi ở đâu?"), sourceKey: `test:${randomBytes(6).toString("hex")}` },
    });
    const admin = await signIn("quantri");
    const nav = await admin.getByRole("navigation", { name: "Chức năng" }).innerText();
    for (const item of ["Tin báo", "Câu hỏi", "Hỏi đáp", "Cán bộ", "Nhật ký"]) expect(nav).toContain(item);

    await admin.getByRole("link", { name: "Câu hỏi", exact: true }).click();
    await admin.getByText("Làm căn cước cho con 10 tuổi ở đâu?").waitFor();
    await admin.getByText("Lưu thành mục hỏi đáp mới").waitFor();
    await shot(admin, "console-4-questions");
    await admin.getByLabel("Câu trả lời gửi cho người hỏi").fill("Bạn đưa con đến Công an xã nơi thường trú, mang giấy khai sinh.");
    await admin.getByRole("button", { name: "Gửi câu trả lời" }).click();
    await admin.getByText("Không có câu hỏi nào đang chờ trả lời.").waitFor();

    await admin.getByRole("link", { name: "Hỏi đáp" }).click();
    await admin.locator(".faq-list .card").first().waitFor();
    // "/" goes to the screen's search box, as in the queue.
    await admin.locator("body").press("/");
    expect(await admin.evaluate(() => document.activeElement?.id)).toBe("q");
    await admin.getByLabel("Tìm kiếm").fill("can cuoc");
    await expect.poll(async () => (await admin.locator(".faq-list .card").first().innerText()).toLowerCase()).toContain("căn cước");
    await admin.locator(".faq-list .card").first().getByRole("button", { name: "Sửa" }).click();
    // Hre and Co answers come from the translators' workbench (a second speaker approves): shown, not typed here.
    await admin.locator("#faq-hre").getByText("Người dịch biết tiếng viết trên Bàn dịch, một người khác biết tiếng duyệt.").waitFor();
    expect(await admin.locator("#faq-hre textarea").count()).toBe(0);
    await shot(admin, "console-5-faq", false);

    await admin.getByRole("link", { name: "Cán bộ" }).click();
    await admin.getByText("ca.trabong", { exact: true }).waitFor();
    await admin.getByRole("button", { name: "Thêm cán bộ" }).first().click();
    await admin.getByLabel("Họ và tên").fill("Đinh Văn Hùng");
    await admin.getByLabel("Tên đăng nhập").fill("dinh.hung");
    await admin.getByLabel("Đơn vị", { exact: true }).selectOption(SONHA);
    await admin.locator("form").getByRole("button", { name: "Thêm cán bộ" }).click();
    await admin.getByText("Mật khẩu chỉ hiện một lần").waitFor();
    const password = (await admin.locator(".secret .password").innerText()).trim();
    expect(password.length).toBeGreaterThanOrEqual(12);
    await shot(admin, "console-6-officers");

    await admin.getByRole("link", { name: "Nhật ký" }).click();
    await admin.locator("table.grid tbody tr").first().waitFor();
    // Sentences, not action keys: "Cán bộ ca.bato xem tin QN-… lúc 09:42 ngày 03/12/2026."
    expect(await admin.locator("table.grid tbody").innerText()).toMatch(/Cán bộ ca\.bato xem tin QN-[A-Z0-9]+ lúc \d{2}:\d{2} ngày \d{2}\/\d{2}\/\d{4}\./);
    expect(await admin.locator("table.grid tbody").innerText()).not.toContain("tip.read");
    expect(await admin.getByRole("link", { name: "Tải CSV" }).getAttribute("href")).toMatch(/^\/api\/audit\/export/);
    await shot(admin, "console-7-audit");

    // A tablet: the tip page still reads cleanly at 768 px.
    const tip = await svc.ctx.db.tip.findFirstOrThrow({ where: { unitId: BATO, status: "new" } });
    const tablet = await signIn("quantri", `/console/tips/${tip.id}`, [768, 1024]);
    await tablet.getByRole("heading", { name: new RegExp(tip.reference) }).waitFor();
    await shot(tablet, "console-8-tip-tablet");
    const overflow = await tablet.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(problems).toEqual([]);
  }, 60_000);
});
