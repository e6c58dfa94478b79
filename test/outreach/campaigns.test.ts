/**
 * Campaigns end to end: written and submitted by an outreach editor, approved by another person, sent
 * to subscribers through the fake Telegram that enforces its flood limits, each recipient once, opt-outs
 * honoured up to the last moment, and residents who are talking answered first.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegramBotApi } from "../fakes/telegram-bot-api.ts";
import { UpdateFactory } from "../fakes/telegram-updates.ts";
import { chat, payloadOf, startTestService, WebchatVisitor, type TestService } from "../support/service.ts";
import { postUpdate, TEST_BOT_TOKEN, telegramWebhookEnv } from "../support/telegram-webhook.ts";
import { unsubscribe } from "../../src/outreach/consent.ts";
import { toSignedInOfficer } from "../../src/officers/roles.ts";
import { approveTranslation, saveDraft } from "../../src/translations/translation-store.ts";
import { createReadyOfficer } from "../support/officers.ts";
import { addEditors, addSubscribers, api, finished, launch, waitFor, type CampaignView, type Editors } from "./support.ts";

const sentTo = (fake: FakeTelegramBotApi, text: string) =>
  fake.callsTo("sendMessage").filter((c) => c.status === 200 && String(c.params["text"]).startsWith(text)).map((c) => String(c.params["chat_id"]));

describe("a campaign on Telegram at the free rate (30 messages/s)", () => {
  let fake: FakeTelegramBotApi;
  let svc: TestService;
  let who: Editors;
  beforeAll(async () => {
    fake = new FakeTelegramBotApi({ token: TEST_BOT_TOKEN, limits: { perSecond: 30 } });
    await fake.start();
    svc = await startTestService(telegramWebhookEnv(fake.url));
    who = await addEditors(svc);
  });
  afterAll(async () => {
    await svc?.close();
    await fake?.close();
  });

  it("is not sent before another person approves it, and the author cannot approve their own", async () => {
    await addSubscribers(svc, 3);
    const created = await api<CampaignView>(svc, who.editor, "POST", "/campaigns", {
      title: "Thử duyệt",
      topic: "scam",
      variants: { vi: { text: "Tin thử duyệt: cảnh giác lừa đảo." } },
    });
    expect(created.status).toBe(201);
    expect(created.body.statusLabel).toBe("Bản nháp");
    // Not yet submitted: nobody can approve it.
    const early = await api<{ error: { message: string } }>(svc, who.lead, "POST", `/campaigns/${created.body.id}/approve`);
    expect(early.status).toBe(409);
    expect(early.body.error.message).toContain("Chỉ duyệt được chiến dịch đang chờ duyệt");
    expect((await api(svc, who.editor, "POST", `/campaigns/${created.body.id}/submit`)).status).toBe(200);
    // The editor's role cannot approve; an outreach lead who wrote it cannot approve it either.
    const own = await api<{ error: { message: string } }>(svc, who.editor, "POST", `/campaigns/${created.body.id}/approve`);
    expect(own.status).toBe(403);
    const byLead = await api<CampaignView>(svc, who.lead, "POST", "/campaigns", { title: "Của trưởng nhóm", topic: "scam", variants: { vi: { text: "Tin của trưởng nhóm." } } });
    await api(svc, who.lead, "POST", `/campaigns/${byLead.body.id}/submit`);
    const self = await api<{ error: { message: string } }>(svc, who.lead, "POST", `/campaigns/${byLead.body.id}/approve`);
    expect(self.status).toBe(403);
    expect(self.body.error.message).toContain("không tự duyệt");
    await new Promise((r) => setTimeout(r, 1_500));
    expect(sentTo(fake, "Tin thử duyệt")).toEqual([]);
    expect(await svc.ctx.db.campaignDelivery.count()).toBe(0);

    const approved = await api<CampaignView>(svc, who.lead, "POST", `/campaigns/${created.body.id}/approve`);
    expect(approved.status).toBe(200);
    const done = await finished(svc, who.editor, created.body.id);
    expect(done.counts).toMatchObject({ total: 3, sent: 3, failed: 0, skipped: 0 });
    expect(sentTo(fake, "Tin thử duyệt")).toHaveLength(3);
    const audit = await svc.ctx.db.auditLog.findMany({ where: { targetId: created.body.id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["campaign.create", "campaign.submit", "campaign.approve"]);
    await api(svc, who.lead, "POST", `/campaigns/${byLead.body.id}/cancel`);
  });

  it("counts its audience as it will send: topic, language, commune and channel", async () => {
    await addSubscribers(svc, 4, { topics: ["drugs"], language: "hre", communeCode: "21199" });
    await addSubscribers(svc, 2, { topics: ["drugs", "traffic"], language: "vi", communeCode: "21200" });
    await addSubscribers(svc, 1, { topics: ["drugs"], channel: "webchat" });
    const count = async (q: string) => (await api<{ count: number }>(svc, who.editor, "GET", `/campaigns/audience?${q}`)).body.count;
    expect(await count("topic=drugs")).toBe(7);
    expect(await count("topic=drugs&languages=hre")).toBe(4);
    expect(await count("topic=drugs&communes=21200")).toBe(2);
    expect(await count("topic=drugs&channels=webchat")).toBe(1);
    expect(await count("topics=traffic")).toBe(2);
    const bad = await api<{ error: { code: string } }>(svc, who.editor, "GET", "/campaigns/audience?languages=fr");
    expect(bad.status).toBe(400);
  });

  it("reaches 150 subscribers each exactly once at the platform's rate, with no 429 after the first second, and skips one who opted out mid-campaign", async () => {
    const people = await addSubscribers(svc, 150, { topics: ["traffic"] });
    const before = fake.throttled.length;
    // Residents of an earlier test may have chosen traffic safety too: the count shown is the count sent to.
    const audience = (await api<{ count: number }>(svc, who.editor, "GET", "/campaigns/audience?topic=traffic")).body.count;
    expect(audience).toBeGreaterThanOrEqual(150);
    const started = Date.now();
    const c = await launch(svc, who, { topic: "traffic", title: "An toàn giao thông", variants: { vi: { text: "Đội mũ bảo hiểm khi đi xe máy." } } });
    // The last resident stops receiving while the campaign is on its way: their delivery is skipped.
    await waitFor("the first messages", async () => sentTo(fake, "Đội mũ").length >= 10);
    const last = people[people.length - 1]!;
    await svc.ctx.db.$transaction((tx) => unsubscribe(tx, last.contactId, "unsubscribed", { source: "word" }, new Date()));
    const done = await finished(svc, who.editor, c.id);
    const elapsed = (Date.now() - started) / 1000;

    const mine = new Set(people.map((p) => p.chatId));
    const got = sentTo(fake, "Đội mũ").filter((id) => mine.has(id));
    expect(new Set(got).size).toBe(got.length);
    expect(got).toHaveLength(149);
    expect(got).not.toContain(last.chatId);
    expect(done.counts).toMatchObject({ total: audience, sent: audience - 1, skipped: 1, failed: 0, byReason: { opted_out: 1 } });
    expect(fake.throttled.length - before).toBe(0);
    // 149 messages at ≤ 30/s take at least ~4.9 s; paced, not bursting.
    expect(elapsed).toBeGreaterThan(4.5);
    // Every message carries the stop button, and the buttons the editor chose.
    const one = fake.callsTo("sendMessage").find((call) => String(call.params["text"]).startsWith("Đội mũ"))!;
    expect(JSON.stringify(one.params["reply_markup"])).toContain("sub:stop");
  });

  it("answers a resident who writes during a campaign within seconds", async () => {
    await addSubscribers(svc, 200, { topics: ["wanted"] });
    const c = await launch(svc, who, { topic: "wanted", title: "Truy nã", variants: { vi: { text: "Thông báo truy nã đối tượng." } } });
    await waitFor("the campaign under way", async () => sentTo(fake, "Thông báo truy nã").length >= 20);
    const updates = new UpdateFactory({ user: { id: 5_550_001 } });
    const wrote = Date.now();
    expect((await postUpdate(svc.url, updates.text("xin chào"))).status).toBe(200);
    await waitFor("the reply", async () => fake.callsTo("sendMessage").some((call) => call.params["chat_id"] === 5_550_001 && call.status === 200), 10_000);
    const replyMs = Date.now() - wrote;
    const stillSending = (await api<CampaignView>(svc, who.editor, "GET", `/campaigns/${c.id}`)).body;
    expect(stillSending.status).toBe("sending");
    expect(replyMs).toBeLessThan(3_000);
    await api(svc, who.editor, "POST", `/campaigns/${c.id}/cancel`);
    const cancelled = (await api<CampaignView>(svc, who.editor, "GET", `/campaigns/${c.id}`)).body;
    expect(cancelled.statusLabel).toBe("Đã hủy");
    const sentAfterCancel = sentTo(fake, "Thông báo truy nã").length;
    await new Promise((r) => setTimeout(r, 1_000));
    expect(sentTo(fake, "Thông báo truy nã").length - sentAfterCancel).toBe(0);
    expect(cancelled.counts.byReason["cancelled"]).toBeGreaterThan(100);
  });

  it("reaches a web chat visitor who subscribed from a poster's link, in their chat the next time they open it", async () => {
    const v = new WebchatVisitor(svc.url);
    await v.open();
    // /chat?ma=cho-ba-to: the page opens with "start cho-ba-to".
    const asked = await chat(svc, v, { command: "start", args: "cho-ba-to" });
    expect(asked?.text).toContain("Bạn muốn nhận tin về những việc nào?");
    await chat(svc, v, { button: "sub:topic:scam" });
    await chat(svc, v, { button: "sub:done" });
    const sub = await svc.ctx.db.subscription.findFirstOrThrow({ where: { sourceCode: "cho-ba-to" } });
    expect(sub).toMatchObject({ topics: "scam", source: "link" });
    const bad = await v.send({ command: "start", args: "<script>" });
    expect(bad.status).toBe(400);

    const c = await launch(svc, who, {
      title: "Web",
      audience: { channels: ["webchat"] },
      buttons: [{ kind: "report" }, { kind: "quiz" }, { kind: "link", label: "Xem chi tiết", url: "https://congan.quangngai.gov.vn/canh-bao" }],
      variants: { vi: { text: "Cảnh báo dành cho người dùng khung chat web." }, hre: { text: "" } },
    }).catch((e: Error) => e);
    // An empty Hre text is refused, not sent as an empty message.
    expect(String(c)).toContain("create: 400");
    await addSubscribers(svc, 1, { channel: "webchat" }); // another visitor
    const ok = await launch(svc, who, {
      title: "Web",
      audience: { channels: ["webchat"] },
      buttons: [{ kind: "report" }, { kind: "quiz" }, { kind: "link", label: "Xem chi tiết", url: "https://congan.quangngai.gov.vn/canh-bao" }],
      variants: { vi: { text: "Cảnh báo dành cho người dùng khung chat web." } },
    });
    await finished(svc, who.editor, ok.id);
    const last = (await v.messages()).filter((m) => m.direction === "out").at(-1) as { text?: string; buttons?: { label: string; payload: string }[][]; links?: { label: string; url: string }[] };
    expect(last.text).toBe("Cảnh báo dành cho người dùng khung chat web.");
    expect(last.buttons?.flat().map((b) => b.label)).toEqual(["Báo tin cho công an", "Làm bài thi", "Dừng nhận tin"]);
    expect(last.links).toEqual([{ label: "Xem chi tiết", url: "https://congan.quangngai.gov.vn/canh-bao" }]);
    // "Báo tin" from the campaign message starts a report and is counted for the campaign; a forged tap on someone
    // else's delivery counts nothing.
    const delivery = await svc.ctx.db.campaignDelivery.findFirstOrThrow({ where: { campaignId: ok.id, contactId: sub.contactId } });
    const other = await svc.ctx.db.campaignDelivery.findFirstOrThrow({ where: { campaignId: ok.id, NOT: { contactId: sub.contactId } } });
    await chat(svc, v, { button: `cmp:${other.id}:quiz` });
    expect((await svc.ctx.db.campaignDelivery.findUniqueOrThrow({ where: { id: other.id } })).quizTappedAt).toBeNull();
    const report = await chat(svc, v, { button: payloadOf(last, "Báo tin cho công an") });
    expect(report?.text).toContain("Bạn muốn báo về việc gì?");
    expect((await svc.ctx.db.campaignDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).reportTappedAt).not.toBeNull();
    await chat(svc, v, { button: "nav:cancel" });
    // "Dừng nhận tin" right from the campaign message stops it.
    await chat(svc, v, { button: "sub:stop" });
    expect((await svc.ctx.db.subscription.findFirstOrThrow({ where: { sourceCode: "cho-ba-to" } })).stoppedAt).not.toBeNull();
  });

  it("sends a test to the editor's own Telegram chat, linked by a one-time code, before approval", { timeout: 60_000 }, async () => {
    const draft = await api<CampaignView>(svc, who.editor, "POST", "/campaigns", {
      title: "Thử gửi",
      topic: "scam",
      variants: { vi: { text: "Nội dung thử của chiến dịch." } },
      buttons: [{ kind: "report" }],
    });
    // The Hre text is not typed by the editor: a speaker writes it on the translators' workbench, another approves.
    const typed = await api<{ error: { message: string } }>(svc, who.editor, "PATCH", `/campaigns/${draft.body.id}`, {
      title: "Thử gửi",
      topic: "scam",
      variants: { vi: { text: "Nội dung thử của chiến dịch." }, hre: { text: "[hre test] typed by the editor" } },
      buttons: [{ kind: "report" }],
    });
    expect(typed.status).toBe(400);
    expect(typed.body.error.message).toContain("Nội dung tiếng Hrê được viết và duyệt trên Bàn dịch");
    const speaker = async (username: string) => {
      const { officer } = await createReadyOfficer(svc.ctx, { username, displayName: username, role: "translator", unitId: null });
      await svc.ctx.db.officer.update({ where: { id: officer.id }, data: { languages: "vi,hre" } });
      return toSignedInOfficer({ ...officer, role: "translator" });
    };
    await saveDraft(svc.ctx, await speaker("dich.mot"), "hre", `campaign:${draft.body.id}`, { text: "Hre text from a speaker" });
    await approveTranslation(svc.ctx, await speaker("dich.hai"), "hre", `campaign:${draft.body.id}`);
    const notLinked = await api<{ error: { message: string } }>(svc, who.editor, "POST", `/campaigns/${draft.body.id}/test-send`);
    expect(notLinked.status).toBe(409);
    expect(notLinked.body.error.message).toContain("Chưa liên kết máy của bạn");

    const editorChat = new UpdateFactory({ user: { id: 5_550_777 }, firstUpdateId: 900_000 });
    await postUpdate(svc.url, editorChat.text("kt000000"));
    const { body } = await api<{ code: string }>(svc, who.editor, "POST", "/campaigns/test-chat/code");
    expect(body.code).toMatch(/^kt\d{6}$/);
    expect((await postUpdate(svc.url, editorChat.text(body.code))).status).toBe(200);
    await svc.settle();
    const said = fake.callsTo("sendMessage").filter((c) => c.params["chat_id"] === 5_550_777).map((c) => String(c.params["text"]));
    expect(said.some((t) => t.startsWith("Đã liên kết máy này với tài khoản cán bộ"))).toBe(body.code !== "kt000000");

    const sent = await api<{ messages: number; channel: string }>(svc, who.editor, "POST", `/campaigns/${draft.body.id}/test-send`);
    expect(sent.body).toEqual({ messages: 2, channel: "telegram" });
    await svc.settle();
    const tests = fake.callsTo("sendMessage").filter((c) => c.params["chat_id"] === 5_550_777 && String(c.params["text"]).startsWith("[Gửi thử"));
    expect(tests.map((c) => String(c.params["text"]))).toEqual(["[Gửi thử] Nội dung thử của chiến dịch.", "[Gửi thử · Tiếng Hrê] Hre text from a speaker"]);
    // Not sent to anyone else, and the draft stays a draft.
    expect(await svc.ctx.db.campaignDelivery.count({ where: { campaignId: draft.body.id } })).toBe(0);
    const audit = await svc.ctx.db.auditLog.findMany({ where: { action: "campaign.test_send", targetId: draft.body.id } });
    expect(audit).toHaveLength(1);
    // The code was single use.
    await postUpdate(svc.url, editorChat.text(body.code));
    await svc.settle();
    const last = fake.callsTo("sendMessage").filter((c) => c.params["chat_id"] === 5_550_777).at(-1);
    expect(String(last?.params["text"])).toContain("Mã liên kết không đúng");

    // A stranger guessing codes gets the follow-up secrets' budget (10 per hour), then waits, even for a right one.
    const stranger = new UpdateFactory({ user: { id: 5_550_888 }, firstUpdateId: 950_000 });
    for (let i = 0; i < 10; i++) await postUpdate(svc.url, stranger.text(`kt${String(100_000 + i)}`));
    const fresh = await api<{ code: string }>(svc, who.editor, "POST", "/campaigns/test-chat/code");
    await postUpdate(svc.url, stranger.text(fresh.body.code));
    // Replies to one chat go about one a second.
    const answers = () => fake.callsTo("sendMessage").filter((c) => c.params["chat_id"] === 5_550_888 && c.status === 200).map((c) => String(c.params["text"]));
    const toStranger = await waitFor("the stranger's 11 answers", async () => (answers().length >= 11 ? answers() : undefined), 30_000);
    expect(toStranger.filter((t) => t.includes("Mã liên kết không đúng"))).toHaveLength(10);
    expect(toStranger.at(-1)).toContain("tạm khóa");
    expect(toStranger.some((t) => t.startsWith("Đã liên kết"))).toBe(false);
  });

  it("pauses and resumes without sending anyone twice", async () => {
    await addSubscribers(svc, 90, { topics: ["festival"] });
    const c = await launch(svc, who, { topic: "festival", title: "Ngày hội", variants: { vi: { text: "Mời bà con dự Ngày hội toàn dân bảo vệ an ninh Tổ quốc 19/8." } } });
    await waitFor("some sent", async () => sentTo(fake, "Mời bà con dự Ngày hội").length >= 15);
    expect((await api(svc, who.editor, "POST", `/campaigns/${c.id}/pause`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 600));
    const atPause = sentTo(fake, "Mời bà con dự Ngày hội").length;
    await new Promise((r) => setTimeout(r, 1_200));
    expect(sentTo(fake, "Mời bà con dự Ngày hội").length).toBe(atPause);
    expect(atPause).toBeLessThan(90);
    expect((await api(svc, who.editor, "POST", `/campaigns/${c.id}/resume`)).status).toBe(200);
    const done = await finished(svc, who.editor, c.id);
    const got = sentTo(fake, "Mời bà con dự Ngày hội");
    expect(got).toHaveLength(90);
    expect(new Set(got).size).toBe(90);
    expect(done.counts).toMatchObject({ total: 90, sent: 90 });
    expect(done.statusLabel).toBe("Đã gửi xong");
  });
});

describe("a campaign on a bot with paid broadcasts (TELEGRAM_BROADCAST_RATE=1000)", () => {
  let fake: FakeTelegramBotApi;
  let svc: TestService;
  let who: Editors;
  beforeAll(async () => {
    fake = new FakeTelegramBotApi({ token: TEST_BOT_TOKEN, limits: { perSecond: 1000 } });
    await fake.start();
    svc = await startTestService(telegramWebhookEnv(fake.url, { TELEGRAM_BROADCAST_RATE: "1000" }));
    who = await addEditors(svc);
  });
  afterAll(async () => {
    await svc?.close();
    await fake?.close();
  });

  it("reaches 5,000 recipients once each, asks Telegram for paid broadcast, and gets no 429", async () => {
    await addSubscribers(svc, 5_000);
    const c = await launch(svc, who, {});
    const done = await finished(svc, who.editor, c.id, 120_000);
    const got = sentTo(fake, "Công an không bao giờ gọi");
    expect(got).toHaveLength(5_000);
    expect(new Set(got).size).toBe(5_000);
    expect(done.counts).toMatchObject({ total: 5_000, sent: 5_000 });
    expect(fake.throttled).toHaveLength(0);
    expect(fake.callsTo("sendMessage").every((call) => call.params["allow_paid_broadcast"] === true)).toBe(true);
    fake.assertAllValid();
  }, 150_000);
});
