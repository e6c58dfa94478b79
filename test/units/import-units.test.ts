import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../support/context.ts";
import { importUnits } from "../../src/units/import-units.ts";
import { UnitImportError } from "../../src/units/import-problems.ts";
import { currentUnitData } from "../../src/units/unit-data.ts";
import { findCommunes, locatePin } from "../../src/units/find-communes.ts";
import { box, CODES, COMMUNES, CROSSWALK, geojsonFile, importFixtures, listFile, POINTS, SHAPES } from "./fixtures.ts";

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => ctx?.close());

const bytes = (text: string) => Buffer.from(text);
const versions = () => ctx.db.adminDataVersion.count();

async function importError(file: string, text: string | Buffer, options: Record<string, unknown> = {}): Promise<UnitImportError> {
  const before = await versions();
  const err = await importUnits(ctx.db, { bytes: typeof text === "string" ? bytes(text) : text, file, ...options }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(UnitImportError);
  expect(await versions()).toBe(before);
  return err as UnitImportError;
}

describe("importing administrative units", () => {
  it("imports a list, then boundaries, then old names, each as a new data version", async () => {
    const { list, polygons, crosswalk } = await importFixtures(ctx.db);
    expect(list).toMatchObject({ kind: "list", provinces: ["01", "51"], units: COMMUNES.length + 1, polygons: 0, basedOn: null });
    expect(polygons).toMatchObject({ kind: "polygons", basedOn: list.version, polygons: 5, removed: [], withoutBoundary: [CODES.caDam, CODES.tayTraBong] });
    expect(crosswalk).toMatchObject({ kind: "crosswalk", basedOn: polygons.version, polygons: 5, units: COMMUNES.length + 1 });
    expect(crosswalk.splits).toEqual([{ oldName: "Xã Trà Bùi", codes: [CODES.caDam, CODES.tayTraBong] }]);
    expect(await versions()).toBe(3);

    const unit = await ctx.db.adminUnit.findUniqueOrThrow({ where: { version_code: { version: crosswalk.version, code: CODES.sonThuy } } });
    expect(unit).toMatchObject({ name: "Sơn Thuỷ", fullName: "Xã Sơn Thuỷ", folded: "son thuy", provinceCode: "51", provinceName: "Tỉnh Quảng Ngãi" });
    expect(unit.geometryId).toMatch(/^[0-9a-f]{64}$/);
    // Boundaries are shared between versions, not copied.
    expect(await ctx.db.adminGeometry.count()).toBe(5);

    const data = await currentUnitData(ctx.db);
    expect(data?.version).toBe(crosswalk.version);
    expect(await locatePin(ctx.db, POINTS.lySonSecondIsland.lat, POINTS.lySonSecondIsland.lon)).toMatchObject({ status: "commune", commune: { code: CODES.lySon, name: "Đặc khu Lý Sơn", province: "Tỉnh Quảng Ngãi" } });
    expect(await locatePin(ctx.db, POINTS.outside.lat, POINTS.outside.lon)).toEqual({ status: "outside" });
    expect((await findCommunes(ctx.db, "xa ba cung", 4))[0]).toMatchObject({ code: CODES.baTo, oldName: "Xã Ba Cung" });
    // The national list has Hà Nội too, but residents' typed names stay in Quảng Ngãi.
    expect(await findCommunes(ctx.db, "phuong ba dinh", 4)).toEqual([]);
  });

  it("stores names in NFC whatever the file used, and capitalises kind words", async () => {
    const nfd = listFile([{ Code: "99001", FullName: "xã Sơn Thuỷ".normalize("NFD") }] as unknown as typeof COMMUNES);
    const summary = await importUnits(ctx.db, { bytes: bytes(nfd), file: "nfd.json", provinces: ["51"] });
    const unit = await ctx.db.adminUnit.findFirstOrThrow({ where: { version: summary.version, code: "99001" } });
    expect(unit.fullName).toBe("Xã Sơn Thuỷ".normalize("NFC"));
    expect(unit.fullName.normalize("NFC")).toBe(unit.fullName);
    await importFixtures(ctx.db);
  });

  it("keeps the old version for tips filed under it when a changed list is imported, and records what changed", async () => {
    const before = await currentUnitData(ctx.db);
    const tip = await ctx.db.tip.create({
      data: {
        reference: "QN-OLD01",
        secretHash: "x",
        sourceKey: "test:old-version",
        channel: "webchat",
        language: "vi",
        category: "theft",
        description: "Mất trộm",
        descriptionFolded: "mat trom",
        communeCode: CODES.baTo2,
        adminDataVersion: before!.version,
        ackDueAt: new Date(),
        settleDueAt: new Date(),
      },
    });
    // Ba Tô is merged into Ba Tơ (its code goes, the source says so), and Sơn Thuỷ is renamed.
    const changed = COMMUNES.filter((c) => c.Code !== CODES.baTo2).map((c) =>
      c.Code === CODES.baTo ? { ...c, OldCodes: [CODES.baTo2] } : c.Code === CODES.sonThuy ? { ...c, FullName: "Xã Sơn Thủy Mới" } : c,
    );
    const summary = await importUnits(ctx.db, { bytes: bytes(listFile(changed)), file: "communes-2027.json" });
    expect(summary).toMatchObject({
      basedOn: before!.version,
      removed: [CODES.baTo2],
      renamed: [{ code: CODES.sonThuy, from: "Xã Sơn Thuỷ", to: "Xã Sơn Thủy Mới" }],
      codeChanges: [{ old: CODES.baTo2, new: CODES.baTo }],
    });
    expect(summary.polygons).toBe(4);

    const kept = await ctx.db.tip.findUniqueOrThrow({ where: { id: tip.id } });
    expect(kept).toMatchObject({ communeCode: CODES.baTo2, adminDataVersion: before!.version });
    const old = await ctx.db.adminUnit.findUnique({ where: { version_code: { version: before!.version, code: CODES.baTo2 } } });
    expect(old?.fullName).toBe("Xã Ba Tô");
    expect(await ctx.db.adminUnit.findUnique({ where: { version_code: { version: summary.version, code: CODES.baTo2 } } })).toBeNull();
    // Old names of communes that survive are carried into the new version.
    expect((await findCommunes(ctx.db, "xa ba cung", 4))[0]).toMatchObject({ code: CODES.baTo });
    await importFixtures(ctx.db);
  });
});

describe("a malformed file", () => {
  it("is refused with the line and column of bad JSON, and nothing is imported", async () => {
    const text = listFile().replace('"FullName": "Xã Ba Tô"', '"FullName": "Xã Ba Tô",,');
    const err = await importError("communes.json", text);
    const line = text.split("\n").findIndex((l) => l.includes(",,")) + 1;
    expect(err.problems[0]!.where).toMatch(new RegExp(`^line ${line}, column \\d+$`));
    expect(err.message).toContain("bad JSON");
    expect(err.message).toContain("nothing imported");
  });

  it("names the line of a commune whose province is unknown", async () => {
    const text = listFile().replace(/("Code": "21548",\s+"FullName": "Đặc khu Lý Sơn",\s+"ProvinceCode": )"51"/, '$1"77"');
    expect(text).toContain('"77"');
    const err = await importError("communes.json", text);
    const line = text.split("\n").findIndex((l) => l.includes(`"${CODES.lySon}"`));
    expect(err.problems).toEqual([{ where: expect.stringMatching(new RegExp(`^line ${line}, `)), message: `commune ${CODES.lySon}: unknown province "77"` }]);
  });

  it("refuses a province asked for that the list does not have", async () => {
    const err = await importError("communes.json", listFile(), { provinces: ["77"] });
    expect(err.problems[0]!.message).toContain("unknown province 77");
  });

  it("names the feature of an invalid polygon, and imports none of the valid ones", async () => {
    const shapes = {
      ...SHAPES,
      [CODES.baTo2]: { type: "Polygon", coordinates: [box(108.8, 14.7, 108.9, 14.8).slice(0, 4)] },
      [CODES.sonThuy]: { type: "Polygon", coordinates: [[[14.85, 108.7], [14.85, 108.9], [14.95, 108.9], [14.85, 108.7]]] },
      [CODES.lySon]: { type: "LineString", coordinates: [[109, 15], [109.1, 15.1]] },
    };
    const err = await importError("communes.geojson", geojsonFile(shapes));
    // Features are in code order: 21319, 21484, 21520, 21523, 21548.
    expect(err.problems).toEqual([
      { where: expect.stringMatching(/^feature 1 \(code 21319\), line \d+, column \d+$/), message: expect.stringContaining("out of range (longitude first, then latitude)") },
      { where: expect.stringMatching(/^feature 4 \(code 21523\), line \d+/), message: "invalid polygon: outer ring: not closed (the last position must repeat the first)" },
      { where: expect.stringMatching(/^feature 5 \(code 21548\), line \d+/), message: 'invalid polygon: geometry type "LineString" is not Polygon or MultiPolygon' },
    ]);
  });

  it("refuses polygons of an unknown province", async () => {
    const text = geojsonFile().replace(`"code": "${CODES.baTo}"`, `"code": "${CODES.baTo}", "provinceCode": "77"`);
    const err = await importError("communes.geojson", text);
    expect(err.problems[0]).toMatchObject({ where: expect.stringContaining("feature 2 (code 21484)"), message: expect.stringContaining("unknown province 77") });
  });

  it("refuses a crosswalk row naming no commune, and text that is not UTF-8", async () => {
    const err = await importError("before-2025.tsv", CROSSWALK.replace("Xã Cà Đam\t", "Xã Không Có\t"));
    expect(err.problems).toEqual([{ where: "line 7", message: '"Xã Không Có" is not a commune of this data version (import the list of communes first)' }]);
    const latin1 = Buffer.from("new_unit\tbefore_merger\nX\xE3 Ba T\xF4\tgi\xEF nguy\xEAn\n", "latin1");
    const bad = await importError("before-2025.tsv", latin1);
    expect(bad.problems[0]).toMatchObject({ where: expect.stringMatching(/^line 2, byte \d+$/), message: expect.stringContaining("not UTF-8") });
  });

  it("refuses a file that is not a list of provinces or a FeatureCollection", async () => {
    expect((await importError("x.json", '{"hello": 1}')).problems[0]!.message).toContain("expected a JSON array of provinces");
    expect((await importError("x.geojson", '{"type": "Feature"}')).problems[0]!.message).toContain("FeatureCollection");
  });
});
