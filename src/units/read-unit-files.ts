/**
 * Reads the public formats of administrative-unit data into one shape, checking everything
 * before anything is written:
 *
 * - a **list**: JSON array of provinces `{ Code, FullName, Wards: [{ Code, FullName, ProvinceCode }] }`
 *   (camelCase keys and `communes` accepted too; `OldCodes` on a commune records old → new codes);
 * - **polygons**: GeoJSON FeatureCollection of Polygon/MultiPolygon features with `code` and `name`
 *   properties (`fullName`, `provinceCode`, `oldCodes` when present);
 * - the **crosswalk**: tab-separated `new_unit` → `before_merger` (the pre-2025 communes merged
 *   into it, comma-separated; "giữ nguyên" = unchanged).
 *
 * Names are NFC; kind words are capitalised as official names write them ("xã Bắc Sơn" → "Xã Bắc Sơn").
 *
 * @example const batch = readUnitFile(bytes, "vn-admin-units-2026-07.json")
 */
import path from "node:path";
import { normalizeText } from "../text/normalize.ts";
import { checkGeometry, type AreaGeometry, type BBox } from "./geometry.ts";
import { ProblemList } from "./import-problems.ts";
import { splitKind } from "./names.ts";
import { JsonSyntaxError, parseJsonWithLines } from "./parse-json.ts";

export type UnitFileFormat = "list" | "polygons" | "crosswalk";

export interface UnitRecord {
  code: string;
  name: string;
  fullName: string;
  provinceCode?: string;
  geometry?: AreaGeometry;
  bbox?: BBox;
  oldCodes: string[];
  where: string;
}

export interface ProvinceRecord {
  code: string;
  fullName: string;
}

export interface OldNameRecord {
  /** As written, with its kind word: "Thị trấn Ba Tơ". */
  value: string;
  note?: string;
}

export interface CrosswalkRow {
  where: string;
  newUnit: string;
  oldNames: OldNameRecord[];
}

export type UnitBatch =
  | { format: "list"; provinces: ProvinceRecord[]; units: UnitRecord[] }
  | { format: "polygons"; units: UnitRecord[] }
  | { format: "crosswalk"; rows: CrosswalkRow[] };

export interface ReadOptions {
  format?: UnitFileFormat;
  /** Only these provinces of a national list. */
  provinces?: string[];
}

const CODE = /^\d{1,6}$/;

export function readUnitFile(bytes: Buffer, file: string, options: ReadOptions = {}): UnitBatch {
  const problems = new ProblemList(path.basename(file));
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    problems.add(firstBadByte(bytes), "not UTF-8 text (convert TCVN3 or VNI files to UTF-8 first)");
    problems.done();
    throw new Error("unreachable");
  }
  const format = options.format ?? detectFormat(file, text);
  if (format === "crosswalk") return readCrosswalk(text, problems);

  let located;
  try {
    located = parseJsonWithLines(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    problems.add(`line ${e.line}, column ${e.column}`, `bad JSON: ${e.message.replace(/^line \d+, column \d+: /, "")}`);
    problems.done();
    throw e;
  }
  const batch = format === "polygons" ? readPolygons(located, problems) : readList(located, problems, options.provinces);
  problems.done();
  return batch;
}

export function detectFormat(file: string, text: string): UnitFileFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === ".tsv" || ext === ".txt" || ext === ".csv") return "crosswalk";
  if (ext === ".geojson") return "polygons";
  const head = text.replace(/^\uFEFF/, "").trimStart();
  if (head.startsWith("[")) return "list";
  if (/"FeatureCollection"/.test(head.slice(0, 2000))) return "polygons";
  if (head.startsWith("{")) return "list";
  return "crosswalk";
}

type Located = ReturnType<typeof parseJsonWithLines>;

function field(o: Record<string, unknown>, ...names: string[]): unknown {
  for (const n of names) if (o[n] !== undefined) return o[n];
  return undefined;
}

function codeOf(v: unknown): string | undefined {
  const s = typeof v === "number" ? String(v) : typeof v === "string" ? v.trim() : undefined;
  return s && CODE.test(s) ? s : undefined;
}

function oldCodesOf(v: unknown): string[] {
  const list = Array.isArray(v) ? v : typeof v === "string" ? v.split(/[,;\s]+/) : [];
  return list.map(codeOf).filter((c): c is string => c !== undefined);
}

