/**
 * The commune map API (issue 13, item 2) over real HTTP, on Quảng Ngãi's real 96 boundaries (../shared/data,
 * read from there, never copied): outlines as SVG paths in the viewBox, each commune's figures for the period
 * as the queue counts them, tips per 1,000 residents once population is imported, and a unit officer who sees
 * only their unit's numbers and pins.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importUnits } from "../../src/units/import-units.ts";
import { importPopulation, PopulationImportError } from "../../src/units/import-population.ts";
import { communeOutlines } from "../../src/reports/commune-outlines.ts";
import { bands } from "../../src/reports/commune-map.ts";
import { addOfficer, insertTip, signIn, startApi, type ApiHarness, type SignedIn } from "./support.ts";

const DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../shared/data");
const POLYGONS = path.join(DATA, "quang-ngai-communes-2026-07.geojson");
const present = existsSync(POLYGONS);
if (!present && process.env.CI) throw new Error(`Commune boundaries missing: expected ${POLYGONS}`);

const BA_TO = "21484";
const SON_HA = "21289";
const CAM_THANH = "21025";
// Points well inside Ba Tơ and Cẩm Thành (checked against the polygons in the first test).
const IN_BA_TO = { latitude: 14.7694, longitude: 108.7292 };
const IN_CAM_THANH = { latitude: 15.1133, longitude: 108.8107 };

interface MapBody {
  version: string | null;
  width: number;
  height: number;
  measure: string;
  per1000: { available: boolean; reason: string | null };
  legend: { from: number; to: number; label: string; communes: number }[];
  communes: { code: string; name: string; path: string; tips: number; open: number; population: number | null; per1000: number | null; band: number | null }[];
  total: number;
  withoutCommune: number;
  pins: { x: number; y: number; reference: string }[];
  pinsTotal: number;
  focus: string[];
}

describe.runIf(present)("the commune map API", () => {
  let api: ApiHarness;
  let admin: SignedIn;
  let officer: SignedIn;
  const refs: Record<string, string> = {};

  const getMap = async (who: SignedIn, query: string) => {
    const res = await fetch(`${api.base}/api/reports/map?${query}`, { headers: who.cookie });
    expect(res.status, await res.clone().text()).toBe(200);
    return { body: (await res.json()) as MapBody, bytes: Number(res.headers.get("content-length") ?? 0) };
  };
  const commune = (m: MapBody, code: string) => m.communes.find((c) => c.code === code)!;

  beforeAll(async () => {
    api = await startApi();
    await importUnits(api.ctx.db, { bytes: readFileSync(POLYGONS), file: POLYGONS });
    await addOfficer(api.ctx, "lanhdao", "admin");
    await addOfficer(api.ctx, "ca.bato", "officer", { unitId: "CAX-BATO" });
    await api.ctx.db.policeUnit.create({ data: { id: "CAX-BATO", name: "Công an xã Ba Tơ", kind: "commune", provinceCode: "51", communes: BA_TO, languages: "vi" } });
    const at = (day: string, hour = 10) => new Date(`${day}T${String(hour).padStart(2, "0")}:00:00+07:00`);
    // Ba Tơ: three in November (one with a pin, one closed), one on 1 December at 00:30 Vietnam time (outside).
    const batoPin = await insertTip(api.ctx, { description: "Mua bán ma túy ở chợ", communeCode: BA_TO, unitId: "CAX-BATO", createdAt: at("2026-11-03") });
    await api.ctx.db.tip.update({ where: { id: batoPin.id }, data: IN_BA_TO });
    refs.bato = batoPin.reference;
    await insertTip(api.ctx, { description: "Trộm bò", communeCode: BA_TO, unitId: "CAX-BATO", createdAt: at("2026-11-30", 23) });
    await insertTip(api.ctx, { description: "Đánh bạc", communeCode: BA_TO, unitId: "CAX-BATO", status: "closed", createdAt: at("2026-11-01", 0) });
    await insertTip(api.ctx, { description: "Ngoài kỳ", communeCode: BA_TO, unitId: "CAX-BATO", createdAt: new Date("2026-11-30T17:30:00Z") });
    // Cẩm Thành (another unit): two tips, one with a pin the Ba Tơ officer must never see. Sơn Hà: one.
    const camPin = await insertTip(api.ctx, { description: "Lừa đảo qua mạng", communeCode: CAM_THANH, unitId: "CAP-CAMTHANH", createdAt: at("2026-11-10") });
    await api.ctx.db.tip.update({ where: { id: camPin.id }, data: IN_CAM_THANH });
    refs.cam = camPin.reference;
    await insertTip(api.ctx, { description: "Cướp giật", communeCode: CAM_THANH, unitId: "CAP-CAMTHANH", createdAt: at("2026-11-11") });
    await insertTip(api.ctx, { description: "Khai thác cát", communeCode: SON_HA, unitId: "CAX-SONHA", createdAt: at("2026-11-12") });
    await insertTip(api.ctx, { description: "Không rõ nơi", createdAt: at("2026-11-13") });
    admin = await signIn(api.base, "lanhdao");
    officer = await signIn(api.base, "ca.bato");
  }, 120_000);
  afterAll(async () => api?.close());

  it("draws the 96 communes as SVG paths inside the viewBox, computed once per data version", async () => {
    const started = performance.now();
    const { body, bytes } = await getMap(admin, "from=2026-11-01&to=2026-11-30");
    const firstMs = performance.now() - started;
    expect(body.communes).toHaveLength(96);
    expect(body.width).toBe(800);
    for (const c of body.communes) {
      expect(c.path, c.code).toMatch(/^M[\d.]+,[\d.]+L/);
      const numbers = c.path.match(/-?[\d.]+/g)!.map(Number);
      expect(Math.min(...numbers), c.code).toBeGreaterThanOrEqual(0);
      expect(Math.max(...numbers.filter((_, i) => i % 2 === 1)), c.code).toBeLessThanOrEqual(body.height);
    }
    expect(commune(body, BA_TO).name).toBe("Xã Ba Tơ");
    const again = performance.now();
    await getMap(admin, "from=2026-11-01&to=2026-11-30");
    const secondMs = performance.now() - again;
    expect(await communeOutlines(api.ctx.db)).toBe(await communeOutlines(api.ctx.db));
    console.log(`map: payload ${(bytes / 1024).toFixed(0)} KB, first answer ${firstMs.toFixed(0)} ms (simplify + project), next ${secondMs.toFixed(0)} ms`);
    expect(bytes).toBeLessThan(200_000);
  });

  it("counts the period's tips per commune as the queue does (Vietnam days), with the province's pins for the admin", async () => {
    const { body } = await getMap(admin, "from=2026-11-01&to=2026-11-30");
    expect(commune(body, BA_TO)).toMatchObject({ tips: 3, open: 2 });
    expect(commune(body, CAM_THANH)).toMatchObject({ tips: 2, open: 2 });
    expect(commune(body, SON_HA)).toMatchObject({ tips: 1 });
    expect(body.total).toBe(7);
    expect(body.withoutCommune).toBe(1);
    expect(body.pins.map((p) => p.reference).sort()).toEqual([refs.bato, refs.cam].sort());
    expect(body.pinsTotal).toBe(2);
    for (const p of body.pins) {
      expect(p.x).toBeGreaterThan(0);
      expect(p.y).toBeGreaterThan(0);
      expect(p.x).toBeLessThan(body.width);
      expect(p.y).toBeLessThan(body.height);
    }
    // Every commune is in exactly one legend range, and the ranges say how many communes they hold.
    expect(body.legend[0]).toMatchObject({ from: 0, to: 0, label: "0" });
    expect(body.legend.reduce((n, b) => n + b.communes, 0)).toBe(96);
    expect(body.legend[commune(body, BA_TO).band!]!.to).toBeGreaterThanOrEqual(3);
    expect(body.legend[commune(body, BA_TO).band!]!.from).toBeLessThanOrEqual(3);

    const queue = await fetch(`${api.base}/api/tips?communeCode=${BA_TO}&from=2026-11-01&to=2026-11-30&statusGroup=all`, { headers: admin.cookie });
    expect(((await queue.json()) as { items: unknown[] }).items).toHaveLength(3);
  });

  it("gives a unit officer only their unit's numbers and pins", async () => {
    const { body } = await getMap(officer, "from=2026-11-01&to=2026-11-30");
    expect(commune(body, BA_TO).tips).toBe(3);
    expect(commune(body, CAM_THANH).tips).toBe(0);
    expect(commune(body, SON_HA).tips).toBe(0);
    expect(body.total).toBe(3);
    expect(body.withoutCommune).toBe(0);
    expect(body.pins.map((p) => p.reference)).toEqual([refs.bato]);
    expect(JSON.stringify(body)).not.toContain(refs.cam);
    expect(body.focus).toEqual([BA_TO]);
    // Asking for another unit is refused.
    const other = await fetch(`${api.base}/api/reports/map?from=2026-11-01&to=2026-11-30&unitId=CAP-CAMTHANH`, { headers: officer.cookie });
    expect(other.status).toBe(403);
    expect(JSON.stringify(await other.json())).not.toContain(refs.cam);
  });

  it("offers tips per 1,000 residents only once population is imported, and computes it", async () => {
    const before = await getMap(admin, "from=2026-11-01&to=2026-11-30&measure=per1000");
    expect(before.body.measure).toBe("tips");
    expect(before.body.per1000).toEqual({ available: false, reason: expect.stringContaining("Chưa nhập số dân") });

    await expect(importPopulation(api.ctx.db, { text: "code,population\n99999,100\n", file: "sai.csv" })).rejects.toThrow(PopulationImportError);
    await expect(importPopulation(api.ctx.db, { text: "ma,dan\n21484,100\n", file: "sai.csv" })).rejects.toThrow(/code và population/);
    const imported = await importPopulation(api.ctx.db, { text: `\uFEFFcode;population;ghi chú\n${BA_TO};"12.000";x\n${CAM_THANH};40000;\n`, file: "dan-so.csv" });
    expect(imported).toMatchObject({ communes: 2, total: 52_000, missing: 94 });

    const after = await getMap(admin, "from=2026-11-01&to=2026-11-30&measure=per1000");
    expect(after.body.measure).toBe("per1000");
    expect(after.body.per1000.available).toBe(true);
    expect(after.body.per1000.reason).toContain("2/96");
    expect(commune(after.body, BA_TO)).toMatchObject({ population: 12_000, per1000: 0.3, band: expect.any(Number) });
    expect(commune(after.body, CAM_THANH)).toMatchObject({ population: 40_000, per1000: 0.1 });
    expect(commune(after.body, SON_HA)).toMatchObject({ population: null, per1000: null, band: null });
    const band = after.body.legend[commune(after.body, BA_TO).band!]!;
    expect(band.from).toBeLessThanOrEqual(0.3);
    expect(band.to).toBeGreaterThanOrEqual(0.3);
    expect(band.label).toMatch(/,/);
  });
});

describe("legend ranges", () => {
  it("puts zero alone and cuts the rest into whole-number ranges that cover every value once", () => {
    const values = [0, 0, 1, 1, 2, 3, 5, 8, 13, 40];
    const legend = bands(values, 0);
    expect(legend[0]).toMatchObject({ from: 0, to: 0, label: "0" });
    for (const v of values) expect(legend.filter((b) => v >= b.from && v <= b.to), String(v)).toHaveLength(1);
    expect(legend.at(-1)!.to).toBe(40);
    expect(legend.length).toBeLessThanOrEqual(5);
    expect(bands([0, 0], 0)).toHaveLength(1);
    const per1000 = [0.1, 0.3, 0.7, 1.2, 2.5];
    const decimals = bands(per1000, 1);
    for (const v of per1000) expect(decimals.filter((b) => v >= b.from && v <= b.to), String(v)).toHaveLength(1);
    expect(decimals.map((b) => b.label)[0]).toBe("0,0");
  });
});
