import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chat, payloadOf, startTestService, WebchatVisitor, type TestService } from "../support/service.ts";
import { CODES, importFixtures, POINTS } from "../units/fixtures.ts";
import { createPoliceUnit } from "../../src/routing/save-police-unit.ts";
import { createReadyOfficer } from "../support/officers.ts";
import type { Role } from "../../src/officers/roles.ts";

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
  await importFixtures(svc.ctx.db);
  const actor = { officerId: null };
  const units = [
    { id: "TRUCBAN", name: "Trực ban Công an tỉnh", kind: "duty_desk" as const, communes: [] },
    { id: "CAX-BATO", name: "Công an xã Ba Tơ", kind: "commune" as const, communes: [CODES.baTo] },
    { id: "CAX-BATO2", name: "Công an xã Ba Tô", kind: "commune" as const, communes: [CODES.baTo2] },
  ];
  for (const u of units) await createPoliceUnit(svc.ctx, { ...u, categories: [], languages: ["vi"] }, actor);
});
afterAll(async () => svc?.close());

const say = (v: WebchatVisitor, body: Record<string, unknown>) => chat(svc, v, body);

/** Starts a report up to the location step. */
async function reportUntilPlace(category: string, story: string) {
  const v = new WebchatVisitor(svc.url);
  await v.open();
  for (const b of ["lang:vi", "menu:report", `cat:${category}`]) await say(v, { button: b });
  await say(v, { text: story });
  const bot = await say(v, { button: "nav:skip" });
  expect(bot?.text).toContain("xảy ra ở đâu");
  return v;
}

/** Answers "when", stays anonymous, sends; returns the filed tip. */
async function finish(v: WebchatVisitor) {
  for (const b of ["when:today", "id:anon"]) await say(v, { button: b });
  const before = (await v.messages()).length;
  await say(v, { button: "report:send" });
  const reference = (await v.messages()).slice(before).map((m) => m.text?.match(/QN-[A-Z0-9]+/)?.[0]).find(Boolean);
  return svc.ctx.db.tip.findUniqueOrThrow({ where: { reference: reference! }, include: { routings: true, events: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] } } });
}

