/**
 * A campaign on Zalo by Zalo's rules, against the fake OA API: free-form messages only inside a resident's 7-day
 * window, an approved ZBS template for the others where the topic has one (else skipped `window_closed`), nothing
 * promotional between 22:00 and 06:00 Vietnam time (held, then sent at 06:00), and "received"/"seen" receipts
 * counted in the campaign's figures.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FAKE_OA_ID, FAKE_OA_SECRET_KEY, FakeZaloApi, ZALO_PATHS, ZaloEventFactory, zaloServiceEnv } from "../fakes/zalo-api.ts";
import { startTestService, type TestService } from "../support/service.ts";
import { addEditors, addSubscribers, api, finished, launch, waitFor, type CampaignView, type Editors } from "./support.ts";

const DAY = 24 * 3600_000;

describe("a campaign on Zalo", () => {
  const fake = new FakeZaloApi();
  let svc: TestService;
  let who: Editors;
  let clock: Date | undefined;
  beforeAll(async () => {
    const { url } = await fake.start();
    svc = await startTestService({ ...zaloServiceEnv(fake, url), ZALO_CAMPAIGN_TEMPLATES: JSON.stringify({ scam: "301001" }) });
    const real = svc.ctx.now;
    svc.ctx.now = () => clock ?? real();
    who = await addEditors(svc);
  });
  afterAll(async () => {
    await svc?.close();
    await fake.close();
  });
  afterEach(() => fake.assertAllValid());

  /** 10:00 in Vietnam today: daytime, whatever hour the test runs at. */
  const daytime = () => new Date(`${new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10)}T10:00:00+07:00`);
  const usersOf = (path: string, text: string) =>
    fake
      .callsTo(path)
      .filter((c) => c.status === 200 && JSON.stringify(c.params).includes(text))
      .map((c) => String((c.params["recipient"] as { user_id?: string } | undefined)?.user_id ?? c.params["user_id"]));

  it("sends inside the 7-day window, uses the topic's template outside it, and skips window_closed where there is no template", async () => {
    clock = daytime();
    const inside = await addSubscribers(svc, 3, { channel: "zalo", lastInboundAt: new Date(clock.getTime() - 2 * DAY) });
    const outside = await addSubscribers(svc, 2, { channel: "zalo", lastInboundAt: new Date(clock.getTime() - 8 * DAY) });
    const scam = await launch(svc, who, { title: "Lừa đảo qua Zalo", variants: { vi: { text: "Cảnh giác tin nhắn giả mạo công an trên Zalo." } } });
    const done = await finished(svc, who.editor, scam.id);
    expect(usersOf(ZALO_PATHS.message, "Cảnh giác tin nhắn giả mạo").sort()).toEqual(inside.map((p) => p.chatId).sort());
    expect(usersOf(ZALO_PATHS.template, "Cảnh giác tin nhắn giả mạo").sort()).toEqual(outside.map((p) => p.chatId).sort());
    expect(done.counts).toMatchObject({ total: 5, sent: 5, skipped: 0 });
    expect(await svc.ctx.db.campaignDelivery.count({ where: { campaignId: scam.id, via: "template" } })).toBe(2);

    // Drugs has no approved template: residents outside the window are skipped, with the reason.
    const drugsOutside = await addSubscribers(svc, 2, { channel: "zalo", topics: ["drugs"], lastInboundAt: new Date(clock.getTime() - 10 * DAY) });
    await addSubscribers(svc, 1, { channel: "zalo", topics: ["drugs"], lastInboundAt: new Date(clock.getTime() - DAY) });
    const drugs = await launch(svc, who, { topic: "drugs", title: "Ma túy", variants: { vi: { text: "Phát hiện mua bán ma túy, hãy báo ngay." } } });
    const after = await finished(svc, who.editor, drugs.id);
    expect(after.counts).toMatchObject({ total: 3, sent: 1, skipped: 2, byReason: { window_closed: 2 } });
    expect(usersOf(ZALO_PATHS.template, "Phát hiện mua bán ma túy")).toEqual([]);
    expect(usersOf(ZALO_PATHS.message, "Phát hiện mua bán ma túy")).not.toContain(drugsOutside[0]!.chatId);
  });

  it("holds promotional messages between 22:00 and 06:00 Vietnam time and sends them at 06:00", async () => {
    const night = new Date(daytime().getTime() + 13 * 3600_000); // 23:00 in Vietnam
    clock = night;
    who = await addEditors(svc); // signed in on this clock
    const people = await addSubscribers(svc, 3, { channel: "zalo", topics: ["traffic"], lastInboundAt: new Date(night.getTime() - DAY) });
    const c = await launch(svc, who, { topic: "traffic", title: "Đêm", variants: { vi: { text: "Không lái xe sau khi uống rượu bia." } } });
    const held = await waitFor("the deliveries held", async () => {
      const { body } = await api<CampaignView>(svc, who.editor, "GET", `/campaigns/${c.id}`);
      return body.counts.held === 3 ? body : undefined;
    });
    expect(held.counts).toMatchObject({ total: 3, sent: 0, queued: 3 });
    const rows = await svc.ctx.db.campaignDelivery.findMany({ where: { campaignId: c.id } });
    expect(rows.every((r) => r.heldReason === "night" && r.nextAttemptAt.getTime() === night.getTime() + 7 * 3600_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 1_200));
    expect(usersOf(ZALO_PATHS.message, "Không lái xe sau khi uống")).toEqual([]);

    clock = new Date(night.getTime() + 7 * 3600_000); // 06:00
    who = await addEditors(svc);
    svc.campaigns.kick();
    const done = await finished(svc, who.editor, c.id);
    expect(done.counts).toMatchObject({ total: 3, sent: 3, held: 0 });
    expect(usersOf(ZALO_PATHS.message, "Không lái xe sau khi uống").sort()).toEqual(people.map((p) => p.chatId).sort());
  });

  it("counts what Zalo reports as received and seen", async () => {
    clock = daytime();
    who = await addEditors(svc);
    const people = await addSubscribers(svc, 2, { channel: "zalo", topics: ["wanted"], lastInboundAt: new Date(clock.getTime() - DAY) });
    const c = await launch(svc, who, { topic: "wanted", title: "Truy nã", variants: { vi: { text: "Thông báo truy nã trên Zalo." } } });
    await finished(svc, who.editor, c.id);
    const ids = (await svc.ctx.db.campaignDelivery.findMany({ where: { campaignId: c.id }, orderBy: { id: "asc" } })).map((r) => r.providerMessageId!);
    expect(ids.every(Boolean)).toBe(true);
    clock = undefined; // the webhook and the inbox run on the real clock
    who = await addEditors(svc); // signed in on it (10:00 may be more than the 12 idle hours ago)
    const events = new ZaloEventFactory({ appId: fake.appId, oaId: FAKE_OA_ID, oaSecretKey: FAKE_OA_SECRET_KEY, attachments: fake, user: people[0]!.chatId });
    for (const event of [events.received([ids[0]!, ids[1]!]), events.seen([ids[0]!])]) {
      const { rawBody, headers } = events.signed(event);
      const res = await fetch(`${svc.url}/webhooks/zalo`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: new Uint8Array(rawBody) });
      expect(res.status).toBe(200);
    }
    await svc.settle();
    const after = await api<CampaignView & { counts: { delivered: number; seen: number } }>(svc, who.editor, "GET", `/campaigns/${c.id}`);
    expect(after.body.counts).toMatchObject({ sent: 2, delivered: 2, seen: 1 });
  });
});
