/** Giving back what a harmless hit counted (a successful login), without opening the door to tries in flight. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hitLimit, limitKey, refundLimit, releaseLimit } from "../../src/security/rate-limit.ts";
import { createTestContext, type TestContext } from "../support/context.ts";

let ctx: TestContext;
beforeEach(async () => {
  ctx = await createTestContext();
});
afterEach(async () => ctx.close());

const rule = { limit: 3, windowMs: 15 * 60_000, blockMs: 15 * 60_000 };

describe("releasing and refunding a limit", () => {
  it("clears the count when nothing was counted since the releasing hit", async () => {
    const key = limitKey(ctx, "t", "pair");
    await hitLimit(ctx, key, rule);
    await hitLimit(ctx, key, rule);
    const mine = await hitLimit(ctx, key, rule);
    await releaseLimit(ctx, key, mine.count);
    expect((await hitLimit(ctx, key, rule)).count).toBe(1);
  });

  it("keeps the count, and a block started since, when other hits came after the releasing one", async () => {
    const key = limitKey(ctx, "t", "race");
    const mine = await hitLimit(ctx, key, rule);
    await hitLimit(ctx, key, rule);
    await releaseLimit(ctx, key, mine.count);
    expect((await hitLimit(ctx, key, rule)).count).toBe(3);
    expect(await hitLimit(ctx, key, rule)).toMatchObject({ allowed: false, blockStarted: true });
    await releaseLimit(ctx, key, 0);
    expect((await hitLimit(ctx, key, rule)).allowed).toBe(false);
  });

  it("refunds one hit, never below zero", async () => {
    const key = limitKey(ctx, "t", "address");
    await hitLimit(ctx, key, rule);
    await hitLimit(ctx, key, rule);
    await refundLimit(ctx, key);
    await refundLimit(ctx, key);
    await refundLimit(ctx, key);
    expect((await hitLimit(ctx, key, rule)).count).toBe(1);
  });
});
