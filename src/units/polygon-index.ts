/**
 * Which commune a shared pin falls in. Built once per data version, answered in microseconds:
 * a uniform grid over the province sends a point to the few polygons whose bounding box covers
 * its cell; each ring keeps its edges in horizontal bands, so the ray test only looks at the
 * edges crossing the point's latitude.
 *
 * Points on a boundary: the commune boundaries are closed sets, so a point on the edge shared
 * by two communes is in both. The answer is deterministic: a commune that has the point
 * strictly inside wins; otherwise the lowest code among those whose edge it lies on, flagged
 * `onBorder`. Holes are outside (an enclave belongs to the commune around it only if that
 * commune's polygon has no hole there).
 *
 * @example const index = PolygonIndex.build([{ code: "21484", geometry }]); index.locate(108.72, 14.77) // { code: "21484", onBorder: false }
 */
import { polygonsOf, type AreaGeometry, type BBox, type Ring } from "./geometry.ts";

export interface Located {
  code: string;
  /** The point lies on a boundary edge (of this commune, and maybe of a neighbour). */
  onBorder: boolean;
}

interface RingIndex {
  /** x0, y0, x1, y1, … (closing position included). */
  xy: Float64Array;
  minY: number;
  maxY: number;
  bandHeight: number;
  bands: number;
  /** CSR: edges of band b are bandEdges[bandStart[b] .. bandStart[b+1]). Edge e joins vertex e and e+1. */
  bandStart: Int32Array;
  bandEdges: Int32Array;
}

interface Part {
  code: string;
  box: BBox;
  outer: RingIndex;
  holes: RingIndex[];
}

const INSIDE = 1;
const BOUNDARY = 2;
const OUTSIDE = 0;
/** Cross-product tolerance: points within ~1e-9 degree (0.1 mm) of an edge are on it. */
const EPS = 1e-12;

export class PolygonIndex {
  private constructor(
    private readonly parts: Part[],
    private readonly box: BBox,
    private readonly cols: number,
    private readonly rows: number,
    private readonly cells: Int32Array[],
  ) {}

  /** Number of communes indexed. */
  get size(): number {
    return new Set(this.parts.map((p) => p.code)).size;
  }

  static build(shapes: { code: string; geometry: AreaGeometry }[], gridSize = 48): PolygonIndex {
    const parts: Part[] = [];
    for (const { code, geometry } of shapes) {
      for (const polygon of polygonsOf(geometry)) {
        const outer = indexRing(polygon[0]!);
        parts.push({ code, box: ringBox(polygon[0]!), outer, holes: polygon.slice(1).map(indexRing) });
      }
    }
    const box: BBox = { minLon: Infinity, minLat: Infinity, maxLon: -Infinity, maxLat: -Infinity };
    for (const p of parts) {
      box.minLon = Math.min(box.minLon, p.box.minLon);
      box.minLat = Math.min(box.minLat, p.box.minLat);
      box.maxLon = Math.max(box.maxLon, p.box.maxLon);
      box.maxLat = Math.max(box.maxLat, p.box.maxLat);
    }
    const cols = parts.length ? gridSize : 0;
    const rows = parts.length ? gridSize : 0;
    const lists: number[][] = Array.from({ length: cols * rows }, () => []);
    const index = new PolygonIndex(parts, box, cols, rows, []);
    parts.forEach((p, k) => {
      const [c0, r0] = index.cell(p.box.minLon, p.box.minLat);
      const [c1, r1] = index.cell(p.box.maxLon, p.box.maxLat);
      for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) lists[r * cols + c]!.push(k);
    });
    index.cells.push(...lists.map((l) => Int32Array.from(l)));
    return index;
  }

  /** The commune containing the point (longitude, latitude), or null outside every polygon. */
  locate(lon: number, lat: number): Located | null {
    if (!(lon >= this.box.minLon && lon <= this.box.maxLon && lat >= this.box.minLat && lat <= this.box.maxLat)) return null;
    const [c, r] = this.cell(lon, lat);
    let border: string | undefined;
    let inside: string | undefined;
    for (const k of this.cells[r * this.cols + c]!) {
      const p = this.parts[k]!;
      if (lon < p.box.minLon || lon > p.box.maxLon || lat < p.box.minLat || lat > p.box.maxLat) continue;
      const where = partContains(p, lon, lat);
      if (where === INSIDE && (inside === undefined || p.code < inside)) inside = p.code;
      else if (where === BOUNDARY && (border === undefined || p.code < border)) border = p.code;
    }
    if (inside !== undefined) return { code: inside, onBorder: false };
    if (border !== undefined) return { code: border, onBorder: true };
    return null;
  }

  private cell(lon: number, lat: number): [number, number] {
    const w = (this.box.maxLon - this.box.minLon) / this.cols || 1;
    const h = (this.box.maxLat - this.box.minLat) / this.rows || 1;
    const c = Math.min(this.cols - 1, Math.max(0, Math.floor((lon - this.box.minLon) / w)));
    const r = Math.min(this.rows - 1, Math.max(0, Math.floor((lat - this.box.minLat) / h)));
    return [c, r];
  }
}

