/**
 * The numbers reconcile (issue 13): a known month of tips, filed through the real filing service and worked through
 * the real console API (re-routed, merged, closed and reopened, at the period's edges in Vietnam time), gives a
 * report whose every cell equals the figure worked out by hand here, AND the number of tips the queue lists for the
 * same filter (GET /api/tips?statusGroup=all&from&to&… counted page by page), province-wide and per unit.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Turn } from "../../src/conversation/types.ts";
import { answerMessages } from "../../src/conversation/faq-answers.ts";
import type { FaqEntry } from "../../src/faq/index.ts";
import { createTranslator } from "../../src/i18n/index.ts";
import { subscribe, unsubscribe } from "../../src/outreach/consent.ts";
import type { ReportSummary } from "../../src/reports/summary-types.ts";
import { createTip, type TipDraft } from "../../src/tips/create-tip.ts";
import { TIP_CATEGORIES } from "../../src/tips/categories.ts";
import { OUTCOME_CODES, TIP_STATUSES } from "../../src/tips/workflow.ts";
import { addOfficer, ensureUnit, postJson, signIn, startApi, type ApiHarness, type SignedIn } from "../console/support.ts";

const VERSION = "test-2026";
const BA_TO = "21484";
const SON_HA = "21289";
const UNIT_A = "CAX-BATO";
const UNIT_B = "CAX-SONHA";
const DUTY_DESK = "TRUCBAN";
const HOUR = 3_600_000;
/** "Now" for every report: 03/12/2026 10:00 in Vietnam. */
const NOW = new Date("2026-12-03T10:00:00+07:00");
const PERIOD = { from: "2026-11-01", to: "2026-11-30" };

let api: ApiHarness;
let duty: SignedIn;
let officerA: SignedIn;
let officerB: SignedIn;
let contactId: string;
const tips: Record<string, { id: string; createdAt: Date }> = {};

const vn = (local: string) => new Date(`${local}+07:00`);

async function file(name: string, at: Date, draft: Partial<TipDraft> & { channel?: string; language?: string }) {
  const { channel = "telegram", language = "vi", ...rest } = draft;
  const turn = {
    app: api.ctx,
    now: at,
    lng: language,
    eventKey: `${channel}:${randomBytes(6).toString("hex")}`,
    contact: { id: contactId, channel, language },
    message: { channel },
    filed: [],
    touched: [],
  };
  const { tip } = await api.ctx.db.$transaction((tx) =>
    createTip({ ...turn, tx } as unknown as Turn, { category: "theft", description: `Tin ${name}`, voice: false, attachmentIds: [], anonymous: true, urgent: false, ...rest }),
  );
  // The database stamps createdAt with the real clock; the deadlines were set from the turn's time. Filed "at" it:
  await api.ctx.db.tip.update({ where: { id: tip.id }, data: { createdAt: at } });
  tips[name] = { id: tip.id, createdAt: at };
  return tip;
}

const inCommune = (code: string) => ({ communeCode: code, communeSource: "typed" as const, adminDataVersion: VERSION });

/** An officer's action through the console API, at a given time. */
async function act(who: SignedIn, name: string, path: string, body: Record<string, unknown>, at: Date) {
  api.ctx.now = () => at;
  const tip = await api.ctx.db.tip.findUniqueOrThrow({ where: { id: tips[name]!.id }, select: { version: true } });
  const res = await postJson(api.base, `/api/tips/${tips[name]!.id}${path}`, { version: tip.version, ...body }, { ...who.cookie, "x-csrf-token": who.csrfToken });
  if (res.status !== 200 && res.status !== 204) throw new Error(`${path} on ${name}: ${res.status} ${await res.text()}`);
  api.ctx.now = () => NOW;
}

const after = (name: string, hours: number) => new Date(tips[name]!.createdAt.getTime() + hours * HOUR);

