/**
 * Commune boundaries as GeoJSON (WGS84 longitude, latitude): checking what an import brings,
 * and the small geometric facts the rest needs (bounding boxes, a point surely inside).
 *
 * @example const checked = checkGeometry(feature.geometry); if (!checked.ok) throw new Error(checked.problem)
 */

export type Position = [number, number];
export type Ring = Position[];
export interface PolygonGeometry {
  type: "Polygon";
  coordinates: Ring[];
}
export interface MultiPolygonGeometry {
  type: "MultiPolygon";
  coordinates: Ring[][];
}
export type AreaGeometry = PolygonGeometry | MultiPolygonGeometry;

export interface BBox {
  minLon: number;
  minLat: number;
  maxLon: number;
  maxLat: number;
}

export type CheckedGeometry = { ok: true; geometry: AreaGeometry; bbox: BBox } | { ok: false; problem: string };

/** The polygons of a geometry: each is [outer ring, ...holes]. */
export function polygonsOf(g: AreaGeometry): Ring[][] {
  return g.type === "Polygon" ? [g.coordinates] : g.coordinates;
}

/**
 * Validates a GeoJSON Polygon/MultiPolygon and returns a clean copy (positions reduced to
 * [lon, lat]). Refuses: another type, fewer than 4 positions in a ring, an unclosed ring, a
 * coordinate that is not a number or out of range, a ring with no area. Self-intersections are
 * not searched for (too slow for a 8,000-vertex commune and rare in official data).
 */
export function checkGeometry(input: unknown): CheckedGeometry {
  if (!input || typeof input !== "object") return { ok: false, problem: "no geometry" };
  const { type, coordinates } = input as { type?: unknown; coordinates?: unknown };
  if (type !== "Polygon" && type !== "MultiPolygon") {
    return { ok: false, problem: `geometry type ${JSON.stringify(type)} is not Polygon or MultiPolygon` };
  }
  if (!Array.isArray(coordinates) || coordinates.length === 0) return { ok: false, problem: "geometry has no coordinates" };
  const parts = type === "Polygon" ? [coordinates] : coordinates;
  const clean: Ring[][] = [];
  for (const [p, part] of parts.entries()) {
    const label = type === "MultiPolygon" ? `polygon ${p + 1}, ` : "";
    if (!Array.isArray(part) || part.length === 0) return { ok: false, problem: `${label}no rings` };
    const rings: Ring[] = [];
    for (const [r, ring] of part.entries()) {
      const where = `${label}${r === 0 ? "outer ring" : `hole ${r}`}`;
      const checked = checkRing(ring);
      if (typeof checked === "string") return { ok: false, problem: `${where}: ${checked}` };
      rings.push(checked);
    }
    clean.push(rings);
  }
  const geometry: AreaGeometry = type === "Polygon" ? { type, coordinates: clean[0]! } : { type, coordinates: clean };
  return { ok: true, geometry, bbox: bboxOf(geometry) };
}

function checkRing(ring: unknown): Ring | string {
  if (!Array.isArray(ring)) return "not an array of positions";
  if (ring.length < 4) return `${ring.length} positions; a ring needs at least 4 (the first repeated at the end)`;
  const out: Ring = [];
  for (const [k, pos] of ring.entries()) {
    if (!Array.isArray(pos) || pos.length < 2 || typeof pos[0] !== "number" || typeof pos[1] !== "number") {
      return `position ${k + 1} is not [longitude, latitude]`;
    }
    const [lon, lat] = pos as [number, number];
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90) {
      return `position ${k + 1} [${lon}, ${lat}] is out of range (longitude first, then latitude)`;
    }
    out.push([lon, lat]);
  }
  const first = out[0]!;
  const last = out.at(-1)!;
  if (first[0] !== last[0] || first[1] !== last[1]) return "not closed (the last position must repeat the first)";
  if (Math.abs(signedArea(out)) === 0) return "has no area";
  return out;
}

export function signedArea(ring: Ring): number {
  let sum = 0;
  for (let k = 0, j = ring.length - 1; k < ring.length; j = k++) {
    sum += (ring[j]![0] - ring[k]![0]) * (ring[j]![1] + ring[k]![1]);
  }
  return sum / 2;
}

export function bboxOf(g: AreaGeometry): BBox {
  const box = { minLon: Infinity, minLat: Infinity, maxLon: -Infinity, maxLat: -Infinity };
  for (const polygon of polygonsOf(g)) for (const [lon, lat] of polygon[0]!) extend(box, lon, lat);
  return box;
}

function extend(box: BBox, lon: number, lat: number): void {
  if (lon < box.minLon) box.minLon = lon;
  if (lon > box.maxLon) box.maxLon = lon;
  if (lat < box.minLat) box.minLat = lat;
  if (lat > box.maxLat) box.maxLat = lat;
}

/**
 * A point strictly inside the geometry (never on an edge, never in a hole): several horizontal
 * scan lines cross the largest polygon; the middle of the widest inside stretch wins. Unlike
 * the centroid, this works for crescents and rings.
 *
 * @example const [lon, lat] = interiorPoint(feature.geometry)
 */
export function interiorPoint(g: AreaGeometry): Position {
  let best: { width: number; point: Position } | undefined;
  for (const polygon of polygonsOf(g)) {
    const ys = polygon[0]!.map((p) => p[1]);
    const minLat = Math.min(...ys);
    const maxLat = Math.max(...ys);
    for (let k = 1; k <= 9; k++) {
      // Off the vertices' latitudes (they are rounded to 1e-5), so the scan line never grazes a vertex.
      const y = minLat + ((maxLat - minLat) * k) / 10 + 1.234567e-7;
      const xs: number[] = [];
      for (const ring of polygon) {
        for (let a = 0, b = ring.length - 1; a < ring.length; b = a++) {
          const [x1, y1] = ring[b]!;
          const [x2, y2] = ring[a]!;
          if (y1 > y !== y2 > y) xs.push(x1 + ((y - y1) * (x2 - x1)) / (y2 - y1));
        }
      }
      xs.sort((p, q) => p - q);
      for (let s = 0; s + 1 < xs.length; s += 2) {
        const width = xs[s + 1]! - xs[s]!;
        if (!best || width > best.width) best = { width, point: [(xs[s]! + xs[s + 1]!) / 2, y] };
      }
    }
  }
  if (!best) throw new Error("geometry has no interior");
  return best.point;
}
