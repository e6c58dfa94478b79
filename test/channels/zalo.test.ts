/**
 * The Zalo channel, run through the shared conformance tables against the fake Zalo server
 * (test/fakes/zalo-api.ts), plus what only Zalo has: signed webhooks with replay checks, rotating single-use
 * refresh tokens shared through the database, errors inside HTTP 200 answers, attachment URLs that expire or are
 * huge, and buttons that come back as text.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ZaloConfig } from "../../src/config.ts";
import { msUntilMorning } from "../../src/channels/zalo/errors.ts";
import { createZaloChannel, PATHS, REAUTH_ALARM, sendImage, uploadImage, type ZaloChannel, type ZaloChannelOptions } from "../../src/channels/zalo/index.ts";
import { MediaTooLargeError, type InboundMedia } from "../../src/channels/types.ts";
import type { Logger } from "../../src/log.ts";
import {
  DEFAULT_ZALO_USER,
  FAKE_APP_SECRET,
  FAKE_OA_ID,
  FAKE_OA_SECRET_KEY,
  FakeZaloApi,
  ZALO_PATHS,
  ZaloEventFactory,
  type FakeZaloOptions,
  type ZaloFailure,
} from "../fakes/zalo-api.ts";
import { createTestContext, type TestContext } from "../support/context.ts";
import { startTestService, type TestService } from "../support/service.ts";
import {
  captureLogs,
  expectNoSecrets,
  runChannelConformance,
  sendError,
  type ChannelFixture,
  type ChannelUnderTest,
  type FailureRow,
  type InboundRow,
  type OutboundRow,
} from "./conformance.ts";

const USER = DEFAULT_ZALO_USER;
const MB = 1024 * 1024;
/** 2026-01-01 08:00 in Quảng Ngãi: table events are dated then, and the channel's clock starts there. */
const T0 = Date.UTC(2026, 0, 1, 1, 0, 0);
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" + "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
  "hex",
);

/** Short timeouts so hang rows are quick; fast polling while another process refreshes. */
const FAST: ZaloChannelOptions = { callTimeoutMs: 400, tokenWaitPollMs: 20, downloadTimeoutMs: 5_000 };

type ZaloAnswer = { path: string; failure: ZaloFailure };

/** A clock that starts at T0 and runs; `advance` jumps it forward. */
function testClock(): { now: () => Date; advance(ms: number): void } {
  const started = Date.now();
  let offset = 0;
  return { now: () => new Date(T0 + (Date.now() - started) + offset), advance: (ms) => void (offset += ms) };
}

// ---- fixture -------------------------------------------------------------------------------------------------

interface ZaloFixture extends ChannelFixture<ZaloAnswer> {
  channel: ZaloChannel;
  fake: FakeZaloApi;
  ctx: TestContext;
  config: ZaloConfig;
  clock: ReturnType<typeof testClock>;
  /** Another channel on the same database and fake, as a second process would run it. */
  sibling(options?: { refreshToken?: string; channel?: ZaloChannelOptions }): ZaloChannel;
}

async function startZalo(
  log: Logger,
  options: { refreshToken?: "issued" | "never-issued"; channel?: ZaloChannelOptions; fake?: FakeZaloOptions } = {},
): Promise<ZaloFixture> {
  const ctx = await createTestContext();
  const fake = new FakeZaloApi(options.fake);
  const { url } = await fake.start();
  const refreshToken = options.refreshToken === "never-issued" ? "rt-never-issued-by-zalo-0123456789" : fake.issueRefreshToken();
  const config: ZaloConfig = {
    appId: fake.appId,
    appSecret: fake.appSecret,
    oaSecretKey: FAKE_OA_SECRET_KEY,
    apiBase: url,
    oauthBase: url,
    refreshToken,
    webhookMaxAgeSeconds: 300,
  };
  const clock = testClock();
  const build = (refresh: string | undefined, channelOptions: ZaloChannelOptions = {}): ZaloChannel =>
    createZaloChannel({ ...config, ...(refresh === undefined ? {} : { refreshToken: refresh }) }, { db: ctx.db, vault: ctx.vault, log, now: clock.now }, {
      ...FAST,
      ...options.channel,
      ...channelOptions,
    });
  const channel = build(undefined);
  const scripts: ZaloFailure[] = [];
  return {
    channel,
    fake,
    ctx,
    config,
    clock,
    sibling: (sibling = {}) => build(sibling.refreshToken, sibling.channel),
    get secrets() {
      return [FAKE_APP_SECRET, FAKE_OA_SECRET_KEY, refreshToken, ...fake.issuedTokens()];
    },
    requests: () =>
      fake.calls.map((call) => ({
        method: call.path,
        params: call.params,
        files: call.files.map(({ field, filename, contentType, size }) => ({ field, filename, contentType, size })),
      })),
    script: ({ path: target, failure }) => {
      scripts.push(failure);
      fake.failNext(target, failure);
    },
    unusedScripts: () => fake.pendingFailures().filter((failure) => scripts.includes(failure)).map((failure) => JSON.stringify(failure)),
    invalidRequests: () => fake.rejected().map((call) => `${call.path}: ${call.rejection ?? "rejected"}`),
    reset: () => {
      scripts.length = 0;
      fake.reset();
    },
    close: async () => {
      await channel.stop?.();
      await fake.close();
      await ctx.close();
    },
  };
}

// ---- inbound table -------------------------------------------------------------------------------------------

const events = new ZaloEventFactory({ appId: "3608465249409039671", oaId: FAKE_OA_ID, oaSecretKey: FAKE_OA_SECRET_KEY, now: () => T0 });
const at = (event: Record<string, unknown>): Date => new Date(Number(event["timestamp"]));
const msgIdOf = (event: Record<string, unknown>): string => String((event["message"] as { msg_id: string }).msg_id);
const contact = { platformId: USER };

const textEvent = events.text("Nhà tôi bị mất trộm xe máy đêm qua");
const photoEvent = events.image({ url: "http://127.0.0.1:9/dl/photo-1/anh.jpg", caption: "Hiện trường" });
const fileEvent = events.file({ url: "http://127.0.0.1:9/dl/file-1/don.pdf", name: "đơn trình báo.pdf", size: 15_360 });