beforeAll(async () => {
  api = await startApi();
  api.ctx.now = () => NOW;
  const db = api.ctx.db;
  await db.adminDataVersion.create({ data: { id: VERSION, seq: 1, kind: "list", source: "test", sha256: "test", unitCount: 2 } });
  for (const [code, name] of [
    [BA_TO, "Ba Tơ"],
    [SON_HA, "Sơn Hà"],
  ] as const) {
    await db.adminUnit.create({ data: { id: `${VERSION}:${code}`, version: VERSION, code, provinceCode: "51", name, fullName: `Xã ${name}`, folded: name.toLowerCase() } });
  }
  await ensureUnit(api.ctx, DUTY_DESK, { kind: "duty_desk" });
  await ensureUnit(api.ctx, UNIT_A, { communes: [BA_TO], languages: ["vi"] });
  await ensureUnit(api.ctx, UNIT_B, { communes: [SON_HA], languages: ["vi"] });
  await addOfficer(api.ctx, "truc.ban", "duty", { unitId: DUTY_DESK });
  await addOfficer(api.ctx, "can.bo.a", "officer", { unitId: UNIT_A });
  await addOfficer(api.ctx, "can.bo.b", "officer", { unitId: UNIT_B });
  [duty, officerA, officerB] = [await signIn(api.base, "truc.ban"), await signIn(api.base, "can.bo.a"), await signIn(api.base, "can.bo.b")];
  contactId = (await db.contact.create({ data: { channel: "telegram", platformIdHash: api.ctx.vault.hash("r-1"), platformIdEnc: api.ctx.vault.encrypt("r-1") } })).id;

  // ── the tips ──
  await file("beforeEdge", vn("2026-10-31T23:59:59.999"), { ...inCommune(BA_TO), category: "theft" }); // last instant of October: outside
  await file("firstInstant", vn("2026-11-01T00:00:00"), { ...inCommune(BA_TO), category: "theft", channel: "zalo" });
  await file("lastMinute", vn("2026-11-30T23:59:00"), { ...inCommune(SON_HA), category: "drugs", channel: "webchat", language: "hre" });
  await file("afterEdge", vn("2026-12-01T00:00:00"), { ...inCommune(SON_HA), category: "fraud" }); // outside
  await file("rerouted", vn("2026-11-05T10:00:00"), { ...inCommune(BA_TO), category: "fraud", anonymous: false, name: "Nguyễn Văn A", phone: "0905123456" });
  await file("original", vn("2026-11-10T09:00:00"), { ...inCommune(SON_HA), category: "violence", urgent: true, urgentReason: "dao" });
  await file("merged", vn("2026-11-10T11:00:00"), { ...inCommune(SON_HA), category: "violence", channel: "zalo", language: "cua" });
  await file("reopened", vn("2026-11-12T08:00:00"), { ...inCommune(BA_TO), category: "gambling" });
  await file("placeUnknown", vn("2026-11-15T14:00:00"), { category: "other", channel: "webchat", placeText: "gần nhà tôi" });
  await file("lastYear", vn("2025-11-20T09:00:00"), { ...inCommune(SON_HA), category: "theft" });
  await file("oddCategory", vn("2026-09-15T09:00:00"), { ...inCommune(BA_TO), category: "sand_mining" }); // a code outside the list

  // ── the work ──
  await act(officerA, "firstInstant", "/claim", {}, after("firstInstant", 2));
  await act(officerA, "firstInstant", "/status", { status: "handled" }, after("firstInstant", 48));
  await act(officerA, "firstInstant", "/status", { status: "closed", outcome: "no_violation" }, after("firstInstant", 21 * 24)); // settled late (20 days)
  await act(duty, "rerouted", "/route", { unitId: UNIT_B, reason: "Địa bàn thuộc xã Sơn Hà" }, after("rerouted", 1));
  await act(officerB, "rerouted", "/claim", {}, after("rerouted", 30)); // acknowledged late (24 h)
  await act(officerB, "original", "/claim", {}, after("original", 0.5));
  await act(officerB, "merged", "/merge", { duplicateOf: tips.original!.id, reason: "Cùng vụ đánh nhau" }, after("merged", 1));
  await act(officerA, "reopened", "/claim", {}, after("reopened", 2));
  await act(officerA, "reopened", "/status", { status: "handled" }, after("reopened", 24));
  await act(officerA, "reopened", "/status", { status: "closed", outcome: "administrative" }, after("reopened", 72));
  await act(officerA, "reopened", "/status", { status: "verifying", reason: "Người dân báo tiếp tục tái diễn" }, after("reopened", 96));
  await act(duty, "oddCategory", "/status", { status: "rejected", reason: "Không thuộc thẩm quyền" }, after("oddCategory", 2));
  await act(duty, "placeUnknown", "/status", { status: "rejected", reason: "Không đủ thông tin để xác minh" }, after("placeUnknown", 25)); // acknowledged late, settled

  // ── questions: two answered by the bot (one in October), one handed to officers and answered, one still open ──
  const entry = { id: "mat-can-cuoc", questions: ["Mất căn cước?"], answer: { vi: "Đến công an xã." } } as unknown as FaqEntry;
  const i18n = await createTranslator();
  for (const at of [vn("2026-11-03T08:00:00"), vn("2026-11-20T08:00:00"), vn("2026-10-20T08:00:00")]) {
    const turn = { tx: db, app: api.ctx, i18n, now: at, lng: "vi", eventKey: `telegram:${randomBytes(6).toString("hex")}`, contact: { id: contactId, channel: "telegram", language: "vi" } };
    await answerMessages(turn as unknown as Turn, entry, {});
  }
  for (const [status, at] of [
    ["answered", vn("2026-11-04T09:00:00")],
    ["open", vn("2026-11-25T09:00:00")],
  ] as const) {
    await db.question.create({ data: { channel: "zalo", chatIdEnc: "x", language: "vi", text: "Hỏi", textFolded: "hoi", status, createdAt: at, sourceKey: randomBytes(6).toString("hex") } });
  }

  // ── outreach: two residents subscribe in November, one opts out; one campaign sends to both (one failure); one quiz ──
  const other = (await db.contact.create({ data: { channel: "zalo", platformIdHash: api.ctx.vault.hash("r-2"), platformIdEnc: api.ctx.vault.encrypt("r-2") } })).id;
  await subscribe(db, contactId, ["scam"], { source: "menu" }, vn("2026-11-02T08:00:00"));
  await subscribe(db, other, ["scam"], { source: "menu" }, vn("2026-11-02T09:00:00"));
  await unsubscribe(db, other, "unsubscribed", { source: "menu" }, vn("2026-11-28T09:00:00"));
  const author = (await db.officer.findFirstOrThrow()).id;
  const campaign = await db.campaign.create({ data: { title: "Cảnh giác lừa đảo", topic: "scam", variantsJson: "{}", createdById: author, status: "done" } });
  await db.campaignDelivery.create({ data: { campaignId: campaign.id, contactId, channel: "telegram", language: "vi", state: "sent", sentAt: vn("2026-11-06T08:00:00") } });
  await db.campaignDelivery.create({ data: { campaignId: campaign.id, contactId: other, channel: "zalo", language: "vi", state: "sent", sentAt: vn("2026-11-06T08:00:01") } });
  await db.campaignDelivery.create({ data: { campaignId: campaign.id, run: 1, contactId: other, channel: "zalo", language: "vi", state: "failed", updatedAt: vn("2026-11-13T08:00:00") } });
  await db.quizAttempt.create({ data: { contactId, round: "2026", questionIdsJson: "[]", startedAt: vn("2026-11-18T08:00:00"), finishedAt: vn("2026-11-18T08:05:00"), score: 3 } });
});
afterAll(async () => {
  await api?.close();
});

