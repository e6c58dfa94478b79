/** Turns batched into one transaction: each turn's effects stored or undone alone; a database fault undoes the batch. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Database, Tx } from "../../src/db/client.ts";
import { DbFaultError } from "../../src/db/db-fault.ts";
import { createTurnBatches, perTransaction } from "../../src/db/turn-batches.ts";
import { openFreshDatabase } from "../support/context.ts";

let database: Database;
let transactions = 0;
let cleanUp: () => Promise<void>;

beforeEach(async () => {
  ({ database, cleanUp } = await openFreshDatabase("tinbao-batches-"));
  transactions = 0;
});
afterEach(async () => cleanUp());

/** The database as the batches see it, counting the transactions they open. */
function counted(): Database {
  const db = new Proxy(database.db, {
    get(target, prop, receiver) {
      if (prop === "$transaction") return (...args: Parameters<Database["db"]["$transaction"]>) => (transactions++, target.$transaction(...args));
      return Reflect.get(target, prop, receiver);
    },
  });
  return { ...database, db };
}

const stored = async () => (await database.db.jobRun.findMany({ orderBy: { id: "asc" }, select: { id: true } })).map((r) => r.id);

describe("turns batched into one transaction", () => {
  it("runs the turns waiting together in one transaction; a turn that throws is undone alone and only its caller sees its error", async () => {
    const batches = createTurnBatches(counted(), { concurrency: 1 });
    const results = await Promise.allSettled(
      ["t1", "t2", "t3", "t4", "t5", "t6"].map((id) =>
        batches.run(async (tx) => {
          await tx.jobRun.create({ data: { id } });
          await tx.jobRun.create({ data: { id: `${id}-second-write` } });
          if (id === "t4") throw new Error("the t4 turn failed");
          return id;
        }),
      ),
    );
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual(["t1", "t2", "t3", "the t4 turn failed", "t5", "t6"]);
    expect(await stored()).toEqual(["t1", "t1-second-write", "t2", "t2-second-write", "t3", "t3-second-write", "t5", "t5-second-write", "t6", "t6-second-write"]);
    // The first starts at once; the five that came while it ran share the next transaction.
    expect(transactions).toBe(2);
  });

  it("undoes the whole batch when the database itself refuses (a full disk): every turn fails with the fault, nothing is stored", async () => {
    const batches = createTurnBatches(database, { concurrency: 1 });
    const blocker = batches.run(async (tx) => tx.jobRun.create({ data: { id: "before" } }));
    const results = await Promise.allSettled(
      ["a", "b", "c"].map((id) =>
        batches.run(async (tx) => {
          await tx.jobRun.create({ data: { id } });
          if (id === "b") throw new DbFaultError("disk_full", "the database's disk is full (SQLITE_FULL)");
        }),
      ),
    );
    await blocker;
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    for (const r of results) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(DbFaultError);
    expect(await stored()).toEqual(["before"]);
    // And the next turns go on normally.
    await batches.run(async (tx) => tx.jobRun.create({ data: { id: "after" } }));
    expect(await stored()).toEqual(["after", "before"]);
  });

  it("never keeps a channel's turn waiting behind another channel's queue of turns", async () => {
    const batches = createTurnBatches(database);
    const finished: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const turn = (id: string, lane: string, wait?: Promise<void>) =>
      batches
        .run(async (tx) => {
          await tx.jobRun.create({ data: { id } });
          await wait;
        }, lane)
        .then(() => void finished.push(id));
    // Telegram: one batch running (held open), twenty turns queued behind it; then one web chat turn.
    const telegram = [turn("tg-running", "telegram", held), ...Array.from({ length: 20 }, (_, i) => turn(`tg-${i}`, "telegram"))];
    const webchat = turn("web", "webchat");
    await new Promise((r) => setTimeout(r, 500));
    const beforeRelease = [...finished];
    release();
    await Promise.all([...telegram, webchat]);
    if (database.dialect === "sqlite") {
      // One connection: the web chat turn waited for the batch holding it, never for the queued Telegram turns.
      expect(finished.indexOf("web")).toBeLessThan(finished.indexOf("tg-0"));
    } else {
      // A pool: it did not wait for Telegram at all.
      expect(beforeRelease).toContain("web");
    }
    expect(await database.db.jobRun.count()).toBe(22);
  });

  it("shares a read between the turns of one transaction, and reads again in the next", async () => {
    const batches = createTurnBatches(database, { concurrency: 1 });
    let reads = 0;
    const read = (tx: Tx) => perTransaction(tx, "count", async () => (reads++, tx.jobRun.count()));
    // Each group waits behind a first turn, then runs as one batch.
    for (let group = 0; group < 2; group++) {
      await Promise.all([0, 1, 2, 3].map(() => batches.run(async (tx) => void (await read(tx)))));
    }
    // Per group: the first turn alone (one read), then the three others together (one read).
    expect(reads).toBe(4);
  });
});
