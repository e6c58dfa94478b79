/**
 * Imports a file of administrative units as a new data version, in one transaction: either the
 * whole file becomes the current version, or nothing changes.
 *
 * A version is complete. A list replaces the communes of the provinces it covers; polygons
 * replace the boundaries of theirs (and add or rename the communes they draw); other provinces,
 * boundaries of codes a list still has, and old names of surviving codes are carried over from
 * the previous version. Earlier versions stay untouched: tips keep the version
 * (and code) they were filed under. What changed is recorded on the version (added, removed,
 * renamed, old → new codes where the source gives them).
 *
 * @example const summary = await importUnits(db, { bytes, file: "quang-ngai-communes-2026-07.geojson" })
 */
import { createHash, randomBytes } from "node:crypto";
import path from "node:path";
import type { Db, Tx } from "../db/client.ts";
import { fold } from "../text/normalize.ts";
import type { AreaGeometry, BBox } from "./geometry.ts";
import { ProblemList } from "./import-problems.ts";
import { looseKey, splitKind } from "./names.ts";
import { readUnitFile, type UnitBatch, type UnitFileFormat, type UnitRecord } from "./read-unit-files.ts";
import { resolveCrosswalk } from "./resolve-crosswalk.ts";
import { HOME_PROVINCE } from "./home-province.ts";

export interface ImportUnitsInput {
  bytes: Buffer;
  file: string;
  format?: UnitFileFormat;
  /** Only these provinces of a national list. */
  provinces?: string[];
  /** Province of polygon features that do not say theirs (default: the home province). */
  province?: string;
  /** Its full name, when no earlier version knows it ("Tỉnh Quảng Ngãi"). */
  provinceName?: string;
  /** Marks the version as demo data (the embedded default's first start). */
  demo?: boolean;
}

export interface ImportSummary {
  version: string;
  basedOn: string | null;
  kind: UnitFileFormat | "demo";
  provinces: string[];
  units: number;
  polygons: number;
  oldNames: number;
  added: string[];
  removed: string[];
  renamed: { code: string; from: string; to: string }[];
  /** Old → new codes, where the source gave them. */
  codeChanges: { old: string; new: string }[];
  /** Old names now under two or more units (communes split in 2025). */
  splits: { oldName: string; codes: string[] }[];
  /** Communes of the provinces covered that have no boundary in this version (pins there go to the duty desk). */
  withoutBoundary: string[];
}

interface NextUnit {
  code: string;
  provinceCode: string;
  provinceName: string | null;
  name: string;
  fullName: string;
  geometryId: string | null;
}

interface NextAlias {
  code: string;
  kind: "old_name" | "old_code";
  value: string;
  note: string | null;
}

interface NewGeometry {
  id: string;
  type: string;
  geojson: string;
  box: BBox;
}

export async function importUnits(db: Db, input: ImportUnitsInput): Promise<ImportSummary> {
  const batch = readUnitFile(input.bytes, input.file, { ...(input.format ? { format: input.format } : {}), ...(input.provinces ? { provinces: input.provinces } : {}) });
  const sha256 = createHash("sha256").update(input.bytes).digest("hex");
  return db.$transaction((tx) => writeVersion(tx, batch, input, sha256), { timeout: 180_000, maxWait: 30_000 });
}

