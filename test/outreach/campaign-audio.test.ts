/**
 * A campaign's Hre/Co recording (issue 12 item 2): a native speaker records it on the translators' workbench for the
 * campaign's entry, a second speaker approves it, and then every Hre (or Co) subscriber gets it with the message,
 * by each channel's rules: Telegram a voice note (the OGG/Opus copy, uploaded with sendVoice, checked by the fake Bot
 * API against the published spec) before the text; Zalo the M4A copy as a file before the text; the web chat a
 * player in the message. A Vietnamese subscriber, and one whose recording is still a draft, get the text only. A
 * delivery stays one row, and the voice note is one more message against the bot's rate.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planRequests } from "../../src/channels/telegram/plan.ts";
import type { WebchatView } from "../../src/channels/webchat/channel.ts";
import type { AudioClip } from "../../src/db/generated/sqlite/client.ts";
import { PASSWORD, signIn, type SignedIn } from "../console/support.ts";
import { FakeTelegramBotApi, specAvailable } from "../fakes/telegram-bot-api.ts";
import { FakeZaloApi, ZALO_PATHS } from "../fakes/zalo-api.ts";
import { createReadyOfficer } from "../support/officers.ts";
import { makeRecording } from "../support/recordings.ts";
import { chat, startTestService, WebchatVisitor, type TestService } from "../support/service.ts";
import { TEST_BOT_TOKEN, telegramWebhookEnv } from "../support/telegram-webhook.ts";
import { addEditors, addSubscribers, api, finished, headers, recordCampaign, type CampaignView, type Editors, zaloCampaignDesk } from "./support.ts";

const hasSpec = specAvailable();
if (!hasSpec && process.env.CI) throw new Error("Telegram Bot API spec missing: expected ../shared/data/telegram-bot-api-10.1.json");

interface Recording {
  durationMs: number;
  sources: { url: string; type: string }[];
}
interface PreviewItem {
  channel: string;
  language: string;
  fallback: boolean;
  requests: Record<string, unknown>[];
  messages: number;
  audio: Recording | null;
}
type WithRecordings = CampaignView & { recordings: { hre: Recording | null; cua: Recording | null } };

const VI_TEXT = "Công an không bao giờ gọi điện yêu cầu chuyển tiền. Gặp cuộc gọi như vậy, hãy báo ngay.";

async function draftCampaign(svc: TestService, who: Editors, input: Record<string, unknown> = {}): Promise<string> {
  const created = await api<CampaignView>(svc, who.editor, "POST", "/campaigns", { title: "Cảnh báo có ghi âm", topic: "scam", variants: { vi: { text: VI_TEXT } }, ...input });
  expect(created.status).toBe(201);
  return created.body.id;
}

async function submitAndApprove(svc: TestService, who: Editors, id: string): Promise<void> {
  expect((await api(svc, who.editor, "POST", `/campaigns/${id}/submit`)).status).toBe(200);
  expect((await api(svc, who.lead, "POST", `/campaigns/${id}/approve`)).status).toBe(200);
}

describe.runIf(hasSpec)("a campaign's recording on Telegram", () => {
  const fake = new FakeTelegramBotApi({ token: TEST_BOT_TOKEN, limits: { perSecond: 30 } });
  let svc: TestService;
  let who: Editors;
  let hien: SignedIn;
  let tuan: SignedIn;
  let co: SignedIn;
  beforeAll(async () => {
    const { url } = await fake.start();
    svc = await startTestService(telegramWebhookEnv(url));
    who = await addEditors(svc);
    for (const [username, languages] of [["dich.hien", "vi,hre"], ["dich.tuan", "vi,hre,cua"], ["dich.co", "vi,cua"]] as const) {
      const { officer } = await createReadyOfficer(svc.ctx, { username, displayName: `Người dịch ${username}`, role: "translator", unitId: null, password: PASSWORD });
      await svc.ctx.db.officer.update({ where: { id: officer.id }, data: { languages } });
    }
    [hien, tuan, co] = await Promise.all([signIn(svc.url, "dich.hien"), signIn(svc.url, "dich.tuan"), signIn(svc.url, "dich.co")]);
  });
  afterAll(async () => {
    await svc?.close();
    await fake.close();
  });

  /** A speaker records the campaign on the workbench (a browser's WebM/Opus), as a draft. */
  async function record(who: SignedIn, lang: string, campaignId: string): Promise<{ version: number; audio: { sha256: string } }> {
    const res = await fetch(`${svc.url}/api/translations/${lang}/${encodeURIComponent(`campaign:${campaignId}`)}/audio?version=0`, {
      method: "PUT",
      headers: { ...headers(who), "content-type": "audio/webm;codecs=opus" },
      body: new Uint8Array(makeRecording("webm", 4, lang === "hre" ? 440 : 523)),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { version: number; audio: { sha256: string } };
  }

  it("sends a Hre subscriber the reviewed recording as a voice note, then the text; Vietnamese and a draft Co recording get text only; one delivery each", async () => {
    const id = await draftCampaign(svc, who, { buttons: [{ kind: "report" }] });
    // Before any recording: the campaign and its preview say there is none.
    const before = await api<WithRecordings>(svc, who.editor, "GET", `/campaigns/${id}`);
    expect(before.body.recordings).toEqual({ hre: null, cua: null });

    const hre = await record(hien, "hre", id);
    const approved = await fetch(`${svc.url}/api/translations/hre/${encodeURIComponent(`campaign:${id}`)}/approve`, {
      method: "POST",
      headers: { ...headers(tuan), "content-type": "application/json" },
      body: JSON.stringify({ version: hre.version }),
    });
    expect(approved.status).toBe(200);
    // Co: recorded, never approved by a second speaker.
    await record(co, "cua", id);

    const view = await api<WithRecordings>(svc, who.editor, "GET", `/campaigns/${id}`);
    expect(view.body.recordings.cua).toBeNull();
    expect(view.body.recordings.hre).toEqual({
      durationMs: expect.any(Number),
      sources: [
        { url: `/chat/audio/clip/${hre.audio.sha256}.ogg`, type: "audio/ogg; codecs=opus" },
        { url: `/chat/audio/clip/${hre.audio.sha256}.m4a`, type: "audio/mp4" },
      ],
    });
    expect(Math.abs(view.body.recordings.hre!.durationMs - 4_000)).toBeLessThanOrEqual(100);
    // The player's address plays for anyone (the editor's browser): it is the reviewed clip.
    const heard = await fetch(`${svc.url}${view.body.recordings.hre!.sources[0]!.url}`);
    expect(heard.status).toBe(200);
    expect(Buffer.from(await heard.arrayBuffer()).subarray(0, 4).toString("latin1")).toBe("OggS");

    // The preview: on Telegram and Zalo the recording is its own message (counted), in the web chat it is in the bubble.
    const preview = await api<{ channels: PreviewItem[] }>(svc, who.editor, "GET", `/campaigns/${id}/preview`);
    const item = (channel: string, language: string) => preview.body.channels.find((c) => c.channel === channel && c.language === language)!;
    expect(item("telegram", "hre").requests.map((r) => r["method"])).toEqual(["sendVoice", "sendMessage"]);
    expect(item("telegram", "hre").requests[0]).toMatchObject({ payload: { voice: { source: `/chat/audio/clip/${hre.audio.sha256}.ogg` } } });
    expect(item("telegram", "hre").messages).toBe(2);
    expect(item("zalo", "hre").requests[0]).toMatchObject({ kind: "clip", file: `/chat/audio/clip/${hre.audio.sha256}.m4a` });
    expect(item("zalo", "hre").messages).toBe(2);
    expect(item("webchat", "hre").messages).toBe(1);
    expect(item("webchat", "hre").requests[0]).toMatchObject({ audio: view.body.recordings.hre, text: VI_TEXT });
    for (const language of ["vi", "cua"]) {
      expect(item("telegram", language).audio).toBeNull();
      expect(item("telegram", language).requests.map((r) => r["method"])).toEqual(["sendMessage"]);
      expect(item("telegram", language).messages).toBe(1);
    }
    // No path on the server is shown to the editor.
    expect(JSON.stringify(preview.body)).not.toContain(svc.ctx.config.mediaDir);

    const [vi] = await addSubscribers(svc, 1);
    const [hreResident] = await addSubscribers(svc, 1, { language: "hre" });
    const [coResident] = await addSubscribers(svc, 1, { language: "cua" });
    await submitAndApprove(svc, who, id);
    const done = await finished(svc, who.editor, id);
    expect(done.counts).toMatchObject({ total: 3, sent: 3, failed: 0, skipped: 0 });
    expect(await svc.ctx.db.campaignDelivery.count({ where: { campaignId: id } })).toBe(3);

    const callsTo = (chatId: string) => fake.calls.filter((c) => String(c.params["chat_id"]) === chatId && c.status === 200);
    expect(callsTo(hreResident!.chatId).map((c) => c.method)).toEqual(["sendVoice", "sendMessage"]);
    const voice = callsTo(hreResident!.chatId)[0]!;
    expect(voice.files.map((f) => f.field)).toEqual(["voice"]);
    const clip = await svc.ctx.db.audioClip.findUniqueOrThrow({ where: { sha256: hre.audio.sha256 } });
    expect(voice.files[0]!.data.equals(readFileSync(path.join(svc.ctx.config.mediaDir, clip.oggFile!)))).toBe(true);
    expect(voice.files[0]!.data.includes(Buffer.from("OpusHead"))).toBe(true);
    expect(callsTo(hreResident!.chatId)[1]!.params["text"]).toBe(VI_TEXT);
    for (const p of [vi!, coResident!]) {
      expect(callsTo(p.chatId).map((c) => c.method)).toEqual(["sendMessage"]);
      expect(callsTo(p.chatId)[0]!.params["text"]).toBe(VI_TEXT);
    }
    fake.assertAllValid();
  }, 60_000);

  it("marks the voice note of a paid broadcast like its text (allow_paid_broadcast), or Telegram would hold it to 30/s", () => {
    const requests = planRequests("42", { text: "Tin", audio: { file: "/tmp/x.ogg", mime: "audio/ogg" }, paidBroadcast: true });
    expect(requests.map((r) => [r.method, r.payload["allow_paid_broadcast"]])).toEqual([
      ["sendVoice", true],
      ["sendMessage", true],
    ]);
  });
});