const inbound: InboundRow[] = [
  {
    name: "turns a resident's text into a text message with who sent it and when",
    payload: textEvent,
    expect: { externalId: msgIdOf(textEvent), chatId: USER, contact, content: { type: "text", text: "Nhà tôi bị mất trộm xe máy đêm qua" }, sentAt: at(textEvent) },
  },
  {
    name: "reads a tapped button, which Zalo sends back as a text with our prefix, as a button press",
    payload: events.button("menu:report"),
    expect: { chatId: USER, content: { type: "button", payload: "menu:report" } },
  },
  { name: "keeps a text that only starts with # as text", payload: events.text("#113 có ai trực không?"), expect: { content: { type: "text", text: "#113 có ai trực không?" } } },
  {
    name: "takes a photo's link as the media reference, with its caption",
    payload: photoEvent,
    expect: { content: { type: "media", media: { kind: "photo", ref: "http://127.0.0.1:9/dl/photo-1/anh.jpg" }, caption: "Hiện trường" } },
  },
  {
    name: "takes a file's name and its size, which Zalo sends as a string",
    payload: fileEvent,
    expect: { content: { type: "media", media: { kind: "document", ref: "http://127.0.0.1:9/dl/file-1/don.pdf", name: "đơn trình báo.pdf", size: 15_360 } } },
  },
  {
    name: "turns a voice message into voice media",
    payload: events.audio({ url: "http://127.0.0.1:9/dl/voice-1/voice.amr" }),
    expect: { content: { type: "media", media: { kind: "voice", ref: "http://127.0.0.1:9/dl/voice-1/voice.amr" } } },
  },
  {
    name: "turns a video into video media",
    payload: events.video({ url: "http://127.0.0.1:9/dl/video-1/video.mp4" }),
    expect: { content: { type: "media", media: { kind: "video", ref: "http://127.0.0.1:9/dl/video-1/video.mp4" } } },
  },
  {
    name: "reads a location whose coordinates arrive as strings",
    payload: events.location("15.1214", "108.8044"),
    expect: { content: { type: "location", latitude: 15.1214, longitude: 108.8044 } },
  },
  {
    name: "says a location's coordinates are not numbers instead of crashing",
    payload: events.location("không rõ", ""),
    expect: { content: { type: "unsupported", what: "location with coordinates that are not numbers" } },
  },
  {
    name: "refuses coordinates outside the globe",
    payload: events.location("215.1", "108.8"),
    expect: { content: { type: "unsupported", what: "location with coordinates that are not numbers" } },
  },
  { name: "recognises a sticker", payload: events.sticker(), expect: { content: { type: "sticker" } } },
  { name: "treats a GIF like a sticker", payload: events.gif(), expect: { content: { type: "sticker" } } },
  {
    name: "keeps a shared link as text, so it can go into the tip as evidence",
    payload: events.link("https://lua-dao.example/nap-tien", { text: "Trang này lừa tiền mẹ tôi" }),
    expect: { content: { type: "text", text: "Trang này lừa tiền mẹ tôi\nhttps://lua-dao.example/nap-tien" } },
  },
  {
    name: "calls a business card unsupported, so the resident hears it cannot be read",
    payload: events.businessCard(),
    expect: { content: { type: "unsupported", what: "business card" } },
  },
  { name: "turns a follow into a follow from the follower", payload: events.follow(), expect: { chatId: USER, contact, content: { type: "follow" } } },
  { name: "turns an unfollow into an unfollow", payload: events.unfollow(), expect: { chatId: USER, content: { type: "unfollow" } } },
  {
    name: "takes the phone number a resident submitted as their own",
    payload: events.submitInfo({ name: "Trần Thị Hoa", phone: "84905111222", address: "Thôn 2", city: "Quảng Ngãi", district: "Sơn Tịnh" }),
    expect: { chatId: USER, content: { type: "contact", phone: "84905111222", name: "Trần Thị Hoa", isOwn: true } },
  },
  {
    name: "records that the resident's phone received our messages",
    payload: events.received(["7dce8fea5a4d8d82a87f"]),
    expect: { chatId: USER, content: { type: "delivery", status: "delivered", providerMessageIds: ["7dce8fea5a4d8d82a87f"] } },
  },
  {
    name: "records that the resident saw our messages, even when Zalo names the OA as sender",
    payload: events.seen(["8fce9fea5a4d8d82b98a", "9fce9fea5a4d8d82b98b"], { inverted: true }),
    expect: { chatId: USER, content: { type: "delivery", status: "seen", providerMessageIds: ["8fce9fea5a4d8d82b98a", "9fce9fea5a4d8d82b98b"] } },
  },
  { name: "ignores the OA's own text echoed back", payload: events.oaEcho("oa_send_text"), expect: null },
  { name: "ignores the OA's own image echoed back", payload: events.oaEcho("oa_send_image"), expect: null },
  { name: "ignores event names it does not know", payload: events.other("shop_has_order", { order: { id: "1" } }), expect: null },
];

/** Real shapes: ids, timestamps and coordinates are strings. */
function validateEvent(payload: unknown): string | undefined {
  if (typeof payload !== "object" || payload === null) return "not an object";
  const event = payload as Record<string, unknown>;
  for (const key of ["app_id", "timestamp", "event_name"]) if (typeof event[key] !== "string") return `${key} is not a string`;
  if (!/^\d{13}$/.test(String(event["timestamp"]))) return "timestamp is not milliseconds";
  const strings = JSON.stringify(payload, (key, value: unknown) => {
    if (["id", "msg_id", "oa_id", "user_id_by_app", "latitude", "longitude", "size"].includes(key) && typeof value !== "string") throw new Error(`${key} is not a string`);
    return value;
  });
  return strings ? undefined : "empty";
}

// ---- outbound table ------------------------------------------------------------------------------------------

const clipDir = mkdtempSync(path.join(os.tmpdir(), "tinbao-zalo-clips-"));
const clip = (name: string, bytes = 2_000): string => {
  const file = path.join(clipDir, name);
  writeFileSync(file, Buffer.concat([Buffer.from("OggS"), Buffer.alloc(bytes, 1)]));
  return file;
};
const categoryButtons = Array.from({ length: 10 }, (_, i) => [{ label: `Loại ${i + 1}`, payload: `cat:${i + 1}` }]);
const fileToken = expect.stringMatching(/^ft-/);

