/**
 * Small administrative-unit files of our own, in the public formats (not the reference data):
 * real codes and names, simple made-up shapes.
 *
 *   lon 108.70      108.80      108.90
 *   lat 14.90 ┌───────────────────────┐
 *             │ Sơn Thuỷ  ┌───┐       │   the hole of Sơn Thuỷ is filled by Đặng Thuỳ Trâm
 *             │           └───┘       │
 *       14.80 ├───────────┬───────────┤
 *             │  Ba Tơ    │  Ba Tô    │   they share the edge lon = 108.80
 *       14.70 └───────────┴───────────┘
 *   Lý Sơn: two islands far east (a MultiPolygon). Cà Đam, Tây Trà Bồng: names only.
 */
import type { Db } from "../../src/db/client.ts";
import { importUnits } from "../../src/units/import-units.ts";

type Ring = [number, number][];

export function box(minLon: number, minLat: number, maxLon: number, maxLat: number): Ring {
  return [
    [minLon, minLat],
    [maxLon, minLat],
    [maxLon, maxLat],
    [minLon, maxLat],
    [minLon, minLat],
  ];
}

export const CODES = {
  baTo: "21484",
  baTo2: "21523",
  sonThuy: "21319",
  dangThuyTram: "21520",
  lySon: "21548",
  caDam: "21136",
  tayTraBong: "21157",
} as const;

export const COMMUNES = [
  { Code: CODES.baTo, FullName: "Xã Ba Tơ" },
  { Code: CODES.baTo2, FullName: "Xã Ba Tô" },
  { Code: CODES.sonThuy, FullName: "Xã Sơn Thuỷ" },
  { Code: CODES.dangThuyTram, FullName: "Xã Đặng Thuỳ Trâm" },
  { Code: CODES.lySon, FullName: "Đặc khu Lý Sơn" },
  { Code: CODES.caDam, FullName: "Xã Cà Đam" },
  { Code: CODES.tayTraBong, FullName: "Xã Tây Trà Bồng" },
];

/** The list format: provinces with their communes (Hà Nội too, so typed names must stay in Quảng Ngãi). */
export function listFile(communes = COMMUNES): string {
  return JSON.stringify(
    [
      { Code: "01", FullName: "Thành phố Hà Nội", Wards: [{ Code: "00004", FullName: "Phường Ba Đình", ProvinceCode: "01" }] },
      { Code: "51", FullName: "Tỉnh Quảng Ngãi", Wards: communes.map((c) => ({ ...c, ProvinceCode: "51" })) },
    ],
    null,
    1,
  );
}

export const SHAPES = {
  [CODES.baTo]: { type: "Polygon", coordinates: [box(108.7, 14.7, 108.8, 14.8)] },
  [CODES.baTo2]: { type: "Polygon", coordinates: [box(108.8, 14.7, 108.9, 14.8)] },
  [CODES.sonThuy]: { type: "Polygon", coordinates: [box(108.7, 14.8, 108.9, 14.9), box(108.78, 14.83, 108.82, 14.87)] },
  [CODES.dangThuyTram]: { type: "Polygon", coordinates: [box(108.78, 14.83, 108.82, 14.87)] },
  [CODES.lySon]: { type: "MultiPolygon", coordinates: [[box(109.05, 15.35, 109.15, 15.42)], [box(109.2, 15.4, 109.22, 15.42)]] },
} as const;

/** The GeoJSON format: one feature per commune with `code` and `name` (as the public file has). */
export function geojsonFile(shapes: Record<string, unknown> = SHAPES): string {
  const names = new Map<string, string>(COMMUNES.map((c) => [c.Code, c.FullName]));
  return JSON.stringify(
    {
      type: "FeatureCollection",
      features: Object.entries(shapes).map(([code, geometry]) => {
        const fullName = names.get(code) ?? `Xã ${code}`;
        return { type: "Feature", properties: { code, name: fullName.replace(/^(Xã|Phường|Đặc khu) /, ""), fullName }, geometry };
      }),
    },
    null,
    1,
  );
}

/** The crosswalk: "Sơn Thủy" spelled the other way, and Trà Bùi split between Cà Đam and Tây Trà Bồng. */
export const CROSSWALK = [
  "new_unit\tbefore_merger\tpopulation\tarea_km2",
  "Xã Ba Tơ\tThị trấn Ba Tơ, Xã Ba Cung, Xã Ba Bích\t12263\t120.91",
  "Xã Ba Tô\tXã Ba Lế, Xã Ba Nam, Xã Ba Tô\t9555\t274.4",
  "Xã Sơn Thủy\tXã Sơn Trung, Xã Sơn Hải, Xã Sơn Thủy\t1\t1",
  "Xã Đặng Thùy Trâm\tXã Ba Trang, Xã Ba Khâm\t1\t1",
  "Đặc khu Lý Sơn\tHuyện Lý Sơn\t1\t1",
  "Xã Cà Đam\tXã Trà Tân, Xã Trà Bùi\t1\t1",
  "Xã Tây Trà Bồng\tXã Hương Trà, Xã Trà Tây, Xã Trà Bùi\t1\t1",
  "",
].join("\n");

/** Imports the three fixture files, as an operator would: list, boundaries, old names. */
export async function importFixtures(db: Db) {
  const list = await importUnits(db, { bytes: Buffer.from(listFile()), file: "communes.json" });
  const polygons = await importUnits(db, { bytes: Buffer.from(geojsonFile()), file: "communes.geojson" });
  const crosswalk = await importUnits(db, { bytes: Buffer.from(CROSSWALK), file: "before-2025.tsv" });
  return { list, polygons, crosswalk };
}

/** Points of the fixture map. */
export const POINTS = {
  baTo: { lon: 108.75, lat: 14.75 },
  baTo2: { lon: 108.85, lat: 14.75 },
  sharedEdge: { lon: 108.8, lat: 14.75 },
  sonThuy: { lon: 108.72, lat: 14.88 },
  inTheHole: { lon: 108.8, lat: 14.85 },
  outerEdge: { lon: 108.7, lat: 14.72 },
  lySonSecondIsland: { lon: 109.21, lat: 15.41 },
  betweenIslands: { lon: 109.18, lat: 15.41 },
  outside: { lon: 108.5, lat: 14.75 },
} as const;
