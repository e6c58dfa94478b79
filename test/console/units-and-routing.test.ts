import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addOfficer, insertTip, postJson, signIn, startApi, type ApiHarness, type SignedIn } from "./support.ts";
import { CODES, importFixtures } from "../units/fixtures.ts";

let api: ApiHarness;
let admin: SignedIn;
let duty: SignedIn;
let baTo: SignedIn;
let baTo2: SignedIn;

beforeAll(async () => {
  api = await startApi();
  await importFixtures(api.ctx.db);
  await addOfficer(api.ctx, "quan.tri", "admin");
  await addOfficer(api.ctx, "truc.ban", "duty");
  await addOfficer(api.ctx, "cong.an.ba.to", "officer", { unitId: "CAX-BATO" });
  await addOfficer(api.ctx, "cong.an.ba.to2", "officer", { unitId: "CAX-BATO2" });
  admin = await signIn(api.base, "quan.tri");
  duty = await signIn(api.base, "truc.ban");
  baTo = await signIn(api.base, "cong.an.ba.to");
  baTo2 = await signIn(api.base, "cong.an.ba.to2");
});
afterAll(async () => api?.close());

const get = (path: string, session: SignedIn) => fetch(`${api.base}${path}`, { headers: session.cookie });
const send = (method: "POST" | "PATCH", path: string, session: SignedIn, body: unknown) =>
  fetch(`${api.base}${path}`, { method, headers: { "content-type": "application/json", ...session.cookie, "X-CSRF-Token": session.csrfToken }, body: JSON.stringify(body) });

