/**
 * The hot path's raw statements (src/db/sql.ts): on SQLite they run straight on the connection, on PostgreSQL on
 * Prisma's pg adapter (src/db/direct-pg.ts). Either way they must read and write what the model API reads and writes, never run inside someone
 * else's open transaction, and be undone with their own turn.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.ts";
import { date, execute, int, query, sql } from "../../src/db/sql.ts";
import { createTurnBatches } from "../../src/db/turn-batches.ts";
import { openFreshDatabase, usePostgres } from "../support/context.ts";

let database: Database;
let cleanUp: () => Promise<void>;

beforeEach(async () => {
  ({ database, cleanUp } = await openFreshDatabase("tinbao-sql-"));
});
afterEach(async () => cleanUp());

const ids = async () => (await database.db.jobRun.findMany({ orderBy: { id: "asc" }, select: { id: true } })).map((r) => r.id);

describe("raw statements on the hot path", () => {
  it("compare, read and write dates exactly as the model API does", async () => {
    const { db } = database;
    const at = new Date("2026-08-19T01:02:03.456Z");
    await db.jobRun.create({ data: { id: "by-prisma", startedAt: at } });
    await execute(db, sql`INSERT INTO "JobRun" ("id", "startedAt", "data") VALUES (${"by-raw"}, ${new Date(at.getTime() + 1)}, '{}')`);

    // A date Prisma wrote compares with a date argument, both ways; the one raw wrote reads back through Prisma.
    const upTo = await query<{ id: string; startedAt: unknown }>(db, sql`SELECT "id", "startedAt" FROM "JobRun" WHERE "startedAt" <= ${at}`);
    expect(upTo.map((r) => r.id)).toEqual(["by-prisma"]);
    expect(date(upTo[0]!.startedAt)?.toISOString()).toBe(at.toISOString());
    const after = await query<{ id: string }>(db, sql`SELECT "id" FROM "JobRun" WHERE "startedAt" > ${at}`);
    expect(after.map((r) => r.id)).toEqual(["by-raw"]);
    expect((await db.jobRun.findUnique({ where: { id: "by-raw" } }))?.startedAt.toISOString()).toBe("2026-08-19T01:02:03.457Z");
    // …and compares in Prisma's queries at the exact millisecond (dates are text on SQLite: one format or none).
    const exactly = await db.jobRun.findMany({ where: { startedAt: { gte: new Date(at.getTime() + 1), lte: new Date(at.getTime() + 1) } }, select: { id: true } });
    expect(exactly.map((r) => r.id)).toEqual(["by-raw"]);

    // Counts and changed rows are numbers whatever the driver gives.
    const [count] = await query<{ n: unknown }>(db, sql`SELECT COUNT(*) AS "n" FROM "JobRun"`);
    expect(int(count!.n)).toBe(2);
    expect(await execute(db, sql`UPDATE "JobRun" SET "finishedAt" = ${at} WHERE "id" IN ('by-prisma', 'by-raw', 'nobody')`)).toBe(2);
    expect((await db.jobRun.findUnique({ where: { id: "by-prisma" } }))?.finishedAt?.getTime()).toBe(at.getTime());
  });

  it("never run inside another transaction that is open at the time, so they are not undone with it", async () => {
    const { db } = database;
    let opened!: () => void;
    const isOpen = new Promise<void>((resolve) => (opened = resolve));
    const failing = db
      .$transaction(async (tx) => {
        await tx.jobRun.create({ data: { id: "undone" } });
        opened();
        await new Promise((r) => setTimeout(r, 150));
        throw new Error("this transaction fails");
      })
      .catch((e: Error) => e.message);
    await isOpen;
    // Written while the other transaction holds the connection: it waits for it, and stays.
    await execute(db, sql`INSERT INTO "JobRun" ("id", "startedAt", "data") VALUES (${"kept"}, ${new Date()}, '{}')`);
    expect(await failing).toBe("this transaction fails");
    expect(await ids()).toEqual(["kept"]);
  });

  it("in a batch of turns, are part of their turn: a turn that throws takes its raw writes with it, the others keep theirs", async () => {
    const batches = createTurnBatches(database, { concurrency: 1 });
    const turn = (id: string) =>
      batches.run(async (tx) => {
        await execute(tx, sql`INSERT INTO "JobRun" ("id", "startedAt", "data") VALUES (${id}, ${new Date()}, '{}')`);
        const [mine] = await query<{ id: string }>(tx, sql`SELECT "id" FROM "JobRun" WHERE "id" = ${id}`);
        if (id === "t3") throw new Error(`the ${mine?.id} turn failed`);
        return mine?.id;
      });
    const results = await Promise.allSettled(["t1", "t2", "t3", "t4"].map(turn));
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual(["t1", "t2", "the t3 turn failed", "t4"]);
    expect(await ids()).toEqual(["t1", "t2", "t4"]);
  });

  it.runIf(usePostgres)("on PostgreSQL skip Prisma's client: on the pool, and in a batch on the batch's own connection, concurrent batches apart", async () => {
    const { db } = database;
    // Prisma's client reads a BIGINT as a bigint; the driver's own value is its text: so the statement went straight to the driver.
    const [outside] = await query<{ n: unknown }>(db, sql`SELECT CAST(${5} AS BIGINT) AS "n"`);
    expect(outside!.n).toBe("5");
    const batches = createTurnBatches(database, { concurrency: 2, maxBatch: 1 });
    const pids = await Promise.all(
      [1, 2, 3, 4].map((k) =>
        batches.run(async (tx) => {
          const [direct] = await query<{ pid: unknown; n: unknown }>(tx, sql`SELECT pg_backend_pid() AS "pid", CAST(${k} AS BIGINT) AS "n"`);
          const [viaPrisma] = await tx.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS "pid"`;
          expect(direct!.n).toBe(String(k));
          await new Promise((r) => setTimeout(r, 30));
          return { direct: int(direct!.pid), viaPrisma: int(viaPrisma!.pid) };
        }),
      ),
    );
    for (const p of pids) expect(p.direct).toBe(p.viaPrisma);
    expect(new Set(pids.map((p) => p.direct)).size).toBeGreaterThan(1);
  });
});
