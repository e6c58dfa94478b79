/**
 * Issue 12, item 1: a subscriber keeps their commune. After "Xong" the resident is asked once for it
 * (typed with or without marks, a choice when the name is ambiguous, "Bỏ qua" to skip), unless it is
 * already known (their subscription's, else their latest quiz attempt's); changing topics keeps it,
 * "Đổi xã" changes it; and a campaign to that commune's residents now counts them. Real communes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTurnHarness, type Resident, type TurnHarness } from "../support/turns.ts";
import { findAudience } from "../../src/outreach/campaigns/audience.ts";

let h: TurnHarness;
const codes = { baTo: "", baTo2: "", sonThuy: "", sonHa: "" };
beforeAll(async () => {
  h = await createTurnHarness({ realUnits: true });
  const unit = async (fullName: string) => (await h.ctx.db.adminUnit.findFirstOrThrow({ where: { fullName, provinceName: "Tỉnh Quảng Ngãi" }, orderBy: { version: "desc" } })).code;
  Object.assign(codes, { baTo: await unit("Xã Ba Tơ"), baTo2: await unit("Xã Ba Tô"), sonThuy: await unit("Xã Sơn Thuỷ"), sonHa: await unit("Xã Sơn Hà") });
}, 180_000);
afterAll(async () => h?.close());

const ASK = "Bạn ở xã, phường nào? Gõ tên để nhận cả tin của địa phương, hoặc bấm “Bỏ qua”.";
const subscriptionOf = (r: Resident) => h.ctx.db.subscription.findUnique({ where: { contactId: r.contactId } });
const audienceOf = async (communes: string[]) => (await findAudience(h.ctx.db, "scam", { communes })).map((x) => x.contactId);

/** Subscribes to scam warnings from the menu and taps "Xong". */
async function subscribeToScams(channel: "telegram" | "zalo" = "zalo") {
  const r = await h.resident(channel, "vi");
  await r.press("menu:news");
  await r.tap("Cảnh báo lừa đảo");
  await r.tap("Xong");
  expect(r.text()).toContain("Đã đăng ký nhận tin về: Cảnh báo lừa đảo.");
  return r;
}

