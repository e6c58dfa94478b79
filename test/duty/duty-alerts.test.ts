/**
 * New-tip alerts in the police duty chats, end to end: the real service and database, the outbox
 * sending to a fake Bot API over HTTP that checks every call against the published spec.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegramBotApi, specAvailable } from "../fakes/telegram-bot-api.ts";
import { chat, payloadOf, startTestService, WebchatVisitor, type TestService } from "../support/service.ts";
import { freshDatabaseUrl } from "../support/context.ts";
import { CODES, POINTS } from "../units/fixtures.ts";
import { createDutyWorker } from "../../src/duty/duty-worker.ts";
import { addUnits, anotherProcessDb, outboxIdle, PUBLIC_URL, sentTexts, storeTips, telegramEnv, waitFor } from "./support.ts";

const hasSpec = specAvailable();
if (!hasSpec && process.env.CI) throw new Error("Telegram Bot API spec missing: expected ../shared/data/telegram-bot-api-10.1.json");

const GLOBAL = "-1009000000001";
const BATO = "-1001000000001";
const BATO2 = "-1001000000002";
const labels = { t: (_lng: string, key: string) => ({ "report.categories.theft": "Trộm, cướp", "report.categories.drugs": "Ma túy" })[key] ?? key };

describe.runIf(hasSpec)("new tips posted to the police duty chats", () => {
  const fake = new FakeTelegramBotApi({ token: "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" });
  let svc: TestService;

  beforeAll(async () => {
    await fake.start();
    svc = await startTestService(telegramEnv(fake, { TELEGRAM_DUTY_CHAT_ID: GLOBAL, DUTY_ALERT_BATCH_SECONDS: "2" }));
    await addUnits(svc, [
      { id: "TRUCBAN", kind: "duty_desk" },
      { id: "CAX-BATO", communes: [CODES.baTo], dutyChatId: BATO },
      { id: "CAX-BATO2", communes: [CODES.baTo2], dutyChatId: BATO2 },
      { id: "PC04", kind: "specialised", categories: ["drugs"], dutyChatId: BATO },
      { id: "CAX-SONTHUY", communes: [CODES.sonThuy], dutyChatId: "-1001000000004" },
      { id: "CAX-LYSON", communes: [CODES.lySon], dutyChatId: "-1001000000005" },
      { id: "CAX-RACE", dutyChatId: "-1001000000006" },
      { id: "CAX-429", dutyChatId: "-1001000000007" },
    ]);
    // Today's overdue digest (if the hour has passed) goes out at start; let it, so it does not mix with what is tested.
    await outboxIdle(svc);
  });
  afterAll(async () => {
    await svc?.close();
    await fake.close();
  });
  afterEach(() => fake.assertAllValid());

  const alertsTo = (chatId: string) => sentTexts(fake, chatId).filter((m) => /TIN KHẨN|tin báo mới|Tin báo mới/.test(m.text));

  it("posts an urgent tip to its unit's duty chat at once, without the reporter's name or phone", async () => {
    const say = (v: WebchatVisitor, body: Record<string, unknown>) => chat(svc, v, body);
    const v = new WebchatVisitor(svc.url);
    await v.open();
    for (const b of ["lang:vi", "menu:report", "cat:violence"]) await say(v, { button: b });
    // The story names the place and says "now": both proposed back, one tap.
    const proposed = await say(v, { text: "Có hai thanh niên đang cầm dao đánh nhau trước cổng chợ Ba Tơ, nhiều người hoảng sợ bỏ chạy, cần công an đến ngay để can ngăn trước khi có người bị thương." });
    expect(proposed?.text).toContain("ở Xã Ba Tơ, tỉnh Quảng Ngãi");
    await say(v, { button: "facts:yes" });
    await say(v, { button: "nav:skip" });
    await say(v, { button: "id:named" });
    await say(v, { text: "Trần Văn Bình" });
    await say(v, { text: "0905 333 444" });
    const before = (await v.messages()).length;
    await say(v, { button: "report:send" });
    const reference = (await v.messages()).slice(before).map((m) => m.text?.match(/QN-[A-Z0-9]+/)?.[0]).find(Boolean)!;
    const tip = await svc.ctx.db.tip.findUniqueOrThrow({ where: { reference } });
    expect(tip).toMatchObject({ urgent: true, anonymous: false, unitId: "CAX-BATO" });

    const alert = await waitFor("the urgent alert in the unit's chat", () => alertsTo(BATO).find((m) => m.text.includes(reference)));
    expect(alert.text.split("\n")).toEqual([
      `🚨 TIN KHẨN — ${reference}`,
      "Loại việc: Đánh nhau, gây rối",
      "Nơi xảy ra: Xã Ba Tơ",
      expect.stringMatching(/^Mức độ: KHẨN \(.*dao.*\)$/),
      expect.stringMatching(/^Nội dung: Có hai thanh niên đang cầm dao đánh nhau trước cổng chợ Ba Tơ, .*…$/),
      `Xem tin: ${PUBLIC_URL}/console/tips/${tip.id}`,
    ]);
    expect(Array.from(alert.text.split("\n")[4]!.slice("Nội dung: ".length)).length).toBeLessThanOrEqual(121);
    expect(alert.call.params).toMatchObject({ protect_content: true });
    // The duty desk is told about every urgent tip: its unit has no chat of its own, so the global chat.
    await waitFor("the urgent alert in the global chat", () => alertsTo(GLOBAL).some((m) => m.text.includes(reference)));
    expect((await svc.ctx.db.tip.findUniqueOrThrow({ where: { id: tip.id } })).dutyAlertedAt).not.toBeNull();

    const everything = JSON.stringify(fake.calls.map((c) => c.params));
    for (const identity of ["Bình", "Binh", "0905 333 444", "905333444", v.cookie.split("=")[1]!]) expect(everything).not.toContain(identity);
  });

  it("sends three ordinary tips filed within the batch window as one message to the unit's chat", async () => {
    const tips = await storeTips(svc.ctx, [
      { description: "Mất trộm xe đạp trước cửa nhà văn hóa thôn 1.", communeCode: CODES.baTo2, units: ["CAX-BATO2"] },
      { description: "Có người lạ đi dò xét các nhà vắng chủ ban ngày.", communeCode: CODES.baTo2, units: ["CAX-BATO2"] },
      { description: "Trộm gà trong chuồng lúc nửa đêm.", placeText: "xóm trên, gần khe suối", units: ["CAX-BATO2"] },
    ]);
    const [batch] = await waitFor("the batch", () => alertsTo(BATO2).length > 0 && alertsTo(BATO2));
    expect(alertsTo(BATO2)).toHaveLength(1);
    const lines = batch!.text.split("\n");
    expect(lines[0]).toBe("🔔 3 tin báo mới");
    for (const tip of tips) {
      expect(batch!.text).toContain(`${tip.reference} · Trộm, cướp · `);
      expect(batch!.text).toContain(`${PUBLIC_URL}/console/tips/${tip.id}`);
    }
    expect(batch!.text).toContain("Xã Ba Tô");
    expect(batch!.text).toContain("xóm trên, gần khe suối (người báo ghi, chưa xác định xã)");
    expect(batch!.text).not.toContain("và ");
    // They are the unit's own: the global chat hears nothing of them.
    for (const tip of tips) expect(alertsTo(GLOBAL).some((m) => m.text.includes(tip.reference))).toBe(false);
    const rows = await svc.ctx.db.tip.findMany({ where: { id: { in: tips.map((t) => t.id) } } });
    expect(rows.every((t) => t.dutyAlertedAt !== null)).toBe(true);
  });

  it("holds ordinary tips for the whole batch window, then lists ten and says how many more", async () => {
    // Filed "in an hour", so only this worker, whose clock is moved, decides when their window ends.
    const filedAt = new Date(Date.now() + 3600_000);
    const tips = await storeTips(
      svc.ctx,
      Array.from({ length: 12 }, (_, i) => ({ description: `Tin thứ ${i + 1}: có người buôn bán ma túy ở bến xe.`, category: "drugs", communeCode: CODES.sonThuy, units: ["CAX-SONTHUY"], createdAt: new Date(filedAt.getTime() + i) })),
    );
    let clock = new Date(filedAt.getTime() + 1_000);
    const worker = createDutyWorker(svc.ctx, labels, { now: () => clock });
    await worker.tick();
    expect(await svc.ctx.db.tip.count({ where: { id: { in: tips.map((t) => t.id) }, dutyAlertedAt: { not: null } } })).toBe(0);
    clock = new Date(filedAt.getTime() + 2_000);
    await worker.tick();
    const [batch] = await waitFor("the batch", () => alertsTo("-1001000000004").length > 0 && alertsTo("-1001000000004"));
    const lines = batch!.text.split("\n");
    expect(lines[0]).toBe("🔔 12 tin báo mới");
    expect(lines.filter((l) => /^\d+\. QN-/.test(l))).toHaveLength(10);
    expect(lines.at(-1)).toBe("và 2 tin khác.");
    expect(batch!.text).toContain(`1. ${tips[0]!.reference} · Ma túy · Xã Sơn Thuỷ`);
    await worker.tick();
    await outboxIdle(svc);
    expect(alertsTo("-1001000000004")).toHaveLength(1);
    expect(await svc.ctx.db.tip.count({ where: { id: { in: tips.map((t) => t.id) }, dutyAlertedAt: { not: null } } })).toBe(12);
  });

  it("falls back to the global duty chat for a unit without its own", async () => {
    const [tip] = await storeTips(svc.ctx, [{ description: "Gây rối trật tự ở quán karaoke, không rõ địa chỉ.", category: "violence", units: ["TRUCBAN"] }]);
    const [alert] = await waitFor("the alert in the global chat", () => {
      const found = alertsTo(GLOBAL).filter((m) => m.text.includes(tip!.reference));
      return found.length > 0 && found;
    });
    expect(alert!.text).toContain("Nơi xảy ra: chưa rõ");
    expect(alert!.text).toContain("Mức độ: thường");
    for (const chatId of [BATO, BATO2]) expect(alertsTo(chatId).some((m) => m.text.includes(tip!.reference))).toBe(false);
  });

  it("alerts a tip routed to several units once in each distinct chat", async () => {
    // CAX-BATO and PC04 share a chat; the duty desk has none, so the global chat.
    const [tip] = await storeTips(svc.ctx, [
      { description: "Đang có người mang dao dọa giết người ở điểm bán ma túy.", category: "drugs", urgent: true, urgentReason: "dao", communeCode: CODES.baTo, units: ["CAX-BATO", "PC04", "TRUCBAN"] },
    ]);
    svc.ctx.bus.emit("tip:created", tip!.id);
    await waitFor("both chats", () => alertsTo(BATO).some((m) => m.text.includes(tip!.reference)) && alertsTo(GLOBAL).some((m) => m.text.includes(tip!.reference)));
    await outboxIdle(svc);
    expect(alertsTo(BATO).filter((m) => m.text.includes(tip!.reference))).toHaveLength(1);
    expect(alertsTo(GLOBAL).filter((m) => m.text.includes(tip!.reference))).toHaveLength(1);
    const rows = await svc.ctx.db.outboxMessage.findMany({ where: { dedupeKey: { startsWith: `duty:${tip!.id}:` } } });
    expect(rows.map((r) => r.dedupeKey).sort()).toEqual([`duty:${tip!.id}:${BATO}`, `duty:${tip!.id}:${GLOBAL}`].sort());
    expect(rows.every((r) => r.contactId === null)).toBe(true);
  });

  it("alerts each tip once when two processes scan the same database together", async () => {
    const other = await anotherProcessDb(svc);
    try {
      const filedAt = new Date(Date.now() + 2 * 3600_000);
      const tips = await storeTips(svc.ctx, [
        ...Array.from({ length: 4 }, (_, i) => ({ description: `Tin khẩn ${i}: đang đánh nhau bằng gậy ở chợ.`, category: "violence", urgent: true, urgentReason: "đánh nhau", units: ["CAX-RACE"], createdAt: filedAt })),
        ...Array.from({ length: 4 }, (_, i) => ({ description: `Tin thường ${i}: mất trộm điện thoại.`, units: ["CAX-RACE"], createdAt: filedAt })),
      ]);
      const clock = () => new Date(filedAt.getTime() + 5_000);
      const a = createDutyWorker(svc.ctx, labels, { now: clock });
      const b = createDutyWorker({ ...svc.ctx, db: other.db }, labels, { now: clock });
      await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
      await waitFor("every tip marked", async () => (await svc.ctx.db.tip.count({ where: { id: { in: tips.map((t) => t.id) }, dutyAlertedAt: null } })) === 0);
      await outboxIdle(svc);
      const messages = alertsTo("-1001000000006");
      for (const tip of tips) expect(messages.filter((m) => m.text.includes(tip.reference))).toHaveLength(1);
      // Four urgent alerts and one batch of the four others.
      expect(messages).toHaveLength(5);
    } finally {
      await other.close();
    }
  });

  it("still delivers an alert Telegram first refused with 429, after the wait it asked for", async () => {
    await outboxIdle(svc);
    fake.failNext("sendMessage", { kind: "429", retryAfter: 1 });
    const [tip] = await storeTips(svc.ctx, [{ description: "Đang có cướp giật túi xách ở đầu cầu.", urgent: true, urgentReason: "đang xảy ra", units: ["CAX-429"] }]);
    svc.ctx.bus.emit("tip:created", tip!.id);
    await waitFor("the alert after the 429", () => alertsTo("-1001000000007").some((m) => m.text.includes(tip!.reference)));
    const refused = fake.callsTo("sendMessage").find((c) => c.status === 429);
    expect(String((refused?.params as { text?: string }).text)).toContain(tip!.reference);
    // The fake answers before the worker writes its result down: wait for the row, not just the call.
    const row = () => svc.ctx.db.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: `duty:${tip!.id}:-1001000000007` } });
    await waitFor("the alert marked sent", async () => (await row()).status === "sent");
    expect(await row()).toMatchObject({ status: "sent", attempts: 2, lastErrorKind: "throttled" });
  });
});

describe.runIf(hasSpec)("switching duty alerts on", () => {
  const fake = new FakeTelegramBotApi({ token: "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" });
  const dir = mkdtempSync(path.join(os.tmpdir(), "tinbao-duty-"));
  const key = randomBytes(32).toString("base64");
  let database: Awaited<ReturnType<typeof freshDatabaseUrl>>;

  beforeAll(async () => {
    await fake.start();
    database = await freshDatabaseUrl(dir);
  });
  afterAll(async () => {
    await fake.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("sends nothing without a bot token and says so once at start, then does not flood the chat with the tips filed before", async () => {
    const reuse = { dir, url: database.url, key };
    const without = await startTestService({}, {}, reuse);
    expect(without.duty).toBeUndefined();
    expect(without.logs().match(/duty alerts are off: TELEGRAM_BOT_TOKEN is not set/g)).toHaveLength(1);
    await addUnits(without, [{ id: "TRUCBAN", kind: "duty_desk" }]);
    const old = await storeTips(without.ctx, [
      { description: "Tin cũ hôm kia: trộm bò.", units: ["TRUCBAN"], createdAt: new Date(Date.now() - 2 * 24 * 3600_000) },
      { description: "Tin cũ sáng nay: đánh nhau.", urgent: true, units: ["TRUCBAN"], createdAt: new Date(Date.now() - 3600_000) },
    ]);
    await without.close();

    const svc = await startTestService(telegramEnv(fake, { TELEGRAM_DUTY_CHAT_ID: GLOBAL }), {}, reuse);
    try {
      const [fresh] = await storeTips(svc.ctx, [{ description: "Tin mới: đang cháy nhà kho.", urgent: true, urgentReason: "cháy", units: ["TRUCBAN"] }]);
      svc.ctx.bus.emit("tip:created", fresh!.id);
      await waitFor("the new tip's alert", () => sentTexts(fake, GLOBAL).some((m) => m.text.includes(fresh!.reference)));
      await svc.duty!.tick();
      await outboxIdle(svc);
      // The morning digest of overdue tips may legitimately list old tips (after DUTY_DIGEST_HOUR); new-tip alerts must not.
      const alerts = fake.callsTo("sendMessage").map((c) => c.params).filter((p) => !String((p as { text?: string }).text).startsWith("📋"));
      const everything = JSON.stringify(alerts);
      for (const tip of old) expect(everything).not.toContain(tip.reference);
      expect(await svc.ctx.db.tip.count({ where: { id: { in: old.map((t) => t.id) }, dutyAlertedAt: null } })).toBe(2);
      expect(await svc.ctx.db.jobRun.findUnique({ where: { id: "duty-alerts:since" } })).not.toBeNull();
    } finally {
      await svc.close();
    }
  });
});
