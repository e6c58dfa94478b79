/** The inbox: stored first, processed once, one chat in order, chats in parallel, failures kept and retried. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWebchatChannel, type WebchatPayload } from "../../src/channels/webchat/channel.ts";
import { storeInboundEvent } from "../../src/inbox/store-event.ts";
import { createInboxWorker, type InboxJob } from "../../src/inbox/worker.ts";
import { replayFailedEvents } from "../../src/inbox/replay-failed.ts";
import { DbFaultError } from "../../src/db/db-fault.ts";
import { createTestContext, type TestContext } from "../support/context.ts";

let ctx: TestContext;
beforeEach(async () => {
  ctx = await createTestContext({ INBOX_MAX_ATTEMPTS: "3" });
  ctx.channels.set("webchat", createWebchatChannel(ctx));
});
afterEach(async () => ctx.close());

const store = (visitor: string, id: string, text: string) => {
  const payload: WebchatPayload = { visitor, clientMessageId: id, sentAt: new Date().toISOString(), content: { type: "text", text } };
  return storeInboundEvent(ctx, { channel: "webchat", externalId: `${visitor}:${id}`, chatId: visitor, payload });
};
const textOf = (job: InboxJob) => (job.message.content.type === "text" ? job.message.content.text : "");

describe("the inbox", () => {
  it("stores a delivery once and acknowledges repeats as duplicates", async () => {
    expect(await store("v1", "m1", "a")).toBe("stored");
    for (let i = 0; i < 4; i++) expect(await store("v1", "m1", "a")).toBe("duplicate");
    expect(await ctx.db.inboundEvent.count()).toBe(1);
  });

  it("stores deliveries arriving together in arrival order, each once, a repeat among them a duplicate", async () => {
    // 300 at once: more than one statement's worth (MAX_STORE_BATCH), with a repeat inside the same batch and one of
    // a delivery stored before.
    expect(await store("v0", "old", "before")).toBe("stored");
    const sends = Array.from({ length: 300 }, (_, i) => store(`v${i % 7}`, `m${i}`, `text ${i}`));
    sends.push(store("v3", "m3", "text 3"), store("v0", "old", "before"));
    const results = await Promise.all(sends);
    expect(results.slice(0, 300).every((r) => r === "stored")).toBe(true);
    expect(results.slice(300)).toEqual(["duplicate", "duplicate"]);
    const rows = await ctx.db.inboundEvent.findMany({ orderBy: { id: "asc" }, select: { externalId: true } });
    expect(rows.map((r) => r.externalId)).toEqual(["v0:old", ...Array.from({ length: 300 }, (_, i) => `v${i % 7}:m${i}`)]);
  });

  it("processes one chat's messages one at a time in arrival order, while other chats go in parallel", async () => {
    const log: string[] = [];
    let active = 0;
    let maxActivePerChatA = 0;
    let maxActive = 0;
    const activeByChat = new Map<string, number>();
    for (let i = 0; i < 5; i++) await store("chatA", `a${i}`, `A${i}`);
    for (let i = 0; i < 5; i++) await store("chatB", `b${i}`, `B${i}`);
    const worker = createInboxWorker(ctx, async (job) => {
      const chat = job.message.chatId;
      active++;
      activeByChat.set(chat, (activeByChat.get(chat) ?? 0) + 1);
      maxActive = Math.max(maxActive, active);
      if (chat === "chatA") maxActivePerChatA = Math.max(maxActivePerChatA, activeByChat.get(chat)!);
      await new Promise((r) => setTimeout(r, 15));
      log.push(textOf(job));
      activeByChat.set(chat, activeByChat.get(chat)! - 1);
      active--;
    });
    await worker.drain();
    expect(log.filter((t) => t.startsWith("A"))).toEqual(["A0", "A1", "A2", "A3", "A4"]);
    expect(log.filter((t) => t.startsWith("B"))).toEqual(["B0", "B1", "B2", "B3", "B4"]);
    expect(maxActivePerChatA).toBe(1);
    expect(maxActive).toBe(2);
    expect(await ctx.db.inboundEvent.count({ where: { status: "done" } })).toBe(10);
  });

  it("goes on with a chat's next event right after its turn (one statement claims it), counting its attempts as a scan's claim does", async () => {
    await store("chatC", "c0", "first");
    await store("chatC", "c1", "second");
    await store("chatC", "c2", "not yet");
    // The second was tried twice before (INBOX_MAX_ATTEMPTS is 3 here): this is its last attempt. The third waits for
    // a retry due in a minute: the chat stops there.
    await ctx.db.inboundEvent.updateMany({ where: { externalId: "chatC:c1" }, data: { attempts: 2 } });
    await ctx.db.inboundEvent.updateMany({ where: { externalId: "chatC:c2" }, data: { nextAttemptAt: new Date(Date.now() + 60_000) } });
    const jobs: { text: string; attempt: number; last: boolean }[] = [];
    const worker = createInboxWorker(ctx, async (job) => {
      jobs.push({ text: textOf(job), attempt: job.attempt, last: job.lastAttempt });
      await ctx.db.$transaction((tx) => job.complete(tx));
    });
    worker.start();
    await expect.poll(() => jobs.length, { timeout: 10_000 }).toBe(2);
    await new Promise((r) => setTimeout(r, 100));
    await worker.stop();
    expect(jobs).toEqual([
      { text: "first", attempt: 1, last: false },
      { text: "second", attempt: 3, last: true },
    ]);
    const rows = await ctx.db.inboundEvent.findMany({ orderBy: { id: "asc" }, select: { status: true, attempts: true } });
    expect(rows).toEqual([
      { status: "done", attempts: 1 },
      { status: "done", attempts: 3 },
      { status: "pending", attempts: 0 },
    ]);
  });

  it("keeps a failing event, retries it with backoff, holds back that chat only, and marks it failed with its error after the last attempt", async () => {
    let clock = Date.now() + 1000;
    ctx.now = () => new Date(clock);
    await store("bad", "x1", "boom");
    await store("bad", "x2", "after");
    await store("good", "y1", "fine");
    const seen: string[] = [];
    const worker = createInboxWorker(ctx, async (job) => {
      seen.push(textOf(job));
      if (textOf(job) === "boom") throw new Error("database is locked");
    });
    await worker.drain();
    expect(seen).toEqual(expect.arrayContaining(["boom", "fine"]));
    expect(seen).not.toContain("after");
    let bad = await ctx.db.inboundEvent.findFirstOrThrow({ where: { externalId: "bad:x1" } });
    expect(bad).toMatchObject({ status: "pending", attempts: 1, lastError: "database is locked" });
    for (let attempt = 2; attempt <= 3; attempt++) {
      clock = bad.nextAttemptAt.getTime() + 1;
      await worker.drain();
      bad = await ctx.db.inboundEvent.findFirstOrThrow({ where: { externalId: "bad:x1" } });
    }
    expect(bad).toMatchObject({ status: "failed", attempts: 3, lastError: "database is locked" });
    expect(seen.filter((t) => t === "boom")).toHaveLength(3);
    expect(seen.at(-1)).toBe("after");

    // Once the cause is fixed, an operator replays it (npm run inbox:replay) and nothing is lost.
    expect(await replayFailedEvents(ctx.db, "all", ctx.now())).toBe(1);
    const replayed = createInboxWorker(ctx, async (job) => void seen.push(`replayed ${textOf(job)}`));
    await replayed.drain();
    expect(seen.at(-1)).toBe("replayed boom");
    expect(await ctx.db.inboundEvent.count({ where: { status: "done" } })).toBe(3);
  });

  it("retries within seconds, without spending attempts, an event that met a full disk or a locked database", async () => {
    let clock = Date.now() + 1000;
    ctx.now = () => new Date(clock);
    await store("busy", "f1", "kept through the outage");
    // As they reach the handler: the adapter's own fault, and Prisma's known error carrying SQLite's code.
    const faults = [
      new DbFaultError("disk_full", "the database's disk is full (SQLITE_FULL)"),
      Object.assign(new Error("Invalid `tx.tip.create()` invocation: database or disk is full"), { code: "SQLITE_FULL" }),
      new DbFaultError("database_locked", "the database stayed locked by another process for 10000 ms"),
      Object.assign(new Error("Operation has timed out"), { code: "P1008", meta: { driverAdapterError: { cause: { originalCode: "SQLITE_BUSY" } } } }),
      new DbFaultError("disk_full", "the database's disk is full (SQLITE_FULL)"),
    ];
    let calls = 0;
    const worker = createInboxWorker(ctx, async () => {
      const fault = faults[calls++];
      if (fault) throw fault;
    });
    for (let outage = 0; outage < faults.length; outage++) {
      await worker.drain();
      const event = await ctx.db.inboundEvent.findFirstOrThrow({ where: { externalId: "busy:f1" } });
      expect(event).toMatchObject({ status: "pending", attempts: 0 });
      expect(event.nextAttemptAt.getTime() - clock).toBeLessThanOrEqual(5_000);
      clock = event.nextAttemptAt.getTime() + 1;
    }
    await worker.drain();
    expect(calls).toBe(faults.length + 1);
    expect(await ctx.db.inboundEvent.findFirstOrThrow({ where: { externalId: "busy:f1" } })).toMatchObject({ status: "done", attempts: 1 });
  });

  it("claims an event again when the process handling it died (its lease ran out)", async () => {
    await store("c", "z1", "resume me");
    await ctx.db.inboundEvent.updateMany({ data: { status: "processing", lockedBy: "dead", lockedUntil: new Date(Date.now() - 1000), attempts: 1 } });
    const seen: string[] = [];
    await createInboxWorker(ctx, async (job) => void seen.push(textOf(job))).drain();
    expect(seen).toEqual(["resume me"]);
    expect(await ctx.db.inboundEvent.findFirstOrThrow()).toMatchObject({ status: "done", attempts: 2 });
  });
});
