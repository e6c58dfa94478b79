/**
 * Ties each crosswalk row's `new_unit` ("Xã Sơn Thủy") to a commune code of the data version it
 * is loaded into, whatever the tone-mark placement ("Sơn Thuỷ" there). An old name listed under
 * two new units (a commune split in 2025) stays under both.
 *
 * @example resolveCrosswalk(batch.rows, units, problems) // [{ code: "21484", value: "Thị trấn Ba Tơ" }, …]
 */
import type { OldName } from "./commune-names.ts";
import type { ProblemList } from "./import-problems.ts";
import { accentKey, looseKey, splitKind } from "./names.ts";
import type { CrosswalkRow } from "./read-unit-files.ts";

export function resolveCrosswalk(rows: CrosswalkRow[], units: { code: string; fullName: string }[], problems: ProblemList): OldName[] {
  const byAccent = new Map<string, string[]>();
  const byLoose = new Map<string, string[]>();
  for (const u of units) {
    push(byAccent, accentKey(u.fullName), u.code);
    push(byLoose, looseKey(u.fullName), u.code);
  }
  const out: OldName[] = [];
  for (const row of rows) {
    const exact = byAccent.get(accentKey(row.newUnit)) ?? [];
    const loose = byLoose.get(looseKey(row.newUnit)) ?? [];
    const codes = exact.length === 1 ? exact : loose;
    if (codes.length !== 1) {
      problems.add(
        row.where,
        codes.length === 0
          ? `"${row.newUnit}" is not a commune of this data version (import the list of communes first)`
          : `"${row.newUnit}" names ${codes.length} communes (${codes.join(", ")})`,
      );
      continue;
    }
    const code = codes[0]!;
    const own = looseKey(splitKind(row.newUnit).name);
    for (const old of row.oldNames) {
      // "Xã Ba Tô" merged into "Xã Ba Tô" adds nothing the current name does not match already.
      const { kindKey, name } = splitKind(old.value);
      if (looseKey(name) === own && (kindKey === undefined || kindKey === splitKind(row.newUnit).kindKey)) continue;
      out.push({ code, value: old.value, note: old.note ?? null });
    }
  }
  return out;
}

function push(map: Map<string, string[]>, key: string, code: string) {
  const list = map.get(key);
  if (list) list.push(code);
  else map.set(key, [code]);
}
