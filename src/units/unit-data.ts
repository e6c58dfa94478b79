/**
 * The administrative units of one data version, ready to answer: names to match what residents
 * type, polygons to locate a pin. Loaded once per version and process (a version never changes
 * once imported; a new import is a new version), for the home province only.
 *
 * @example const data = await currentUnitData(tx); data?.polygons?.locate(108.72, 14.77)
 */
import type { Tx } from "../db/client.ts";
import { CommuneNames } from "./commune-names.ts";
import type { AreaGeometry } from "./geometry.ts";
import { HOME_PROVINCE } from "./home-province.ts";
import { PolygonIndex } from "./polygon-index.ts";

export interface UnitInfo {
  code: string;
  name: string;
  fullName: string;
  provinceName: string;
}

export interface UnitData {
  version: string;
  demo: boolean;
  /** Communes of the home province, by code. */
  units: Map<string, UnitInfo>;
  names: CommuneNames;
  /** Null when this version has no boundaries (pins then go to the duty desk). */
  polygons: PolygonIndex | null;
  provinceName: string;
}

const CACHE_SIZE = 4;
const cache = new Map<string, Promise<UnitData>>();

/** The latest imported version, or null before any import. */
export async function currentVersion(tx: Tx): Promise<{ id: string; demo: boolean } | null> {
  return tx.adminDataVersion.findFirst({ orderBy: { seq: "desc" }, select: { id: true, demo: true } });
}

export async function currentUnitData(tx: Tx): Promise<UnitData | null> {
  const version = await currentVersion(tx);
  return version ? unitDataOf(tx, version.id) : null;
}

export async function unitDataOf(tx: Tx, version: string): Promise<UnitData | null> {
  let pending = cache.get(version);
  if (!pending) {
    pending = load(tx, version);
    cache.set(version, pending);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
    pending.catch(() => cache.delete(version));
  }
  const data = await pending;
  return data.units.size || data.polygons ? data : null;
}

async function load(tx: Tx, version: string): Promise<UnitData> {
  const row = await tx.adminDataVersion.findUnique({ where: { id: version }, select: { demo: true } });
  const units = await tx.adminUnit.findMany({
    where: { version, provinceCode: HOME_PROVINCE.code },
    select: { code: true, name: true, fullName: true, provinceName: true, geometryId: true },
    orderBy: { code: "asc" },
  });
  const aliases = await tx.adminUnitAlias.findMany({ where: { version, kind: "old_name" }, select: { code: true, value: true, note: true } });
  const geometryIds = units.map((u) => u.geometryId).filter((g): g is string => g !== null);
  const geometries = geometryIds.length
    ? await tx.adminGeometry.findMany({ where: { id: { in: geometryIds } }, select: { id: true, geojson: true } })
    : [];
  const byId = new Map(geometries.map((g) => [g.id, JSON.parse(g.geojson) as AreaGeometry]));
  const shapes = units.flatMap((u) => {
    const geometry = u.geometryId ? byId.get(u.geometryId) : undefined;
    return geometry ? [{ code: u.code, geometry }] : [];
  });
  const provinceName = units.find((u) => u.provinceName)?.provinceName ?? HOME_PROVINCE.fullName;
  return {
    version,
    demo: row?.demo ?? false,
    units: new Map(units.map((u) => [u.code, { code: u.code, name: u.name, fullName: u.fullName, provinceName: u.provinceName ?? provinceName }])),
    names: CommuneNames.build(units, aliases),
    polygons: shapes.length ? PolygonIndex.build(shapes) : null,
    provinceName,
  };
}
