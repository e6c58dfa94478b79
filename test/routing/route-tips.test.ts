import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../support/context.ts";
import { insertTip } from "../console/support.ts";
import { CODES, importFixtures, POINTS } from "../units/fixtures.ts";
import { routeNewTip, type TipPlace } from "../../src/routing/route-new-tip.ts";
import { rerouteTip } from "../../src/routing/reroute-tip.ts";
import { loadPoliceUnits } from "../../src/routing/load-police-units.ts";
import { DEMO_PREFIX, ensureDemoSetup } from "../../src/routing/ensure-demo-setup.ts";
import { createPoliceUnit } from "../../src/routing/save-police-unit.ts";
import { UnitImportError } from "../../src/units/import-problems.ts";
import { currentVersion } from "../../src/units/unit-data.ts";
import type { SignedInOfficer } from "../../src/officers/roles.ts";

let ctx: TestContext;
let version: string;
const officer: SignedInOfficer = { id: "officer-1", username: "truc.ban", displayName: "Đ/c Trực ban", role: "duty", unitId: null };

beforeAll(async () => {
  ctx = await createTestContext();
  version = (await importFixtures(ctx.db)).crosswalk.version;
  const actor = { officerId: null };
  await createPoliceUnit(ctx, { id: "TRUCBAN", name: "Trực ban Công an tỉnh", kind: "duty_desk", communes: [], categories: [], languages: ["vi"] }, actor);
  await createPoliceUnit(ctx, { id: "CAX-BATO", name: "Công an xã Ba Tơ", kind: "commune", communes: [CODES.baTo], categories: [], languages: ["vi"] }, actor);
  await createPoliceUnit(ctx, { id: "CAX-BATO2", name: "Công an xã Ba Tô", kind: "commune", communes: [CODES.baTo2], categories: [], languages: ["vi", "hre"] }, actor);
  await createPoliceUnit(ctx, { id: "PC04", name: "Phòng CSĐT tội phạm về ma túy", kind: "specialised", communes: [], categories: ["drugs"], languages: ["vi"] }, actor);
});
afterAll(async () => ctx?.close());

async function file(place: TipPlace, tip: { category?: string; language?: string; urgent?: boolean; voice?: boolean } = {}) {
  const row = await insertTip(ctx, { description: "Có người lạ", category: tip.category ?? "theft" });
  await ctx.db.tip.update({ where: { id: row.id }, data: { language: tip.language ?? "vi", urgent: tip.urgent ?? false } });
  const routed = await ctx.db.$transaction((tx) =>
    routeNewTip(tx, { id: row.id, category: tip.category ?? "theft", language: tip.language ?? "vi", urgent: tip.urgent ?? false, voice: tip.voice ?? false }, place, new Date()),
  );
  const stored = await ctx.db.tip.findUniqueOrThrow({ where: { id: row.id }, include: { routings: true, events: true } });
  return { routed, stored };
}

