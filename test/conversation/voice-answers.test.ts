/**
 * Issue 14, item 5 (voice first), on the turn harness: a resident who speaks Hre or Co answers any step of a report
 * with a voice message. The clip goes with the tip, the step reads "(trả lời bằng tin nhắn thoại)" in the summary and
 * for officers, a choice step takes the choice that claims nothing, and the report moves on without typed text.
 * Other flows' typed steps (a subscriber's commune) take a voice message as "Bỏ qua".
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTurnHarness, type Resident, type TurnHarness } from "../support/turns.ts";
import { CODES, importFixtures } from "../units/fixtures.ts";
import { createPoliceUnit } from "../../src/routing/save-police-unit.ts";
import { expectsEvidence } from "../../src/conversation/expects-evidence.ts";
// @ts-expect-error plain ES module of the console (no types)
import { describeEvent } from "../../public/console/timeline.js";

const SPOKEN = "(trả lời bằng tin nhắn thoại)";
let h: TurnHarness;
beforeAll(async () => {
  h = await createTurnHarness({ realUnits: false });
  await importFixtures(h.ctx.db);
  const actor = { officerId: null };
  await createPoliceUnit(h.ctx, { id: "TRUCBAN", name: "Trực ban Công an tỉnh", kind: "duty_desk", communes: [], categories: [], languages: ["vi"] }, actor);
  await createPoliceUnit(h.ctx, { id: "CAX-BATO", name: "Công an xã Ba Tơ", kind: "commune", communes: [CODES.baTo], categories: [], languages: ["vi"] }, actor);
  await createPoliceUnit(h.ctx, { id: "CAX-BATO2", name: "Công an xã Ba Tô", kind: "commune", communes: [CODES.baTo2], categories: [], languages: ["vi", "hre"] }, actor);
}, 120_000);
afterAll(async () => h?.close());

const stepOf = async (r: Resident) => (await r.session())?.step;
const voiceIds = async (r: Resident) => (await h.ctx.db.attachment.findMany({ where: { contactId: r.contactId, kind: "voice" }, orderBy: { createdAt: "asc" } })).map((a) => a.id);

/** Sends a voice message and checks it was taken as the answer: acknowledged, and the report asks the next step. */
async function speak(r: Resident, next: string) {
  await r.file("voice");
  expect(r.texts()[0]).toBe("Đã nhận tin nhắn thoại.");
  expect(await stepOf(r)).toBe(next);
}

async function filedTip(r: Resident) {
  const tip = await h.ctx.db.tip.findFirstOrThrow({ where: { contactId: r.contactId }, include: { attachments: true, events: true, routings: true }, orderBy: { createdAt: "desc" } });
  return { ...tip, created: JSON.parse(tip.events.find((e) => e.type === "created")!.data), routed: JSON.parse(tip.events.find((e) => e.type === "routed")!.data) };
}

