/**
 * "Bài viết Zalo gửi người quan tâm": a campaign that is ONE broadcast of an OA Article to the followers Zalo's own
 * filters pick, against the fake OA API. Unavailable unless switched on (and the console is told why); approved by
 * a second person like every campaign; one call per run, recorded once, never repeated after an answer that never
 * came; Zalo's refusals handled (-32 later, -234 held to 06:00, -216 token refreshed and tried once more).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FakeZaloApi, ZALO_PATHS, zaloServiceEnv } from "../fakes/zalo-api.ts";
import { startTestService, type TestService } from "../support/service.ts";
import { campaignSource } from "../../src/translations/campaign-source.ts";
import { addEditors, addSubscribers, api, waitFor, type CampaignView, type Editors, zaloCampaignDesk } from "./support.ts";

const ARTICLE = "4402c73f7e7a9724ce6b";
const HOUR = 3600_000;

interface ArticleView extends CampaignView {
  kind: string;
  kindLabel: string;
  article: { articleId: string; targetLabel: string } | null;
  broadcasts: { run: number; state: string; stateLabel: string; note: string | null; messageId: string | null; sentAt: string | null; reach: null }[];
}

/** 10:00 in Vietnam today: daytime, whatever hour the test runs at. */
const daytime = () => new Date(`${new Date(Date.now() + 7 * HOUR).toISOString().slice(0, 10)}T10:00:00+07:00`);

const article = (target: Record<string, unknown> = {}) => ({
  title: "Bài viết: thủ đoạn lừa đảo mới",
  topic: "scam",
  kind: "zalo_article",
  variants: { vi: { text: "Bài viết nêu ba thủ đoạn giả danh công an gọi điện đòi chuyển tiền và cách báo tin." } },
  article: { articleId: ARTICLE, target },
});

describe("a Zalo article campaign where it is not switched on", () => {
  const fake = new FakeZaloApi();
  let svc: TestService;
  let who: Editors;
  zaloCampaignDesk(fake, (desk) => ({ svc, who } = desk));

  it("is refused with the reason, and the console is told why; an ordinary campaign is unchanged", async () => {
    const options = await api<{ available: boolean; reason: string | null }>(svc, who.editor, "GET", "/campaigns/zalo-article/options");
    expect(options.status).toBe(200);
    expect(options.body.available).toBe(false);
    expect(options.body.reason).toContain("chưa được bật");
    const refused = await api<{ error: { message: string } }>(svc, who.editor, "POST", "/campaigns", article());
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain("chưa được bật");
    expect(await svc.ctx.db.campaign.count({ where: { kind: "zalo_article" } })).toBe(0);

    const plain = await api<ArticleView>(svc, who.editor, "POST", "/campaigns", { title: "Tin thường", topic: "scam", variants: { vi: { text: "Cảnh giác lừa đảo." } }, audience: { channels: ["zalo"] } });
    expect(plain.status).toBe(201);
    expect(plain.body).toMatchObject({ kind: "message", article: null, broadcasts: [] });
  });
});

