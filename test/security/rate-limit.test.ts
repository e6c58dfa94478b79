/** The shared counters behind every limit a stranger meets (logins, follow-up secrets, visitors, uploads). */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hitLimit, limitKey, peekLimit, pruneLimits, resetLimit } from "../../src/security/rate-limit.ts";
import { createTestContext, type TestContext } from "../support/context.ts";

let ctx: TestContext;
let clock = Date.parse("2026-12-02T09:00:00Z");
beforeEach(async () => {
  ctx = await createTestContext();
  clock = Date.parse("2026-12-02T09:00:00Z");
  ctx.now = () => new Date(clock);
});
afterEach(async () => ctx.close());

const MIN = 60_000;

describe("rate limits", () => {
  it("lets exactly the limit through when 100 hits arrive at once", async () => {
    const key = limitKey(ctx, "test", "one-address");
    const results = await Promise.all(Array.from({ length: 100 }, () => hitLimit(ctx, key, { limit: 5, windowMs: 15 * MIN })));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    expect(results.filter((r) => !r.allowed)).toHaveLength(95);
  });

  it("blocks after the limit, each block twice as long as the last", async () => {
    const key = limitKey(ctx, "test", "x");
    const rule = { limit: 2, windowMs: 15 * MIN, blockMs: 10 * MIN };
    expect((await hitLimit(ctx, key, rule)).allowed).toBe(true);
    expect((await hitLimit(ctx, key, rule)).allowed).toBe(true);
    const first = await hitLimit(ctx, key, rule);
    expect(first).toMatchObject({ allowed: false, blockStarted: true, strikes: 1 });
    expect(first.retryAt!.getTime() - clock).toBe(10 * MIN);
    clock += 5 * MIN;
    expect(await hitLimit(ctx, key, rule)).toMatchObject({ allowed: false, blockStarted: false });
    clock += 5 * MIN;
    expect((await hitLimit(ctx, key, rule)).allowed).toBe(true);
    expect((await hitLimit(ctx, key, rule)).allowed).toBe(true);
    const second = await hitLimit(ctx, key, rule);
    expect(second).toMatchObject({ allowed: false, blockStarted: true, strikes: 2 });
    expect(second.retryAt!.getTime() - clock).toBe(20 * MIN);
  });

  it("can start the block with the hit that reaches the limit (five wrong, then locked)", async () => {
    const key = limitKey(ctx, "test", "code");
    const rule = { limit: 3, windowMs: 60 * MIN, blockMs: 30 * MIN, blockAtLimit: true };
    expect(await hitLimit(ctx, key, rule)).toMatchObject({ allowed: true, remaining: 2 });
    expect(await hitLimit(ctx, key, rule)).toMatchObject({ allowed: true, remaining: 1 });
    const third = await hitLimit(ctx, key, rule);
    expect(third).toMatchObject({ allowed: true, remaining: 0, blockStarted: true, strikes: 1 });
    expect(third.retryAt!.getTime() - clock).toBe(30 * MIN);
    expect(await hitLimit(ctx, key, rule)).toMatchObject({ allowed: false, blockStarted: false });
  });

  it("without a block, waits for the window to end and never counts refused hits", async () => {
    const key = limitKey(ctx, "bytes", "addr");
    const rule = { limit: 100, windowMs: 60 * MIN };
    expect((await hitLimit(ctx, key, rule, 60)).allowed).toBe(true);
    const refused = await hitLimit(ctx, key, rule, 60);
    expect(refused).toMatchObject({ allowed: false, count: 60, remaining: 40 });
    expect(refused.retryAt!.getTime()).toBe(clock + 60 * MIN);
    expect((await hitLimit(ctx, key, rule, 40)).allowed).toBe(true);
    expect((await peekLimit(ctx, key, rule)).allowed).toBe(false);
    clock += 61 * MIN;
    expect((await peekLimit(ctx, key, rule, 100)).allowed).toBe(true);
  });

  it("forgets a scope on reset, and prunes idle counters but keeps running blocks", async () => {
    const rule = { limit: 1, windowMs: MIN, blockMs: 3 * 24 * 60 * MIN, maxBlockMs: 7 * 24 * 60 * MIN };
    const a = limitKey(ctx, "t", "a");
    const b = limitKey(ctx, "t", "b");
    await hitLimit(ctx, a, rule);
    await hitLimit(ctx, b, rule);
    await hitLimit(ctx, b, rule); // b is now blocked for 3 days
    await resetLimit(ctx, a);
    expect(await ctx.db.rateLimit.count()).toBe(1);
    await hitLimit(ctx, a, rule);
    clock += 2 * 24 * 60 * MIN + MIN;
    expect(await pruneLimits(ctx)).toBe(1);
    expect((await peekLimit(ctx, b, rule)).allowed).toBe(false);
  });

  it("never stores the subject of a limit in clear", async () => {
    const key = limitKey(ctx, "login:address", "203.0.113.7");
    await hitLimit(ctx, key, { limit: 3, windowMs: MIN });
    const rows = await ctx.db.rateLimit.findMany();
    expect(JSON.stringify(rows)).not.toContain("203.0.113.7");
    expect(rows[0]!.key.startsWith("login:address:")).toBe(true);
  });
});