describe("the commune of a subscriber", () => {
  it("typed with marks is confirmed, stored on the subscription, and a campaign to that commune now reaches the resident", async () => {
    const r = await subscribeToScams();
    expect(r.text()).toContain(ASK);
    expect(await audienceOf([codes.sonThuy])).not.toContain(r.contactId);
    await r.say("Sơn Thuỷ");
    expect(r.text()).toBe("Xã Sơn Thuỷ, tỉnh Quảng Ngãi — đúng không?");
    await r.tap("Đúng");
    expect(r.text()).toContain("Đã ghi: bạn nhận cả tin của Xã Sơn Thuỷ.");
    expect(r.text()).toContain("Bạn cần gì?");
    expect(await subscriptionOf(r)).toMatchObject({ topics: "scam", communeCode: codes.sonThuy, stoppedAt: null });
    expect(await audienceOf([codes.sonThuy])).toContain(r.contactId);
    expect(await audienceOf([codes.baTo])).not.toContain(r.contactId);
  });

  it("typed without marks (“son thuy”) is found too, and a typed “đúng” confirms it", async () => {
    const r = await subscribeToScams("telegram");
    await r.say("son thuy");
    expect(r.text()).toBe("Xã Sơn Thuỷ, tỉnh Quảng Ngãi — đúng không?");
    await r.say("đúng");
    expect(r.text()).toContain("Đã ghi: bạn nhận cả tin của Xã Sơn Thuỷ.");
    expect((await subscriptionOf(r))?.communeCode).toBe(codes.sonThuy);
  });

  it("an ambiguous name (“ba to”: Ba Tô or Ba Tơ) gives a button for each; “Không phải” asks again", async () => {
    const r = await subscribeToScams();
    await r.say("ba to");
    expect(r.text()).toBe("Bạn chọn đúng xã, phường của mình:");
    expect(r.buttons().map((b) => b.label)).toEqual(["Xã Ba Tô", "Xã Ba Tơ", "Không phải"]);
    await r.tap("Không phải");
    expect(r.text()).toContain(ASK);
    await r.say("ba to");
    await r.tap("Xã Ba Tô");
    expect(r.text()).toContain("Đã ghi: bạn nhận cả tin của Xã Ba Tô.");
    expect((await subscriptionOf(r))?.communeCode).toBe(codes.baTo2);
  });

  it("a name that is no commune is said back; “bo qua” typed without marks skips, keeping the subscription without a commune", async () => {
    const r = await subscribeToScams();
    await r.say("xyzzy abc");
    expect(r.text()).toContain("Chưa tìm thấy xã, phường “xyzzy abc”.");
    await r.say("bo qua");
    expect(r.text()).toContain("Bạn vẫn nhận tin về các việc đã chọn.");
    expect(r.text()).toContain("Bạn cần gì?");
    expect(await subscriptionOf(r)).toMatchObject({ topics: "scam", communeCode: null, stoppedAt: null });
    expect(await audienceOf([])).toContain(r.contactId);
  });

  it("is not asked when the resident's latest quiz attempt has it: that commune is kept for the subscription", async () => {
    const r = await h.resident("telegram", "vi");
    const attempt = (round: string, communeCode: string, startedAt: string) =>
      h.ctx.db.quizAttempt.create({ data: { contactId: r.contactId, round, communeCode, questionIdsJson: "[]", startedAt: new Date(startedAt) } });
    await attempt("2025", codes.baTo, "2025-08-10T03:00:00Z");
    await attempt("2026", codes.sonHa, "2026-08-10T03:00:00Z");
    await r.press("menu:news");
    await r.tap("Cảnh báo lừa đảo");
    await r.tap("Xong");
    expect(r.text()).not.toContain("Bạn ở xã, phường nào?");
    expect(r.text()).toContain("Bạn nhận cả tin của Xã Sơn Hà.");
    expect(r.text()).toContain("Bạn cần gì?");
    expect((await subscriptionOf(r))?.communeCode).toBe(codes.sonHa);
    expect(await audienceOf([codes.sonHa])).toContain(r.contactId);
  });

  it("changing topics keeps it without asking; “Đổi xã” on the topics screen changes it", async () => {
    const r = await subscribeToScams("telegram");
    await r.say("ba to");
    await r.tap("Xã Ba Tơ");
    // Topics changed later: the commune is shown, kept, and not asked again.
    await r.press("menu:news");
    expect(r.text()).toContain("Bạn đang nhận cả tin của Xã Ba Tơ. Muốn đổi, bấm “Đổi xã”.");
    await r.tap("An toàn giao thông");
    expect(r.buttons().map((b) => b.label)).toContain("Đổi xã");
    await r.tap("Xong");
    expect(r.text()).not.toContain("Bạn ở xã, phường nào?");
    expect(r.text()).toContain("Bạn nhận cả tin của Xã Ba Tơ.");
    expect(await subscriptionOf(r)).toMatchObject({ topics: "scam,traffic", communeCode: codes.baTo });
    // "Đổi xã" then "Bỏ qua" keeps it; changed from the menu.
    await r.press("menu:news");
    await r.tap("Đổi xã");
    expect(r.text()).toContain(ASK);
    await r.tap("Bỏ qua");
    expect(r.text()).toContain("Bạn nhận cả tin của Xã Ba Tơ.");
    expect((await subscriptionOf(r))?.communeCode).toBe(codes.baTo);
    await r.press("menu:news");
    await r.tap("Đổi xã");
    await r.say("son ha");
    expect(r.buttons().map((b) => b.label)).toEqual(["Xã Sơn Hà", "Xã Sơn Hạ", "Không phải"]);
    await r.tap("Xã Sơn Hà");
    expect(r.text()).toContain("Đã ghi: bạn nhận cả tin của Xã Sơn Hà.");
    expect(await subscriptionOf(r)).toMatchObject({ topics: "scam,traffic", communeCode: codes.sonHa });
    expect(await audienceOf([codes.baTo])).not.toContain(r.contactId);
    expect(await audienceOf([codes.sonHa])).toContain(r.contactId);
    // Stopping and subscribing again keeps it too.
    await r.say("hủy đăng ký");
    await r.press("menu:news");
    expect(r.buttons().map((b) => b.label)).not.toContain("Đổi xã");
    await r.tap("Cảnh báo lừa đảo");
    await r.tap("Xong");
    expect(r.text()).toContain("Bạn nhận cả tin của Xã Sơn Hà.");
    expect(await audienceOf([codes.sonHa])).toContain(r.contactId);
  });

  it("a campaign audience by commune counts exactly the subscribers who gave it", async () => {
    const before = (await audienceOf([codes.sonThuy])).length;
    const a = await subscribeToScams();
    await a.say("Sơn Thuỷ");
    await a.tap("Đúng");
    const b = await subscribeToScams("telegram");
    await b.tap("Bỏ qua");
    const found = await audienceOf([codes.sonThuy]);
    expect(found).toHaveLength(before + 1);
    expect(found).toContain(a.contactId);
    expect(found).not.toContain(b.contactId);
  });
});