describe("a Zalo article campaign", { timeout: 60_000 }, () => {
  const fake = new FakeZaloApi();
  let svc: TestService;
  let who: Editors;
  let clock: Date | undefined;
  beforeAll(async () => {
    const { url } = await fake.start();
    svc = await startTestService({
      ...zaloServiceEnv(fake, url),
      ZALO_ARTICLE_BROADCAST: "on",
      ZALO_ARTICLE_CITIES: JSON.stringify({ "Quảng Ngãi": "47", "Đà Nẵng": "20" }),
    });
    const real = svc.ctx.now;
    svc.ctx.now = () => clock ?? real();
    who = await addEditors(svc);
  });
  afterAll(async () => {
    await svc?.close();
    await fake.close();
  });
  afterEach(() => fake.assertAllValid());

  const broadcasts = () => fake.callsTo(ZALO_PATHS.broadcast);
  const accepted = () => broadcasts().filter((c) => c.status === 200 && (c.answer as { error?: number }).error === 0);
  const view = async (id: string) => (await api<ArticleView>(svc, who.editor, "GET", `/campaigns/${id}`)).body;
  const create = async (target?: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const created = await api<ArticleView>(svc, who.editor, "POST", "/campaigns", { ...article(target), ...extra });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await api(svc, who.editor, "POST", `/campaigns/${created.body.id}/submit`)).status).toBe(200);
    return created.body;
  };
  const approve = async (id: string) => {
    const approved = await api<ArticleView>(svc, who.lead, "POST", `/campaigns/${id}/approve`);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    return approved.body;
  };
  const stateIs = (id: string, state: string, timeoutMs = 15_000) =>
    waitFor(`broadcast ${state}`, async () => {
      const v = await view(id);
      return v.broadcasts[0]?.state === state ? v : undefined;
    }, timeoutMs);

  it("offers Zalo's filters in Vietnamese and refuses what an article cannot have", async () => {
    const options = await api<{ available: boolean; ages: { label: string }[]; genders: { label: string }[]; cities: { value: string }[]; platforms: { label: string }[]; reachNote: string }>(
      svc, who.editor, "GET", "/campaigns/zalo-article/options",
    );
    expect(options.body.available).toBe(true);
    expect(options.body.genders.map((g) => g.label)).toEqual(["Nam", "Nữ"]);
    expect(options.body.ages[2]!.label).toBe("Từ 18 đến 24 tuổi");
    expect(options.body.cities.map((c) => c.value)).toEqual(["Quảng Ngãi", "Đà Nẵng"]);
    expect(options.body.reachNote).toContain("không cho biết số người nhận");

    const withButtons = await api<{ error: { message: string } }>(svc, who.editor, "POST", "/campaigns", { ...article(), buttons: [{ kind: "report" }], audience: { communes: ["51234"] } });
    expect(withButtons.status).toBe(400);
    expect(withButtons.body.error.message).toContain("không có nút bấm, người nhận theo chủ đề, ngôn ngữ, xã, kênh");
    const badCity = await api<{ error: { message: string } }>(svc, who.editor, "POST", "/campaigns", article({ cities: ["Hà Nội"] }));
    expect(badCity.status).toBe(400);
    expect(badCity.body.error.message).toContain("Hà Nội");
    const noArticle = await api(svc, who.editor, "POST", "/campaigns", { ...article(), article: undefined });
    expect(noArticle.status).toBe(400);
    const test = await create();
    const testSend = await api<{ error: { message: string } }>(svc, who.editor, "POST", `/campaigns/${test.id}/test-send`);
    expect(testSend.status).toBe(409);
    expect(testSend.body.error.message).toContain("không gửi thử");
    // The summary is for the approver, never sent: nothing for the translators' workbench.
    expect((await campaignSource.entries(svc.ctx.db)).map((e) => e.key)).not.toContain(`campaign:${test.id}`);
    expect(await campaignSource.find!(svc.ctx.db, `campaign:${test.id}`)).toBeUndefined();
    await api(svc, who.editor, "POST", `/campaigns/${test.id}/cancel`);
  });

  it("is approved by another person, then sent as ONE broadcast with Zalo's codes, recorded with Zalo's message id", async () => {
    clock = daytime();
    who = await addEditors(svc);
    await addSubscribers(svc, 3, { channel: "zalo" }); // subscribers are not this kind's audience
    fake.reset();
    const c = await create({ genders: ["female"], ages: ["18-24", "25-34"], cities: ["Quảng Ngãi"], platforms: ["android"] });
    expect(c.article).toMatchObject({ articleId: ARTICLE, targetLabel: "Nữ · Từ 18 đến 24 tuổi, Từ 25 đến 34 tuổi · Quảng Ngãi · Android" });
    const preview = await api<{ broadcast: { request: unknown; targetLabel: string } }>(svc, who.editor, "GET", `/campaigns/${c.id}/preview`);
    const self = await api<{ error: { message: string } }>(svc, who.editor, "POST", `/campaigns/${c.id}/approve`);
    expect(self.status).toBe(403);
    await approve(c.id);
    const sent = await stateIs(c.id, "sent");
    await waitFor("the campaign to be done", async () => (await view(c.id)).status === "done");

    expect(broadcasts()).toHaveLength(1);
    const call = broadcasts()[0]!;
    expect(call.params).toEqual({
      recipient: { target: { ages: "2,3", gender: "2", cities: "47", platform: "2" } },
      message: { attachment: { type: "template", payload: { template_type: "media", elements: [{ media_type: "article", attachment_id: ARTICLE }] } } },
    });
    expect(preview.body.broadcast.request).toEqual(call.params);
    expect(fake.callsTo(ZALO_PATHS.message)).toHaveLength(0);
    const answerId = (call.answer as { data: { message_id: string } }).data.message_id;
    expect(sent.broadcasts).toEqual([expect.objectContaining({ run: 0, state: "sent", stateLabel: "Zalo đã nhận lệnh gửi", messageId: answerId, reach: null })]);
    expect(sent.counts.total).toBe(0);
    expect(await svc.ctx.db.campaignDelivery.count({ where: { campaignId: c.id } })).toBe(0);
    const audit = await svc.ctx.db.auditLog.findMany({ where: { targetId: c.id }, select: { action: true } });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["campaign.create", "campaign.submit", "campaign.approve"]));

    // Several scheduler passes later, still one call.
    await svc.campaigns.schedule();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(broadcasts()).toHaveLength(1);
  });

  it("with no filter, sends to every follower (gender 0)", async () => {
    clock = daytime();
    fake.reset();
    const c = await create();
    await approve(c.id);
    await stateIs(c.id, "sent");
    expect((broadcasts()[0]!.params["recipient"] as { target: unknown }).target).toEqual({ gender: "0" });
  });

  it("after -32 waits and calls again; after -216 refreshes the token and calls once more", async () => {
    clock = daytime();
    fake.reset();
    fake.failNext(ZALO_PATHS.broadcast, { kind: "error", code: -32 });
    const c = await create();
    await approve(c.id);
    const waiting = await waitFor("the rate-limited broadcast to wait", async () => {
      const v = await view(c.id);
      return v.broadcasts[0]?.state === "queued" && broadcasts().length === 1 ? v : undefined;
    });
    expect(waiting.broadcasts[0]!.note).toContain("giới hạn");
    await new Promise((r) => setTimeout(r, 1_200));
    expect(broadcasts()).toHaveLength(1);
    clock = new Date(daytime().getTime() + 31_000);
    await stateIs(c.id, "sent");
    expect(broadcasts()).toHaveLength(2);
    expect(accepted()).toHaveLength(1);

    clock = daytime();
    fake.reset();
    const refreshes = fake.oauthCalls.length;
    fake.failNext(ZALO_PATHS.broadcast, { kind: "error", code: -216, message: "Access token is invalid" });
    const t = await create();
    await approve(t.id);
    await stateIs(t.id, "sent");
    expect(broadcasts()).toHaveLength(2);
    expect(accepted()).toHaveLength(1);
    expect(fake.oauthCalls.length).toBe(refreshes + 1);
  });

  it("never broadcasts between 22:00 and 06:00: held to 06:00, and Zalo's -234 holds it too", async () => {
    const night = new Date(daytime().getTime() + 13 * HOUR); // 23:00 in Vietnam
    clock = night;
    who = await addEditors(svc);
    fake.reset();
    const c = await create();
    await approve(c.id);
    await waitFor("the broadcast to be held", async () => (await view(c.id)).broadcasts[0]?.note?.includes("06:00"));
    const row = await svc.ctx.db.campaignBroadcast.findFirstOrThrow({ where: { campaignId: c.id } });
    expect(row).toMatchObject({ state: "queued", heldReason: "night" });
    expect(row.nextAttemptAt.getTime()).toBe(night.getTime() + 7 * HOUR);
    await new Promise((r) => setTimeout(r, 1_200));
    expect(broadcasts()).toHaveLength(0);
    clock = new Date(night.getTime() + 7 * HOUR); // 06:00
    who = await addEditors(svc);
    await stateIs(c.id, "sent");
    expect(broadcasts()).toHaveLength(1);

    // Zalo's own clock says night: nothing went out, so it waits for the morning (not "uncertain", not failed).
    clock = daytime();
    who = await addEditors(svc);
    fake.reset();
    fake.failNext(ZALO_PATHS.broadcast, { kind: "error", code: -234, message: "Not allowed at this time" });
    const d = await create();
    await approve(d.id);
    await waitFor("the refused broadcast to be held", async () => (await view(d.id)).broadcasts[0]?.note?.includes("06:00"));
    expect(broadcasts()).toHaveLength(1);
    clock = new Date(daytime().getTime() + 24 * HOUR); // 10:00 tomorrow, after any 06:00 the wait was counted to
    who = await addEditors(svc);
    await stateIs(d.id, "sent");
    expect(broadcasts()).toHaveLength(2);
    expect(accepted()).toHaveLength(1);
  });

  it("an answer that never came, or a process that died mid-call, is 'uncertain' and never sent again", async () => {
    clock = daytime();
    fake.reset();
    fake.failNext(ZALO_PATHS.broadcast, { kind: "disconnect" });
    const c = await create();
    await approve(c.id);
    const uncertain = await stateIs(c.id, "uncertain");
    expect(uncertain.broadcasts[0]!.stateLabel).toBe("Không rõ đã gửi hay chưa");
    expect(uncertain.broadcasts[0]!.note).toContain("không tự gửi lại");
    await waitFor("the campaign to be done", async () => (await view(c.id)).status === "done");
    await new Promise((r) => setTimeout(r, 1_500));
    expect(broadcasts()).toHaveLength(1);

    // A row a dead process left "sending" (its lease over): settled as uncertain, no call made.
    fake.reset();
    const d = await create(undefined, { scheduledAt: new Date(daytime().getTime() + 48 * HOUR).toISOString() });
    await approve(d.id);
    await svc.ctx.db.$transaction(async (tx) => {
      await tx.campaign.update({ where: { id: d.id }, data: { status: "sending", nextRunAt: null, nextRun: 1 } });
      await tx.campaignBroadcast.create({ data: { campaignId: d.id, run: 0, state: "sending", attempts: 1, lockedBy: "a-dead-process", lockedUntil: new Date(daytime().getTime() - 1_000) } });
    });
    const settled = await stateIs(d.id, "uncertain");
    expect(settled.broadcasts).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1_200));
    expect(broadcasts()).toHaveLength(0);
  });

  it("a restart finds the broadcast a previous process left mid-call: uncertain, not sent again", async () => {
    clock = daytime();
    fake.reset();
    const d = await create(undefined, { scheduledAt: new Date(daytime().getTime() + 48 * HOUR).toISOString() });
    await approve(d.id);
    // What a process killed during the call leaves: the row marked "sending", its lease still running. On SQLite (one
    // process) only the restart can settle it within the wait below; on PostgreSQL any process does once the lease ends.
    const lease = svc.ctx.config.dialect === "sqlite" ? 120_000 : 3_000;
    await svc.ctx.db.$transaction(async (tx) => {
      await tx.campaign.update({ where: { id: d.id }, data: { status: "sending", nextRunAt: null, nextRun: 1 } });
      await tx.campaignBroadcast.create({ data: { campaignId: d.id, run: 0, state: "sending", attempts: 1, lockedBy: "the-killed-process", lockedUntil: new Date(Date.now() + lease) } });
    });
    const restarted = await startTestService(
      { ...zaloServiceEnv(fake, fake.url), ZALO_ARTICLE_BROADCAST: "on" },
      {},
      { dir: svc.dir, url: svc.ctx.config.databaseUrl, key: svc.ctx.config.encryptionKey!.toString("base64") },
    );
    try {
      // SQLite (one process): settled at start; PostgreSQL: once the lease is over.
      const settled = await stateIs(d.id, "uncertain");
      expect(settled.broadcasts[0]!.note).toContain("không tự gửi lại");
      await new Promise((r) => setTimeout(r, 1_500));
      expect(broadcasts()).toHaveLength(0);
      expect(await restarted.ctx.db.campaignBroadcast.count({ where: { campaignId: d.id } })).toBe(1);
    } finally {
      await restarted.close();
    }
  });

  it("a cancel while held at night means no call; an unknown article is Zalo's refusal, recorded as failed", async () => {
    const night = new Date(daytime().getTime() + 14 * HOUR);
    clock = night;
    who = await addEditors(svc);
    fake.reset();
    const c = await create();
    await approve(c.id);
    await waitFor("held", async () => (await view(c.id)).broadcasts[0]?.note?.includes("06:00"));
    expect((await api(svc, who.editor, "POST", `/campaigns/${c.id}/cancel`)).status).toBe(200);
    clock = new Date(night.getTime() + 10 * HOUR);
    who = await addEditors(svc);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(broadcasts()).toHaveLength(0);
    expect((await view(c.id)).broadcasts[0]).toMatchObject({ state: "skipped" });

    clock = daytime();
    who = await addEditors(svc);
    fake.articles.delete(ARTICLE);
    try {
      const d = await create();
      await approve(d.id);
      const failed = await stateIs(d.id, "failed");
      expect(failed.broadcasts[0]!.note).toContain("mã bài viết");
      expect(broadcasts()).toHaveLength(1);
    } finally {
      fake.articles.add(ARTICLE);
    }
  });
});