async function summary(who: SignedIn, query: string): Promise<ReportSummary> {
  const res = await fetch(`${api.base}/api/reports/summary?${query}`, { headers: who.cookie });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as ReportSummary;
}

/** How many tips the queue lists for a filter, counted over every page. */
async function queueCount(who: SignedIn, filter: Record<string, string>): Promise<number> {
  let count = 0;
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ statusGroup: "all", from: PERIOD.from, to: PERIOD.to, limit: "2", ...filter, ...(cursor ? { cursor } : {}) });
    const res = await fetch(`${api.base}/api/tips?${params}`, { headers: who.cookie });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: unknown[]; nextCursor: string | null };
    count += page.items.length;
    cursor = page.nextCursor;
  } while (cursor);
  return count;
}

const zeros = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, 0]));
const counts = (keys: readonly string[], given: Record<string, number>) => ({ ...zeros(keys), ...given });

/** Every count of the report equals the queue's for the same filter. */
async function expectQueueAgrees(who: SignedIn, report: ReportSummary, unit: Record<string, string>) {
  const t = report.tips;
  expect(await queueCount(who, unit)).toBe(t.total);
  for (const [k, n] of Object.entries(t.byCategory)) expect(await queueCount(who, { ...unit, category: k }), `category ${k}`).toBe(n);
  for (const [k, n] of Object.entries(t.byChannel)) expect(await queueCount(who, { ...unit, channel: k }), `channel ${k}`).toBe(n);
  for (const [k, n] of Object.entries(t.byStatus)) expect(await queueCount(who, { ...unit, status: k }), `status ${k}`).toBe(n);
  for (const [k, n] of Object.entries(t.byLanguage)) expect(await queueCount(who, { ...unit, language: k }), `language ${k}`).toBe(n);
  for (const [k, n] of Object.entries(t.byCommune)) expect(await queueCount(who, { ...unit, communeCode: k }), `commune ${k}`).toBe(n);
  expect(await queueCount(who, { ...unit, urgent: "true" })).toBe(t.urgent);
  // Overdue now: open tips of any date whose deadline has passed, as the queue's overdue filter.
  expect(await queueCount(who, { ...unit, overdue: "true", from: "2000-01-01", to: "2100-12-31" })).toBe(t.overdueNow);
}