const outbound: OutboundRow[] = [
  {
    name: "sends a text as a customer-service message to the resident's user id",
    chatId: USER,
    message: { text: "Tin báo của bạn đã được tiếp nhận." },
    expect: [{ method: ZALO_PATHS.message, params: { recipient: { user_id: USER }, message: { text: "Tin báo của bạn đã được tiếp nhận." } } }],
    receipt: { providerMessageId: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown as string },
  },
  {
    name: "offers choices as oa.query.hide buttons carrying the prefix and the choice",
    chatId: USER,
    message: { text: "Bạn muốn làm gì?", buttons: [[{ label: "Báo tin", payload: "menu:report" }, { label: "Tin đã báo", payload: "menu:mine" }]] },
    expect: [
      {
        method: ZALO_PATHS.message,
        params: {
          message: {
            text: "Bạn muốn làm gì?",
            attachment: {
              type: "template",
              payload: {
                buttons: [
                  { type: "oa.query.hide", title: "Báo tin", payload: "#tb:menu:report" },
                  { type: "oa.query.hide", title: "Tin đã báo", payload: "#tb:menu:mine" },
                ],
              },
            },
          },
        },
      },
    ],
  },
  {
    name: "gives each emergency number a one-tap call button, before the choices",
    chatId: USER,
    message: {
      text: "Nếu đang nguy hiểm, hãy gọi ngay:\n113 – Công an",
      phones: [{ label: "Gọi 113", number: "113" }, { label: "Gọi 115", number: "115" }],
      buttons: [[{ label: "Tiếp tục", payload: "nav:done" }]],
    },
    expect: [
      {
        method: ZALO_PATHS.message,
        params: {
          message: {
            text: "Nếu đang nguy hiểm, hãy gọi ngay:\n113 – Công an",
            attachment: {
              payload: {
                buttons: [
                  { type: "oa.open.phone", title: "Gọi 113", payload: { phone_code: "113" } },
                  { type: "oa.open.phone", title: "Gọi 115", payload: { phone_code: "115" } },
                  { type: "oa.query.hide", title: "Tiếp tục", payload: "#tb:nav:done" },
                ],
              },
            },
          },
        },
      },
    ],
  },
  {
    name: "spreads eleven choices over three messages of at most five buttons",
    chatId: USER,
    message: { text: "Bạn muốn báo về việc gì?", buttons: [...categoryButtons, [{ label: "Hủy", payload: "nav:cancel" }]] },
    expect: [
      { method: ZALO_PATHS.message, params: { message: { text: "Bạn muốn báo về việc gì?", attachment: { payload: { buttons: expect.arrayContaining([expect.objectContaining({ payload: "#tb:cat:1" })]) } } } } },
      { method: ZALO_PATHS.message, params: { message: { text: "Thêm lựa chọn:", attachment: { payload: { buttons: expect.arrayContaining([expect.objectContaining({ payload: "#tb:cat:10" })]) } } } } },
      { method: ZALO_PATHS.message, params: { message: { text: "Thêm lựa chọn:", attachment: { payload: { buttons: [{ type: "oa.query.hide", title: "Hủy", payload: "#tb:nav:cancel" }] } } } } },
    ],
  },
  {
    name: "writes Vietnamese in composed form (NFC)",
    chatId: USER,
    message: { text: "Cảm ơn bạn đã báo tin".normalize("NFD") },
    expect: [{ method: ZALO_PATHS.message, params: { message: { text: "Cảm ơn bạn đã báo tin".normalize("NFC") } } }],
  },
  {
    name: "sends a receipt as its text, both codes in the words: the structured codes are for the web chat's card",
    chatId: USER,
    message: {
      text: "Công an đã nhận tin báo của bạn.\nMã tin báo: QN-7K3P9\nMã bí mật: 12345678",
      protect: true,
      receipt: { reference: "QN-7K3P9", secret: "12345678" },
    },
    expect: [{ method: ZALO_PATHS.message, params: { message: { text: "Công an đã nhận tin báo của bạn.\nMã tin báo: QN-7K3P9\nMã bí mật: 12345678" } } }],
  },
  {
    name: "asks for the place and the phone in words, since Zalo has no such buttons",
    chatId: USER,
    message: { text: "Việc này xảy ra ở đâu?", requestLocation: true, requestContact: true },
    expect: [{ method: ZALO_PATHS.message, params: { message: expect.not.objectContaining({ attachment: expect.anything() }) as unknown } }],
  },
  {
    name: "sends a recorded prompt as an uploaded file before the text",
    chatId: USER,
    message: { text: "Xin chào", audio: { file: clip("loi-chao.ogg"), mime: "audio/ogg; codecs=opus", label: "Lời chào" } },
    expect: [
      { method: ZALO_PATHS.uploadFile, files: [{ field: "file", filename: "loi-chao.ogg", contentType: "audio/ogg", size: 2_004 }] },
      { method: ZALO_PATHS.message, params: { message: { attachment: { type: "file", payload: { token: fileToken } } } } },
      { method: ZALO_PATHS.message, params: { message: { text: "Xin chào" } } },
    ],
  },
];

// ---- failure table -------------------------------------------------------------------------------------------

const onMessage = (...failures: ZaloFailure[]): ZaloAnswer[] => failures.map((failure) => ({ path: ZALO_PATHS.message, failure }));
const code = (value: number): ZaloFailure => ({ kind: "error", code: value });

const failures: FailureRow<ZaloAnswer>[] = [
  { name: "backs off when Zalo says -32 (over 4,000 requests a minute) inside an HTTP 200", answers: onMessage(code(-32)), expect: { kind: "throttled", retryAfterMs: 30_000, providerCode: -32 } },
  { name: "stops writing to a resident who blocked the OA (-217)", answers: onMessage(code(-217)), expect: { kind: "contact_stopped", providerCode: -217 } },
  { name: "stops when the resident refuses this kind of message (-244)", answers: onMessage(code(-244)), expect: { kind: "contact_stopped", providerCode: -244 } },
  { name: "stops writing to someone who does not follow the OA (-213)", answers: onMessage(code(-213)), expect: { kind: "contact_stopped", providerCode: -213 } },
  { name: "marks a reply outside the 7-day window as window closed (-230)", answers: onMessage(code(-230)), expect: { kind: "window_closed", providerCode: -230 } },
  { name: "marks a reply outside the window as window closed (-232)", answers: onMessage(code(-232)), expect: { kind: "window_closed", providerCode: -232 } },
  { name: "does not retry a payload Zalo calls invalid (-201)", answers: onMessage(code(-201)), expect: { kind: "invalid_message", providerCode: -201 } },
  { name: "does not retry a payload Zalo calls invalid (-210)", answers: onMessage(code(-210)), expect: { kind: "invalid_message", providerCode: -210 } },
  { name: "waits an hour when the OA's quota is used up (-211)", answers: onMessage(code(-211)), expect: { kind: "throttled", retryAfterMs: 3_600_000, providerCode: -211 } },
  { name: "waits an hour when the OA's quota is used up (-218)", answers: onMessage(code(-218)), expect: { kind: "throttled", retryAfterMs: 3_600_000, providerCode: -218 } },
  { name: "waits for morning when Zalo refuses at night (-234)", answers: onMessage(code(-234)), expect: { kind: "throttled", providerCode: -234 } },
  { name: "reports that the OA must be verified (-221) as configuration", answers: onMessage(code(-221)), expect: { kind: "config", providerCode: -221 } },
  { name: "reports that the OA must be upgraded (-224) as configuration", answers: onMessage(code(-224)), expect: { kind: "config", providerCode: -224 } },
  {
    name: "refreshes once when Zalo refuses the token (-216), then reports configuration if it refuses the new one too",
    answers: onMessage(code(-216), code(-216)),
    expect: { kind: "config", providerCode: -216 },
  },
  { name: "keeps the code of an error it does not know, as rejected", answers: onMessage(code(-999)), expect: { kind: "rejected", providerCode: -999 } },
  { name: "calls an HTTP 502 page from a proxy a server error", answers: onMessage({ kind: "http", status: 502 }), expect: { kind: "server", providerCode: 502 } },
  { name: "calls an HTTP 503 with a JSON body a server error", answers: onMessage({ kind: "http", status: 503, body: "json" }), expect: { kind: "server", providerCode: 503 } },
  { name: "calls an HTTP 404 for the API address a configuration error", answers: onMessage({ kind: "http", status: 404 }), expect: { kind: "config", providerCode: 404 } },
  { name: "gives up waiting when Zalo does not answer, as a connection failure", answers: onMessage({ kind: "hang" }), expect: { kind: "connection" } },
  { name: "calls a dropped connection a connection failure", answers: onMessage({ kind: "disconnect" }), expect: { kind: "connection" } },
  { name: "calls an HTTP 200 answer that is not JSON an unexpected response", answers: onMessage({ kind: "garbage" }), expect: { kind: "unexpected_response" } },
  {
    name: "reports a failure on the text after the recorded prompt went out",
    message: { text: "Xin chào", audio: { file: clip("loi-chao-2.ogg"), mime: "audio/ogg" } },
    answers: [{ path: ZALO_PATHS.message, failure: { kind: "slow", ms: 1 } }, { path: ZALO_PATHS.message, failure: code(-32) }],
    expect: { kind: "throttled", providerCode: -32 },
  },
];

