/**
 * Issue 12, item 1: subscriptions by consent only, on the turn harness. Opt in from the menu, a
 * poster's deep link or a keyword; choose topics; consent and its source recorded; opt out at any
 * time with a button or a word (with or without diacritics), effective before the next message;
 * a resident who blocks the bot is stopped.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTurnHarness, type Resident, type TurnHarness } from "../support/turns.ts";

let h: TurnHarness;
beforeAll(async () => {
  h = await createTurnHarness({ realUnits: false });
}, 120_000);
afterAll(async () => h?.close());

const subscriptionOf = (r: Resident) => h.ctx.db.subscription.findUnique({ where: { contactId: r.contactId } });
const eventsOf = (r: Resident) => h.ctx.db.consentEvent.findMany({ where: { contactId: r.contactId }, orderBy: { at: "asc" } });

describe("subscribing", () => {
  it("from the menu: topics are chosen by tapping, and nothing is recorded before “Xong”", async () => {
    const r = await h.resident("zalo", "vi");
    await r.command("start");
    await r.tap("Nhận tin cảnh báo");
    expect(r.text()).toContain("Bạn muốn nhận tin về những việc nào?");
    await r.tap("Cảnh báo lừa đảo");
    expect(r.buttons().map((b) => b.label)).toContain("✓ Cảnh báo lừa đảo");
    await r.tap("Phòng chống ma túy");
    await r.tap("✓ Phòng chống ma túy"); // unselected again
    expect(await subscriptionOf(r)).toBeNull();
    await r.tap("Xong");
    expect(r.text()).toContain("Đã đăng ký nhận tin về: Cảnh báo lừa đảo.");
    expect(r.text()).toContain("hủy đăng ký");
    // Its commune is not known: asked once, and skipped here (subscriptions-commune.test.ts goes on).
    expect(r.text()).toContain("Bạn ở xã, phường nào? Gõ tên để nhận cả tin của địa phương, hoặc bấm “Bỏ qua”.");
    await r.tap("Bỏ qua");
    expect(r.text()).toContain("Bạn cần gì?");
    expect(await subscriptionOf(r)).toMatchObject({ topics: "scam", source: "menu", sourceCode: null, stoppedAt: null, communeCode: null });
    expect((await eventsOf(r)).map((e) => [e.action, e.topics, e.source])).toEqual([["subscribed", "scam", "menu"]]);
  });

  it("“Xong” with nothing chosen subscribes to nothing", async () => {
    const r = await h.resident("telegram", "vi");
    await r.press("menu:news");
    await r.tap("Xong");
    expect(r.text()).toContain("Bạn chưa chọn việc nào");
    expect(await subscriptionOf(r)).toBeNull();
  });

  it("from a poster's deep link (/start <code>), the code is kept as the source", async () => {
    const r = await h.resident("telegram", null);
    await r.command("start", "bato-cho-2026");
    expect(r.text()).toContain("Bạn muốn nhận tin về những việc nào?");
    await r.tap("Chọn tất cả");
    await r.tap("Xong");
    expect(await subscriptionOf(r)).toMatchObject({ topics: "scam,drugs,traffic,wanted,festival", source: "link", sourceCode: "bato-cho-2026" });
  });

  it("on Zalo, whose links carry no parameter, by the poster's keyword and code (“nhận tin BT01”)", async () => {
    const r = await h.resident("zalo", "vi");
    await r.say("Nhận tin BT01");
    expect(r.text()).toContain("Bạn muốn nhận tin về những việc nào?");
    await r.tap("Cảnh báo lừa đảo");
    await r.tap("Xong");
    expect(await subscriptionOf(r)).toMatchObject({ topics: "scam", source: "keyword", sourceCode: "BT01" });
    // Words alone are not a code.
    const other = await h.resident("zalo", "vi");
    await other.say("nhan tin canh bao");
    await other.tap("Xong");
    expect(await subscriptionOf(other)).toBeNull();
  });

  it("by a keyword typed at the menu, with or without diacritics", async () => {
    const r = await h.resident("zalo", "vi");
    await r.say("dang ky nhan tin");
    expect(r.text()).toContain("Bạn muốn nhận tin về những việc nào?");
    await r.tap("Ngày hội 19/8");
    await r.tap("Xong");
    expect(await subscriptionOf(r)).toMatchObject({ topics: "festival", source: "keyword" });
  });

  it("changing topics later is recorded as a change, keeping the first consent's source and time", async () => {
    const r = await h.resident("telegram", "vi");
    await r.command("start", "poster-1");
    await r.tap("Cảnh báo lừa đảo");
    await r.tap("Xong");
    await r.tap("Bỏ qua");
    const first = await subscriptionOf(r);
    await r.press("menu:news");
    expect(r.buttons().map((b) => b.label)).toContain("✓ Cảnh báo lừa đảo");
    await r.tap("An toàn giao thông");
    await r.tap("Xong");
    expect(await subscriptionOf(r)).toMatchObject({ topics: "scam,traffic", source: "link", sourceCode: "poster-1", consentedAt: first!.consentedAt });
    expect((await eventsOf(r)).map((e) => e.action)).toEqual(["subscribed", "topics_changed"]);
  });
});

describe("stopping", () => {
  async function subscribed(channel: "telegram" | "zalo" = "zalo") {
    const r = await h.resident(channel, "vi");
    await r.press("menu:news");
    await r.tap("Cảnh báo lừa đảo");
    await r.tap("Xong");
    await r.tap("Bỏ qua");
    return r;
  }

  for (const word of ["hủy đăng ký", "huy dang ky", "STOP", "dừng", "Dừng!", "dung nhan tin", "ngừng nhận tin"]) {
    it(`“${word}” stops it at once, and says so`, async () => {
      const r = await subscribed();
      await r.say(word);
      expect(r.text()).toContain("Đã dừng gửi tin cảnh báo cho bạn.");
      expect((await subscriptionOf(r))?.stoppedAt).not.toBeNull();
      expect((await eventsOf(r)).at(-1)).toMatchObject({ action: "unsubscribed", source: "word" });
    });
  }

  it("the “Dừng nhận tin” button stops it", async () => {
    const r = await subscribed("telegram");
    await r.press("menu:news");
    await r.tap("Dừng nhận tin");
    expect(r.text()).toContain("Đã dừng gửi tin cảnh báo cho bạn.");
    expect((await eventsOf(r)).at(-1)).toMatchObject({ action: "unsubscribed", source: "button" });
  });

  it("a bare “dừng” in the middle of a report cancels the report and keeps the subscription; “hủy đăng ký” stops it anywhere", async () => {
    const r = await subscribed();
    await r.press("menu:report");
    await r.say("dừng lại");
    expect(r.text()).toContain("Đã hủy");
    expect((await subscriptionOf(r))?.stoppedAt).toBeNull();
    await r.press("menu:report");
    await r.say("hủy đăng ký");
    expect((await subscriptionOf(r))?.stoppedAt).not.toBeNull();
  });

  it("“hủy đăng ký” from a resident who is not subscribed says so; “dung” typed plain (it may be “đúng”) stops nothing", async () => {
    const r = await h.resident("zalo", "vi");
    await r.say("huy dang ky");
    expect(r.text()).toContain("Bạn chưa đăng ký nhận tin cảnh báo nào");
    expect(await eventsOf(r)).toEqual([]);
    const s = await subscribed();
    await s.say("dung");
    expect((await subscriptionOf(s))?.stoppedAt).toBeNull();
  });

  it("a resident who blocks the bot is stopped, and it is recorded", async () => {
    const r = await subscribed();
    await r.send({ type: "unfollow" });
    expect((await subscriptionOf(r))?.stoppedAt).not.toBeNull();
    expect((await eventsOf(r)).at(-1)).toMatchObject({ action: "blocked", source: "zalo" });
  });
});