async function writeVersion(tx: Tx, batch: UnitBatch, input: ImportUnitsInput, sha256: string): Promise<ImportSummary> {
  const problems = new ProblemList(path.basename(input.file));
  const previous = await tx.adminDataVersion.findFirst({ orderBy: { seq: "desc" } });
  const before = previous
    ? await tx.adminUnit.findMany({
        where: { version: previous.id },
        select: { code: true, provinceCode: true, provinceName: true, name: true, fullName: true, geometryId: true },
      })
    : [];
  const beforeAliases = previous ? await tx.adminUnitAlias.findMany({ where: { version: previous.id } }) : [];
  const beforeByCode = new Map(before.map((u) => [u.code, u]));
  const provinceNames = new Map<string, string>([[HOME_PROVINCE.code, HOME_PROVINCE.fullName]]);
  for (const u of before) if (u.provinceName) provinceNames.set(u.provinceCode, u.provinceName);

  const geometries: NewGeometry[] = [];
  let scope: Set<string>;
  let fileUnits: NextUnit[] = [];
  let fileAliases: NextAlias[] = [];

  if (batch.format === "list") {
    for (const p of batch.provinces) provinceNames.set(p.code, p.fullName);
    scope = new Set(batch.provinces.map((p) => p.code));
    fileUnits = batch.units.map((u) => {
      const old = beforeByCode.get(u.code);
      return toNext(u, u.provinceCode!, provinceNames, old && old.provinceCode === u.provinceCode ? old.geometryId : null);
    });
  } else if (batch.format === "polygons") {
    if (input.provinceName) provinceNames.set(input.province ?? HOME_PROVINCE.code, input.provinceName);
    fileUnits = batch.units.map((u) => {
      const province = u.provinceCode ?? input.province ?? beforeByCode.get(u.code)?.provinceCode ?? HOME_PROVINCE.code;
      if (!provinceNames.has(province)) {
        problems.add(u.where, `unknown province ${province}: import the list of provinces first, or give --province-name`);
      }
      const g = geometryRow(u.geometry!, u.bbox!);
      if (!geometries.some((x) => x.id === g.id)) geometries.push(g);
      return toNext(u, province, provinceNames, g.id);
    });
    scope = new Set(fileUnits.map((u) => u.provinceCode));
  } else {
    // The crosswalk changes no unit: it brings old names for the units of the provinces it names.
    const units = before.filter((u) => u.provinceCode === (input.province ?? HOME_PROVINCE.code));
    if (!previous || units.length === 0) {
      problems.add("line 1", `no communes of province ${input.province ?? HOME_PROVINCE.code} to attach old names to: import the list of communes first`);
    }
    const oldNames = resolveCrosswalk(batch.rows, units, problems);
    fileAliases = oldNames.map((o) => ({ code: o.code, kind: "old_name", value: o.value, note: o.note ?? null }));
    scope = new Set();
  }
  problems.done();

  for (const u of batch.format === "crosswalk" ? [] : batch.units) {
    for (const old of u.oldCodes) if (old !== u.code) fileAliases.push({ code: u.code, kind: "old_code", value: old, note: null });
  }

  // A list replaces its provinces' communes. Polygons replace their provinces' boundaries: a
  // commune the file does not draw keeps its name and loses its old boundary (it could overlap).
  const fileCodes = new Set(fileUnits.map((u) => u.code));
  const carried: NextUnit[] = before
    .filter((u) => (batch.format === "polygons" ? !fileCodes.has(u.code) : !scope.has(u.provinceCode)))
    .map((u) => ({
      ...u,
      provinceName: u.provinceName ?? provinceNames.get(u.provinceCode) ?? null,
      geometryId: batch.format === "polygons" && scope.has(u.provinceCode) ? null : u.geometryId,
    }));
  const next = [...carried, ...fileUnits];
  const nextCodes = new Set(next.map((u) => u.code));
  const crosswalkScope = batch.format === "crosswalk" ? new Set(fileAliases.map((a) => a.code)) : new Set<string>();
  const aliases: NextAlias[] = [
    ...beforeAliases
      .filter((a) => nextCodes.has(a.code) && !(a.kind === "old_name" && crosswalkScope.has(a.code)))
      .filter((a) => !(a.kind === "old_code" && fileAliases.some((f) => f.kind === "old_code" && f.code === a.code)))
      .map((a) => ({ code: a.code, kind: a.kind as NextAlias["kind"], value: a.value, note: a.note })),
    ...fileAliases,
  ];

  const version = newVersionId(input.demo ? "demo" : batch.format);
  await tx.adminDataVersion.create({
    data: {
      id: version,
      seq: (previous?.seq ?? 0) + 1,
      kind: input.demo ? "demo" : batch.format,
      source: path.basename(input.file),
      sha256,
      basedOn: previous?.id ?? null,
      provinces: JSON.stringify([...scope].sort()),
      unitCount: next.length,
      demo: input.demo ?? false,
    },
  });
  await saveGeometries(tx, geometries);
  for (const chunk of chunks(next, 500)) {
    await tx.adminUnit.createMany({
      data: chunk.map((u) => ({
        id: `${version}:${u.code}`,
        version,
        code: u.code,
        provinceCode: u.provinceCode,
        provinceName: u.provinceName,
        name: u.name,
        fullName: u.fullName,
        folded: fold(u.name),
        geometryId: u.geometryId,
      })),
    });
  }
  for (const chunk of chunks(aliases, 500)) {
    await tx.adminUnitAlias.createMany({
      data: chunk.map((a) => ({ version, code: a.code, kind: a.kind, value: a.value, note: a.note, folded: looseKey(splitKind(a.value).name) })),
    });
  }

  const summary = summarise(version, previous?.id ?? null, input.demo ? "demo" : batch.format, scope, before, next, aliases, fileAliases);
  const { version: _v, basedOn: _b, kind: _k, ...rest } = summary;
  await tx.adminDataVersion.update({ where: { id: version }, data: { summary: JSON.stringify(rest) } });
  return summary;
}

