/**
 * The bot's one-second window (src/channels/send-window.ts): whatever the delays between a call leaving, reaching
 * the platform and its answer coming back, the platform never counts more than the limit in any second, and the
 * window does not hold the lane back by more than the round trip.
 */
import { describe, expect, it } from "vitest";
import { SendWindow, sendWindowOf } from "../../src/channels/send-window.ts";
import { createTelegramChannel } from "../../src/channels/telegram/index.ts";
import { createLogger } from "../../src/log.ts";

/** A deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The most arrivals any second holds, counted as a strict platform does (the last 1,000 ms before each arrival). */
function busiestSecond(arrivals: number[]): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= 1_000) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

/**
 * A lane sending groups of `group` one after another, each as soon as the window allows, against a platform whose
 * arrival and answer delays vary (a stalled event loop on either side bunches them); time is simulated in ms.
 */
function simulate(opts: { limit: number; group: number; calls: number; seed: number; maxDelay: number }) {
  const next = random(opts.seed);
  const window = new SendWindow();
  const arrivals: number[] = [];
  let now = 0;
  while (arrivals.length < opts.calls) {
    const opens = window.opensAt(opts.group, opts.limit, now);
    if (opens > now) now = opens;
    window.begin(opts.group);
    let answeredAt = now;
    for (let k = 0; k < opts.group; k++) {
      // Some requests reach the platform at once, some after a stall; the answer comes back after that.
      const arrival = now + (next() < 0.1 ? next() * opts.maxDelay : next() * 2);
      arrivals.push(arrival);
      answeredAt = Math.max(answeredAt, arrival + (next() < 0.1 ? next() * opts.maxDelay : next() * 2));
    }
    now = Math.ceil(answeredAt);
    window.end(opts.group, now);
  }
  return { busiest: busiestSecond(arrivals), ratePerSecond: (arrivals.length / now) * 1_000 };
}

describe("a bot's one-second window", () => {
  it("lets the limit go at once, then waits until the oldest answer is a second old", () => {
    const window = new SendWindow();
    expect(window.opensAt(30, 30, 10_000)).toBe(10_000);
    window.begin(30);
    window.end(10, 10_005);
    window.end(20, 10_020);
    expect(window.opensAt(1, 30, 10_500)).toBe(11_005);
    expect(window.opensAt(11, 30, 10_500)).toBe(11_020);
    expect(window.opensAt(1, 30, 11_005)).toBe(11_005);
  });

  it("counts calls still in flight, and a delivery bigger than the limit waits for an empty second", () => {
    const window = new SendWindow();
    window.begin(29);
    expect(window.opensAt(1, 30, 0)).toBe(0);
    expect(window.opensAt(2, 30, 0)).toBeGreaterThan(0);
    window.end(29, 40);
    expect(window.opensAt(45, 30, 50)).toBe(1_040);
  });

  it("keeps its order when the clock steps back", () => {
    const window = new SendWindow();
    window.begin(2);
    window.end(1, 5_000);
    window.end(1, 4_000);
    expect(window.opensAt(1, 2, 5_500)).toBe(6_000);
  });

  it("keeps only about a second of answers when nothing asks it (a bot that only replies)", () => {
    const window = new SendWindow();
    for (let k = 0; k < 100_000; k++) {
      window.begin(1);
      window.end(1, 1_000_000 + k * 10);
    }
    expect(window.kept).toBeLessThan(4_096 + 200);
  });

  for (const [limit, group] of [
    [30, 1],
    [30, 3],
    [1_000, 20],
  ] as const) {
    it(`never lets a strict platform count more than ${limit} in a second, whatever the delays (groups of ${group})`, () => {
      for (let seed = 1; seed <= 20; seed++) {
        const { busiest } = simulate({ limit, group, calls: limit * 20, seed, maxDelay: 120 });
        expect(busiest, `seed ${seed}`).toBeLessThanOrEqual(limit);
      }
    });
  }

  it("is one per bot in a process: two Telegram channels of the same bot share it, another bot has its own", () => {
    const log = createLogger("silent");
    const bot = (token: string, apiRoot = "http://127.0.0.1:9/") =>
      createTelegramChannel({ token, apiRoot, mode: "webhook", webhookSecret: "s", publicUrl: "https://example.test" } as Parameters<typeof createTelegramChannel>[0], { log });
    const a = bot("111:same");
    const b = bot("111:same");
    // Two services of one bot in one process (two in one test): what one sends, the other must count.
    sendWindowOf(a).begin(30);
    expect(sendWindowOf(b).opensAt(1, 30, 1_000)).toBeGreaterThan(1_000);
    expect(sendWindowOf(bot("222:other")).opensAt(1, 30, 1_000)).toBe(1_000);
    expect(sendWindowOf(bot("111:same", "http://127.0.0.1:10/")).opensAt(1, 30, 1_000)).toBe(1_000);
    expect((a as { rateKey?: string }).rateKey).not.toContain("111:same");
    sendWindowOf(a).end(30);
  });

  it("goes at the limit less the round trip when answers come back at once", () => {
    const { busiest, ratePerSecond } = simulate({ limit: 30, group: 1, calls: 3_000, seed: 7, maxDelay: 2 });
    expect(busiest).toBeLessThanOrEqual(30);
    expect(ratePerSecond).toBeGreaterThan(29.8);
  });
});
