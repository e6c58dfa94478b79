/**
 * hash_counts (src/db/sqlite-hash-counts.ts): the aggregate the period report's SQLite path counts with, on the
 * connection the service opens (through Prisma, as summarize() calls it). SQLite only: PostgreSQL has GROUPING SETS.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/client.ts";

let dir: string;
let database: Database;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "tinbao-hash-counts-"));
  database = await openDatabase(`file:${path.join(dir, "db.sqlite")}`);
});
afterAll(async () => {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

const counts = async (query: string): Promise<unknown> => {
  const [row] = await database.db.$queryRawUnsafe<{ sets: string }[]>(query);
  return JSON.parse(row!.sets);
};

describe("hash_counts", () => {
  it("counts each argument's values in its own set, as GROUP BY would, numbers kept as numbers", async () => {
    const sets = await counts(`
      WITH v(kind, place, hours) AS (VALUES ('theft', '21484', 1.5), ('drugs', '21484', 2), ('theft', NULL, 1.5), ('theft', '21289', 3000000000))
      SELECT hash_counts(kind, place, hours) AS sets FROM v`);
    expect(sets).toEqual([
      [["theft", 3], ["drugs", 1]],
      [["21484", 2], ["21289", 1]],
      [[1.5, 2], [2, 1], [3000000000, 1]],
    ]);
  });

  it("leaves out NULL keys, so a set no row reaches is empty, and no rows give no sets", async () => {
    expect(await counts(`WITH v(a, b) AS (VALUES ('x', NULL), ('y', NULL)) SELECT hash_counts(a, b) AS sets FROM v`)).toEqual([[["x", 1], ["y", 1]], []]);
    expect(await counts(`WITH v(a, b) AS (VALUES (NULL, 'z')) SELECT hash_counts(a, b) AS sets FROM v`)).toEqual([[], [["z", 1]]]);
    expect(await counts(`WITH v(a) AS (SELECT 1 WHERE 0) SELECT hash_counts(a) AS sets FROM v`)).toEqual([]);
  });

  it("refuses a blob key instead of counting it under a made-up name", async () => {
    await expect(counts(`SELECT hash_counts(x'00ff') AS sets`)).rejects.toThrow(/text or numbers/);
  });
});