describe.runIf(hasSpec)("a campaign's recording against the bot's rate", () => {
  // A bot held to 5 messages/s (TELEGRAM_BROADCAST_RATE), so that the rate, not the time a call takes on a busy
  // machine, is what paces the lane: then a voice note not counted would show as Telegram's 429s.
  const fake = new FakeTelegramBotApi({ token: TEST_BOT_TOKEN, limits: { perSecond: 5 } });
  let svc: TestService;
  let who: Editors;
  beforeAll(async () => {
    const { url } = await fake.start();
    svc = await startTestService(telegramWebhookEnv(url, { TELEGRAM_BROADCAST_RATE: "5" }));
    who = await addEditors(svc);
  });
  afterAll(async () => {
    await svc?.close();
    await fake.close();
  });

  it("counts the voice note as a message: 12 Hre subscribers are 24 messages, about 5 s at 5/s, and Telegram never says 429", async () => {
    const id = await draftCampaign(svc, who, { title: "Nhiều người nghe" });
    await recordCampaign(svc.ctx, id, "hre", { seconds: 1 });
    const people = await addSubscribers(svc, 12, { language: "hre" });
    await submitAndApprove(svc, who, id);
    const done = await finished(svc, who.editor, id);
    expect(done.counts).toMatchObject({ total: 12, sent: 12, failed: 0 });
    expect(fake.throttled).toHaveLength(0);
    const sends = fake.calls.filter((c) => /^send/.test(c.method) && c.status === 200);
    const spanSeconds = (sends.at(-1)!.at.getTime() - sends[0]!.at.getTime()) / 1000;
    // 24 messages at 5/s: the last goes about 4.6 s after the first (12 deliveries counted once would take half).
    expect(spanSeconds).toBeGreaterThan(4);
    for (const p of people) {
      const got = fake.calls.filter((c) => String(c.params["chat_id"]) === p.chatId && c.status === 200).map((c) => c.method);
      expect(got).toEqual(["sendVoice", "sendMessage"]);
    }
    // Uploaded once; every other chat gets it by the file_id Telegram gave it.
    const voices = fake.callsTo("sendVoice").filter((c) => c.status === 200);
    expect(voices.filter((c) => c.files.length > 0)).toHaveLength(1);
    const fileId = (voices.find((c) => c.files.length)!.reply as { result: { voice: { file_id: string } } }).result.voice.file_id;
    expect(new Set(voices.filter((c) => c.files.length === 0).map((c) => c.params["voice"]))).toEqual(new Set([fileId]));
    fake.assertAllValid();
  }, 60_000);

  it("sends the text alone when it failed after the voice note went: the resident never gets the recording twice", async () => {
    // A topic of its own: the 12 subscribers of the test above are not in this audience.
    const id = await draftCampaign(svc, who, { title: "Thử lại phần chữ", topic: "traffic" });
    await recordCampaign(svc.ctx, id, "hre", { seconds: 1 });
    const [person] = await addSubscribers(svc, 1, { language: "hre", topics: ["traffic"] });
    fake.failNext("sendMessage", { kind: "502" });
    await submitAndApprove(svc, who, id);
    const done = await finished(svc, who.editor, id);
    expect(done.counts).toMatchObject({ total: 1, sent: 1, failed: 0 });
    const calls = fake.calls.filter((c) => String(c.params["chat_id"]) === person!.chatId).map((c) => [c.method, c.failure ? "failed" : c.status]);
    expect(calls).toEqual([
      ["sendVoice", 200],
      ["sendMessage", "failed"],
      ["sendMessage", 200],
    ]);
  });
});