// ---- conformance ---------------------------------------------------------------------------------------------

const zaloUnderTest: ChannelUnderTest<ZaloAnswer> = {
  name: "zalo",
  setup: ({ log, credentials }) => startZalo(log, credentials === "wrong" ? { refreshToken: "never-issued" } : {}),
  checksCredentials: true,
  webhook: {
    sign: (rawBody) => events.headersFor(rawBody),
    credentialHeaders: ["x-zevent-signature"],
    signsBody: true,
  },
  validatePayload: (payload) => {
    try {
      return validateEvent(payload);
    } catch (error) {
      return (error as Error).message;
    }
  },
  chatId: USER,
  inbound,
  outbound,
  failures,
};

runChannelConformance(zaloUnderTest);

// ---- Zalo only -----------------------------------------------------------------------------------------------

const read = async (stream: NodeJS.ReadableStream): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
};
const textOf = (message: Record<string, unknown>): string => String(message["text"] ?? "");

describe("Zalo channel", () => {
  const { log, lines } = captureLogs();
  let zalo: ZaloFixture;
  let fake: FakeZaloApi;
  let channel: ZaloChannel;
  let factory: ZaloEventFactory;
  const extra: ZaloFixture[] = [];

  beforeAll(async () => {
    zalo = await startZalo(log);
    fake = zalo.fake;
    channel = zalo.channel;
  });
  beforeEach(() => {
    factory = new ZaloEventFactory({ appId: fake.appId, oaId: FAKE_OA_ID, oaSecretKey: FAKE_OA_SECRET_KEY, attachments: fake, now: () => zalo.clock.now().getTime() });
  });
  afterEach(async () => {
    const logLines = [...lines];
    const secrets = [...zalo.secrets, ...extra.flatMap((fixture) => fixture.secrets)];
    lines.length = 0;
    fake.assertAllValid();
    fake.reset();
    for (const fixture of extra.splice(0)) await fixture.close();
    expectNoSecrets(logLines, secrets, "log line");
  });
  afterAll(async () => {
    await zalo.close();
  });

  const another = async (options: Parameters<typeof startZalo>[1] = {}): Promise<ZaloFixture> => {
    const fixture = await startZalo(log, options);
    extra.push(fixture);
    return fixture;
  };

  describe("webhook signatures", () => {
    const verify = (signed: { rawBody: Buffer; headers: Record<string, string> }) => channel.verifyWebhook!(signed.headers, signed.rawBody);

    it("accepts an event signed with app_id, the raw body, the timestamp and the OA secret key", () => {
      expect(verify(factory.signed(factory.text("xin chào")))).toEqual({ ok: true });
    });

    it("refuses a forged signature", () => {
      const signed = factory.signed(factory.text("xin chào"));
      const verdict = verify({ ...signed, headers: { ...signed.headers, "x-zevent-signature": `mac=${"ab".repeat(32)}` } });
      expect(verdict).toEqual({ ok: false, status: 401, reason: expect.stringContaining("signature does not match") });
    });

    it("refuses an event without the signature header", () => {
      const signed = factory.signed(factory.text("xin chào"));
      expect(verify({ ...signed, headers: { "content-type": "application/json" } })).toEqual({ ok: false, status: 401, reason: "missing X-ZEvent-Signature header" });
    });

    it("refuses a signature made over a different body", () => {
      const original = factory.signed(factory.text("Tôi báo tin trộm"));
      const other = Buffer.from(original.rawBody.toString("utf8").replace("trộm", "cướp"));
      expect(verify({ rawBody: other, headers: original.headers })).toMatchObject({ ok: false, status: 401 });
    });

    it("refuses a signature made with another OA secret key", () => {
      const signed = factory.signed(factory.text("xin chào"), { secret: "another-oa-secret-key" });
      expect(verify(signed)).toMatchObject({ ok: false, status: 401 });
    });

    it("refuses an event for another app, even correctly signed", () => {
      const event = { ...factory.text("xin chào"), app_id: "1111111111111111111" };
      expect(verify(factory.signed(event))).toEqual({ ok: false, status: 403, reason: expect.stringContaining("another Zalo app") });
    });

    it("refuses a replayed event older than the window, saying how old it is", () => {
      const old = { ...factory.text("xin chào"), timestamp: String(zalo.clock.now().getTime() - 301_000) };
      expect(verify(factory.signed(old))).toEqual({ ok: false, status: 401, reason: expect.stringMatching(/replay: sent 301 s ago.*ZALO_WEBHOOK_MAX_AGE_SECONDS=300/) });
    });

    it("accepts an event a little late, inside the window", () => {
      const late = { ...factory.text("xin chào"), timestamp: String(zalo.clock.now().getTime() - 290_000) };
      expect(verify(factory.signed(late))).toEqual({ ok: true });
    });

    it("refuses an event dated minutes in the future", () => {
      const future = { ...factory.text("xin chào"), timestamp: String(zalo.clock.now().getTime() + 5 * 60_000) };
      expect(verify(factory.signed(future))).toMatchObject({ ok: false, status: 401, reason: expect.stringContaining("future") });
    });

    it("answers malformed JSON with 400", () => {
      const rawBody = Buffer.from('{"app_id": "1", "event_name": "user_send_text", ');
      expect(channel.verifyWebhook!(factory.headersFor(rawBody), rawBody)).toEqual({ ok: false, status: 400, reason: "body is not JSON" });
    });
  });

  describe("receiving", () => {
    it("keys an event without msg_id on event, user and time, without the user id in clear", () => {
      const follow = factory.follow();
      const message = channel.receive(follow)!;
      expect(message.externalId).toMatch(/^follow:[A-Za-z0-9_-]{16}:\d{13}$/);
      expect(message.externalId).not.toContain(USER);
      expect(channel.receive(structuredClone(follow))?.externalId).toBe(message.externalId);
      expect(channel.receive(factory.follow())?.externalId).not.toBe(message.externalId);
    });

    it("accepts coordinates written with a decimal comma", () => {
      expect(channel.receive(factory.location("15,1214", "108,8044"))?.content).toEqual({ type: "location", latitude: 15.1214, longitude: 108.8044 });
    });

    it("calls a photo without a download link unsupported rather than losing it silently", () => {
      const event = factory.image({ url: "file:///etc/passwd" });
      expect(channel.receive(event)?.content).toEqual({ type: "unsupported", what: "image without a download link" });
    });
  });

  describe("attachments", () => {
    const mediaOf = (event: Record<string, unknown>): InboundMedia => {
      const content = channel.receive(event)?.content;
      if (content?.type !== "media") throw new Error("expected media");
      return content.media;
    };

    it("downloads what a resident sent from its link, without our access token", async () => {
      const stream = await channel.download(mediaOf(factory.image({ content: PNG })), 20 * MB);
      expect(await read(stream)).toEqual(PNG);
      expect(fake.downloads).toHaveLength(1);
      expect(fake.calls).toEqual([]);
    });

    it("refuses a 40 MB attachment by its Content-Length without reading it", async () => {
      const started = Date.now();
      const media = { ...mediaOf(factory.file({ size: 40 * MB })), size: undefined };
      const error = await channel.download(media, 20 * MB).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MediaTooLargeError);
      expect(error).toMatchObject({ size: 40 * MB, limit: 20 * MB });
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it("cuts a 40 MB attachment sent without Content-Length as soon as it passes the limit", async () => {
      const media = { ...mediaOf(factory.file({ size: 40 * MB, chunked: true })), size: undefined };
      const stream = await channel.download(media, 20 * MB);
      const error = await read(stream).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MediaTooLargeError);
      expect((error as MediaTooLargeError).size).toBeLessThan(21 * MB);
    });

    it("refuses a file the event already says is 40 MB without fetching it", async () => {
      const media = mediaOf(factory.file({ size: 40 * MB }));
      expect(media.size).toBe(40 * MB);
      await expect(channel.download(media, 20 * MB)).rejects.toBeInstanceOf(MediaTooLargeError);
      expect(fake.downloads).toEqual([]);
    });

    it("says the status when Zalo's link has expired (404), and not the link", async () => {
      const url = fake.expiredAttachmentUrl();
      const error = (await channel.download(mediaOf(factory.image({ url })), 20 * MB).catch((e: unknown) => e)) as Error;
      expect(error.message).toBe("zalo attachment download: HTTP 404 (Zalo's link may have expired)");
      expect(error.message).not.toContain(url);
    });

    it("refuses a link that is not http(s)", async () => {
      const media: InboundMedia = { kind: "photo", ref: "file:///etc/passwd" };
      await expect(channel.download(media, 20 * MB)).rejects.toThrow(/http\(s\) only/);
    });
  });

  describe("sending", () => {
    it("counts the 2,000 characters after NFC: 1,900 composed characters go as one message", async () => {
      const text = "Người dân ở xã Tịnh Ấn Tây báo tin. ".repeat(50).slice(0, 1_900).trim();
      expect(text.normalize("NFD").length).toBeGreaterThan(2_000);
      await channel.send(USER, { text: text.normalize("NFD") });
      expect(fake.sentMessages().map(textOf)).toEqual([text.normalize("NFC")]);
    });

    it("splits a text over 2,000 characters between sentences, buttons on the last part only", async () => {
      const sentences = "Câu này kể lại sự việc xảy ra ở thôn 2. ".repeat(120).trim(); // ~4,800 code points, one paragraph
      await channel.send(USER, { text: sentences, buttons: [[{ label: "Xong", payload: "nav:done" }]] });
      const sent = fake.sentMessages();
      expect(sent).toHaveLength(3);
      for (const message of sent) expect(Array.from(textOf(message)).length).toBeLessThanOrEqual(2_000);
      for (const message of sent) expect(textOf(message).endsWith("thôn 2.")).toBe(true);
      expect(sent.map(textOf).join(" ")).toBe(sentences);
      expect(sent.slice(0, -1).map((message) => message["attachment"])).toEqual([undefined, undefined]);
      expect(sent.at(-1)?.["attachment"]).toMatchObject({ payload: { buttons: [{ payload: "#tb:nav:done" }] } });
    });

    it("splits one endless sentence between words", async () => {
      const words = "trộm ".repeat(900).trim(); // 4,499 code points, no full stop
      await channel.send(USER, { text: words });
      const texts = fake.sentMessages().map(textOf);
      expect(texts.length).toBe(3);
      for (const text of texts) expect(text).toMatch(/^trộm( trộm)*$/);
      expect(texts.join(" ")).toBe(words);
    });

    it("can put the text inside a button template instead, for when Zalo wants that wrapper", async () => {
      const other = zalo.sibling({ channel: { buttonShape: "button_template" } });
      await other.send(USER, { text: "Chọn:", buttons: [[{ label: "Báo tin", payload: "menu:report" }]] });
      expect(fake.sentMessages()).toEqual([
        { attachment: { type: "template", payload: { template_type: "button", text: "Chọn:", buttons: [{ type: "oa.query.hide", title: "Báo tin", payload: "#tb:menu:report" }] } } },
      ]);
    });

    it("refuses a button title over 100 characters before calling Zalo", async () => {
      const error = await sendError(channel.send(USER, { text: "Chọn:", buttons: [[{ label: "đ".repeat(101), payload: "x" }]] }));
      expect(error.kind).toBe("invalid_message");
      expect(fake.calls).toEqual([]);
    });

    it("uploads a recorded prompt once and reuses it for the next message", async () => {
      const file = clip("menu-reuse.ogg");
      await channel.send(USER, { text: "Bạn cần gì?", audio: { file, mime: "audio/ogg" } });
      await channel.send(USER, { text: "Bạn cần gì?", audio: { file, mime: "audio/ogg" } });
      expect(fake.callsTo(ZALO_PATHS.uploadFile)).toHaveLength(1);
      expect(fake.sentMessages().filter((message) => message["attachment"])).toHaveLength(2);
    });

    it("uploads the prompt again when Zalo no longer knows the cached upload", async () => {
      const file = clip("menu-expired.ogg");
      await channel.send(USER, { text: "Bạn cần gì?", audio: { file, mime: "audio/ogg" } });
      fake.failNext(ZALO_PATHS.message, { kind: "error", code: -201, message: "Attachment token is expired" });
      await channel.send(USER, { text: "Bạn cần gì?", audio: { file, mime: "audio/ogg" } });
      expect(fake.callsTo(ZALO_PATHS.uploadFile)).toHaveLength(2);
      expect(fake.sentMessages().map(textOf).filter(Boolean)).toEqual(["Bạn cần gì?", "Bạn cần gì?"]);
    });

    it("still sends the text when Zalo refuses the recorded prompt as a file type", async () => {
      const picky = await another({ fake: { uploadFileTypes: "documents" } });
      await picky.channel.send(USER, { text: "Xin chào", audio: { file: clip("loi-chao-3.ogg"), mime: "audio/ogg" } });
      expect(picky.fake.sentMessages()).toEqual([{ text: "Xin chào" }]);
      expect(lines.some((line) => line.includes("zalo refused a recorded prompt"))).toBe(true);
    });

    it("sends an image by link, and an uploaded one by attachment id", async () => {
      await sendImage(channel.api, USER, { url: "https://tinbao.example.vn/canh-bao-lua-dao.png" });
      const id = await uploadImage(channel.api, { data: PNG, filename: "canh-bao.png", contentType: "image/png" });
      await sendImage(channel.api, USER, { attachmentId: id });
      expect(fake.sentMessages().map((message) => (message["attachment"] as { payload: { elements: unknown[] } }).payload.elements)).toEqual([
        [{ media_type: "image", url: "https://tinbao.example.vn/canh-bao-lua-dao.png" }],
        [{ media_type: "image", attachment_id: id }],
      ]);
    });

    it("asks for user details with the parameters as one JSON data parameter, ids kept as strings", async () => {
      const detail = (await channel.api.get(PATHS.userDetail, { user_id: USER })) as { user_id: unknown; display_name: unknown };
      expect(detail).toMatchObject({ user_id: USER, display_name: "Người dân" });
      expect(fake.callsTo(ZALO_PATHS.userDetail).map((call) => [call.httpMethod, call.params])).toEqual([["GET", { user_id: USER }]]);
    });
  });

  describe("HTTP 200 answers that are failures", () => {
    it("backs off on -32 without spending the message", async () => {
      fake.failNext(ZALO_PATHS.message, { kind: "error", code: -32, message: "Exceed the limit request" });
      const error = await sendError(channel.send(USER, { text: "Xin chào" }));
      expect(error).toMatchObject({ kind: "throttled", details: { retryAfterMs: 30_000, providerCode: -32 } });
      expect(fake.sentMessages()).toEqual([]);
    });

    it("refreshes the token after -216 and sends the message once, with the new token", async () => {
      fake.failNext(ZALO_PATHS.message, { kind: "error", code: -216, message: "Access token is invalid" });
      await channel.send(USER, { text: "Xin chào" });
      const [refused, sent] = fake.callsTo(ZALO_PATHS.message);
      expect(fake.oauthCalls).toHaveLength(1);
      expect(sent?.accessToken).toBeDefined();
      expect(sent?.accessToken).not.toBe(refused?.accessToken);
      expect(fake.sentMessages()).toEqual([{ text: "Xin chào" }]);
    });

    it("refreshes an access token Zalo says has expired (-220) and carries on", async () => {
      fake.expireAccessTokens();
      await channel.send(USER, { text: "Xin chào" });
      expect(fake.callsTo(ZALO_PATHS.message).map((call) => call.tokenRefused)).toEqual([-220, undefined]);
      expect(fake.oauthCalls).toHaveLength(1);
    });

    it("stops on -217: the resident blocked the OA", async () => {
      fake.failNext(ZALO_PATHS.message, { kind: "error", code: -217, message: "User has blocked OA" });
      expect(await sendError(channel.send(USER, { text: "Xin chào" }))).toMatchObject({ kind: "contact_stopped" });
    });

    it("does not retry after -230: the 7-day window has closed", async () => {
      fake.failNext(ZALO_PATHS.message, { kind: "error", code: -230, message: "User has not interacted with OA in 7 days" });
      expect(await sendError(channel.send(USER, { text: "Xin chào" }))).toMatchObject({ kind: "window_closed" });
      expect(fake.callsTo(ZALO_PATHS.message)).toHaveLength(1);
    });

    it("waits until 06:00 in Vietnam after the night ban", () => {
      expect(msUntilMorning(new Date("2026-01-01T22:30:00+07:00"))).toBe(7.5 * 3600_000);
      expect(msUntilMorning(new Date("2026-01-02T05:00:00+07:00"))).toBe(3600_000);
      expect(msUntilMorning(new Date("2026-01-02T06:00:00+07:00"))).toBe(24 * 3600_000);
    });
  });

  describe("tokens", () => {
    const row = async (fixture: ZaloFixture) => fixture.ctx.db.channelCredential.findUniqueOrThrow({ where: { id: `zalo:${fixture.config.appId}` } });

    it("stores the rotated pair before the new access token reaches Zalo", async () => {
      const fresh = await another();
      const seen: { stored: string; storedRefresh: string; used: string | undefined }[] = [];
      fresh.fake.onRequest(ZALO_PATHS.message, async (request) => {
        const stored = await row(fresh);
        seen.push({ stored: fresh.ctx.vault.decrypt(stored.accessTokenEnc!), storedRefresh: fresh.ctx.vault.decrypt(stored.refreshTokenEnc!), used: request.accessToken });
      });
      await fresh.channel.send(USER, { text: "Xin chào" });
      expect(fresh.fake.oauthCalls).toHaveLength(1);
      expect(fresh.fake.oauthCalls[0]!.at.getTime()).toBeLessThanOrEqual(fresh.fake.calls[0]!.at.getTime());
      expect(seen).toHaveLength(1);
      expect(seen[0]!.used).toBe(seen[0]!.stored);
      // The refresh token now stored is the one Zalo just issued, not the spent ZALO_REFRESH_TOKEN.
      expect(seen[0]!.storedRefresh).not.toBe(fresh.config.refreshToken);
      expect(fresh.fake.issuedTokens()).toContain(seen[0]!.storedRefresh);
      const stored = await row(fresh);
      expect(stored.accessTokenEnc).not.toContain(seen[0]!.used!);
      expect(stored.accessExpiresAt!.getTime() - fresh.clock.now().getTime()).toBeGreaterThan(24 * 3600_000);
    });

    it("refreshes ahead of expiry: after 20 hours of a 25-hour token", async () => {
      const fresh = await another();
      await fresh.channel.send(USER, { text: "một" });
      fresh.clock.advance(19 * 3600_000);
      await fresh.channel.send(USER, { text: "hai" });
      expect(fresh.fake.oauthCalls).toHaveLength(1);
      fresh.clock.advance(1.5 * 3600_000);
      await fresh.channel.send(USER, { text: "ba" });
      expect(fresh.fake.oauthCalls).toHaveLength(2);
      const tokens = fresh.fake.callsTo(ZALO_PATHS.message).map((call) => call.accessToken);
      expect(tokens[0]).toBe(tokens[1]);
      expect(tokens[2]).not.toBe(tokens[1]);
    });

    it("refreshes once for ten messages sent at the same moment", async () => {
      const fresh = await another();
      fresh.fake.failNext(ZALO_PATHS.token, { kind: "slow", ms: 150 });
      await Promise.all(Array.from({ length: 10 }, (_, i) => fresh.channel.send(USER, { text: `Tin ${i + 1}` })));
      expect(fresh.fake.oauthCalls).toHaveLength(1);
      expect(fresh.fake.sentMessages()).toHaveLength(10);
    });

    it("refreshes once when two processes need a token at the same moment", async () => {
      const fresh = await another();
      const second = fresh.sibling();
      fresh.fake.failNext(ZALO_PATHS.token, { kind: "slow", ms: 200 });
      await Promise.all([fresh.channel.send(USER, { text: "từ tiến trình 1" }), second.send(USER, { text: "từ tiến trình 2" })]);
      expect(fresh.fake.oauthCalls).toHaveLength(1);
      expect(new Set(fresh.fake.callsTo(ZALO_PATHS.message).map((call) => call.accessToken)).size).toBe(1);
      expect((await row(fresh)).refreshingBy).toBeNull();
    });

    it("takes over the refresh when the process holding the lease died", async () => {
      const fresh = await another();
      const past = new Date(fresh.clock.now().getTime() - 1_000);
      await fresh.ctx.db.channelCredential.create({ data: { id: `zalo:${fresh.config.appId}`, refreshingBy: "dead-host:1:abcd", refreshingUntil: past } });
      await fresh.channel.send(USER, { text: "Xin chào" });
      expect(fresh.fake.oauthCalls).toHaveLength(1);
      expect((await row(fresh)).refreshingBy).toBeNull();
    });

    it("keeps using a token that still works when a refresh fails for a moment", async () => {
      const fresh = await another();
      await fresh.channel.send(USER, { text: "một" });
      fresh.clock.advance(21 * 3600_000);
      fresh.fake.failNext(ZALO_PATHS.token, { kind: "http", status: 503 });
      await fresh.channel.send(USER, { text: "hai" });
      expect(fresh.fake.sentMessages().map(textOf)).toEqual(["một", "hai"]);
      expect(lines.some((line) => line.includes("using the current token while it lasts"))).toBe(true);
    });

    it("raises an alarm an operator can act on when Zalo refuses the refresh token, and logs it once", async () => {
      const dead = await another({ refreshToken: "never-issued" });
      const first = await sendError(dead.channel.send(USER, { text: "Xin chào" }));
      const second = await sendError(dead.channel.send(USER, { text: "Xin chào lần nữa" }));
      expect([first.kind, second.kind]).toEqual(["config", "config"]);
      expect(dead.fake.oauthCalls).toHaveLength(1); // the second send does not hammer Zalo
      expect(dead.fake.calls).toEqual([]);
      const [alarm] = dead.channel.alarms!();
      expect(alarm?.code).toBe(REAUTH_ALARM);
      expect(alarm?.message).toMatch(/cấp quyền lại/);
      expect(alarm?.message).toMatch(/must grant the app \d+ access again in the Zalo developer console/);
      expect(alarm?.message).toMatch(/set ZALO_REFRESH_TOKEN to the new refresh token and restart/);
      expect(alarm?.message).toMatch(/Invalid refresh token/);
      const errors = lines.filter((line) => line.includes(`"alarm":"${REAUTH_ALARM}"`));
      expect(errors).toHaveLength(1);
      expect(JSON.parse(errors[0]!)).toMatchObject({ level: "error", channel: "zalo" });
      expect((await row(dead)).lastError).toMatch(/^reauth_required \(token [\w-]{12}\): error -14014: Invalid refresh token/);
    });

    it("shows the alarm after a restart without calling Zalo, and clears it once a new token is set", async () => {
      const dead = await another({ refreshToken: "never-issued" });
      await sendError(dead.channel.send(USER, { text: "Xin chào" }));
      const restarted = dead.sibling(); // same ZALO_REFRESH_TOKEN, already refused
      await restarted.start!(async () => {});
      await restarted.stop!();
      expect(restarted.alarms!().map((alarm) => alarm.code)).toEqual([REAUTH_ALARM]);
      const calls = dead.fake.oauthCalls.length;
      await sendError(restarted.send(USER, { text: "Xin chào" }));
      expect(dead.fake.oauthCalls.length).toBe(calls);

      const reconsented = dead.sibling({ refreshToken: dead.fake.issueRefreshToken() });
      await reconsented.send(USER, { text: "Đã kết nối lại" });
      expect(reconsented.alarms!()).toEqual([]);
      expect((await row(dead)).lastError).toBeNull();
      expect(dead.fake.sentMessages().map(textOf)).toEqual(["Đã kết nối lại"]);
    });
  });
});