function toNext(u: UnitRecord, provinceCode: string, provinceNames: Map<string, string>, geometryId: string | null): NextUnit {
  return { code: u.code, provinceCode, provinceName: provinceNames.get(provinceCode) ?? null, name: u.name, fullName: u.fullName, geometryId };
}

function geometryRow(geometry: AreaGeometry, box: BBox): NewGeometry {
  const geojson = JSON.stringify(geometry);
  return { id: createHash("sha256").update(geojson).digest("hex"), type: geometry.type, geojson, box };
}

async function saveGeometries(tx: Tx, rows: NewGeometry[]): Promise<void> {
  if (rows.length === 0) return;
  const existing = new Set(
    (await tx.adminGeometry.findMany({ where: { id: { in: rows.map((r) => r.id) } }, select: { id: true } })).map((r) => r.id),
  );
  for (const chunk of chunks(rows.filter((r) => !existing.has(r.id)), 20)) {
    await tx.adminGeometry.createMany({
      data: chunk.map((r) => ({ id: r.id, type: r.type, geojson: r.geojson, ...r.box })),
    });
  }
}

function summarise(
  version: string,
  basedOn: string | null,
  kind: ImportSummary["kind"],
  scope: Set<string>,
  before: { code: string; fullName: string }[],
  next: NextUnit[],
  aliases: NextAlias[],
  fileAliases: NextAlias[],
): ImportSummary {
  const beforeByCode = new Map(before.map((u) => [u.code, u]));
  const nextCodes = new Set(next.map((u) => u.code));
  const oldNameCodes = new Map<string, Set<string>>();
  for (const a of aliases) {
    if (a.kind !== "old_name") continue;
    const key = `${a.value}${a.note ? ` (${a.note})` : ""}`;
    (oldNameCodes.get(key) ?? oldNameCodes.set(key, new Set()).get(key)!).add(a.code);
  }
  return {
    version,
    basedOn,
    kind,
    provinces: [...scope].sort(),
    units: next.length,
    polygons: next.filter((u) => u.geometryId).length,
    oldNames: aliases.filter((a) => a.kind === "old_name").length,
    added: next.filter((u) => !beforeByCode.has(u.code)).map((u) => u.code),
    removed: before.filter((u) => !nextCodes.has(u.code)).map((u) => u.code),
    renamed: next.flatMap((u) => {
      const old = beforeByCode.get(u.code);
      return old && old.fullName !== u.fullName ? [{ code: u.code, from: old.fullName, to: u.fullName }] : [];
    }),
    codeChanges: fileAliases.filter((a) => a.kind === "old_code").map((a) => ({ old: a.value, new: a.code })),
    splits: [...oldNameCodes].filter(([, codes]) => codes.size > 1).map(([oldName, codes]) => ({ oldName, codes: [...codes].sort() })),
    withoutBoundary: kind === "polygons" ? next.filter((u) => scope.has(u.provinceCode) && !u.geometryId).map((u) => u.code) : [],
  };
}

/** Sortable and unique across databases (caches key on it): "20261124-101500-3fa2c1". */
function newVersionId(kind: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${stamp}-${kind === "demo" ? "demo-" : ""}${randomBytes(3).toString("hex")}`;
}

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let k = 0; k < list.length; k += size) out.push(list.slice(k, k + size));
  return out;
}
