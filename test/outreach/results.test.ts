/**
 * Campaign results and the 19/8 peak-period progress, over real HTTP on a fresh database (SQLite, or
 * PostgreSQL with TEST_DATABASE=postgresql), from a data set written straight into the tables: every figure
 * is known in advance. Reactions count only within 48 h after a delivery reached the resident (the edges
 * included: 47 h in, 48 h exactly in, 49 h out), each resident once; the progress counts Vietnamese days
 * (a delivery at 23:59 on the 15th belongs to the 15th, one at 00:01 on the 16th does not, although both
 * fall on the 15th in UTC).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDemoSetup } from "../../src/routing/ensure-demo-setup.ts";
import { addOfficer, insertTip, signIn, startApi, type ApiHarness, type SignedIn } from "../console/support.ts";

const HOUR = 3600_000;
/** The campaign's first send: 10/08/2026 09:00, Vietnam time. */
const S = new Date("2026-08-10T09:00:00+07:00").getTime();
const at = (hours: number) => new Date(S + hours * HOUR);
const vn = (local: string) => new Date(`${local}+07:00`);

let api: ApiHarness;
let outreach: SignedIn;
let viewer: SignedIn;
let campaignId: string;
let seq = 0;
const contactIds: string[] = [];

async function contact(channel: string, language = "vi") {
  const i = ++seq;
  const row = await api.ctx.db.contact.create({
    data: { channel, language, platformIdHash: api.ctx.vault.hash(`kq-${i}`), platformIdEnc: api.ctx.vault.encrypt(`kq-${i}`) },
  });
  contactIds.push(row.id);
  return row.id;
}

async function campaign(title: string, topic = "festival") {
  const author = await api.ctx.db.officer.findFirstOrThrow();
  return (await api.ctx.db.campaign.create({ data: { title, topic, variantsJson: JSON.stringify({ vi: { text: title } }), status: "done", createdById: author.id } })).id;
}

async function delivery(campaign: string, contactId: string, fields: { run?: number; state?: string; reason?: string; sentAt?: Date; deliveredAt?: Date; seenAt?: Date; channel?: string; language?: string; reportTappedAt?: Date; quizTappedAt?: Date }) {
  const c = await api.ctx.db.contact.findUniqueOrThrow({ where: { id: contactId } });
  await api.ctx.db.campaignDelivery.create({
    data: {
      campaignId: campaign,
      contactId,
      run: fields.run ?? 0,
      channel: fields.channel ?? c.channel,
      language: fields.language ?? c.language ?? "vi",
      state: fields.state ?? (fields.sentAt ? "sent" : "queued"),
      reason: fields.reason ?? null,
      sentAt: fields.sentAt ?? null,
      deliveredAt: fields.deliveredAt ?? null,
      seenAt: fields.seenAt ?? null,
      reportTappedAt: fields.reportTappedAt ?? null,
      quizTappedAt: fields.quizTappedAt ?? null,
    },
  });
}

const consent = (contactId: string, action: string, when: Date) =>
  api.ctx.db.consentEvent.create({ data: { contactId, action, topics: "festival", source: "menu", at: when } });

const quiz = (contactId: string, round: string, communeCode: string | null, startedAt: Date, finished?: { at: Date; score: number }) =>
  api.ctx.db.quizAttempt.create({
    data: { contactId, round, communeCode, questionIdsJson: "[]", startedAt, score: finished?.score ?? 0, finishedAt: finished?.at ?? null },
  });

const tip = (contactId: string | undefined, createdAt: Date, channel = "telegram") =>
  insertTip(api.ctx, { description: "Có người lạ hỏi mua thông tin tài khoản ngân hàng", channel, createdAt, ...(contactId ? { contactId } : {}) });

async function get(who: SignedIn, path: string) {
  return fetch(`${api.base}/api${path}`, { headers: who.cookie });
}