const day = (d: string, byCategory: Record<string, number> = {}) => ({ start: d, total: Object.values(byCategory).reduce((a, b) => a + b, 0), byCategory: counts(TIP_CATEGORIES, byCategory) });
function novemberDays(tipsOn: Record<string, Record<string, number>>) {
  return Array.from({ length: 30 }, (_, i) => {
    const d = `2026-11-${String(i + 1).padStart(2, "0")}`;
    return day(d, tipsOn[d] ?? {});
  });
}

describe("the November report reconciles with the queue", () => {
  it("counts every cell province-wide as worked out by hand", async () => {
    const r = await summary(duty, `from=${PERIOD.from}&to=${PERIOD.to}`);
    expect(r.period).toEqual(PERIOD);
    expect([r.unitId, r.scopeName]).toEqual([null, "Toàn tỉnh"]);
    // In the period: firstInstant, lastMinute, rerouted, original, merged, reopened, placeUnknown (7); not beforeEdge, afterEdge, lastYear.
    expect(r.tips).toEqual({
      total: 7,
      byCategory: counts(TIP_CATEGORIES, { theft: 1, drugs: 1, fraud: 1, violence: 2, gambling: 1, other: 1 }),
      byChannel: { telegram: 3, zalo: 2, webchat: 2 },
      byStatus: counts(TIP_STATUSES, { new: 1, received: 2, verifying: 1, closed: 1, rejected: 1, duplicate: 1 }),
      byCommune: { [BA_TO]: 3, [SON_HA]: 3 },
      byLanguage: { vi: 5, hre: 1, cua: 1 },
      byOutcome: counts(OUTCOME_CODES, { no_violation: 1 }),
      urgent: 1,
      withoutCommune: 1,
      // Acknowledged: firstInstant, rerouted, original, reopened, placeUnknown (rejected from new). Settled: closed, rejected, merged.
      funnel: { received: 7, acknowledged: 5, settled: 3 },
      // 0.5 h, 2 h, 2 h, 25 h (late), 30 h (late): median the 3rd, 90th percentile the 5th. lastMinute still new and past its 24 h.
      acknowledge: { count: 5, medianHours: 2, p90Hours: 30, late: 2, overdueNow: 1 },
      // merged 1 h, placeUnknown 25 h, firstInstant 504 h (late: 20 days = 480 h); reopened is open again.
      // Open and past the 20 days now: rerouted (05/11), original (10/11), reopened (12/11).
      settle: { count: 3, medianHours: 25, p90Hours: 504, late: 1, overdueNow: 3 },
      // Any date: lastYear, beforeEdge, lastMinute, afterEdge (new, past 24 h) + rerouted, original, reopened (past 20 days).
      overdueNow: 7,
      series: {
        unit: "day",
        points: novemberDays({
          "2026-11-01": { theft: 1 },
          "2026-11-05": { fraud: 1 },
          "2026-11-10": { violence: 2 },
          "2026-11-12": { gambling: 1 },
          "2026-11-15": { other: 1 },
          "2026-11-30": { drugs: 1 },
        }),
      },
    });
    expect(r.questions).toEqual({ answeredByBot: 2, answeredByOfficer: 1, open: 1, closed: 0 });
    expect(r.outreach).toEqual({ campaigns: 1, sent: 2, reached: 2, failed: 1, skipped: 0, subscribers: 1, subscribed: 2, optedOut: 1, quiz: { attempts: 1, participants: 1, completed: 1 } });
    expect(r.labels.commune).toEqual({ [BA_TO]: "Xã Ba Tơ", [SON_HA]: "Xã Sơn Hà" });
    expect(r.labels.category.drugs).toBe("Ma túy");
    expect(r.labels.status.duplicate).toBe("Trùng tin khác");
    expect(r.labels.language.hre).toBe("Tiếng Hrê");
    await expectQueueAgrees(duty, r, {});
  });

  it("compares with the 30 days before and with November 2025", async () => {
    const r = await summary(duty, `from=${PERIOD.from}&to=${PERIOD.to}`);
    // 02/10–31/10: beforeEdge (theft, Ba Tơ) and one bot answer; nothing sent.
    expect(r.previousPeriod.period).toEqual({ from: "2026-10-02", to: "2026-10-31" });
    expect(r.previousPeriod.tips.total).toEqual({ current: 7, previous: 1, difference: 6, percent: 600 });
    expect(r.previousPeriod.tips.byCategory.theft).toEqual({ current: 1, previous: 1, difference: 0, percent: 0 });
    expect(r.previousPeriod.tips.byCategory.violence).toEqual({ current: 2, previous: 0, difference: 2, percent: null });
    expect(r.previousPeriod.tips.byCommune).toEqual({
      [BA_TO]: { current: 3, previous: 1, difference: 2, percent: 200 },
      [SON_HA]: { current: 3, previous: 0, difference: 3, percent: null },
    });
    expect(r.previousPeriod.questions.answeredByBot).toEqual({ current: 2, previous: 1, difference: 1, percent: 100 });
    expect(r.previousPeriod.outreach.sent).toEqual({ current: 2, previous: 0, difference: 2, percent: null });
    // 01/11/2025–30/11/2025: lastYear (theft, Sơn Hà).
    expect(r.yearEarlier.period).toEqual({ from: "2025-11-01", to: "2025-11-30" });
    expect(r.yearEarlier.tips.total).toEqual({ current: 7, previous: 1, difference: 6, percent: 600 });
    expect(r.yearEarlier.tips.byCommune[SON_HA]).toEqual({ current: 3, previous: 1, difference: 2, percent: 200 });
  });

  it("gives each unit the tips routed to it now: the re-routed tip counts for Sơn Hà, not Ba Tơ", async () => {
    const a = await summary(duty, `from=${PERIOD.from}&to=${PERIOD.to}&unitId=${UNIT_A}`);
    expect([a.unitId, a.scopeName]).toEqual([UNIT_A, `Đơn vị ${UNIT_A}`]);
    expect(a.tips.total).toBe(2); // firstInstant, reopened
    expect(a.tips.byCategory).toEqual(counts(TIP_CATEGORIES, { theft: 1, gambling: 1 }));
    expect(a.tips.byStatus).toEqual(counts(TIP_STATUSES, { closed: 1, verifying: 1 }));
    expect(a.tips.settle).toEqual({ count: 1, medianHours: 504, p90Hours: 504, late: 1, overdueNow: 1 });
    // Any date: beforeEdge (new, overdue) and reopened.
    expect(a.tips.overdueNow).toBe(2);
    await expectQueueAgrees(duty, a, { unitId: UNIT_A });

    const b = await summary(duty, `from=${PERIOD.from}&to=${PERIOD.to}&unitId=${UNIT_B}`);
    expect(b.tips.total).toBe(4); // lastMinute, rerouted, original, merged
    expect(b.tips.byCommune).toEqual({ [BA_TO]: 1, [SON_HA]: 3 });
    expect(b.tips.byStatus).toEqual(counts(TIP_STATUSES, { new: 1, received: 2, duplicate: 1 }));
    expect(b.tips.acknowledge).toEqual({ count: 2, medianHours: 0.5, p90Hours: 30, late: 1, overdueNow: 1 });
    expect(b.previousPeriod.tips.total.previous).toBe(0);
    expect(b.yearEarlier.tips.total.previous).toBe(1);
    await expectQueueAgrees(duty, b, { unitId: UNIT_B });
  });

  it("gives a unit officer their own unit's report, the same as the duty desk's for that unit", async () => {
    const own = await summary(officerB, `from=${PERIOD.from}&to=${PERIOD.to}`);
    const asked = await summary(officerB, `from=${PERIOD.from}&to=${PERIOD.to}&unitId=${UNIT_B}`);
    const byDuty = await summary(duty, `from=${PERIOD.from}&to=${PERIOD.to}&unitId=${UNIT_B}`);
    for (const r of [own, asked]) {
      expect(r.unitId).toBe(UNIT_B);
      expect({ ...r, generatedAt: "" }).toEqual({ ...byDuty, generatedAt: "" });
    }
    await expectQueueAgrees(officerB, own, {});
  });

  it("reads a quarter, which SQLite counts a month at a time, as the sum of its months and as the queue does", async () => {
    // SQLite reads 31 days per statement: 01/10–31/10, 01/11–01/12, 02/12–31/12. beforeEdge and firstInstant lie on
    // either side of the first seam, afterEdge in the second part.
    const quarter = { from: "2026-10-01", to: "2026-12-31" };
    const q = await summary(duty, `from=${quarter.from}&to=${quarter.to}`);
    const months = await Promise.all(
      [["2026-10-01", "2026-10-31"], ["2026-11-01", "2026-11-30"], ["2026-12-01", "2026-12-31"]].map(([from, to]) => summary(duty, `from=${from}&to=${to}`)),
    );
    const sum = (pick: (r: ReportSummary) => Record<string, number>) => {
      const out: Record<string, number> = {};
      for (const m of months) for (const [k, n] of Object.entries(pick(m))) out[k] = (out[k] ?? 0) + n;
      return out;
    };
    expect(q.tips.total).toBe(9); // beforeEdge, the seven of November, afterEdge
    expect(q.tips.total).toBe(months.reduce((n, m) => n + m.tips.total, 0));
    expect(q.tips.byCategory).toEqual(sum((m) => m.tips.byCategory));
    expect(q.tips.byCommune).toEqual(sum((m) => m.tips.byCommune));
    expect(q.tips.byStatus).toEqual(sum((m) => m.tips.byStatus));
    expect(q.tips.funnel).toEqual(sum((m) => m.tips.funnel));
    expect(q.tips.acknowledge.count).toBe(months.reduce((n, m) => n + m.tips.acknowledge.count, 0));
    expect(q.tips.settle.late).toBe(months.reduce((n, m) => n + m.tips.settle.late, 0));
    await expectQueueAgrees(duty, q, quarter);
  });

  it("counts a category outside the known list too (September: one tip of a code from elsewhere)", async () => {
    const r = await summary(duty, "from=2026-09-01&to=2026-09-30");
    expect(r.tips.total).toBe(1);
    expect(r.tips.byCategory).toEqual(counts(TIP_CATEGORIES, { sand_mining: 1 }));
    expect(r.tips.byStatus).toEqual(counts(TIP_STATUSES, { rejected: 1 }));
    expect(r.tips.acknowledge).toEqual({ count: 1, medianHours: 2, p90Hours: 2, late: 0, overdueNow: 0 });
    expect(await queueCount(duty, { from: "2026-09-01", to: "2026-09-30", category: "sand_mining" })).toBe(1);
  });

  it("refuses a unit officer another unit's report, in Vietnamese", async () => {
    const res = await fetch(`${api.base}/api/reports/summary?from=${PERIOD.from}&to=${PERIOD.to}&unitId=${UNIT_B}`, { headers: officerA.cookie });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      "Bạn chỉ xem được báo cáo của đơn vị mình. Bỏ chọn đơn vị khác để xem báo cáo của đơn vị bạn.",
    );
  });

  it("says what is wrong with the dates", async () => {
    const cases: [string, string][] = [
      ["from=2026-02-30&to=2026-03-01", "Ngày bắt đầu (from) không đúng: viết dạng YYYY-MM-DD (năm-tháng-ngày), ví dụ 2026-01-01, và là một ngày có thật."],
      ["from=01/11/2026&to=2026-11-30", "Ngày bắt đầu (from) không đúng: viết dạng YYYY-MM-DD (năm-tháng-ngày), ví dụ 2026-01-01, và là một ngày có thật."],
      ["from=2026-11-30&to=2026-11-01", "Ngày bắt đầu (from) phải trước hoặc bằng ngày kết thúc (to)."],
      ["from=2025-01-01&to=2026-01-02", "Một báo cáo dài tối đa 366 ngày. Hãy chia thành từng năm (hoặc 6 tháng) rồi lập nhiều báo cáo."],
      ["from=2026-11-01", "Thiếu ngày kết thúc (to) (dạng YYYY-MM-DD, ví dụ 2026-01-01)."],
    ];
    for (const [query, message] of cases) {
      const res = await fetch(`${api.base}/api/reports/summary?${query}`, { headers: duty.cookie });
      expect(res.status, query).toBe(400);
      expect(JSON.stringify(await res.json()), query).toContain(message);
    }
    // A whole leap year is one report.
    expect((await fetch(`${api.base}/api/reports/summary?from=2024-01-01&to=2024-12-31`, { headers: duty.cookie })).status).toBe(200);
  });
});
