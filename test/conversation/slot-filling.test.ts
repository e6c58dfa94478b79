/**
 * Slot filling measured on stories written blind (test/conversation/stories-blind.json, 165
 * stories, most without diacritics). Floors are what the reader reached on the held-out part when
 * this was written, rounded down; the dev part may be tuned on, the held-out part never.
 * `SHOW_MISSES=1 npx vitest run test/conversation/slot-filling.test.ts` prints what was missed on the dev part.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTurnHarness, HARNESS_NOW, realUnitsPresent, type TurnHarness } from "../support/turns.ts";
import { scoreStories, splitOf, STORIES, type SlotScores } from "./slot-eval.ts";

let h: TurnHarness;
let dev: SlotScores;
let heldOut: SlotScores;
beforeAll(async () => {
  h = await createTurnHarness();
  dev = await scoreStories(h.ctx.db, STORIES.filter((s) => splitOf(s.text) === "dev"), HARNESS_NOW);
  heldOut = await scoreStories(h.ctx.db, STORIES.filter((s) => splitOf(s.text) === "held-out"), HARNESS_NOW);
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  for (const [name, s] of [["dev", dev], ["held-out", heldOut]] as const) {
    console.info(
      `${name} (${s.n}): category ${pct(s.categoryRight)} right, ${pct(s.categoryWrong)} wrong; commune ${pct(s.communeFound)} found, ${pct(s.communeWrong)} wrong; ` +
        `time ${pct(s.timeFound)} found, ${pct(s.timeWrong)} invented; emergency recall ${pct(s.emergencyRecall)}, silent ${pct(s.emergencySilent)}`,
    );
  }
  if (process.env.SHOW_MISSES) console.info(dev.misses.join("\n"));
}, 120_000);
afterAll(async () => h?.close());

describe.runIf(realUnitsPresent)("what a story in one message is read for (blind set)", () => {
  it("has at least 100 stories without diacritics, and both parts", () => {
    const plain = STORIES.filter((s) => s.text.normalize("NFD").replace(/[\u0300-\u036f]/g, "") === s.text && !/đ/i.test(s.text));
    expect(plain.length).toBeGreaterThanOrEqual(100);
    expect(dev.n).toBeGreaterThan(40);
    expect(heldOut.n).toBeGreaterThan(80);
  });

  it("proposes the right kind of crime for most stories, and a wrong one rarely", () => {
    expect(heldOut.categoryRight).toBeGreaterThanOrEqual(FLOORS.categoryRight);
    expect(heldOut.categoryWrong).toBeLessThanOrEqual(FLOORS.categoryWrong);
  });

  it("finds the commune a story names, and never invents one", () => {
    expect(heldOut.communeFound).toBeGreaterThanOrEqual(FLOORS.communeFound);
    expect(heldOut.communeWrong).toBeLessThanOrEqual(FLOORS.communeWrong);
  });

  it("reads when it happened, and does not invent a time", () => {
    expect(heldOut.timeFound).toBeGreaterThanOrEqual(FLOORS.timeFound);
    expect(heldOut.timeWrong).toBeLessThanOrEqual(FLOORS.timeWrong);
  });
});

/**
 * Held-out, first measured 2026-12-02 before any tuning: category 74.4% right / 9.0% wrong, commune
 * 100% / 0%, time 97.9% found / 15.0% read from a story that states none (mostly "đang", which does
 * say "now", and habits). After tuning the word lists on the dev part only (dev 64.8% → 92.6%):
 * category 77.9% right / 8.0% wrong; the rest unchanged. A wrong proposal costs the resident one tap
 * ("Chưa đúng"); a missed one shows the category list, as before.
 */
const FLOORS = {
  categoryRight: 0.77,
  categoryWrong: 0.09,
  communeFound: 0.97,
  communeWrong: 0,
  timeFound: 0.95,
  timeWrong: 0.16,
};