describe("answering a report by voice", () => {
  it("a Hre resident answers every step by voice: the tip is filed with every clip, each step marked as spoken, and routed to the unit with a Hre speaker", async () => {
    const r = await h.resident("telegram", "hre");
    await r.press("menu:report");
    expect(await stepOf(r)).toBe("category");
    await speak(r, "description"); // the kind: "other" until an officer listens
    await speak(r, "evidence"); // the story
    await speak(r, "location"); // a clip at the evidence step is evidence, and the step is done
    await speak(r, "when");
    await speak(r, "identity");
    await speak(r, "confirm"); // identity unknown: anonymous, and that clip (it may say a name) is not kept
    const summary = r.text();
    expect(summary).toContain(`Loại việc: ${SPOKEN}`);
    expect(summary).toContain("Nội dung: (tin nhắn thoại)");
    expect(summary).toContain(`Nơi xảy ra: ${SPOKEN}`);
    expect(summary).toContain(`Thời gian: ${SPOKEN}`);
    expect(summary).toContain("Danh tính: giữ kín");
    expect(summary).toContain("Tệp gửi kèm: 5");
    // At the confirmation a clip is one more thing said: kept, and the report is sent only by the button.
    await speak(r, "confirm");
    expect(r.text()).toContain("Tệp gửi kèm: 6");
    await r.tap("Gửi tin báo");
    expect(r.text()).toContain("Mã tin báo:");

    const tip = await filedTip(r);
    const clips = await voiceIds(r);
    expect(clips).toHaveLength(7);
    // The clip said at "anonymous or named?" is left off the anonymous tip (the orphan sweep removes it).
    const kept = clips.filter((_, i) => i !== 5);
    expect(tip.attachments.map((a) => a.id).sort()).toEqual([...kept].sort());
    expect(await h.ctx.db.attachment.findUniqueOrThrow({ where: { id: clips[5]! } })).toMatchObject({ tipId: null });
    expect(tip).toMatchObject({ language: "hre", category: "other", description: "(tin nhắn thoại)", placeText: SPOKEN, occurredText: SPOKEN, anonymous: true, communeCode: null });
    expect(tip.created.voiceAnswers).toEqual(["category", "description", "evidence", "location", "when", "confirm"].map((step, i) => ({ step, attachmentId: kept[i] })));
    // No place from the words "(trả lời bằng tin nhắn thoại)": the duty desk, with the unit where Hre is spoken added.
    expect(tip.routed).toMatchObject({ voice: true });
    expect(tip.unitId).toBe("TRUCBAN");
    expect(tip.routings.map((x) => [x.unitId, x.rule])).toContainEqual(["CAX-BATO2", "language"]);
  });

  it("a named resident gives name and phone by voice; officers read that they are in the clips", async () => {
    const r = await h.resident("zalo", "cua");
    await r.file("voice"); // at the menu: starts a report, the story is the clip
    expect(await stepOf(r)).toBe("category");
    await r.tap("Trộm, cướp");
    await r.tap("Bỏ qua");
    await r.tap("Bỏ qua");
    await r.tap("Hôm qua");
    await r.tap("Để lại tên");
    await speak(r, "phone");
    await speak(r, "confirm");
    expect(r.text()).toContain(`Người báo: ${SPOKEN}, ${SPOKEN}`);
    await r.tap("Gửi tin báo");
    const tip = await filedTip(r);
    expect(tip).toMatchObject({ language: "cua", category: "theft", anonymous: false, occurredText: "yesterday" });
    expect(h.ctx.vault.decrypt(tip.reporterNameEnc!)).toBe(SPOKEN);
    expect(h.ctx.vault.decrypt(tip.reporterPhoneEnc!)).toBe(SPOKEN);
    expect(tip.created.voiceAnswers.map((a: { step: string }) => a.step)).toEqual(["description", "name", "phone"]);
    // The story is evidence; the name and the phone read aloud are the reporter's identity, opened only by the reveal.
    expect(tip.attachments.map((a) => a.identityStep)).toEqual([null, "name", "phone"]);
    expect(r.text()).not.toContain("Tệp gửi kèm");
  });

  it("a name read aloud then “anonymous” after “back”: nothing about who they are is filed, and name and phone are never asked again", async () => {
    const r = await h.resident("telegram", "hre");
    await r.press("menu:report");
    await r.tap("Trộm, cướp");
    await speak(r, "evidence");
    await r.tap("Bỏ qua");
    await r.tap("Bỏ qua");
    await r.tap("Hôm qua");
    await r.tap("Để lại tên");
    await speak(r, "phone"); // the name, read aloud
    await r.file("photo"); // a photo of a card while asked for the phone: identity, not evidence
    expect(await stepOf(r)).toBe("phone");
    for (let i = 0; i < 4 && (await stepOf(r)) !== "identity"; i++) await r.tap("Quay lại");
    expect(await stepOf(r)).toBe("identity");
    await r.tap("Giữ kín tên");
    expect(await stepOf(r)).toBe("confirm");
    expect(r.text()).toContain("Danh tính: giữ kín");
    expect(r.text()).toContain("Tệp gửi kèm: 1");
    await r.tap("Gửi tin báo");
    const tip = await filedTip(r);
    expect(tip).toMatchObject({ anonymous: true, reporterNameEnc: null, reporterPhoneEnc: null });
    expect(tip.attachments.map((a) => [a.kind, a.identityStep])).toEqual([["voice", null]]);
    expect(tip.created.voiceAnswers.map((a: { step: string }) => a.step)).toEqual(["description"]);
    // The name clip and the photo stay unlinked: nobody can reach them through the tip.
    expect(await h.ctx.db.attachment.count({ where: { contactId: r.contactId, tipId: null } })).toBe(2);
  });

  it("a resident who chose anonymity is never asked for a name or phone, so no voice answer to them can exist", async () => {
    const r = await h.resident("zalo", "hre");
    await r.press("menu:report");
    await r.tap("Ma túy");
    await speak(r, "evidence");
    await r.tap("Bỏ qua");
    await r.tap("Bỏ qua");
    await r.tap("Hôm qua");
    await r.tap("Giữ kín tên");
    expect(await stepOf(r)).toBe("confirm");
    await speak(r, "confirm"); // one more thing said at the confirmation: evidence, as any story
    await r.tap("Gửi tin báo");
    const tip = await filedTip(r);
    expect(tip.anonymous).toBe(true);
    expect(tip.attachments.map((a) => a.identityStep)).toEqual([null, null]);
    expect(tip.created.voiceAnswers.map((a: { step: string }) => a.step)).toEqual(["description", "confirm"]);
  });

  it("a named resident who types the name after reading it aloud: the clip stays with the identity, never the evidence", async () => {
    const r = await h.resident("telegram", "cua");
    await r.press("menu:report");
    await r.tap("Trộm, cướp");
    await r.say("Có người lấy trộm trâu của nhà tôi");
    await r.tap("Bỏ qua");
    await r.tap("Bỏ qua");
    await r.tap("Hôm qua");
    await r.tap("Để lại tên");
    await speak(r, "phone");
    await r.tap("Quay lại");
    expect(await stepOf(r)).toBe("name");
    await r.say("Đinh Văn Thử");
    await r.say("0905 123 456");
    await r.tap("Gửi tin báo");
    const tip = await filedTip(r);
    expect(h.ctx.vault.decrypt(tip.reporterNameEnc!)).toBe("Đinh Văn Thử");
    expect(tip.attachments.map((a) => a.identityStep)).toEqual(["name"]);
    expect(tip.created.voiceAnswers ?? []).toEqual([]);
  });

  it("a commune offered from typed words stays unconfirmed after a voice answer: the words are kept for officers", async () => {
    const r = await h.resident("telegram", "hre");
    await r.press("menu:report");
    await r.tap("Ma túy");
    await speak(r, "evidence");
    await r.tap("Bỏ qua");
    await r.say("xã Ba Tơ");
    expect(await stepOf(r)).toBe("commune");
    await speak(r, "when");
    const d = (await r.session())!.data;
    expect(d).toMatchObject({ placeText: "xã Ba Tơ", placeDone: true });
    expect(d.communeCode).toBeUndefined();
  });

  it("what was read from typed words is not taken as confirmed by a voice message: the missing steps are asked", async () => {
    const r = await h.resident("telegram", "hre");
    await r.say("Hôm qua có người bán ma túy cho học sinh ở gần trường");
    expect(await stepOf(r)).toBe("facts");
    await r.file("voice");
    const s = (await r.session())!;
    expect(s.data.proposal).toBeUndefined();
    expect(s.data.category).toBeUndefined();
    expect(s.step).toBe("category");
  });

  it("answered again by a tap after “back”, the step is no longer marked as spoken", async () => {
    const r = await h.resident("telegram", "hre");
    await r.press("menu:report");
    await r.tap("Trộm, cướp");
    await speak(r, "evidence");
    await r.tap("Bỏ qua");
    await r.tap("Bỏ qua");
    await speak(r, "identity");
    await r.tap("Quay lại");
    expect(await stepOf(r)).toBe("when");
    await r.tap("Hôm qua");
    const d = (await r.session())!.data as { voiceAnswers?: { step: string }[]; when?: string };
    expect(d.when).toBe("yesterday");
    expect(d.voiceAnswers?.map((a) => a.step)).toEqual(["description"]);
  });

  it("every report step takes a file, the confirmation included", () => {
    for (const step of ["category", "description", "facts", "location", "commune", "when", "identity", "name", "phone", "confirm"]) {
      expect(expectsEvidence({ flow: "report", step, data: {} })).toBe("any");
    }
  });
});