async function officer(username: string, role: Role, unitId: string | null) {
  const { password } = await createReadyOfficer(svc.ctx, { username, displayName: username, role, unitId });
  const res = await fetch(`${svc.url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password }) });
  expect(res.status).toBe(200);
  const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
  return (path: string) => fetch(`${svc.url}${path}`, { headers: { cookie } });
}

describe("a tip's place, from the resident's chat to the right police unit", () => {
  it("confirms a shared pin in words, routes the tip to that commune's police, and hides it from another unit", async () => {
    const v = await reportUntilPlace("theft", "Có người lạ bẻ khóa xe máy trước nhà văn hóa thôn.");
    let bot = await say(v, { location: { latitude: POINTS.baTo2.lat, longitude: POINTS.baTo2.lon } });
    expect(bot?.text).toBe("Xã Ba Tô, tỉnh Quảng Ngãi — đúng không?");
    expect(bot?.buttons?.flat().map((b) => b.label)).toEqual(["Đúng", "Không phải"]);
    bot = await say(v, { button: payloadOf(bot, "Đúng") });
    expect((await v.messages()).at(-2)?.text).toBe("Đã ghi nơi xảy ra: Xã Ba Tô, tỉnh Quảng Ngãi");
    expect(bot?.text).toContain("khi nào");
    const tip = await finish(v);
    expect(tip).toMatchObject({ unitId: "CAX-BATO2", routeRule: "pin", communeCode: CODES.baTo2, latitude: POINTS.baTo2.lat, longitude: POINTS.baTo2.lon, needsConfirmation: false });
    expect(tip.adminDataVersion).toBeTruthy();
    expect(tip.events.map((e) => e.type)).toEqual(["created", "routed"]);

    const theirs = await officer("ca.ba.to2", "officer", "CAX-BATO2");
    const other = await officer("ca.ba.to", "officer", "CAX-BATO");
    const mine = (await (await theirs("/api/tips")).json()) as { items: { reference: string }[] };
    expect(mine.items.map((t) => t.reference)).toContain(tip.reference);
    const detail = await (await theirs(`/api/tips/${tip.id}`)).json();
    expect(detail.routing).toMatchObject({ unitId: "CAX-BATO2", unitName: "Công an xã Ba Tô", rule: "pin" });
    expect(detail.location).toMatchObject({ communeCode: CODES.baTo2, communeName: "Xã Ba Tô" });

    const notMine = (await (await other("/api/tips")).json()) as { items: { reference: string }[] };
    expect(notMine.items.map((t) => t.reference)).not.toContain(tip.reference);
    expect((await other(`/api/tips/${tip.id}`)).status).toBe(404);
  });

  it("asks for the place in words when the resident says the pin is wrong, and understands an old commune name", async () => {
    const v = await reportUntilPlace("gambling", "Có sòng bạc tụ tập ở nhà kho cũ.");
    let bot = await say(v, { location: { latitude: POINTS.baTo2.lat, longitude: POINTS.baTo2.lon } });
    bot = await say(v, { button: payloadOf(bot, "Không phải") });
    expect(bot?.text).toContain("Vậy việc này xảy ra ở đâu?");
    bot = await say(v, { text: "xa ba cung" });
    expect(bot?.text).toBe("Xã Ba Cung nay thuộc Xã Ba Tơ, tỉnh Quảng Ngãi — đúng không?");
    bot = await say(v, { button: payloadOf(bot, "Đúng") });
    expect(bot?.text).toContain("khi nào");
    const tip = await finish(v);
    expect(tip).toMatchObject({ unitId: "CAX-BATO", routeRule: "typed_commune", communeCode: CODES.baTo, latitude: null, placeText: "xa ba cung" });
  });

  it("offers both communes when only the marks tell them apart, and keeps the typed text when the resident says no", async () => {
    const v = await reportUntilPlace("fraud", "Có người gọi điện giả danh công an đòi chuyển tiền.");
    let bot = await say(v, { text: "ba to" });
    expect(bot?.text).toBe("Bạn chọn đúng nơi xảy ra nhé:");
    expect(bot?.buttons?.flat().map((b) => b.label)).toEqual(["Xã Ba Tô", "Xã Ba Tơ", "Không phải"]);
    bot = await say(v, { button: payloadOf(bot, "Không phải") });
    expect((await v.messages()).at(-2)?.text).toBe("Đã ghi nơi xảy ra: ba to");
    const tip = await finish(v);
    // Both candidates were refused: the place stays free text, for the duty desk to confirm.
    expect(tip).toMatchObject({ unitId: "TRUCBAN", routeRule: "place_unmatched", communeCode: null, placeText: "ba to", needsConfirmation: true });
  });

  it("takes a choice by its number, asks again for a bare yes among several, and looks up another place typed instead", async () => {
    const v = await reportUntilPlace("violence", "Hai nhóm thanh niên đánh nhau sau đám cưới.");
    let bot = await say(v, { text: "ba to" });
    bot = await say(v, { text: "đồng ý" });
    expect(bot?.text).toBe("Bạn chọn đúng nơi xảy ra nhé:");
    bot = await say(v, { text: "son thuy" });
    expect(bot?.text).toBe("Xã Sơn Thuỷ, tỉnh Quảng Ngãi — đúng không?");
    bot = await say(v, { text: "không" });
    expect((await v.messages()).at(-2)?.text).toBe("Đã ghi nơi xảy ra: son thuy");

    const w = await reportUntilPlace("violence", "Có người cầm gậy đe dọa hàng xóm.");
    await say(w, { text: "ba to" });
    bot = await say(w, { text: "2" });
    expect((await w.messages()).at(-2)?.text).toBe("Đã ghi nơi xảy ra: Xã Ba Tơ, tỉnh Quảng Ngãi");
    const tip = await finish(w);
    expect(tip).toMatchObject({ unitId: "CAX-BATO", routeRule: "typed_commune", communeCode: CODES.baTo });
  });

  it("sends a tip whose pin is outside the province to the duty desk, and says so", async () => {
    const v = await reportUntilPlace("traffic", "Xe tải chở gỗ lậu chạy qua đèo.");
    const bot = await say(v, { location: { latitude: POINTS.outside.lat, longitude: POINTS.outside.lon } });
    expect((await v.messages()).at(-2)?.text).toBe("Vị trí bạn gửi nằm ngoài tỉnh Quảng Ngãi. Công an trực ban tỉnh sẽ xem tin này.");
    expect(bot?.text).toContain("khi nào");
    const tip = await finish(v);
    expect(tip).toMatchObject({ unitId: "TRUCBAN", routeRule: "pin_outside", communeCode: null });
  });
});