describe("police units through the API", () => {
  it("lets an admin create a unit covering communes, validated and audited", async () => {
    const res = await send("POST", "/api/units", admin, {
      id: "cax-bato",
      name: "Công an xã Ba Tơ",
      kind: "commune",
      communes: [CODES.baTo],
      languages: ["vi", "hre"],
      phone: "0255 3 861 113",
      address: "Thôn 1, xã Ba Tơ",
      hours: "Thứ Hai đến thứ Sáu, 7:30–17:00",
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({
      id: "CAX-BATO",
      name: "Công an xã Ba Tơ",
      kind: "commune",
      provinceCode: "51",
      communes: [{ code: CODES.baTo, name: "Xã Ba Tơ" }],
      categories: [],
      languages: ["vi", "hre"],
      phone: "0255 3 861 113",
      address: "Thôn 1, xã Ba Tơ",
      hours: "Thứ Hai đến thứ Sáu, 7:30–17:00",
      contactSample: false,
      dutyChatId: null,
      demo: false,
      disabled: false,
    });
    const audit = await api.ctx.db.auditLog.findFirstOrThrow({ where: { action: "unit.create", targetId: "CAX-BATO" } });
    expect(JSON.parse(audit.data)).toMatchObject({ communes: [CODES.baTo] });
    for (const unit of [
      { id: "CAX-BATO2", name: "Công an xã Ba Tô", kind: "commune", communes: [CODES.baTo2] },
      { id: "TRUCBAN", name: "Trực ban Công an tỉnh", kind: "duty_desk" },
      { id: "PC04", name: "Phòng CSĐT tội phạm về ma túy", kind: "specialised", categories: ["drugs"] },
    ]) {
      expect((await send("POST", "/api/units", admin, unit)).status).toBe(201);
    }
  });

  it("refuses communes not in the current data, bad fields, and a second unit with the same id", async () => {
    const unknown = await send("POST", "/api/units", admin, { id: "CAX-X", name: "Công an xã X", kind: "commune", communes: ["88888"] });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: { code: "validation_failed", details: { unknownCommunes: ["88888"] } } });
    const bad = await send("POST", "/api/units", admin, { id: "CAX-Y", name: "Y", kind: "town", categories: ["spying"] });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details.map((d: { path: string }) => d.path).sort()).toEqual(["categories.0", "kind", "name"]);
    const twice = await send("POST", "/api/units", admin, { id: "CAX-BATO", name: "Công an xã Ba Tơ", kind: "commune" });
    expect(twice.status).toBe(409);
  });

  it("lets only admins write, and requires the CSRF header with a cookie", async () => {
    expect((await send("POST", "/api/units", duty, { id: "CAX-Z", name: "Công an xã Z", kind: "commune" })).status).toBe(403);
    expect((await send("PATCH", "/api/units/CAX-BATO", baTo, { name: "Đổi tên" })).status).toBe(403);
    const noCsrf = await postJson(api.base, "/api/units", { id: "CAX-Z", name: "Công an xã Z", kind: "commune" }, admin.cookie);
    expect(noCsrf.status).toBe(403);
    expect((await noCsrf.json()).error.code).toBe("csrf_failed");
    expect((await fetch(`${api.base}/api/units`)).status).toBe(401);
  });

  it("changes only the fields given, records before and after, and can stop a unit receiving tips", async () => {
    const res = await send("PATCH", "/api/units/cax-bato2", admin, { languages: ["vi", "cua"], disabled: true });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: "CAX-BATO2", name: "Công an xã Ba Tô", languages: ["vi", "cua"], disabled: true });
    const audit = await api.ctx.db.auditLog.findFirstOrThrow({ where: { action: "unit.update", targetId: "CAX-BATO2" } });
    expect(JSON.parse(audit.data)).toEqual({ languages: { from: ["vi"], to: ["vi", "cua"] }, disabled: { from: false, to: true } });
    expect((await send("PATCH", "/api/units/CAX-BATO2", admin, { disabled: false })).status).toBe(200);
    expect((await send("PATCH", "/api/units/KHONG-CO", admin, { disabled: false })).status).toBe(404);
    expect((await send("PATCH", "/api/units/CAX-BATO2", admin, {})).status).toBe(400);
  });

  it("lists the units for any signed-in officer", async () => {
    const res = await get("/api/units", baTo);
    expect(res.status).toBe(200);
    expect((await res.json()).items.map((u: { id: string }) => u.id)).toEqual(["CAX-BATO", "CAX-BATO2", "TRUCBAN", "PC04"]);
    expect(await (await get("/api/units/CAX-BATO", baTo)).json()).toMatchObject({ name: "Công an xã Ba Tơ" });
  });

  it("finds communes by name (old names too) or by coordinates", async () => {
    const byName = await (await get(`/api/communes?q=${encodeURIComponent("xa ba cung")}`, baTo)).json();
    expect(byName.items[0]).toEqual({ code: CODES.baTo, name: "Xã Ba Tơ", province: "Tỉnh Quảng Ngãi", oldName: "Xã Ba Cung" });
    const byPoint = await (await get("/api/communes?lat=14.75&lon=108.85", baTo)).json();
    expect(byPoint.items).toEqual([{ code: CODES.baTo2, name: "Xã Ba Tô", province: "Tỉnh Quảng Ngãi", onBorder: false }]);
    expect((await get("/api/communes", baTo)).status).toBe(400);
  });
});

