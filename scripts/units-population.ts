/**
 * Imports residents per commune for the map's "tips per 1,000 residents":
 *
 *   npm run units:population -- dan-so-2026.csv
 *
 * The CSV's first line names the columns `code` (the commune's official code, as in units:import) and
 * `population`; other columns are ignored. All or nothing. Uses the service's configuration (DATABASE_URL…)
 * and applies pending migrations first.
 */
import { readFileSync } from "node:fs";
import { loadConfig } from "../src/config.ts";
import { openDatabase } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import { importPopulation, PopulationImportError } from "../src/units/import-population.ts";

async function main(): Promise<number> {
  const file = process.argv[2];
  if (!file || process.argv.length !== 3) {
    process.stderr.write("usage: npm run units:population -- <file.csv>   (columns: code,population)\n");
    return 2;
  }
  const text = readFileSync(file, "utf8");
  const config = loadConfig();
  await migrate(config.databaseUrl);
  const database = await openDatabase(config.databaseUrl);
  try {
    const s = await importPopulation(database.db, { text, file });
    process.stdout.write(`Đã nhập số dân của ${s.communes} xã, phường (tổng ${s.total.toLocaleString("vi-VN")} người).${s.missing ? ` ${s.missing} xã, phường chưa có số dân.` : ""}\n`);
    return 0;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof PopulationImportError ? e.message : `Không nhập được: ${(e as Error).message}`}\n`);
    process.exit(1);
  },
);