describe("voice where a typed answer is asked outside a report", () => {
  it("a subscriber's commune: a voice message skips it (nothing downloaded, nobody listens there)", async () => {
    const r = await h.resident("zalo", "hre");
    await r.press("menu:news");
    await r.tap("Cảnh báo lừa đảo");
    await r.tap("Xong");
    expect(await stepOf(r)).toBe("commune");
    await r.send({ type: "media", media: { kind: "voice", ref: "not-downloaded" } });
    expect(r.text()).toContain("Bạn vẫn nhận tin về các việc đã chọn.");
    expect((await r.session())?.flow).toBe("menu");
  });
});

describe("what officers read", () => {
  it("the timeline says which steps were answered by voice, in Vietnamese", async () => {
    const data = { channel: "telegram", voiceAnswers: [{ step: "category", attachmentId: "a" }, { step: "location", attachmentId: "b" }, { step: "when", attachmentId: "c" }] };
    expect(describeEvent({ type: "created", actor: "resident", data }, () => "Telegram")).toBe(
      "Tiếp nhận tin báo qua Telegram. Trả lời bằng tin nhắn thoại (nghe trong tệp gửi kèm): loại việc, nơi xảy ra, thời gian.",
    );
  });

  it("a name and phone read aloud are not sent to the attachments: the timeline points to the reveal", async () => {
    const data = { channel: "zalo", voiceAnswers: [{ step: "description", attachmentId: "a" }, { step: "name", attachmentId: "b" }, { step: "phone", attachmentId: "c" }] };
    expect(describeEvent({ type: "created", actor: "resident", data }, () => "Zalo")).toBe(
      "Tiếp nhận tin báo qua Zalo. Trả lời bằng tin nhắn thoại (nghe trong tệp gửi kèm): nội dung. Đọc họ tên, số điện thoại bằng tin nhắn thoại (nghe bằng nút «Xem danh tính người báo tin»).",
    );
  });
});
