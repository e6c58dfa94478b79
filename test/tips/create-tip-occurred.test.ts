/**
 * When a tip happened is stored as the resident's words plus the range they confirmed, never as a
 * clock time the resident did not give ("Hôm qua" used to be stored as 24 hours before filing).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { createTestContext, type TestContext } from "../support/context.ts";
import { createTip, type TipDraft } from "../../src/tips/create-tip.ts";
import type { Turn } from "../../src/conversation/types.ts";
import { parseTimeRange } from "../../src/text/parse-time.ts";

let ctx: TestContext;
let contactId: string;
beforeAll(async () => {
  ctx = await createTestContext();
  contactId = (await ctx.db.contact.create({ data: { channel: "webchat", platformIdHash: ctx.vault.hash("visitor-1"), platformIdEnc: ctx.vault.encrypt("visitor-1") } })).id;
});
afterAll(async () => ctx?.close());

/** Wednesday 02/12/2026, 00:30 in Vietnam: still Tuesday in UTC, so "yesterday" in UTC would be wrong. */
const NOW = new Date("2026-12-02T00:30:00+07:00");

async function file(draft: Partial<TipDraft>, now = NOW) {
  const turn = {
    app: ctx,
    now,
    lng: "vi",
    eventKey: `webchat:${randomBytes(6).toString("hex")}`,
    contact: { id: contactId, channel: "webchat", language: "vi" },
    message: { channel: "webchat" },
    filed: [],
    touched: [],
  };
  const { tip } = await ctx.db.$transaction((tx) =>
    createTip({ ...turn, tx } as unknown as Turn, { category: "theft", description: "Mất xe máy", voice: false, attachmentIds: [], anonymous: true, urgent: false, ...draft }),
  );
  return ctx.db.tip.findUniqueOrThrow({ where: { id: tip.id } });
}

describe("when a tip happened, as stored", () => {
  it("keeps the resident's words and the range they confirmed", async () => {
    const words = "tối qua khoảng 8 giờ";
    const range = parseTimeRange(words, NOW)!;
    const tip = await file({ when: "text", occurredText: words, occurredFrom: range.from, occurredTo: range.to });
    expect(tip.occurredText).toBe(words);
    expect(tip.occurredFrom?.toISOString()).toBe(new Date("2026-12-01T19:30:00+07:00").toISOString());
    expect(tip.occurredTo?.toISOString()).toBe(new Date("2026-12-01T20:30:00+07:00").toISOString());
    expect(tip.occurredAt).toBeNull();
  });

  it("stores the 'Hôm qua' button as the whole of yesterday in Vietnam, not a clock time", async () => {
    const tip = await file({ when: "yesterday" });
    expect(tip.occurredText).toBe("yesterday");
    expect(tip.occurredFrom?.toISOString()).toBe(new Date("2026-12-01T00:00:00+07:00").toISOString());
    expect(tip.occurredTo?.toISOString()).toBe(new Date("2026-12-02T00:00:00+07:00").toISOString());
    expect(tip.occurredAt).toBeNull();
  });

  it("stores 'Hôm nay' as midnight until filing and 'Đang xảy ra' as the last half hour", async () => {
    const today = await file({ when: "today" });
    expect([today.occurredFrom?.toISOString(), today.occurredTo?.toISOString()]).toEqual([new Date("2026-12-02T00:00:00+07:00").toISOString(), NOW.toISOString()]);
    const happening = await file({ when: "now" });
    expect([happening.occurredFrom?.toISOString(), happening.occurredTo?.toISOString()]).toEqual([new Date("2026-12-02T00:00:00+07:00").toISOString(), NOW.toISOString()]);
    expect(happening.occurredAt).toBeNull();
  });

  it("stores no range for 'Trước đó', nor for typed words the resident was not shown a range for", async () => {
    const earlier = await file({ when: "earlier" });
    expect([earlier.occurredText, earlier.occurredFrom, earlier.occurredTo, earlier.occurredAt]).toEqual(["earlier", null, null, null]);
    const typed = await file({ when: "text", occurredText: "hôm trước nữa" });
    expect([typed.occurredText, typed.occurredFrom, typed.occurredTo]).toEqual(["hôm trước nữa", null, null]);
  });
});
