/**
 * The morning digest of overdue tips in each duty chat: once per chat per day across processes,
 * from the configured hour (Vietnam time), listing the chat's own overdue tips.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegramBotApi, specAvailable } from "../fakes/telegram-bot-api.ts";
import { startTestService, type TestService } from "../support/service.ts";
import { CODES } from "../units/fixtures.ts";
import { createDutyWorker } from "../../src/duty/duty-worker.ts";
import { addUnits, anotherProcessDb, outboxIdle, PUBLIC_URL, sentTexts, storeTips, telegramEnv, waitFor } from "./support.ts";

const hasSpec = specAvailable();
if (!hasSpec && process.env.CI) throw new Error("Telegram Bot API spec missing: expected ../shared/data/telegram-bot-api-10.1.json");

const GLOBAL = "-1009000000002";
const BATO = "-1002000000001";
const QUIET = "@tinbao_quiet_test";
const HOUR = 1000 * 3600;
const DAY = 24 * HOUR;
/** 9:00 in Vietnam on 15 March 2031 (UTC+7): the configured hour. */
const AT_NINE = new Date("2031-03-15T02:00:00Z");
const labels = { t: (_lng: string, key: string) => ({ "report.categories.theft": "Trộm, cướp", "report.categories.drugs": "Ma túy" })[key] ?? key };