beforeAll(async () => {
  api = await startApi();
  await ensureDemoSetup(api.ctx);
  await addOfficer(api.ctx, "kq.bien.tap", "outreach");
  await addOfficer(api.ctx, "kq.xem", "viewer", { unitId: "DEMO-CAX-BATO" });
  outreach = await signIn(api.base, "kq.bien.tap");
  viewer = await signIn(api.base, "kq.xem");
  const db = api.ctx.db;
  const bato = (await db.adminUnit.findFirstOrThrow({ where: { fullName: "Xã Ba Tơ" } })).code;
  const sonha = (await db.adminUnit.findFirstOrThrow({ where: { fullName: "Xã Sơn Hà" } })).code;

  // ── one campaign, August 2026 ───────────────────────────────────────────────────────────────
  campaignId = await campaign("Nhắc thi tìm hiểu pháp luật 19/8");
  const r1 = await contact("telegram", "vi");
  const r2 = await contact("telegram", "hre");
  const r3 = await contact("zalo", "vi");
  const r4 = await contact("zalo", "cua");
  const r5 = await contact("zalo", "vi");
  const r6 = await contact("telegram", "vi");
  const r7 = await contact("telegram", "vi");
  const outsider = await contact("telegram", "vi");
  await delivery(campaignId, r1, { sentAt: at(0) });
  await delivery(campaignId, r1, { run: 1, sentAt: at(72), reportTappedAt: at(73) }); // a recurring reminder reaches r1 again
  await delivery(campaignId, r2, { sentAt: at(0), reportTappedAt: at(1), quizTappedAt: at(2) });
  await delivery(campaignId, r3, { sentAt: at(0), deliveredAt: at(0.01), seenAt: at(1) });
  await delivery(campaignId, r4, { sentAt: at(0), deliveredAt: at(0.01) });
  await delivery(campaignId, r5, { sentAt: at(0), deliveredAt: at(0.02), seenAt: at(3) });
  await delivery(campaignId, r6, { state: "skipped", reason: "blocked" });
  await delivery(campaignId, r7, { state: "skipped", reason: "opted_out" });

  await consent(r2, "unsubscribed", at(47)); // within 48 h: an opt-out it caused
  await consent(r3, "unsubscribed", at(49)); // after 48 h: not counted
  await consent(r4, "blocked", at(10)); // blocked the bot within 48 h
  await consent(outsider, "unsubscribed", at(2)); // not a recipient

  await tip(r1, at(2));
  await tip(r1, at(30));
  await tip(r1, at(73)); // 1 h after the second reminder
  await tip(r5, at(48)); // 48 h exactly: still within
  await tip(r5, at(-1)); // before the message
  await tip(r4, at(49)); // too late
  await tip(undefined, at(1), "webchat"); // nobody's: an anonymous web visitor without a contact

  await quiz(r1, "2026", bato, at(1), { at: at(1.2), score: 8 });
  await quiz(r2, "2026", bato, at(3), { at: at(3.3), score: 5 });
  await quiz(r4, "2026", sonha, at(5)); // started, not finished
  await quiz(r3, "2026", sonha, at(50), { at: at(50.2), score: 10 }); // after 48 h
  await quiz(outsider, "2026", sonha, at(2), { at: at(2.2), score: 9 }); // not a recipient

  // ── the 2027 peak period (1/8–30/9), with its edges in Vietnam time ──────────────────────────
  const [q1, q2, q3, q4, q5, q6] = [await contact("telegram"), await contact("zalo"), await contact("telegram"), await contact("webchat"), await contact("zalo"), await contact("telegram")];
  await consent(q1, "subscribed", vn("2027-07-20T10:00:00"));
  await consent(q2, "subscribed", vn("2027-08-14T23:59:00"));
  await consent(q3, "subscribed", vn("2027-08-15T00:01:00"));
  await consent(q4, "subscribed", vn("2027-08-16T00:01:00"));
  await consent(q5, "subscribed", vn("2027-07-31T23:59:00"));
  await consent(q5, "unsubscribed", vn("2027-08-15T23:59:00"));
  await consent(q6, "subscribed", vn("2027-09-01T10:00:00"));
  await consent(q6, "topics_changed", vn("2027-09-02T10:00:00"));
  await consent(q6, "unsubscribed", vn("2027-09-16T00:01:00"));
  await consent(q1, "blocked", vn("2027-09-20T08:00:00"));

  const p1 = await campaign("Ngày hội 19/8: mời tham gia", "festival");
  const p2 = await campaign("Cảnh báo lừa đảo dịp lễ", "scam");
  const p3 = await campaign("Sau đợt cao điểm", "scam");
  await delivery(p1, q1, { sentAt: vn("2027-07-31T23:59:00") });
  await delivery(p1, q2, { sentAt: vn("2027-08-14T23:59:00") });
  await delivery(p1, q3, { sentAt: vn("2027-08-15T00:01:00") });
  await delivery(p1, q4, { sentAt: vn("2027-08-16T00:01:00") });
  await delivery(p2, q1, { sentAt: vn("2027-09-10T08:00:00") });
  await delivery(p2, q2, { sentAt: vn("2027-09-10T08:00:00") });
  await delivery(p2, q3, {}); // still queued
  await delivery(p2, q1, { run: 1, sentAt: vn("2027-09-30T23:59:00") });
  await delivery(p3, q2, { sentAt: vn("2027-10-01T00:01:00") });

  await quiz(q1, "2027", bato, vn("2027-08-01T00:01:00"), { at: vn("2027-08-01T00:10:00"), score: 7 });
  await quiz(q2, "2027", bato, vn("2027-08-15T23:50:00"), { at: vn("2027-08-16T00:05:00"), score: 9 });
  await quiz(q3, "2027", sonha, vn("2027-08-16T00:01:00"));
  await quiz(q4, "2027", sonha, vn("2027-07-31T23:59:00"), { at: vn("2027-08-01T00:05:00"), score: 4 });

  await tip(undefined, vn("2027-07-31T23:59:00"));
  await tip(q1, vn("2027-08-01T00:01:00"), "telegram");
  await tip(undefined, vn("2027-08-15T23:59:00"), "webchat");
  await tip(q2, vn("2027-08-16T00:01:00"), "zalo");
  await tip(undefined, vn("2027-09-30T23:59:00"), "webchat");
  await tip(undefined, vn("2027-10-01T00:01:00"), "webchat");
}, 60_000);

