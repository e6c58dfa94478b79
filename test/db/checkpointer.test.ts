/** Checkpoints on their own thread: committed pages reach the database file without the service's connection doing it. */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { startCheckpointer } from "../../src/db/checkpointer.ts";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("the checkpoint thread", () => {
  it("copies committed pages into the database file while the writer's own checkpoint is off", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "tinbao-ckpt-"));
    dirs.push(dir);
    const file = path.join(dir, "t.db");
    const db = new Database(file);
    db.pragma("journal_mode = WAL");
    db.pragma("wal_autocheckpoint = 0");
    db.exec("CREATE TABLE t (x TEXT)");
    const failures: Error[] = [];
    const checkpointer = startCheckpointer(file, { intervalMs: 20, onFailure: (e) => failures.push(e) });
    const before = statSync(file).size;
    const insert = db.prepare("INSERT INTO t VALUES (?)");
    for (let i = 0; i < 200; i++) insert.run("x".repeat(3000));
    const deadline = Date.now() + 5_000;
    while (statSync(file).size < before + 500_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(statSync(file).size).toBeGreaterThanOrEqual(before + 500_000);
    await checkpointer.stop();
    db.close();
    expect(failures).toEqual([]);
  });

  it("reports a thread that cannot run once, so the caller can put SQLite's own checkpoint back", async () => {
    const failures: Error[] = [];
    startCheckpointer(path.join(os.tmpdir(), "tinbao-no-such-dir", "missing.db"), { onFailure: (e) => failures.push(e) });
    const deadline = Date.now() + 5_000;
    while (failures.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    expect(failures).toHaveLength(1);
  });
});
