/**
 * Residents per commune, for the map's "tips per 1,000 residents" (issue 13). A CSV with a header naming the
 * columns `code` and `population` (any order, other columns ignored, comma or semicolon, optional BOM, numbers
 * with or without thousands separators: "12.345", "12,345" in quotes, "12345"). All or nothing: one bad line
 * refuses the file, naming the line. A code the current data version does not know is refused too (a typo
 * would silently colour nothing). Each import replaces the figures of the codes it lists.
 *
 * @example await importPopulation(db, { text: "code,population\n21484,18250\n", file: "dan-so.csv" }) // { communes: 1 }
 */
import type { Db } from "../db/client.ts";
import { currentVersion } from "./unit-data.ts";

export class PopulationImportError extends Error {}

export interface PopulationImport {
  communes: number;
  total: number;
  /** Communes of the current version the file did not list. */
  missing: number;
}

export async function importPopulation(db: Db, input: { text: string; file: string }): Promise<PopulationImport> {
  const rows = parsePopulationCsv(input.text);
  const version = await currentVersion(db);
  if (!version) throw new PopulationImportError("Chưa có dữ liệu đơn vị hành chính: hãy chạy units:import trước.");
  const known = new Set((await db.adminUnit.findMany({ where: { version: version.id }, select: { code: true } })).map((u) => u.code));
  const unknown = rows.filter((r) => !known.has(r.code));
  if (unknown.length) {
    throw new PopulationImportError(`Mã xã không có trong dữ liệu hành chính hiện hành: ${unknown.slice(0, 10).map((r) => `${r.code} (dòng ${r.line})`).join(", ")}. Không nhập dòng nào.`);
  }
  await db.$transaction(async (tx) => {
    for (const r of rows) {
      await tx.communePopulation.upsert({
        where: { code: r.code },
        update: { population: r.population, source: input.file, importedAt: new Date() },
        create: { code: r.code, population: r.population, source: input.file },
      });
    }
  });
  const listed = new Set(rows.map((r) => r.code));
  return { communes: rows.length, total: rows.reduce((n, r) => n + r.population, 0), missing: [...known].filter((c) => !listed.has(c)).length };
}

export function parsePopulationCsv(text: string): { code: string; population: number; line: number }[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const sep = (lines[0] ?? "").includes(";") ? ";" : ",";
  const header = splitLine(lines[0] ?? "", sep).map((h) => h.trim().toLowerCase());
  const codeAt = header.indexOf("code");
  const popAt = header.indexOf("population");
  if (codeAt < 0 || popAt < 0) throw new PopulationImportError("Dòng đầu của tệp phải có tên cột code và population.");
  const rows: { code: string; population: number; line: number }[] = [];
  const seen = new Set<string>();
  for (const [i, raw] of lines.entries()) {
    if (i === 0 || !raw.trim()) continue;
    const cells = splitLine(raw, sep);
    const code = (cells[codeAt] ?? "").trim();
    const digits = (cells[popAt] ?? "").trim().replace(/[.,\s]/g, "");
    if (!/^\d{1,6}$/.test(code)) throw new PopulationImportError(`Dòng ${i + 1}: mã xã "${code}" không hợp lệ.`);
    if (!/^\d{1,9}$/.test(digits) || Number(digits) === 0) throw new PopulationImportError(`Dòng ${i + 1}: số dân "${cells[popAt] ?? ""}" không hợp lệ.`);
    if (seen.has(code)) throw new PopulationImportError(`Dòng ${i + 1}: mã xã ${code} lặp lại.`);
    seen.add(code);
    rows.push({ code, population: Number(digits), line: i + 1 });
  }
  if (!rows.length) throw new PopulationImportError("Tệp không có dòng số liệu nào.");
  return rows;
}

/** One CSV line: fields split by `sep`, double quotes around a field (with "" inside) understood. */
function splitLine(line: string, sep: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === sep) (out.push(cur), (cur = ""));
    else cur += ch;
  }
  out.push(cur);
  return out;
}