afterAll(async () => {
  await api?.close();
});

describe("a campaign's results", () => {
  it("counts residents reached, Zalo receipts, and what they did within 48 h of a delivery", async () => {
    const res = await get(outreach, `/campaigns/${campaignId}/results`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const r = JSON.parse(text);
    expect(r.campaign).toMatchObject({ title: "Nhắc thi tìm hiểu pháp luật 19/8", topicName: "Ngày hội 19/8", statusLabel: "Đã gửi xong" });
    expect(r).toMatchObject({
      windowHours: 48,
      reach: 5,
      messagesSent: 6,
      delivered: 3,
      seen: 2,
      optOuts: 1,
      blocked: 1,
      blockedBeforeSending: 1,
      reportTaps: 2,
      quizTaps: 1,
      tipsWithin48h: 4,
      tipReportersWithin48h: 2,
      firstSentAt: at(0).toISOString(),
      lastSentAt: at(72).toISOString(),
    });
    expect(r.quiz).toEqual({
      participants: 3,
      finished: 2,
      averageScore: 6.5,
      byCommune: [
        { communeCode: "21484", communeName: "Xã Ba Tơ", participants: 2, finished: 2, averageScore: 6.5 },
        { communeCode: "21289", communeName: "Xã Sơn Hà", participants: 1, finished: 0, averageScore: 0 },
      ],
    });
    expect(r.byChannel).toEqual([
      { channel: "zalo", channelName: "Zalo", reach: 3, delivered: 3, seen: 2, optOuts: 0 },
      { channel: "telegram", channelName: "Telegram", reach: 2, delivered: 0, seen: 0, optOuts: 1 },
    ]);
    expect(r.byLanguage).toEqual([
      { language: "vi", languageName: "Tiếng Việt", reach: 3, delivered: 2, seen: 2, optOuts: 0 },
      { language: "cua", languageName: "Tiếng Co", reach: 1, delivered: 1, seen: 0, optOuts: 0 },
      { language: "hre", languageName: "Tiếng Hrê", reach: 1, delivered: 0, seen: 0, optOuts: 1 },
    ]);
    // Never a resident's id (nor the chat ids, which are not even read).
    for (const id of contactIds) expect(text).not.toContain(id);
    expect(text).not.toContain("kq-");
  });

  it("exports the same figures as a Vietnamese CSV that Excel opens, and audits the export", async () => {
    const res = await get(outreach, `/campaigns/${campaignId}/results.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="ket-qua-chien-dich-[\w-]+\.csv"$/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes).slice(1);
    const lines = text.split("\r\n");
    expect(lines[0]).toBe("Chỉ số,Giá trị");
    const today = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Ho_Chi_Minh", day: "2-digit", month: "2-digit", year: "numeric" }).format(new Date());
    for (const line of [
      "Chiến dịch,Nhắc thi tìm hiểu pháp luật 19/8",
      "Chủ đề,Ngày hội 19/8",
      "Trạng thái,Đã gửi xong",
      "Ngày gửi đầu tiên,10/08/2026",
      "Ngày gửi cuối cùng,13/08/2026",
      `Ngày xuất số liệu,${today}`,
      "Số người đã nhận tin,5",
      "Số tin đã gửi,6",
      "Số người nền tảng báo đã nhận (Zalo),3",
      "Số người đã xem (Zalo),2",
      "Số người hủy đăng ký trong 48 giờ sau khi nhận tin,1",
      "Số người chặn tài khoản trong 48 giờ sau khi nhận tin,1",
      "Số tin không gửi được vì người nhận đã chặn từ trước,1",
      "Số người bấm nút “Báo tin” trong tin,2",
      "Số người bấm nút “Làm bài thi” trong tin,1",
      "Số tin báo gửi trong 48 giờ sau khi nhận tin,4",
      "Số người gửi tin báo trong 48 giờ sau khi nhận tin,2",
      "Số người dự thi 19/8 trong 48 giờ sau khi nhận tin,3",
      "Số bài thi đã làm xong,2",
      'Số câu đúng trung bình,"6,5"',
      "Kênh,Số người đã nhận tin,Đã nhận (Zalo báo),Đã xem (Zalo báo),Hủy đăng ký trong 48 giờ",
      "Zalo,3,3,2,0",
      "Telegram,2,0,0,1",
      "Ngôn ngữ,Số người đã nhận tin,Đã nhận (Zalo báo),Đã xem (Zalo báo),Hủy đăng ký trong 48 giờ",
      "Tiếng Việt,3,2,2,0",
      "Tiếng Co,1,1,0,0",
      "Tiếng Hrê,1,0,0,1",
      '"Xã, phường",Người dự thi,Đã làm xong,Số câu đúng trung bình',
      'Xã Ba Tơ,2,2,"6,5"',
      "Xã Sơn Hà,1,0,0",
    ]) {
      expect(lines).toContain(line);
    }
    for (const id of contactIds) expect(text).not.toContain(id);
    const audit = await api.ctx.db.auditLog.findMany({ where: { action: "campaign.export", targetId: campaignId } });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.targetType).toBe("campaign");
  });

  it("answers 404 for a campaign that does not exist and 403 to an account that does not read campaigns", async () => {
    expect((await get(outreach, "/campaigns/khong-co/results")).status).toBe(404);
    expect((await get(outreach, "/campaigns/khong-co/results.csv")).status).toBe(404);
    expect((await get(viewer, `/campaigns/${campaignId}/results`)).status).toBe(403);
    expect((await get(viewer, `/campaigns/${campaignId}/results.csv`)).status).toBe(403);
    expect(await api.ctx.db.auditLog.count({ where: { action: "campaign.export" } })).toBe(1);
  });

  it("counts nothing for a campaign not sent yet", async () => {
    const id = await campaign("Chưa gửi");
    const r = await (await get(outreach, `/campaigns/${id}/results`)).json();
    expect(r).toMatchObject({ reach: 0, messagesSent: 0, optOuts: 0, tipsWithin48h: 0, quiz: { participants: 0, finished: 0, byCommune: [] }, byChannel: [], firstSentAt: null });
  });
});

describe("the 19/8 peak period's progress", () => {
  it("gives the figures at 15/08, 31/08, 15/09 and 30/09, counted in Vietnamese days", async () => {
    const res = await get(outreach, "/outreach/progress?year=2027");
    expect(res.status).toBe(200);
    const p = await res.json();
    expect(p).toMatchObject({ year: 2027, from: "2027-08-01", to: "2027-09-30" });
    const ended = (day: string) => Date.now() >= new Date(`${day}T00:00:00+07:00`).getTime() + 24 * HOUR;
    const figures = ["subscribers", "newSubscriptions", "campaignsSent", "messagesSent", "reach", "optOuts", "quizParticipants", "quizFinished", "tips"];
    const row = (date: string, label: string, values: number[]) => ({ date, label, reached: ended(date), ...Object.fromEntries(figures.map((f, i) => [f, values[i]])) });
    expect(p.checkpoints).toEqual([
      //                                    subs new camp msgs reach opt quiz done tips
      row("2027-08-15", "15/08/2027", [3, 2, 1, 2, 2, 1, 2, 1, 2]),
      row("2027-08-31", "31/08/2027", [4, 3, 1, 3, 3, 1, 3, 2, 3]),
      row("2027-09-15", "15/09/2027", [5, 4, 2, 5, 4, 1, 3, 2, 3]),
      row("2027-09-30", "30/09/2027", [3, 4, 2, 6, 4, 2, 3, 2, 4]),
    ]);
  });

  it("takes this year when none is given, and refuses a year that is not one", async () => {
    const thisYear = Number(new Intl.DateTimeFormat("en", { timeZone: "Asia/Ho_Chi_Minh", year: "numeric" }).format(new Date()));
    const p = await (await get(outreach, "/outreach/progress")).json();
    expect(p.year).toBe(thisYear);
    expect(p.checkpoints.map((c: { label: string }) => c.label)).toEqual([`15/08/${thisYear}`, `31/08/${thisYear}`, `15/09/${thisYear}`, `30/09/${thisYear}`]);
    expect((await get(outreach, "/outreach/progress?year=abc")).status).toBe(400);
    expect((await get(outreach, "/outreach/progress?year=1999")).status).toBe(400);
    expect((await get(viewer, "/outreach/progress?year=2027")).status).toBe(403);
  });
});