describe("a campaign's recording on Zalo", () => {
  const fake = new FakeZaloApi({ uploadFileTypes: "any" });
  let svc: TestService;
  let who: Editors;
  zaloCampaignDesk(fake, (desk) => ({ svc, who } = desk));

  it("uploads the M4A copy once, sends it as a file before the Co text; the Vietnamese subscriber gets the text only", async () => {
    // Daytime in Vietnam, so the night hold does not apply whatever hour the test runs at.
    const real = svc.ctx.now;
    svc.ctx.now = () => new Date(`${new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10)}T10:00:00+07:00`);
    try {
      const id = await draftCampaign(svc, who, { buttons: [{ kind: "report" }] });
      const coText = "[cua test] Bản Co do người dịch viết";
      const clip: AudioClip = await recordCampaign(svc.ctx, id, "cua", { text: coText });
      // The workbench writes a reviewed text through into the campaign (here written as it would be).
      await svc.ctx.db.campaign.update({ where: { id }, data: { variantsJson: JSON.stringify({ vi: { text: VI_TEXT }, cua: { text: coText } }) } });
      const co = await addSubscribers(svc, 2, { channel: "zalo", language: "cua" });
      const [vi] = await addSubscribers(svc, 1, { channel: "zalo" });
      await submitAndApprove(svc, who, id);
      expect((await finished(svc, who.editor, id)).counts).toMatchObject({ total: 3, sent: 3, failed: 0 });

      const uploads = fake.callsTo(ZALO_PATHS.uploadFile).filter((c) => c.status === 200);
      expect(uploads).toHaveLength(1);
      expect(uploads[0]!.files.map((f) => [f.filename, f.contentType])).toEqual([[`${clip.sha256}.m4a`, "audio/mp4"]]);
      expect(uploads[0]!.files[0]!.data.equals(readFileSync(path.join(svc.ctx.config.mediaDir, clip.m4aFile!)))).toBe(true);
      const sentTo = (userId: string) =>
        fake
          .callsTo(ZALO_PATHS.message)
          .filter((c) => c.status === 200 && (c.params["recipient"] as { user_id: string }).user_id === userId)
          .map((c) => c.params["message"] as Record<string, unknown>);
      for (const p of co) {
        const sent = sentTo(p.chatId);
        expect(sent).toHaveLength(2);
        expect(sent[0]).toMatchObject({ attachment: { type: "file", payload: { token: expect.any(String) } } });
        expect(sent[1]!["text"]).toBe(coText);
      }
      const viSent = sentTo(vi!.chatId);
      expect(viSent).toHaveLength(1);
      expect(viSent[0]!["text"]).toBe(VI_TEXT);
    } finally {
      svc.ctx.now = real;
    }
  }, 60_000);
});