describe("routing a tip as it is filed", () => {
  it("sends a confirmed pin's tip to the commune police, recording the rule, the commune and the data version", async () => {
    const { stored } = await file({ communeCode: CODES.baTo, communeSource: "pin", version, latitude: POINTS.baTo.lat, longitude: POINTS.baTo.lon });
    expect(stored).toMatchObject({ unitId: "CAX-BATO", routeRule: "pin", communeCode: CODES.baTo, adminDataVersion: version, needsConfirmation: false });
    expect(stored.routings).toEqual([expect.objectContaining({ unitId: "CAX-BATO", role: "primary", rule: "pin", active: true })]);
    const routed = stored.events.find((e) => e.type === "routed");
    expect(JSON.parse(routed!.data)).toMatchObject({ unitId: "CAX-BATO", unitName: "Công an xã Ba Tơ", rule: "pin", communeName: "Xã Ba Tơ", adminDataVersion: version });
    expect(routed!.actor).toBe("system");
  });

  it("locates a pin the resident did not confirm, and gives a point on a shared border to the lower code, marked", async () => {
    const { stored } = await file({ latitude: POINTS.sharedEdge.lat, longitude: POINTS.sharedEdge.lon });
    expect(stored).toMatchObject({ unitId: "CAX-BATO", routeRule: "pin", communeCode: CODES.baTo });
    expect(JSON.parse(stored.events.find((e) => e.type === "routed")!.data)).toMatchObject({ onBorder: true });
  });

  it("sends a pin outside the province and a tip with no place to the duty desk", async () => {
    expect((await file({ latitude: POINTS.outside.lat, longitude: POINTS.outside.lon })).stored).toMatchObject({ unitId: "TRUCBAN", routeRule: "pin_outside", communeCode: null });
    expect((await file({})).stored).toMatchObject({ unitId: "TRUCBAN", routeRule: "no_location", adminDataVersion: version });
  });

  it("guesses the commune from free text for an officer to confirm, leaving out the communes the resident refused", async () => {
    const guessed = await file({ placeText: "quán nước gần chợ Ba Cung" });
    expect(guessed.stored).toMatchObject({ unitId: "CAX-BATO", routeRule: "place_guess", communeCode: CODES.baTo, needsConfirmation: true });
    const refused = await file({ placeText: "quán nước gần chợ Ba Cung", rejectedCodes: [CODES.baTo] });
    expect(refused.stored).toMatchObject({ unitId: "TRUCBAN", routeRule: "place_unmatched", communeCode: null, needsConfirmation: true });
  });

  it("adds the drugs unit to a drugs tip, and the duty desk to an urgent one", async () => {
    const { stored } = await file({ communeCode: CODES.baTo, communeSource: "typed", version }, { category: "drugs", urgent: true });
    expect(stored.routings.map((r) => [r.unitId, r.role, r.rule]).sort()).toEqual([
      ["CAX-BATO", "primary", "typed_commune"],
      ["PC04", "support", "category"],
      ["TRUCBAN", "support", "urgent"],
    ]);
  });

  it("adds a unit whose officers speak Hre to a Hre voice tip, and names the officers who speak it", async () => {
    await ctx.db.officer.create({ data: { username: "hre.speaker", displayName: "Đ/c A", passwordHash: "x", role: "officer", unitId: "CAX-BATO2", languages: "vi,hre" } });
    const elsewhere = await file({ communeCode: CODES.baTo, communeSource: "pin", version }, { language: "hre", voice: true });
    expect(elsewhere.stored.routings.map((r) => [r.unitId, r.rule]).sort()).toEqual([["CAX-BATO", "pin"], ["CAX-BATO2", "language"]]);
    const home = await file({ communeCode: CODES.baTo2, communeSource: "pin", version }, { language: "hre", voice: true });
    expect(home.stored.routings.map((r) => r.unitId)).toEqual(["CAX-BATO2"]);
    expect(JSON.parse(home.stored.events.find((e) => e.type === "routed")!.data)).toMatchObject({ speakers: [expect.any(String)], voice: true });
  });
});