describe("which tips an officer sees", () => {
  let baToTip: string;
  let drugsTip: string;

  beforeAll(async () => {
    baToTip = (await insertTip(api.ctx, { description: "Trộm trâu ở Ba Tơ", unitId: "CAX-BATO" })).id;
    await insertTip(api.ctx, { description: "Cờ bạc ở Ba Tô", category: "gambling", unitId: "CAX-BATO2" });
    const drugs = await insertTip(api.ctx, { description: "Bán ma túy ở Ba Tơ", category: "drugs", unitId: "CAX-BATO" });
    await api.ctx.db.tipRouting.create({ data: { tipId: drugs.id, unitId: "PC04", role: "support", rule: "category" } });
    drugsTip = drugs.id;
  });

  const listed = async (session: SignedIn) => ((await (await get("/api/tips", session)).json()).items as { description?: string; excerpt: string }[]).map((t) => t.excerpt).sort();

  it("shows a commune officer only the tips routed to their unit, and 404 for another unit's tip", async () => {
    expect(await listed(baTo)).toEqual(["Bán ma túy ở Ba Tơ", "Trộm trâu ở Ba Tơ"]);
    expect(await listed(baTo2)).toEqual(["Cờ bạc ở Ba Tô"]);
    expect((await get(`/api/tips/${baToTip}`, baTo)).status).toBe(200);
    const hidden = await get(`/api/tips/${baToTip}`, baTo2);
    expect(hidden.status).toBe(404);
    expect(await hidden.json()).toEqual({ error: { code: "not_found", message: "Không tìm thấy tin báo." } });
  });

  it("shows the duty desk and admins every tip", async () => {
    expect(await listed(duty)).toHaveLength(3);
    expect(await listed(admin)).toHaveLength(3);
  });

  it("shows a specialised unit the tips a rule added it to, and a viewer their unit's tips", async () => {
    await addOfficer(api.ctx, "ma.tuy", "officer", { unitId: "PC04" });
    expect(await listed(await signIn(api.base, "ma.tuy"))).toEqual(["Bán ma túy ở Ba Tơ"]);
    await addOfficer(api.ctx, "chi.xem", "viewer", { unitId: "CAX-BATO2" });
    expect(await listed(await signIn(api.base, "chi.xem"))).toEqual(["Cờ bạc ở Ba Tô"]);
    await addOfficer(api.ctx, "chua.co.don.vi", "officer");
    expect(await listed(await signIn(api.base, "chua.co.don.vi"))).toEqual([]);
  });

  it("lets the unit's officer move a tip with a reason; the file keeps both steps and the old unit loses it", async () => {
    const noReason = await send("POST", `/api/tips/${drugsTip}/route`, baTo, { unitId: "CAX-BATO2" });
    expect(noReason.status).toBe(400);
    const noCsrf = await postJson(api.base, `/api/tips/${drugsTip}/route`, { unitId: "CAX-BATO2", reason: "Sai địa bàn" }, baTo.cookie);
    expect(noCsrf.status).toBe(403);

    const res = await send("POST", `/api/tips/${drugsTip}/route`, baTo, { unitId: "cax-bato2", reason: "Sai địa bàn: quán ở Ba Tô" });
    expect(res.status).toBe(200);
    const routing = await res.json();
    expect(routing).toMatchObject({ unitId: "CAX-BATO2", unitName: "Công an xã Ba Tô", rule: "manual", ruleText: "Cán bộ chuyển đơn vị", needsConfirmation: false });
    expect(routing.units.map((u: { unitId: string; role: string; active: boolean }) => [u.unitId, u.role, u.active])).toEqual([
      ["CAX-BATO", "primary", false],
      ["PC04", "support", true],
      ["CAX-BATO2", "primary", true],
    ]);

    expect((await get(`/api/tips/${drugsTip}`, baTo)).status).toBe(404);
    const detail = await (await get(`/api/tips/${drugsTip}`, baTo2)).json();
    expect(detail.routing.unitId).toBe("CAX-BATO2");
    expect(detail.events.map((e: { type: string }) => e.type)).toEqual(["rerouted"]);
    expect(detail.events[0]).toMatchObject({ actor: expect.stringMatching(/^officer:/), data: { from: { unitId: "CAX-BATO" }, to: { unitId: "CAX-BATO2" }, reason: "Sai địa bàn: quán ở Ba Tô" } });
    expect(await api.ctx.db.auditLog.count({ where: { action: "tip.route", targetId: drugsTip } })).toBe(1);
  });

  it("does not let a viewer move a tip, nor anyone move a tip they cannot see", async () => {
    const viewer = await signIn(api.base, "chi.xem");
    expect((await send("POST", `/api/tips/${drugsTip}/route`, viewer, { unitId: "CAX-BATO", reason: "Thử chuyển" })).status).toBe(403);
    expect((await send("POST", `/api/tips/${baToTip}/route`, baTo2, { unitId: "CAX-BATO2", reason: "Thử chuyển" })).status).toBe(404);
  });

  it("lets the duty desk confirm a guessed commune, which sends the tip to that commune's unit", async () => {
    const guessed = await insertTip(api.ctx, { description: "Đánh nhau ở chợ", unitId: "TRUCBAN" });
    await api.ctx.db.tip.update({ where: { id: guessed.id }, data: { needsConfirmation: true, routeRule: "place_guess" } });
    const res = await send("POST", `/api/tips/${guessed.id}/route`, duty, { communeCode: CODES.baTo, reason: "Đã gọi lại người báo" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ unitId: "CAX-BATO", needsConfirmation: false });
    const detail = await (await get(`/api/tips/${guessed.id}`, baTo)).json();
    expect(detail.location).toMatchObject({ communeCode: CODES.baTo, communeName: "Xã Ba Tơ" });
  });
});
