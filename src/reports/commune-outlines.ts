/**
 * The communes of one administrative data version as SVG outlines for the console's map: each boundary simplified
 * for the screen (@turf/simplify, ~half a pixel at the map's width), projected with d3-geo (Mercator fitted to a
 * fixed viewBox) and written as an SVG path. Computed once per data version and process (a version never changes
 * once imported), so a request only adds the figures.
 *
 * @example const map = await communeOutlines(ctx.db); map?.project(108.72, 14.77) // [412.3, 518.9]
 */
import { geoMercator, geoPath, type GeoProjection } from "d3-geo";
import { simplify } from "@turf/simplify";
import type { Db, Tx } from "../db/client.ts";
import type { AreaGeometry } from "../units/geometry.ts";
import { HOME_PROVINCE } from "../units/home-province.ts";
import { currentVersion } from "../units/unit-data.ts";

/** The viewBox is MAP_WIDTH wide and as tall as the province needs. */
export const MAP_WIDTH = 800;
/** Degrees: the Quảng Ngãi province (~1.9° wide) is 800 px, so 0.001° ≈ 0.4 px; finer detail cannot be seen. */
const SIMPLIFY_TOLERANCE = 0.001;

export interface CommuneOutline {
  code: string;
  /** "Xã Ba Tơ" */
  name: string;
  /** SVG path data in viewBox units (one decimal). */
  path: string;
  /** A point for a label or tooltip: the projected centroid. */
  x: number;
  y: number;
}

export interface CommuneOutlines {
  version: string;
  width: number;
  height: number;
  communes: CommuneOutline[];
  /** Communes of the version without a boundary (listed in the table, not drawn). */
  withoutBoundary: { code: string; name: string }[];
  /** lon/lat → viewBox x, y (one decimal); null outside the drawn area. */
  project(lon: number, lat: number): [number, number] | null;
}

const CACHE_SIZE = 4;
const cache = new Map<string, Promise<CommuneOutlines>>();

/** The outlines of the current data version (null before any import). */
export async function communeOutlines(db: Db | Tx): Promise<CommuneOutlines | null> {
  const version = await currentVersion(db);
  if (!version) return null;
  let pending = cache.get(version.id);
  if (!pending) {
    pending = build(db, version.id);
    cache.set(version.id, pending);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
    pending.catch(() => cache.delete(version.id));
  }
  return pending;
}

interface Shape {
  type: "Feature";
  properties: { code: string };
  geometry: AreaGeometry;
}

async function build(db: Db | Tx, version: string): Promise<CommuneOutlines> {
  const units = await db.adminUnit.findMany({
    where: { version, provinceCode: HOME_PROVINCE.code },
    select: { code: true, fullName: true, geometryId: true },
    orderBy: { code: "asc" },
  });
  const ids = units.map((u) => u.geometryId).filter((g): g is string => g !== null);
  const rows = ids.length ? await db.adminGeometry.findMany({ where: { id: { in: ids } }, select: { id: true, geojson: true } }) : [];
  const byId = new Map(rows.map((r) => [r.id, r.geojson]));
  const shapes: Shape[] = [];
  const withoutBoundary: { code: string; name: string }[] = [];
  for (const u of units) {
    const json = u.geometryId ? byId.get(u.geometryId) : undefined;
    if (!json) {
      withoutBoundary.push({ code: u.code, name: u.fullName });
      continue;
    }
    const feature: Shape = { type: "Feature", properties: { code: u.code }, geometry: forD3(JSON.parse(json) as AreaGeometry) };
    shapes.push(simplify(feature, { tolerance: SIMPLIFY_TOLERANCE, highQuality: false, mutate: true }) as Shape);
  }
  if (!shapes.length) {
    return { version, width: MAP_WIDTH, height: MAP_WIDTH * 0.75, communes: [], withoutBoundary, project: () => null };
  }
  const collection = { type: "FeatureCollection" as const, features: shapes };
  const projection: GeoProjection = geoMercator().fitWidth(MAP_WIDTH - 20, collection);
  const [[, top], [, bottom]] = geoPath(projection).bounds(collection);
  // 10 px of margin on every side.
  projection.translate([projection.translate()[0] + 10, projection.translate()[1] - top + 10]);
  const height = Math.ceil(bottom - top + 20);
  const path = geoPath(projection).digits(1);
  const names = new Map(units.map((u) => [u.code, u.fullName]));
  const round = (n: number) => Math.round(n * 10) / 10;
  const communes = shapes.map((s) => {
    const [x, y] = path.centroid(s);
    return { code: s.properties.code, name: names.get(s.properties.code)!, path: path(s) ?? "", x: round(x), y: round(y) };
  });
  return {
    version,
    width: MAP_WIDTH,
    height,
    communes,
    withoutBoundary,
    project(lon, lat) {
      const p = projection([lon, lat]);
      if (!p || p[0] < 0 || p[1] < 0 || p[0] > MAP_WIDTH || p[1] > height) return null;
      return [round(p[0]), round(p[1])];
    },
  };
}

/**
 * d3-geo reads rings on the sphere: an outer ring must run clockwise (in lon/lat as drawn, north up), a hole
 * counter-clockwise, or the polygon means "the whole globe but this". GeoJSON files (RFC 7946) say the opposite,
 * and many files follow neither, so each ring is turned the way d3 wants.
 */
function forD3(g: AreaGeometry): AreaGeometry {
  const fix = (rings: [number, number][][]) => rings.map((ring, i) => (signedArea(ring) > 0 === (i === 0) ? [...ring].reverse() : ring));
  return g.type === "Polygon" ? { type: "Polygon", coordinates: fix(g.coordinates) } : { type: "MultiPolygon", coordinates: g.coordinates.map(fix) };
}

/** Shoelace in lon/lat: positive when counter-clockwise. */
function signedArea(ring: [number, number][]): number {
  let a = 0;
  for (let i = 0; i < ring.length - 1; i++) a += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1];
  return a / 2;
}