describe("a campaign's recording in the web chat", () => {
  let svc: TestService;
  let who: Editors;
  beforeAll(async () => {
    svc = await startTestService();
    who = await addEditors(svc);
  });
  afterAll(async () => svc?.close());

  async function subscribedVisitor(code: string, language: string): Promise<WebchatVisitor> {
    const v = new WebchatVisitor(svc.url);
    await v.open();
    await chat(svc, v, { command: "start", args: code });
    await chat(svc, v, { button: "sub:topic:scam" });
    await chat(svc, v, { button: "sub:done" });
    const sub = await svc.ctx.db.subscription.findFirstOrThrow({ where: { sourceCode: code } });
    await svc.ctx.db.contact.update({ where: { id: sub.contactId }, data: { language } });
    return v;
  }
  const lastOut = async (v: WebchatVisitor) => (await v.messages()).filter((m) => m.direction === "out").at(-1) as WebchatView | undefined;

  it("shows a Hre visitor the recording's player with the message, and never a draft's clip", async () => {
    const hre = await subscribedVisitor("ba-to-hre", "hre");
    const co = await subscribedVisitor("ba-to-co", "cua");
    const id = await draftCampaign(svc, who, { audience: { channels: ["webchat"] } });
    const reviewed = await recordCampaign(svc.ctx, id, "hre");
    const draft = await recordCampaign(svc.ctx, id, "cua", { state: "draft" });
    await submitAndApprove(svc, who, id);
    expect((await finished(svc, who.editor, id)).counts).toMatchObject({ total: 2, sent: 2 });

    const heard = await lastOut(hre);
    expect(heard?.text).toBe(VI_TEXT);
    expect(heard?.audio?.sources).toEqual([
      { url: `/chat/audio/clip/${reviewed.sha256}.ogg`, type: "audio/ogg; codecs=opus" },
      { url: `/chat/audio/clip/${reviewed.sha256}.m4a`, type: "audio/mp4" },
    ]);
    const ogg = await fetch(`${svc.url}${heard!.audio!.sources![0]!.url}`);
    expect(ogg.status).toBe(200);
    expect(Buffer.from(await ogg.arrayBuffer()).subarray(0, 4).toString("latin1")).toBe("OggS");

    const read = await lastOut(co);
    expect(read?.text).toBe(VI_TEXT);
    expect(read?.audio).toBeUndefined();
    // The draft's clip is not served to residents either.
    expect((await fetch(`${svc.url}/chat/audio/clip/${draft.sha256}.ogg`)).status).toBe(404);
  }, 60_000);
});
