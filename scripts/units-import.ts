/**
 * Imports administrative units as a new data version (one transaction: all or nothing).
 *
 *   npm run units:import -- ../shared/data/vn-admin-units-2026-07.json            provinces and communes
 *   npm run units:import -- ../shared/data/quang-ngai-communes-2026-07.geojson    commune boundaries
 *   npm run units:import -- ../shared/data/quang-ngai-communes-before-2025.tsv    pre-2025 names
 *
 * Options: --format list|polygons|crosswalk (default: from the file), --province 51 (a list: only
 * these provinces, repeatable; polygons/crosswalk: their province, default 51), --province-name
 * "Tỉnh Quảng Ngãi" (polygons of a province no earlier import named). Uses the service's
 * configuration (DATABASE_URL…) and applies pending migrations first. A running service picks
 * the new version up with the next message; tips filed before keep their version.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadConfig } from "../src/config.ts";
import { openDatabase } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import { importUnits } from "../src/units/import-units.ts";
import { UnitImportError } from "../src/units/import-problems.ts";
import type { UnitFileFormat } from "../src/units/read-unit-files.ts";

const USAGE = "usage: npm run units:import -- <file.json|file.geojson|file.tsv> [--format list|polygons|crosswalk] [--province 51] [--province-name \"Tỉnh …\"]\n";
const FORMATS = ["list", "polygons", "crosswalk"];

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      format: { type: "string" },
      province: { type: "string", multiple: true },
      "province-name": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help || positionals.length !== 1) {
    process.stderr.write(USAGE);
    return values.help ? 0 : 2;
  }
  if (values.format && !FORMATS.includes(values.format)) {
    process.stderr.write(`--format must be one of ${FORMATS.join(", ")}\n`);
    return 2;
  }
  const file = positionals[0]!;
  const bytes = readFileSync(file);
  const format = values.format as UnitFileFormat | undefined;
  const config = loadConfig();
  await migrate(config.databaseUrl);
  const database = await openDatabase(config.databaseUrl);
  try {
    const started = performance.now();
    const s = await importUnits(database.db, {
      bytes,
      file,
      ...(format ? { format } : {}),
      ...(values.province?.length ? { provinces: values.province, province: values.province[0]! } : {}),
      ...(values["province-name"] ? { provinceName: values["province-name"] } : {}),
    });
    const lines = [
      `Imported ${file} as data version ${s.version}${s.basedOn ? ` (based on ${s.basedOn})` : ""} in ${Math.round(performance.now() - started)} ms.`,
      `  units: ${s.units} (boundaries for ${s.polygons}), provinces in this file: ${s.provinces.join(", ") || "none (crosswalk)"}`,
      `  added ${s.added.length}, removed ${s.removed.length}, renamed ${s.renamed.length}, old names ${s.oldNames}, old → new codes ${s.codeChanges.length}`,
      ...s.renamed.slice(0, 10).map((r) => `  renamed ${r.code}: ${r.from} → ${r.to}`),
      ...(s.removed.length ? [`  removed codes: ${s.removed.slice(0, 30).join(", ")}${s.removed.length > 30 ? " …" : ""} (tips filed under them keep their version)`] : []),
      ...s.splits.map((x) => `  split: ${x.oldName} → ${x.codes.join(", ")}`),
      ...(s.withoutBoundary.length ? [`  no boundary in this file for: ${s.withoutBoundary.join(", ")} (pins there go to the duty desk)`] : []),
    ];
    process.stdout.write(lines.join("\n") + "\n");
    return 0;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof UnitImportError ? e.message : `Import failed, nothing imported: ${(e as Error).message}`}\n`);
    process.exit(1);
  },
);