function cleanName(v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  const text = normalizeText(v).replace(/\s+/g, " ");
  if (!text) return undefined;
  const { kind, name } = splitKind(text);
  return kind ? `${kind} ${name}` : text;
}

function readList(json: Located, problems: ProblemList, only?: string[]): UnitBatch {
  const root = json.value;
  const list = Array.isArray(root) ? root : root && typeof root === "object" ? field(root as Record<string, unknown>, "provinces", "Provinces") : undefined;
  if (!Array.isArray(list)) {
    problems.add("line 1", "expected a JSON array of provinces (each with Code, FullName and Wards)");
    return { format: "list", provinces: [], units: [] };
  }
  const provinces: ProvinceRecord[] = [];
  const units: UnitRecord[] = [];
  const seen = new Map<string, string>();
  const known = new Set(list.map((p) => (p && typeof p === "object" ? codeOf(field(p as Record<string, unknown>, "Code", "code")) : undefined)));
  for (const code of only ?? []) {
    if (!known.has(code)) problems.add("--province", `unknown province ${code}: the file has ${[...known].filter(Boolean).join(", ")}`);
  }
  for (const [k, p] of list.entries()) {
    const where = json.where(p) ?? `province ${k + 1}`;
    if (!p || typeof p !== "object") {
      problems.add(where, "a province must be an object with Code, FullName and Wards");
      continue;
    }
    const o = p as Record<string, unknown>;
    const code = codeOf(field(o, "Code", "code"));
    const fullName = cleanName(field(o, "FullName", "fullName", "Name", "name"));
    const wards = field(o, "Wards", "wards", "Communes", "communes");
    if (!code) problems.add(where, `province ${k + 1} has no valid Code`);
    if (!fullName) problems.add(where, `province ${code ?? k + 1} has no FullName`);
    if (!Array.isArray(wards)) problems.add(where, `province ${code ?? k + 1} has no Wards list`);
    if (!code || !fullName || !Array.isArray(wards)) continue;
    if (only && !only.includes(code)) continue;
    provinces.push({ code, fullName });
    for (const [j, w] of wards.entries()) {
      const at = json.where(w) ?? `${where}, commune ${j + 1}`;
      if (!w || typeof w !== "object") {
        problems.add(at, "a commune must be an object with Code and FullName");
        continue;
      }
      const wo = w as Record<string, unknown>;
      const unitCode = codeOf(field(wo, "Code", "code"));
      const unitName = cleanName(field(wo, "FullName", "fullName", "Name", "name"));
      const declared = field(wo, "ProvinceCode", "provinceCode");
      if (!unitCode) {
        problems.add(at, `commune ${j + 1} of province ${code} has no valid Code (digits)`);
        continue;
      }
      if (!unitName) problems.add(at, `commune ${unitCode} has no FullName`);
      if (declared !== undefined) {
        const dc = codeOf(declared);
        if (!dc || !known.has(dc)) problems.add(at, `commune ${unitCode}: unknown province ${JSON.stringify(declared)}`);
        else if (dc !== code) problems.add(at, `commune ${unitCode} is listed under province ${code} but says province ${dc}`);
      }
      const before = seen.get(unitCode);
      if (before) problems.add(at, `commune code ${unitCode} appears twice (first at ${before})`);
      seen.set(unitCode, at);
      if (!unitName) continue;
      units.push({
        code: unitCode,
        name: splitKind(unitName).name,
        fullName: unitName,
        provinceCode: code,
        oldCodes: oldCodesOf(field(wo, "OldCodes", "oldCodes", "PreviousCodes", "previousCodes")),
        where: at,
      });
    }
  }
  return { format: "list", provinces, units };
}