// ---- through the whole service -------------------------------------------------------------------------------

describe("the Zalo webhook, through the service", () => {
  const fake = new FakeZaloApi();
  let svc: TestService;
  let events: ZaloEventFactory;

  beforeAll(async () => {
    const { url } = await fake.start();
    svc = await startTestService({
      ZALO_APP_ID: fake.appId,
      ZALO_APP_SECRET: fake.appSecret,
      ZALO_OA_SECRET_KEY: FAKE_OA_SECRET_KEY,
      ZALO_API_BASE: url,
      ZALO_OAUTH_BASE: url,
      ZALO_REFRESH_TOKEN: fake.issueRefreshToken(),
    });
    events = new ZaloEventFactory({ appId: fake.appId, oaId: FAKE_OA_ID, oaSecretKey: FAKE_OA_SECRET_KEY, attachments: fake, user: "2512523625499001" });
  });
  afterAll(async () => {
    await svc?.close();
    await fake.close();
  });
  afterEach(() => fake.assertAllValid());

  const post = (rawBody: Buffer | string, headers: Record<string, string>) =>
    fetch(`${svc.url}/webhooks/zalo`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: new Uint8Array(Buffer.from(rawBody)) });
  const stored = () => svc.ctx.db.inboundEvent.count({ where: { channel: "zalo" } });
  const rejections = () =>
    svc
      .logs()
      .split("\n")
      .filter((line) => line.includes('"msg":"webhook rejected"'))
      .map((line) => JSON.parse(line) as { channel: string; status: number; reason: string });

  const refused: [string, () => { rawBody: Buffer; headers: Record<string, string> }, number, RegExp][] = [
    ["a forged signature", () => ({ ...events.signed(events.text("giả")), headers: { "x-zevent-signature": `mac=${"0".repeat(64)}` } }), 401, /signature does not match/],
    ["a missing signature header", () => ({ ...events.signed(events.text("thiếu")), headers: {} }), 401, /missing X-ZEvent-Signature/],
    [
      "a signature over a different body",
      () => {
        const signed = events.signed(events.text("một"));
        return { rawBody: Buffer.from(signed.rawBody.toString().replace("một", "hai")), headers: signed.headers };
      },
      401,
      /signature does not match/,
    ],
    ["an event for another app_id", () => events.signed({ ...events.text("app khác"), app_id: "1111111111111111111" }), 403, /another Zalo app/],
    ["a replayed old event", () => events.signed({ ...events.text("cũ"), timestamp: String(Date.now() - 3 * 3_600_000) }), 401, /replay/],
    ["malformed JSON", () => ({ rawBody: Buffer.from("{not json"), headers: events.headersFor(Buffer.from("{not json")) }), 400, /not JSON/],
  ];

  for (const [what, build, status, reason] of refused) {
    it(`refuses ${what} with ${status}, logs why, and stores nothing`, async () => {
      const before = await stored();
      const logged = rejections().length;
      const { rawBody, headers } = build();
      const res = await post(rawBody, headers);
      expect(res.status).toBe(status);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(reason);
      expect(rejections().slice(logged)).toEqual([expect.objectContaining({ channel: "zalo", status, reason: expect.stringMatching(reason) })]);
      expect(await stored()).toBe(before);
    });
  }

  it("answers 200 to an event name it does not know, and stores nothing", async () => {
    const before = await stored();
    const { rawBody, headers } = events.signed(events.other("add_user_to_tag", { tag: { name: "vip", user_ids: ["2512523625499001"] } }));
    const res = await post(rawBody, headers);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, ignored: true });
    expect(await stored()).toBe(before);
  });

  it("stores a location with non-numeric coordinates and tells the resident it could not be read", async () => {
    for (const event of [events.follow(), events.button("lang:vi")]) {
      const { rawBody, headers } = events.signed(event);
      expect((await post(rawBody, headers)).status).toBe(200);
      await svc.settle();
    }
    const before = fake.sentMessages().length;
    const { rawBody, headers } = events.signed(events.location("N/A", "abc"));
    expect((await post(rawBody, headers)).status).toBe(200);
    await svc.settle();
    const event = await svc.ctx.db.inboundEvent.findFirstOrThrow({ where: { channel: "zalo" }, orderBy: { id: "desc" } });
    expect(event.status).toBe("done");
    const replies = fake.sentMessages().slice(before).map((message) => String(message["text"] ?? ""));
    expect(replies[0]).toBe("Loại tin này chưa xem được. Bạn gõ chữ, gửi ảnh hoặc bấm nút nhé.");
  });
});

