/** The PostgreSQL partial index of the open queue only helps while its status list is the workflow's. */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { OPEN_STATUSES } from "../../src/tips/workflow.ts";

describe("the open-queue index on PostgreSQL", () => {
  it("lists exactly the workflow's open statuses, in order", () => {
    const dir = "prisma/postgresql/migrations";
    const sql = readdirSync(dir)
      .filter((d) => !d.endsWith(".toml"))
      .map((d) => readFileSync(path.join(dir, d, "migration.sql"), "utf8"))
      .join("\n");
    const match = /CREATE INDEX "Tip_open_queue_idx"[^;]*WHERE "status" IN \(([^)]*)\)/.exec(sql);
    expect(match, "Tip_open_queue_idx is missing from the PostgreSQL migrations").not.toBeNull();
    expect(match![1]!.split(",").map((s) => s.trim().replace(/^'|'$/g, ""))).toEqual([...OPEN_STATUSES]);
  });
});
