import { describe, expect, it } from "vitest";
import { interiorPoint, checkGeometry, type AreaGeometry } from "../../src/units/geometry.ts";
import { PolygonIndex } from "../../src/units/polygon-index.ts";
import { box, CODES, POINTS, SHAPES } from "./fixtures.ts";

const index = PolygonIndex.build(Object.entries(SHAPES).map(([code, geometry]) => ({ code, geometry: geometry as unknown as AreaGeometry })));
const at = (p: { lon: number; lat: number }) => index.locate(p.lon, p.lat);

describe("finding the commune under a shared pin", () => {
  it("finds the commune a point is inside", () => {
    expect(at(POINTS.baTo)).toEqual({ code: CODES.baTo, onBorder: false });
    expect(at(POINTS.baTo2)).toEqual({ code: CODES.baTo2, onBorder: false });
    expect(at(POINTS.sonThuy)).toEqual({ code: CODES.sonThuy, onBorder: false });
  });

  it("gives a point on the border of two communes to the lower code, every time, and says it is on the border", () => {
    for (let i = 0; i < 3; i++) expect(at(POINTS.sharedEdge)).toEqual({ code: CODES.baTo, onBorder: true });
    // A shared corner of three communes (Ba Tơ, Ba Tô, Sơn Thuỷ) too.
    expect(index.locate(108.8, 14.8)).toEqual({ code: CODES.sonThuy, onBorder: true });
  });

  it("keeps a point on the province's outer border in the commune whose edge it is", () => {
    expect(at(POINTS.outerEdge)).toEqual({ code: CODES.baTo, onBorder: true });
    expect(index.locate(108.7, 14.7)).toEqual({ code: CODES.baTo, onBorder: true });
  });

  it("answers null for a point outside the province", () => {
    expect(at(POINTS.outside)).toBeNull();
    expect(index.locate(106.7, 10.8)).toBeNull();
    expect(index.locate(108.7 - 1e-6, 14.75)).toBeNull();
  });

  it("finds a point in the second part of a MultiPolygon, and not between the parts", () => {
    expect(at(POINTS.lySonSecondIsland)).toEqual({ code: CODES.lySon, onBorder: false });
    expect(at(POINTS.betweenIslands)).toBeNull();
  });

  it("treats a hole as outside its commune: the enclave filling it gets the point", () => {
    expect(at(POINTS.inTheHole)).toEqual({ code: CODES.dangThuyTram, onBorder: false });
    const alone = PolygonIndex.build([{ code: CODES.sonThuy, geometry: SHAPES[CODES.sonThuy] as unknown as AreaGeometry }]);
    expect(alone.locate(POINTS.inTheHole.lon, POINTS.inTheHole.lat)).toBeNull();
    expect(alone.locate(108.78, 14.85)).toEqual({ code: CODES.sonThuy, onBorder: true });
  });

  it("finds points in a concave commune with many edges", () => {
    // A comb: ten teeth pointing up; the gaps between teeth are outside.
    const ring: [number, number][] = [[0, 0], [10, 0]];
    for (let t = 9; t >= 0; t--) ring.push([t + 1, 5], [t + 0.5, 5], [t + 0.5, 1], [t, 1]);
    ring.splice(2, 0);
    ring.push([0, 0]);
    const comb = checkGeometry({ type: "Polygon", coordinates: [ring.map(([x, y]) => [108 + x / 100, 14 + y / 100])] });
    expect(comb.ok).toBe(true);
    if (!comb.ok) return;
    const idx = PolygonIndex.build([{ code: "1", geometry: comb.geometry }]);
    expect(idx.locate(108.0075, 14.03)?.code).toBe("1");
    expect(idx.locate(108.0025, 14.03)).toBeNull();
    const [x, y] = interiorPoint(comb.geometry);
    expect(idx.locate(x, y)).toEqual({ code: "1", onBorder: false });
  });
});

describe("a point surely inside a commune (for checks against real data)", () => {
  it("is inside even for a ring-shaped commune whose centre is a hole", () => {
    const ringShaped = { type: "Polygon", coordinates: [box(0, 0, 10, 10), box(1, 1, 9, 9)] } as AreaGeometry;
    const [x, y] = interiorPoint(ringShaped);
    const idx = PolygonIndex.build([{ code: "r", geometry: ringShaped }]);
    expect(idx.locate(x, y)).toEqual({ code: "r", onBorder: false });
  });
});