describe("a dead Zalo refresh token, through the service", () => {
  const fake = new FakeZaloApi();
  let svc: TestService;

  beforeAll(async () => {
    const { url } = await fake.start();
    svc = await startTestService({
      ZALO_APP_ID: fake.appId,
      ZALO_APP_SECRET: fake.appSecret,
      ZALO_OA_SECRET_KEY: FAKE_OA_SECRET_KEY,
      ZALO_API_BASE: url,
      ZALO_OAUTH_BASE: url,
      ZALO_REFRESH_TOKEN: "rt-revoked-when-the-admin-left-0123456789",
    });
  });
  afterAll(async () => {
    await svc?.close();
    await fake.close();
  });

  it("shows an alarm in /healthz and an error line an operator can act on, and the reply fails as configuration", async () => {
    const healthyFirst = (await (await fetch(`${svc.url}/healthz`)).json()) as { status: string; alarms: unknown[] };
    expect(healthyFirst).toMatchObject({ status: "ok", alarms: [] });

    const events = new ZaloEventFactory({ appId: fake.appId, oaId: FAKE_OA_ID, oaSecretKey: FAKE_OA_SECRET_KEY, user: "2512523625499002" });
    const { rawBody, headers } = events.signed(events.follow());
    const res = await fetch(`${svc.url}/webhooks/zalo`, { method: "POST", headers, body: new Uint8Array(rawBody) });
    expect(res.status).toBe(200);
    await svc.settle();

    const health = (await (await fetch(`${svc.url}/healthz`)).json()) as { status: string; alarms: { code: string; message: string }[] };
    expect(health.status).toBe("degraded");
    expect(health.alarms).toEqual([{ code: REAUTH_ALARM, message: expect.stringContaining("set ZALO_REFRESH_TOKEN to the new refresh token and restart Tin Báo") }]);
    expect(health.alarms[0]!.message).toContain("Quản trị viên của Official Account");

    const errors = svc
      .logs()
      .split("\n")
      .filter((line) => line.includes(`"alarm":"${REAUTH_ALARM}"`))
      .map((line) => JSON.parse(line) as { level: string; msg: string });
    expect(errors).toEqual([expect.objectContaining({ level: "error", msg: expect.stringContaining("grant the app") })]);

    const replies = await svc.ctx.db.outboxMessage.findMany({ where: { channel: "zalo" } });
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.map((reply) => [reply.status, reply.lastErrorKind])).toContainEqual(["failed", "config"]);
    expect(fake.calls).toEqual([]);
    expect(svc.logs()).not.toContain("rt-revoked-when-the-admin-left-0123456789");
  });
});