function readPolygons(json: Located, problems: ProblemList): UnitBatch {
  const root = json.value as { type?: unknown; features?: unknown } | null;
  if (!root || typeof root !== "object" || root.type !== "FeatureCollection" || !Array.isArray(root.features)) {
    problems.add("line 1", 'expected a GeoJSON FeatureCollection ({"type": "FeatureCollection", "features": [...]})');
    return { format: "polygons", units: [] };
  }
  const units: UnitRecord[] = [];
  const seen = new Map<string, string>();
  for (const [k, f] of (root.features as unknown[]).entries()) {
    const line = json.where(f);
    const props = (f && typeof f === "object" ? (f as { properties?: unknown }).properties : undefined) as Record<string, unknown> | undefined;
    const code = props ? codeOf(field(props, "code", "Code", "ma", "maXa")) : undefined;
    const where = `feature ${k + 1}${code ? ` (code ${code})` : ""}${line ? `, ${line}` : ""}`;
    if (!f || typeof f !== "object" || (f as { type?: unknown }).type !== "Feature" || !props) {
      problems.add(where, "not a GeoJSON Feature with properties");
      continue;
    }
    const name = cleanName(field(props, "name", "Name", "ten"));
    const fullNameGiven = cleanName(field(props, "fullName", "FullName"));
    if (!code) problems.add(where, "no valid `code` property (digits)");
    if (!name && !fullNameGiven) problems.add(where, "no `name` property");
    const geometry = checkGeometry((f as { geometry?: unknown }).geometry);
    if (!geometry.ok) problems.add(where, `invalid polygon: ${geometry.problem}`);
    if (code) {
      const before = seen.get(code);
      if (before) problems.add(where, `code ${code} appears twice (first at ${before})`);
      seen.set(code, where);
    }
    if (!code || !geometry.ok || !(name || fullNameGiven)) continue;
    const fullName = fullNameGiven ?? name!;
    const provinceCode = codeOf(field(props, "provinceCode", "ProvinceCode"));
    units.push({
      code,
      name: name ? splitKind(name).name : splitKind(fullName).name,
      fullName,
      ...(provinceCode ? { provinceCode } : {}),
      geometry: geometry.geometry,
      bbox: geometry.bbox,
      oldCodes: oldCodesOf(field(props, "oldCodes", "OldCodes", "previousCodes")),
      where,
    });
  }
  if (units.length === 0 && problems.items.length === 0) problems.add("line 1", "the FeatureCollection has no features");
  return { format: "polygons", units };
}

function readCrosswalk(text: string, problems: ProblemList): UnitBatch {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const header = (lines[0] ?? "").split("\t").map((h) => h.trim().toLowerCase());
  const newCol = header.indexOf("new_unit");
  const oldCol = header.indexOf("before_merger");
  if (newCol < 0 || oldCol < 0) {
    problems.add("line 1", "expected a tab-separated header with the columns new_unit and before_merger");
    problems.done();
  }
  const rows: CrosswalkRow[] = [];
  lines.slice(1).forEach((raw, k) => {
    const where = `line ${k + 2}`;
    if (!raw.trim()) return;
    const cells = raw.split("\t");
    const newUnit = cleanName(cells[newCol]);
    const before = normalizeText(cells[oldCol] ?? "");
    if (!newUnit) return problems.add(where, "no new_unit");
    if (!before) return problems.add(where, "no before_merger (write “giữ nguyên” when the unit did not change)");
    rows.push({ where, newUnit, oldNames: parseOldNames(before) });
  });
  problems.done();
  return { format: "crosswalk", rows };
}

/**
 * "Phường Trần Hưng Đạo (thành phố Kon Tum), Lê Lợi, Nguyễn Trãi" → three old names, the last two
 * taking the kind of the one before; the parenthesis is a note. "giữ nguyên" → none.
 */
export function parseOldNames(text: string): OldNameRecord[] {
  if (/^giữ nguyên\.?$/iu.test(text.trim())) return [];
  const items: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "(") depth++;
    if (ch === ")") depth = Math.max(0, depth - 1);
    if (ch === "," && depth === 0) {
      items.push(current);
      current = "";
    } else current += ch;
  }
  items.push(current);
  const out: OldNameRecord[] = [];
  let lastKind: string | undefined;
  for (const item of items) {
    const note = /\(([^)]*)\)/.exec(item)?.[1]?.trim();
    const bare = item.replace(/\([^)]*\)/g, " ").replace(/\s+/g, " ").trim();
    if (!bare) continue;
    const { kind, name } = splitKind(bare);
    const useKind = kind ?? lastKind;
    lastKind = useKind;
    out.push({ value: useKind ? `${useKind} ${name}` : name, ...(note ? { note } : {}) });
  }
  return out;
}

/** Where the first byte that is not UTF-8 is, as "line L" (TCVN3/VNI files fail here). */
function firstBadByte(bytes: Buffer): string {
  let line = 1;
  for (let k = 0; k < bytes.length; ) {
    const b = bytes[k]!;
    if (b === 10) line++;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return `line ${line}, byte ${k + 1}`;
    for (let j = 1; j <= need; j++) if (((bytes[k + j] ?? 0) & 0xc0) !== 0x80) return `line ${line}, byte ${k + 1}`;
    k += need + 1;
  }
  return `line ${line}`;
}