function partContains(p: Part, x: number, y: number): number {
  const outer = ringContains(p.outer, x, y);
  if (outer !== INSIDE) return outer;
  for (const hole of p.holes) {
    const h = ringContains(hole, x, y);
    if (h === INSIDE) return OUTSIDE;
    if (h === BOUNDARY) return BOUNDARY;
  }
  return INSIDE;
}

/** Even-odd ray casting to the right, over the edges in the point's band; edges touching the point say BOUNDARY. */
function ringContains(ring: RingIndex, x: number, y: number): number {
  if (y < ring.minY || y > ring.maxY) return OUTSIDE;
  const b = Math.min(ring.bands - 1, Math.floor((y - ring.minY) / ring.bandHeight));
  const xy = ring.xy;
  let inside = false;
  for (let k = ring.bandStart[b]!; k < ring.bandStart[b + 1]!; k++) {
    const e = ring.bandEdges[k]! * 2;
    const x1 = xy[e]!;
    const y1 = xy[e + 1]!;
    const x2 = xy[e + 2]!;
    const y2 = xy[e + 3]!;
    if (onSegment(x, y, x1, y1, x2, y2)) return BOUNDARY;
    if (y1 > y !== y2 > y && x < x1 + ((y - y1) * (x2 - x1)) / (y2 - y1)) inside = !inside;
  }
  return inside ? INSIDE : OUTSIDE;
}

function onSegment(x: number, y: number, x1: number, y1: number, x2: number, y2: number): boolean {
  if (x < Math.min(x1, x2) - 1e-12 || x > Math.max(x1, x2) + 1e-12 || y < Math.min(y1, y2) - 1e-12 || y > Math.max(y1, y2) + 1e-12) {
    return false;
  }
  return Math.abs((x2 - x1) * (y - y1) - (y2 - y1) * (x - x1)) <= EPS;
}

function ringBox(ring: Ring): BBox {
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  for (const [lon, lat] of ring) {
    if (lon < minLon) minLon = lon;
    if (lon > maxLon) maxLon = lon;
    if (lat < minLat) minLat = lat;
    if (lat > maxLat) maxLat = lat;
  }
  return { minLon, minLat, maxLon, maxLat };
}

function indexRing(ring: Ring): RingIndex {
  const xy = new Float64Array(ring.length * 2);
  ring.forEach(([x, y], k) => {
    xy[k * 2] = x;
    xy[k * 2 + 1] = y;
  });
  const box = ringBox(ring);
  const edges = ring.length - 1;
  const bands = Math.max(1, Math.min(4096, Math.ceil(edges / 4)));
  const bandHeight = (box.maxLat - box.minLat) / bands || 1;
  const bandOf = (y: number) => Math.min(bands - 1, Math.max(0, Math.floor((y - box.minLat) / bandHeight)));
  const counts = new Int32Array(bands + 1);
  const span = (e: number): [number, number] => {
    const ya = xy[e * 2 + 1]!;
    const yb = xy[e * 2 + 3]!;
    return [bandOf(Math.min(ya, yb)), bandOf(Math.max(ya, yb))];
  };
  for (let e = 0; e < edges; e++) {
    const [lo, hi] = span(e);
    for (let b = lo; b <= hi; b++) counts[b + 1]!++;
  }
  for (let b = 0; b < bands; b++) counts[b + 1]! += counts[b]!;
  const bandStart = Int32Array.from(counts);
  const fill = Int32Array.from(counts);
  const bandEdges = new Int32Array(counts[bands]!);
  for (let e = 0; e < edges; e++) {
    const [lo, hi] = span(e);
    for (let b = lo; b <= hi; b++) bandEdges[fill[b]!++] = e;
  }
  return { xy, minY: box.minLat, maxY: box.maxLat, bandHeight, bands, bandStart, bandEdges };
}