describe.runIf(hasSpec)("the daily digest of overdue tips", () => {
  const fake = new FakeTelegramBotApi({ token: "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" });
  let svc: TestService;
  let tips: Awaited<ReturnType<typeof storeTips>>;

  beforeAll(async () => {
    await fake.start();
    svc = await startTestService(telegramEnv(fake, { TELEGRAM_DUTY_CHAT_ID: GLOBAL, DUTY_DIGEST_HOUR: "9" }));
    await addUnits(svc, [
      { id: "TRUCBAN", kind: "duty_desk" },
      { id: "CAX-BATO", communes: [CODES.baTo], dutyChatId: BATO },
      { id: "CAX-BATO2", communes: [CODES.baTo2] },
      { id: "CAX-QUIET", dutyChatId: QUIET },
    ]);
    const past = (ms: number) => new Date(AT_NINE.getTime() - ms);
    tips = await storeTips(svc.ctx, [
      // 0: not acknowledged, 3 days late
      { description: "Có điểm bán ma túy ở quán nước.", category: "drugs", communeCode: CODES.baTo, units: ["CAX-BATO"], ackDueAt: past(3 * DAY + 5 * HOUR) },
      // 1: received, settlement 1 day late
      { description: "Trộm xe máy ở chợ.", status: "verifying", communeCode: CODES.baTo, units: ["CAX-BATO"], ackDueAt: past(20 * DAY), settleDueAt: past(DAY + HOUR) },
      // 2: not yet due
      { description: "Trộm gà.", communeCode: CODES.baTo, units: ["CAX-BATO"], ackDueAt: new Date(AT_NINE.getTime() + HOUR), settleDueAt: new Date(AT_NINE.getTime() + 20 * DAY) },
      // 3: closed long ago, deadlines passed: not overdue
      { description: "Vụ đã kết thúc.", status: "closed", communeCode: CODES.baTo, units: ["CAX-BATO"], ackDueAt: past(30 * DAY), settleDueAt: past(10 * DAY) },
      // 4: rejected: not overdue
      { description: "Tin không thụ lý.", status: "rejected", units: ["CAX-BATO"], ackDueAt: past(30 * DAY), settleDueAt: past(10 * DAY) },
      // 5: a unit without its own chat (global), 2 hours late
      { description: "Trộm điện thoại ở trường.", communeCode: CODES.baTo2, units: ["CAX-BATO2"], ackDueAt: past(2 * HOUR) },
      // 6: routed nowhere (global), 40 minutes late
      { description: "Tin chưa giao cho đơn vị nào.", placeText: "bến xe cũ", ackDueAt: past(40 * 60_000) },
    ]);
    await outboxIdle(svc);
  });
  afterAll(async () => {
    await svc?.close();
    await fake.close();
  });
  afterEach(() => fake.assertAllValid());

  const digestsTo = (chatId: string, day: string) => sentTexts(fake, chatId).filter((m) => m.text.startsWith(`📋 Tin quá hạn sáng ${day}`));

  it("sends nothing before the hour, then one digest per duty chat however often two processes tick", async () => {
    const early = createDutyWorker(svc.ctx, labels, { now: () => new Date(AT_NINE.getTime() - 60_000) });
    await early.tick();
    expect(await svc.ctx.db.jobRun.count({ where: { id: { startsWith: "overdue-digest:2031-03-15:" } } })).toBe(0);

    const other = await anotherProcessDb(svc);
    try {
      const a = createDutyWorker(svc.ctx, labels, { now: () => AT_NINE });
      const b = createDutyWorker({ ...svc.ctx, db: other.db }, labels, { now: () => new Date(AT_NINE.getTime() + 1_000) });
      await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
      await Promise.all([a.tick(), b.tick()]);
    } finally {
      await other.close();
    }
    await waitFor("the three digests", () => [BATO, GLOBAL, QUIET].every((chat) => digestsTo(chat, "15/03/2031").length > 0));
    await outboxIdle(svc);
    for (const chat of [BATO, GLOBAL, QUIET]) expect(digestsTo(chat, "15/03/2031")).toHaveLength(1);
    const runs = await svc.ctx.db.jobRun.findMany({ where: { id: { startsWith: "overdue-digest:2031-03-15:" } }, orderBy: { id: "asc" } });
    expect(runs.map((r) => r.id).sort()).toEqual([BATO, GLOBAL, QUIET].map((c) => `overdue-digest:2031-03-15:${c}`).sort());
    expect(runs.every((r) => r.finishedAt !== null)).toBe(true);
  });

  it("lists a chat's overdue tips, longest late first, and none that are closed, rejected or not yet due", () => {
    const [bato] = digestsTo(BATO, "15/03/2031");
    expect(bato!.text.split("\n")).toEqual([
      "📋 Tin quá hạn sáng 15/03/2031: 2 tin",
      "Quá hạn tiếp nhận: 1 · Quá hạn giải quyết: 1",
      "Quá hạn lâu nhất:",
      `1. ${tips[0]!.reference} · Ma túy · Xã Ba Tơ`,
      "   trễ 3 ngày, chưa tiếp nhận",
      `   ${PUBLIC_URL}/console/tips/${tips[0]!.id}`,
      `2. ${tips[1]!.reference} · Trộm, cướp · Xã Ba Tơ`,
      "   trễ 1 ngày, chưa giải quyết xong",
      `   ${PUBLIC_URL}/console/tips/${tips[1]!.id}`,
    ]);
    expect(bato!.call.params).toMatchObject({ protect_content: true });

    // The global chat: the unit without a chat of its own, and the tip routed nowhere.
    const [global] = digestsTo(GLOBAL, "15/03/2031");
    expect(global!.text).toContain("Quá hạn tiếp nhận: 2 · Quá hạn giải quyết: 0");
    expect(global!.text).toContain(`1. ${tips[5]!.reference} · Trộm, cướp · Xã Ba Tô\n   trễ 2 giờ, chưa tiếp nhận`);
    expect(global!.text).toContain(`2. ${tips[6]!.reference} · Trộm, cướp · bến xe cũ (người báo ghi, chưa xác định xã)\n   trễ 40 phút, chưa tiếp nhận`);
    for (const tip of tips.slice(0, 5)) expect(global!.text).not.toContain(tip.reference);
  });

  it("tells a chat with nothing overdue so in one line, so officers know the digest ran", () => {
    expect(digestsTo(QUIET, "15/03/2031").map((m) => m.text)).toEqual(["📋 Tin quá hạn sáng 15/03/2031: không có tin quá hạn."]);
  });

  it("sends the digest when the process comes back later the same day, and not before the hour the next day", async () => {
    const afternoon = createDutyWorker(svc.ctx, labels, { now: () => new Date("2031-03-16T08:30:00Z") }); // 15:30 in Vietnam
    await afternoon.tick();
    await afternoon.tick();
    const dawn = createDutyWorker(svc.ctx, labels, { now: () => new Date("2031-03-16T22:30:00Z") }); // 05:30 on the 17th
    await dawn.tick();
    await waitFor("the late digests", () => [BATO, GLOBAL, QUIET].every((chat) => digestsTo(chat, "16/03/2031").length > 0));
    await outboxIdle(svc);
    for (const chat of [BATO, GLOBAL, QUIET]) expect(digestsTo(chat, "16/03/2031")).toHaveLength(1);
    expect(digestsTo(BATO, "17/03/2031")).toHaveLength(0);
    expect(await svc.ctx.db.jobRun.count({ where: { id: { startsWith: "overdue-digest:2031-03-17:" } } })).toBe(0);
  });
});
