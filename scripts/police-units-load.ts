/**
 * Loads police units from a JSON file (first setup, or a bulk change): each unit is created or
 * updated by its id, all in one transaction; demo units are turned off unless --keep-demo.
 *
 *   npm run units:police -- don-vi.json [--keep-demo]
 *
 * File: { "units": [{ "id": "CAT-TRUCBAN", "name": "Trực ban Công an tỉnh", "kind": "duty_desk" },
 *   { "id": "CAX-BATO", "name": "Công an xã Ba Tơ", "kind": "commune", "communes": ["21484"], "languages": ["vi", "hre"] },
 *   { "id": "PC04", "name": "Phòng CSĐT tội phạm về ma túy", "kind": "specialised", "categories": ["drugs"] }] }
 * Commune codes must exist in the current administrative data (npm run units:import first).
 *
 * Public contact data, given to residents who ask where their commune police is or how to reach it
 * (optional, each a string or null; a field left out keeps the unit's value, null clears it):
 *   "phone": the unit's public duty line ("0255 …"), "address": the office ("Thôn …, xã Ba Tơ"),
 *   "hours": opening hours as residents read them ("Thứ Hai đến thứ Sáu: 7:30–11:30, 13:30–17:00"),
 *   "contactSample": true when these are sample data (residents then read "(dữ liệu mẫu)").
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadConfig } from "../src/config.ts";
import { openDatabase } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import { loadPoliceUnits } from "../src/routing/load-police-units.ts";
import { UnitImportError } from "../src/units/import-problems.ts";

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { "keep-demo": { type: "boolean" }, help: { type: "boolean", short: "h" } } });
  if (values.help || positionals.length !== 1) {
    process.stderr.write("usage: npm run units:police -- <units.json> [--keep-demo]\n");
    return values.help ? 0 : 2;
  }
  const file = positionals[0]!;
  const config = loadConfig();
  await migrate(config.databaseUrl);
  const database = await openDatabase(config.databaseUrl);
  try {
    const s = await loadPoliceUnits({ db: database.db, now: () => new Date() }, { bytes: readFileSync(file), file, keepDemo: values["keep-demo"] ?? false });
    process.stdout.write(
      `Loaded ${file}: ${s.created.length} created, ${s.updated.length} updated` +
        (s.demoDisabled.length ? `; demo units turned off: ${s.demoDisabled.join(", ")}` : "") +
        "\n",
    );
    return 0;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof UnitImportError ? e.message : `Nothing loaded: ${(e as Error).message}`}\n`);
    process.exit(1);
  },
);
