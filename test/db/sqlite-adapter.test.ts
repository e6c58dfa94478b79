/**
 * The SQLite adapter shares one connection: every way a transaction can end must give it back, and
 * waiting for another process's lock must never freeze the process. A real SQLite file, a second real
 * connection for "another process", and the real Prisma client. (SQLite only: it is about SQLite.)
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type Database as OpenDatabase } from "../../src/db/client.ts";
import { migrate } from "../../src/db/migrate.ts";
import { dbFaultOf } from "../../src/db/db-fault.ts";

let dir: string;
let file: string;
let database: OpenDatabase;

async function open(busyWaitMs = 10_000): Promise<OpenDatabase> {
  database = await openDatabase(`file:${file}`, { busyWaitMs });
  return database;
}

/** Resolves with the query's outcome, or "hung" when it has not answered in `ms` (the old adapter's failure). */
async function answerWithin<T>(promise: Promise<T>, ms = 3_000): Promise<T | "hung"> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<"hung">((resolve) => (timer = setTimeout(() => resolve("hung"), ms)));
  return Promise.race([promise, hung]).finally(() => clearTimeout(timer));
}

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "tinbao-sqlite-"));
  file = path.join(dir, "tinbao.db");
  await migrate(`file:${file}`);
  // A child row whose parent must exist when the transaction commits: SQLite checks it only at COMMIT.
  const setup = new Database(file);
  setup.exec(`CREATE TABLE "TestParent" (id INTEGER PRIMARY KEY);
    CREATE TABLE "TestChild" (id INTEGER PRIMARY KEY, parentId INTEGER REFERENCES "TestParent"(id) DEFERRABLE INITIALLY DEFERRED);
    CREATE TABLE "TestGuarded" (id INTEGER PRIMARY KEY);
    CREATE TRIGGER "TestGuardedNo13" BEFORE INSERT ON "TestGuarded" WHEN NEW.id = 13 BEGIN SELECT RAISE(ROLLBACK, 'thirteen is refused'); END;`);
  setup.close();
});

afterEach(async () => {
  await database?.close();
  rmSync(dir, { recursive: true, force: true });
});

const jobCount = (db: OpenDatabase["db"]) => db.jobRun.count();

describe("the SQLite connection after a transaction ends badly", () => {
  it("answers the next query after SQLite refused a COMMIT, and keeps nothing of that transaction", async () => {
    const { db } = await open();
    const refused = await db
      .$transaction(async (tx) => {
        await tx.jobRun.create({ data: { id: "inside-refused" } });
        await tx.$executeRawUnsafe(`INSERT INTO "TestChild" (id, parentId) VALUES (1, 42)`);
      })
      .catch((e: unknown) => e);
    expect(String(refused)).toMatch(/FOREIGN ?KEY/i);

    expect(await answerWithin(jobCount(db))).toBe(0);
    await db.jobRun.create({ data: { id: "after" } });
    // Written for real, not inside a transaction left open: another connection sees it, and not the refused row.
    const other = new Database(file, { readonly: true });
    expect(other.prepare(`SELECT id FROM "JobRun" ORDER BY id`).pluck().all()).toEqual(["after"]);
    other.close();
  });

  it("answers the next query after SQLite rolled the transaction back by itself", async () => {
    const { db } = await open();
    const refused = await db
      .$transaction(async (tx) => {
        await tx.jobRun.create({ data: { id: "inside-undone" } });
        await tx.$executeRawUnsafe(`INSERT INTO "TestGuarded" (id) VALUES (13)`);
      })
      .catch((e: unknown) => e);
    expect(String(refused)).toMatch(/thirteen is refused/);
    expect(await answerWithin(jobCount(db))).toBe(0);
    await db.$transaction(async (tx) => tx.jobRun.create({ data: { id: "next" } }));
    expect(await jobCount(db)).toBe(1);
  });

  it("never runs the rest of a transaction on its own once SQLite has undone it", async () => {
    const { db } = await open();
    const refused = await db
      .$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`INSERT INTO "TestGuarded" (id) VALUES (13)`).catch(() => undefined);
        // The code went on after the error: this must not be committed as a statement of its own.
        await tx.jobRun.create({ data: { id: "orphan" } });
      })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Error);
    expect(await answerWithin(db.jobRun.findUnique({ where: { id: "orphan" } }))).toBeNull();
  });

  it("answers the next query after an exception and after a transaction timed out", async () => {
    const { db } = await open();
    await expect(db.$transaction(async () => Promise.reject(new Error("the handler threw")))).rejects.toThrow("the handler threw");
    const late = await db
      .$transaction(
        async (tx) => {
          await tx.jobRun.create({ data: { id: "too-late" } });
          await new Promise((r) => setTimeout(r, 400));
        },
        { timeout: 100 },
      )
      .catch((e: unknown) => e);
    expect(late).toBeInstanceOf(Error);
    expect(await answerWithin(jobCount(db))).toBe(0);
  });
});

describe("another process holding the SQLite write lock", () => {
  it("keeps reads going while a write waits, then stores the write once the lock is released", async () => {
    const { db } = await open();
    const other = new Database(file);
    other.exec("BEGIN IMMEDIATE");
    let written = false;
    const write = db.jobRun.create({ data: { id: "waited" } }).then(() => (written = true));
    // While the write waits for the lock, this process still reads (the event loop is not frozen).
    for (let i = 0; i < 5; i++) expect(await db.jobRun.count()).toBe(0);
    expect(written).toBe(false);
    other.exec("COMMIT");
    await write;
    expect(await db.jobRun.count()).toBe(1);
    other.close();
  });

  it("gives up after SQLITE_BUSY_WAIT_MS with a database_locked fault, for writes and transactions alike", async () => {
    const { db } = await open(300);
    const other = new Database(file);
    other.exec("BEGIN IMMEDIATE");
    const write = await db.jobRun.create({ data: { id: "never" } }).catch((e: unknown) => e);
    const tx = await db.$transaction(async (t) => t.jobRun.create({ data: { id: "never-tx" } })).catch((e: unknown) => e);
    expect(dbFaultOf(write)).toBe("database_locked");
    expect(dbFaultOf(tx)).toBe("database_locked");
    other.exec("ROLLBACK");
    await db.jobRun.create({ data: { id: "now" } });
    expect(await db.jobRun.count()).toBe(1);
    other.close();
  });
});