describe("re-routing by an officer", () => {
  it("moves the tip with a reason, keeps the old routing and both timeline events, and audits it", async () => {
    const { stored } = await file({ placeText: "gần chợ Ba Cung" });
    await rerouteTip(ctx, { tipId: stored.id, unitId: "CAX-BATO2", reason: "Người báo gọi lại: ở Ba Tô", officer, ip: "127.0.0.1" });
    const after = await ctx.db.tip.findUniqueOrThrow({ where: { id: stored.id }, include: { routings: { orderBy: { createdAt: "asc" } }, events: { orderBy: { createdAt: "asc" } } } });
    expect(after).toMatchObject({ unitId: "CAX-BATO2", routeRule: "manual", needsConfirmation: false });
    expect(after.routings.map((r) => [r.unitId, r.active, r.rule])).toEqual([["CAX-BATO", false, "place_guess"], ["CAX-BATO2", true, "manual"]]);
    expect(after.routings[0]!.endedAt).toBeInstanceOf(Date);
    expect(after.events.map((e) => e.type)).toEqual(["routed", "rerouted"]);
    expect(JSON.parse(after.events[1]!.data)).toMatchObject({ from: { unitId: "CAX-BATO" }, to: { unitId: "CAX-BATO2" }, reason: "Người báo gọi lại: ở Ba Tô" });
    expect(after.events[1]!.actor).toBe(`officer:${officer.id}`);
    const audit = await ctx.db.auditLog.findFirstOrThrow({ where: { action: "tip.route", targetId: stored.id } });
    expect(JSON.parse(audit.data)).toMatchObject({ from: "CAX-BATO", to: "CAX-BATO2", reason: "Người báo gọi lại: ở Ba Tô" });
  });

  it("confirms a commune and sends the tip to the unit covering it", async () => {
    const { stored } = await file({ placeText: "đầu thôn 3" });
    expect(stored).toMatchObject({ unitId: "TRUCBAN", needsConfirmation: true });
    await rerouteTip(ctx, { tipId: stored.id, communeCode: CODES.baTo2, reason: "Đã gọi xác minh", officer });
    expect(await ctx.db.tip.findUniqueOrThrow({ where: { id: stored.id } })).toMatchObject({ unitId: "CAX-BATO2", communeCode: CODES.baTo2, needsConfirmation: false, adminDataVersion: version });
  });

  it("refuses an unknown unit or commune, and a move to where the tip already is", async () => {
    const { stored } = await file({ communeCode: CODES.baTo, communeSource: "pin", version });
    await expect(rerouteTip(ctx, { tipId: stored.id, unitId: "KHONG-CO", reason: "thử", officer })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(rerouteTip(ctx, { tipId: stored.id, communeCode: "99999", reason: "thử", officer })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(rerouteTip(ctx, { tipId: stored.id, unitId: "CAX-BATO", reason: "thử", officer })).rejects.toMatchObject({ code: "conflict" });
  });
});

describe("police units from a setup file", () => {
  it("refuses a file with a bad entry or an unknown commune, naming the unit, and loads nothing", async () => {
    const before = await ctx.db.policeUnit.count();
    const text = JSON.stringify({ units: [{ id: "CAX-A", name: "Công an xã A", kind: "commune", communes: ["88888"] }, { id: "x", name: "B", kind: "town" }] }, null, 1);
    const err = (await loadPoliceUnits(ctx, { bytes: Buffer.from(text), file: "don-vi.json" }).catch((e: unknown) => e)) as UnitImportError;
    expect(err).toBeInstanceOf(UnitImportError);
    const wheres = err.problems.map((p) => p.where);
    expect(wheres.some((w) => w.startsWith("unit 2, line"))).toBe(true);
    expect(err.problems.find((p) => p.where === "unit 1 (CAX-A)")?.message).toContain("88888");
    expect(await ctx.db.policeUnit.count()).toBe(before);
  });
});

describe("the embedded default's demo set", () => {
  it("creates demo communes and [DEMO] units on an empty database, once, and loading real units turns them off", async () => {
    const empty = await createTestContext();
    try {
      const demo = await ensureDemoSetup(empty);
      expect(demo?.units).toContain("DEMO-TRUCBAN");
      expect(await currentVersion(empty.db)).toMatchObject({ demo: true });
      const units = await empty.db.policeUnit.findMany();
      expect(units.every((u) => u.demo && u.name.startsWith(DEMO_PREFIX))).toBe(true);
      expect(await ensureDemoSetup(empty)).toBeNull();

      // The demo communes answer typed names at once.
      const tip = await insertTip(empty, { description: "Có người bán ma túy" });
      await empty.db.$transaction((tx) => routeNewTip(tx, { id: tip.id, category: "drugs", language: "vi", urgent: false, voice: false }, { placeText: "gần chợ xã Ba Tơ" }, new Date()));
      expect(await empty.db.tip.findUniqueOrThrow({ where: { id: tip.id } })).toMatchObject({ unitId: "DEMO-CAX-BATO", communeCode: "21484" });

      const real = { units: [{ id: "CAT-TRUCBAN", name: "Trực ban Công an tỉnh Quảng Ngãi", kind: "duty_desk" }, { id: "CAX-BATO", name: "Công an xã Ba Tơ", kind: "commune", communes: ["21484"], languages: ["vi", "hre"] }] };
      const summary = await loadPoliceUnits(empty, { bytes: Buffer.from(JSON.stringify(real)), file: "don-vi.json" });
      expect(summary).toMatchObject({ created: ["CAT-TRUCBAN", "CAX-BATO"], updated: [] });
      expect(summary.demoDisabled).toContain("DEMO-CAX-BATO");
      expect(await empty.db.policeUnit.count({ where: { demo: true, disabledAt: null } })).toBe(0);
      expect(await empty.db.auditLog.count({ where: { action: "unit.load" } })).toBe(1);
    } finally {
      await empty.close();
    }
  });
});
