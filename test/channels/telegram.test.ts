/**
 * The Telegram channel, run through the shared conformance tables against the fake Bot API
 * (test/fakes/telegram-bot-api.ts), plus what only Telegram has: long polling, callback_data bytes,
 * splitting long texts, getFile's 20 MB limit and webhook registration.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTelegramChannel, type TelegramChannelOptions } from "../../src/channels/telegram/index.ts";
import { MediaTooLargeError, type Channel, type InboundMedia } from "../../src/channels/types.ts";
import {
  DEFAULT_TOKEN,
  FakeTelegramBotApi,
  specAvailable,
  specPath,
  type ScriptedFailure,
} from "../fakes/telegram-bot-api.ts";
import { DEFAULT_RESIDENT, UpdateFactory } from "../fakes/telegram-updates.ts";
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

const WEBHOOK_SECRET = "tinbao_webhook-secret_0123456789";
const WRONG_TOKEN = "7000000001:AAF-wrong-token-never-issued_9876";
const PUBLIC_URL = "https://tinbao.example.vn";
const RESIDENT = DEFAULT_RESIDENT.id;
const CHAT = String(RESIDENT);
const MB = 1024 * 1024;

/** Options that keep tests fast: short call timeout (hang rows), 1 s long polls, quick retries. */
const FAST: TelegramChannelOptions = { callTimeoutMs: 400, pollTimeoutSeconds: 1, pollRetryDelayMs: 20, pollMaxRetryDelayMs: 100 };

type TelegramAnswer = { method: string; failure: ScriptedFailure };

const specMissing = (): string | undefined =>
  specAvailable() ? undefined : `Telegram Bot API spec not found at ${specPath} (set TELEGRAM_BOT_API_SPEC)`;

// ---- fixture -------------------------------------------------------------------------------------------------

async function startTelegram(
  log: Parameters<typeof createTelegramChannel>[1]["log"],
  options: { token?: string; mode?: "webhook" | "polling"; channel?: TelegramChannelOptions } = {},
): Promise<ChannelFixture<TelegramAnswer> & { fake: FakeTelegramBotApi }> {
  const fake = new FakeTelegramBotApi();
  const { url } = await fake.start();
  const token = options.token ?? fake.token;
  const channel = createTelegramChannel(
    { token, apiRoot: url, mode: options.mode ?? "webhook", webhookSecret: WEBHOOK_SECRET, publicUrl: PUBLIC_URL },
    { log },
    { ...FAST, ...options.channel },
  );
  const scripts: ScriptedFailure[] = [];
  return {
    fake,
    channel,
    secrets: [token, fake.token, WEBHOOK_SECRET],
    requests: () =>
      fake.calls.map((call) => ({ method: call.method, params: call.params, files: call.files.map((file) => file.toJSON()) })),
    script: ({ method, failure }) => {
      scripts.push(failure);
      fake.failNext(method, failure);
    },
    unusedScripts: () => scripts.filter((failure) => !fake.calls.some((call) => call.failure === failure)).map((f) => JSON.stringify(f)),
    invalidRequests: () => fake.rejected().map((call) => `${call.method}: ${call.rejection ?? "rejected"}`),
    reset: () => {
      scripts.length = 0;
      fake.reset();
    },
    close: () => fake.close(),
  };
}

// ---- inbound table -------------------------------------------------------------------------------------------

const updates = new UpdateFactory({ now: () => 1_767_225_600 }); // 2026-01-01 00:00 UTC
const resident = { id: RESIDENT, is_bot: false, first_name: "Lan", last_name: "Nguyễn", language_code: "vi" };
const privateChat = { id: RESIDENT, type: "private", first_name: "Lan", last_name: "Nguyễn" };
let nextUpdateId = 900_000_001;
const messageUpdate = (fields: Record<string, unknown>, key = "message"): Record<string, unknown> => ({
  update_id: nextUpdateId++,
  [key]: { message_id: nextUpdateId, date: 1_767_225_600, chat: privateChat, from: resident, ...fields },
});
const contact = { platformId: CHAT, displayName: "Lan Nguyễn", languageHint: "vi" };
const textUpdate = updates.text("Nhà tôi bị mất trộm xe máy đêm qua");
const callbackUpdate = updates.callback("menu:report");
const inaccessibleCallback = {
  update_id: nextUpdateId++,
  callback_query: { id: "cbq-no-message", from: resident, chat_instance: "-1", data: "tip:cancel" },
};
const photoUpdate = updates.photo({ caption: "Hiện trường", fileId: "photo-big" });

const inbound: InboundRow[] = [
  {
    name: "turns a resident's text into a text message with who sent it and when",
    payload: textUpdate,
    expect: {
      externalId: String(textUpdate.update_id),
      chatId: CHAT,
      contact,
      content: { type: "text", text: "Nhà tôi bị mất trộm xe máy đêm qua" },
      sentAt: new Date(1_767_225_600_000),
    },
  },
  { name: "reads /start as the start command", payload: updates.command("start"), expect: { content: { type: "command", command: "start", args: "" } } },
  {
    name: "keeps the deep-link payload of /start as the command's arguments",
    payload: updates.command("start", "qr_xa_tinh_an"),
    expect: { content: { type: "command", command: "start", args: "qr_xa_tinh_an" } },
  },
  {
    name: "strips the bot name from /menu@bot",
    payload: updates.text("/menu@tin_bao_test_bot"),
    expect: { content: { type: "command", command: "menu", args: "" } },
  },
  { name: "reads /cancel as the cancel command", payload: updates.command("cancel"), expect: { content: { type: "command", command: "cancel" } } },
  {
    name: "turns a button press into a button message that can be acknowledged",
    payload: callbackUpdate,
    expect: { chatId: CHAT, contact, content: { type: "button", payload: "menu:report" }, callbackQueryId: callbackUpdate.callback_query.id },
  },
  {
    name: "finds the chat of a button press from its sender when the message is gone",
    payload: inaccessibleCallback,
    expect: { chatId: CHAT, content: { type: "button", payload: "tip:cancel" }, callbackQueryId: "cbq-no-message" },
  },
  {
    name: "turns a shared location into a location",
    payload: updates.location(15.1214, 108.8044),
    expect: { content: { type: "location", latitude: 15.1214, longitude: 108.8044 } },
  },
  {
    name: "marks a shared phone number as the resident's own when Telegram says it is theirs",
    payload: updates.contact({ phoneNumber: "+84905123456" }),
    expect: { content: { type: "contact", phone: "+84905123456", name: "Lan Nguyễn", isOwn: true } },
  },
  {
    name: "marks someone else's phone number as not the resident's own",
    payload: updates.contact({ phoneNumber: "+84912345678", firstName: "Hùng", userId: null }),
    expect: { content: { type: "contact", phone: "+84912345678", name: "Hùng", isOwn: false } },
  },
  {
    name: "takes the largest size of a photo, with its caption",
    payload: photoUpdate,
    expect: {
      content: { type: "media", media: { kind: "photo", ref: "photo-big", mime: "image/jpeg", size: 180_000 }, caption: "Hiện trường" },
    },
  },
  {
    name: "turns a voice note into voice media",
    payload: updates.voice({ fileId: "voice-1", fileSize: 24_000 }),
    expect: { content: { type: "media", media: { kind: "voice", ref: "voice-1", mime: "audio/ogg", size: 24_000 } } },
  },
  {
    name: "turns an audio file into audio media with its name",
    payload: updates.audio({ fileId: "audio-1", fileName: "ghi-am.mp3" }),
    expect: { content: { type: "media", media: { kind: "audio", ref: "audio-1", mime: "audio/mpeg", name: "ghi-am.mp3" } } },
  },
  {
    name: "turns a video into video media",
    payload: updates.video({ fileId: "video-1", caption: "Xe máy bị lấy" }),
    expect: { content: { type: "media", media: { kind: "video", ref: "video-1", mime: "video/mp4" }, caption: "Xe máy bị lấy" } },
  },
  {
    name: "treats a round video note as a video",
    payload: messageUpdate({ video_note: { file_id: "note-1", file_unique_id: "AgADno1", length: 240, duration: 5, file_size: 300_000 } }),
    expect: { content: { type: "media", media: { kind: "video", ref: "note-1", mime: "video/mp4", size: 300_000 } } },
  },
  {
    name: "turns a document into document media with its name and type",
    payload: updates.document({ fileId: "doc-1", fileName: "don-trinh-bao.pdf" }),
    expect: { content: { type: "media", media: { kind: "document", ref: "doc-1", name: "don-trinh-bao.pdf", mime: "application/pdf" } } },
  },
  { name: "recognises a sticker", payload: updates.sticker(), expect: { content: { type: "sticker" } } },
  {
    name: "calls a GIF unsupported rather than a document",
    payload: messageUpdate({
      animation: { file_id: "gif-1", file_unique_id: "AgADgif", width: 320, height: 240, duration: 3 },
      document: { file_id: "gif-1", file_unique_id: "AgADgif", file_name: "funny.mp4", mime_type: "video/mp4" },
    }),
    expect: { content: { type: "unsupported", what: "animation" } },
  },
  {
    name: "calls a poll unsupported",
    payload: messageUpdate({
      poll: {
        id: "poll-1", question: "?", total_voter_count: 0, is_closed: false, is_anonymous: true, type: "regular",
        allows_multiple_answers: false, allows_revoting: false, members_only: false,
        options: [{ persistent_id: "a", text: "Có", voter_count: 0 }, { persistent_id: "b", text: "Không", voter_count: 0 }],
      },
    }),
    expect: { content: { type: "unsupported", what: "poll" } },
  },
  { name: "calls a dice unsupported", payload: messageUpdate({ dice: { emoji: "🎲", value: 4 } }), expect: { content: { type: "unsupported", what: "dice" } } },
  {
    name: "turns blocking the bot into an unfollow",
    payload: {
      update_id: nextUpdateId++,
      my_chat_member: {
        chat: privateChat, from: resident, date: 1_767_225_600,
        old_chat_member: { status: "member", user: { id: 7000000001, is_bot: true, first_name: "Tin Báo" } },
        new_chat_member: { status: "kicked", user: { id: 7000000001, is_bot: true, first_name: "Tin Báo" }, until_date: 0 },
      },
    },
    expect: { chatId: CHAT, content: { type: "unfollow" } },
  },
  {
    name: "turns unblocking the bot into a follow",
    payload: {
      update_id: nextUpdateId++,
      my_chat_member: {
        chat: privateChat, from: resident, date: 1_767_225_600,
        old_chat_member: { status: "kicked", user: { id: 7000000001, is_bot: true, first_name: "Tin Báo" }, until_date: 0 },
        new_chat_member: { status: "member", user: { id: 7000000001, is_bot: true, first_name: "Tin Báo" } },
      },
    },
    expect: { chatId: CHAT, content: { type: "follow" } },
  },
  {
    name: "ignores messages in group chats",
    payload: messageUpdate({ chat: { id: -1001234567890, type: "supergroup", title: "Công an xã" }, text: "xin chào" }),
    expect: null,
  },
  { name: "ignores edited messages", payload: messageUpdate({ text: "sửa lại", edit_date: 1_767_225_700 }, "edited_message"), expect: null },
  {
    name: "ignores channel posts",
    payload: messageUpdate({ chat: { id: -1009876543210, type: "channel", title: "Tin tức" }, from: undefined, text: "bài đăng" }, "channel_post"),
    expect: null,
  },
  {
    name: "ignores update types it did not ask for",
    payload: { update_id: nextUpdateId++, inline_query: { id: "iq-1", from: resident, query: "113", offset: "" } },
    expect: null,
  },
];

// ---- outbound table ------------------------------------------------------------------------------------------

const audioDir = mkdtempSync(path.join(os.tmpdir(), "tinbao-telegram-audio-"));
const oggFile = path.join(audioDir, "loi-chao.ogg");
const mp3File = path.join(audioDir, "loi-chao.mp3");
writeFileSync(oggFile, Buffer.concat([Buffer.from("OggS"), Buffer.alloc(2_000, 1)]));
writeFileSync(mp3File, Buffer.concat([Buffer.from("ID3"), Buffer.alloc(3_000, 2)]));

const outbound: OutboundRow[] = [
  {
    name: "sends a text and clears any reply keyboard left from an earlier question",
    chatId: CHAT,
    message: { text: "Tin báo của bạn đã được tiếp nhận." },
    expect: [{ method: "sendMessage", params: { chat_id: RESIDENT, text: "Tin báo của bạn đã được tiếp nhận.", reply_markup: { remove_keyboard: true } } }],
    receipt: { providerMessageId: "1" },
  },
  {
    name: "offers choices as inline buttons whose callback_data is the payload",
    chatId: CHAT,
    message: { text: "Bạn muốn làm gì?", buttons: [[{ label: "Báo tin", payload: "menu:report" }, { label: "Hỏi đáp", payload: "menu:ask" }]] },
    expect: [
      {
        method: "sendMessage",
        params: {
          text: "Bạn muốn làm gì?",
          reply_markup: { inline_keyboard: [[{ text: "Báo tin", callback_data: "menu:report" }, { text: "Hỏi đáp", callback_data: "menu:ask" }]] },
        },
      },
    ],
  },
  {
    name: "asks for the location with a one-time reply keyboard button",
    chatId: CHAT,
    message: { text: "Việc xảy ra ở đâu?", requestLocation: true },
    expect: [
      {
        method: "sendMessage",
        params: {
          reply_markup: { keyboard: [[{ text: "📍 Gửi vị trí", request_location: true }]], one_time_keyboard: true, resize_keyboard: true },
        },
      },
    ],
  },
  {
    name: "asks for location and phone number on one keyboard",
    chatId: CHAT,
    message: { text: "Cho chúng tôi biết vị trí và số điện thoại.", requestLocation: true, requestContact: true },
    expect: [
      {
        method: "sendMessage",
        params: {
          reply_markup: {
            keyboard: [[{ text: "📍 Gửi vị trí", request_location: true }], [{ text: "📞 Gửi số điện thoại", request_contact: true }]],
          },
        },
      },
    ],
  },
  {
    name: "moves inline choices to a follow-up when the location keyboard takes the only text",
    chatId: CHAT,
    message: { text: "Việc xảy ra ở đâu?", requestLocation: true, buttons: [[{ label: "Bỏ qua", payload: "step:skip" }]] },
    expect: [
      { method: "sendMessage", params: { text: "Việc xảy ra ở đâu?", reply_markup: { keyboard: [[{ request_location: true }]] } } },
      { method: "sendMessage", params: { text: "Hoặc chọn:", reply_markup: { inline_keyboard: [[{ text: "Bỏ qua", callback_data: "step:skip" }]] } } },
    ],
    receipt: { providerMessageId: "2" },
  },
  {
    name: "lists the emergency numbers as lines, since Telegram has no call buttons",
    chatId: CHAT,
    message: {
      text: "Nếu đang nguy hiểm, hãy gọi ngay:",
      phones: [{ label: "Công an", number: "113" }, { label: "Cấp cứu", number: "115" }],
    },
    expect: [{ method: "sendMessage", params: { text: "Nếu đang nguy hiểm, hãy gọi ngay:\n\n☎ 113 — Công an\n☎ 115 — Cấp cứu" } }],
  },
  {
    name: "protects a receipt code from forwarding and saving",
    chatId: CHAT,
    message: { text: "Mã tin báo: QN-7K2P. Giữ mã này để hỏi kết quả.", protect: true },
    expect: [{ method: "sendMessage", params: { protect_content: true } }],
  },
  {
    name: "sends a receipt as its protected text, both codes in the words: the structured codes are for the web chat's card",
    chatId: CHAT,
    message: {
      text: "Công an đã nhận tin báo của bạn.\nMã tin báo: QN-7K3P9\nMã bí mật: 12345678",
      protect: true,
      receipt: { reference: "QN-7K3P9", secret: "12345678" },
    },
    expect: [
      {
        method: "sendMessage",
        params: { text: "Công an đã nhận tin báo của bạn.\nMã tin báo: QN-7K3P9\nMã bí mật: 12345678", protect_content: true, reply_markup: { remove_keyboard: true } },
      },
    ],
  },
  {
    name: "writes Vietnamese in composed form (NFC)",
    chatId: CHAT,
    message: { text: "Cảm ơn bạn".normalize("NFD") },
    expect: [{ method: "sendMessage", params: { text: "Cảm ơn bạn".normalize("NFC") } }],
  },
  {
    name: "plays an Ogg recording as a voice note before the text",
    chatId: CHAT,
    message: { text: "Xin chào", audio: { file: oggFile, mime: "audio/ogg; codecs=opus", label: "Lời chào" } },
    expect: [
      { method: "sendVoice", params: { chat_id: RESIDENT }, files: [{ field: "voice", filename: "loi-chao.ogg", size: 2_004 }] },
      { method: "sendMessage", params: { text: "Xin chào" } },
    ],
    receipt: { providerMessageId: "2" },
  },
  {
    name: "sends an MP3 recording as audio with its label as title",
    chatId: CHAT,
    message: { text: "Xin chào", audio: { file: mp3File, mime: "audio/mpeg", label: "Lời chào" }, protect: true },
    expect: [
      { method: "sendAudio", params: { title: "Lời chào", protect_content: true }, files: [{ field: "audio", filename: "loi-chao.mp3" }] },
      { method: "sendMessage", params: { text: "Xin chào", protect_content: true } },
    ],
  },
];

// ---- failure table -------------------------------------------------------------------------------------------

const onSend = (failure: ScriptedFailure): TelegramAnswer[] => [{ method: "sendMessage", failure }];

const failures: FailureRow<TelegramAnswer>[] = [
  { name: "waits as long as Telegram says when it answers 429", answers: onSend({ kind: "429", retryAfter: 7 }), expect: { kind: "throttled", retryAfterMs: 7_000, providerCode: 429 } },
  { name: "calls a 500 a server error", answers: onSend({ kind: "500" }), expect: { kind: "server", providerCode: 500 } },
  { name: "calls a 502 from a proxy a server error", answers: onSend({ kind: "502" }), expect: { kind: "server" } },
  { name: "calls an HTML error page with status 502 a server error", answers: onSend({ kind: "garbage", status: 502 }), expect: { kind: "server" } },
  { name: "gives up waiting when Telegram does not answer, as a connection failure", answers: onSend({ kind: "hang" }), expect: { kind: "connection" } },
  { name: "calls a dropped connection a connection failure", answers: onSend({ kind: "disconnect" }), expect: { kind: "connection" } },
  { name: "marks the contact stopped when Telegram says the bot was blocked", answers: onSend({ kind: "blocked" }), expect: { kind: "contact_stopped", providerCode: 403 } },
  {
    name: "marks the contact stopped when the resident's account is deleted",
    answers: onSend({ kind: "error", code: 403, description: "Forbidden: user is deactivated" }),
    expect: { kind: "contact_stopped" },
  },
  {
    name: "marks the contact stopped when the resident never started the bot",
    answers: onSend({ kind: "error", code: 403, description: "Forbidden: bot can't initiate conversation with a user" }),
    expect: { kind: "contact_stopped" },
  },
  { name: "reports a chat Telegram does not know as rejected with code 400", answers: onSend({ kind: "chat-not-found" }), expect: { kind: "rejected", providerCode: 400 } },
  {
    name: "reports any other 400 as an invalid message",
    answers: onSend({ kind: "error", code: 400, description: "Bad Request: can't parse entities: unsupported start tag" }),
    expect: { kind: "invalid_message", providerCode: 400 },
  },
  { name: "calls a revoked token a configuration error", answers: onSend({ kind: "error", code: 401, description: "Unauthorized" }), expect: { kind: "config" } },
  { name: "calls a 404 for the bot's URL a configuration error", answers: onSend({ kind: "error", code: 404, description: "Not Found" }), expect: { kind: "config" } },
  { name: "calls a 200 answer that is not JSON an unexpected response", answers: onSend({ kind: "garbage" }), expect: { kind: "unexpected_response" } },
  {
    name: "reports a 429 on the text after the voice note went out",
    message: { text: "Xin chào", audio: { file: oggFile, mime: "audio/ogg" } },
    answers: onSend({ kind: "429", retryAfter: 2 }),
    expect: { kind: "throttled", retryAfterMs: 2_000 },
  },
];

// ---- conformance ---------------------------------------------------------------------------------------------

const telegramUnderTest: ChannelUnderTest<TelegramAnswer> = {
  name: "telegram",
  unavailable: specMissing,
  setup: ({ log, credentials }) => startTelegram(log, credentials === "wrong" ? { token: WRONG_TOKEN } : {}),
  checksCredentials: true,
  webhook: {
    sign: () => ({ "content-type": "application/json", "x-telegram-bot-api-secret-token": WEBHOOK_SECRET }),
    credentialHeaders: ["x-telegram-bot-api-secret-token"],
    signsBody: false,
  },
  validatePayload: (payload) => validator().checkValue("Update", payload)?.description,
  chatId: CHAT,
  inbound,
  outbound,
  failures,
};

let specValidator: FakeTelegramBotApi["validator"] | undefined;
function validator(): FakeTelegramBotApi["validator"] {
  specValidator ??= new FakeTelegramBotApi().validator;
  return specValidator;
}

runChannelConformance(telegramUnderTest);

// ---- Telegram only -------------------------------------------------------------------------------------------

const reason = specMissing();
if (reason && process.env.CI) {
  describe("Telegram channel", () => {
    it("has the Bot API spec its fake needs", () => {
      throw new Error(reason);
    });
  });
} else if (reason) {
  console.warn(`skipping the Telegram channel tests: ${reason}`);
}

describe.runIf(reason === undefined)(reason ? `Telegram channel (skipped: ${reason})` : "Telegram channel", () => {
  const { log, lines } = captureLogs();
  let telegram: Awaited<ReturnType<typeof startTelegram>>;
  let fake: FakeTelegramBotApi;
  let channel: Channel;
  let factory: UpdateFactory;

  beforeAll(async () => {
    telegram = await startTelegram(log);
    fake = telegram.fake;
    channel = telegram.channel;
  });
  beforeEach(() => {
    factory = new UpdateFactory({ files: fake });
  });
  afterEach(() => {
    const logLines = [...lines];
    lines.length = 0;
    fake.assertAllValid();
    fake.reset();
    expectNoSecrets(logLines, [DEFAULT_TOKEN, WEBHOOK_SECRET], "log line");
  });
  afterAll(async () => {
    await fake.close();
  });

  describe("buttons", () => {
    it("refuses 65 bytes of callback_data before calling Telegram, even when it is only 33 letters", async () => {
      const payload = `${"đ".repeat(32)}a`; // 32 × 2 bytes + 1
      const error = await sendError(channel.send(CHAT, { text: "Chọn:", buttons: [[{ label: "Đồng ý", payload }]] }));
      expect(error.kind).toBe("invalid_message");
      expect(error.message).toMatch(/65/);
      expect(fake.calls).toEqual([]);
    });

    it("sends 64 bytes of Vietnamese callback_data untouched", async () => {
      const payload = "đ".repeat(32);
      await channel.send(CHAT, { text: "Chọn:", buttons: [[{ label: "Đồng ý", payload }]] });
      expect(fake.lastCall("sendMessage")?.params["reply_markup"]).toEqual({ inline_keyboard: [[{ text: "Đồng ý", callback_data: payload }]] });
    });

    it("refuses an empty button label instead of sending a blank button", async () => {
      const error = await sendError(channel.send(CHAT, { text: "Chọn:", buttons: [[{ label: "  ", payload: "x" }]] }));
      expect(error.kind).toBe("invalid_message");
      expect(fake.calls).toEqual([]);
    });
  });

  describe("long texts", () => {
    const paragraph = (n: number): string => `Đoạn ${n}. ${"Người dân có thể báo tin cho công an bất cứ lúc nào. ".repeat(30).trim()}`;
    const longText = Array.from({ length: 6 }, (_, i) => paragraph(i + 1)).join("\n\n"); // ~9,700 code points

    it("splits a text over 4096 characters at paragraph breaks, buttons on the last part only", async () => {
      await channel.send(CHAT, { text: longText, buttons: [[{ label: "Xong", payload: "done" }]] });
      const sent = fake.callsTo("sendMessage");
      expect(sent.length).toBe(3);
      const texts = sent.map((call) => String(call.params["text"]));
      for (const text of texts) expect([...text].length).toBeLessThanOrEqual(4096);
      expect(texts.join("\n\n")).toBe(longText);
      for (const text of texts) expect(text.startsWith("Đoạn")).toBe(true);
      expect(sent.slice(0, -1).map((call) => call.params["reply_markup"])).toEqual([{ remove_keyboard: true }, { remove_keyboard: true }]);
      expect(sent.at(-1)?.params["reply_markup"]).toEqual({ inline_keyboard: [[{ text: "Xong", callback_data: "done" }]] });
    });

    it("splits one endless paragraph between sentences, then between words", async () => {
      const sentences = "Câu này kể lại sự việc. ".repeat(400).trim(); // one paragraph, ~9,600 code points
      await channel.send(CHAT, { text: sentences });
      const texts = fake.callsTo("sendMessage").map((call) => String(call.params["text"]));
      expect(texts.length).toBe(3);
      for (const text of texts) expect(text.endsWith("sự việc.")).toBe(true);
      expect(texts.join(" ")).toBe(sentences);

      fake.reset();
      const words = "trộm ".repeat(2_000).trim();
      await channel.send(CHAT, { text: words });
      const wordTexts = fake.callsTo("sendMessage").map((call) => String(call.params["text"]));
      for (const text of wordTexts) expect(text).toMatch(/^trộm( trộm)*$/);
      expect(wordTexts.join(" ")).toBe(words);
    });
  });

  describe("long polling", () => {
    let poller: Awaited<ReturnType<typeof startTelegram>> | undefined;
    afterEach(async () => {
      await poller?.channel.stop?.();
      poller?.fake.assertAllValid();
      await poller?.close();
      poller = undefined;
    });

    const startPoller = async (ingest: (update: unknown) => Promise<void>, options: TelegramChannelOptions = {}) => {
      poller = await startTelegram(log, { mode: "polling", channel: options });
      await poller.channel.start!(ingest);
      return poller;
    };

    it("removes the webhook and registers the commands before polling", async () => {
      const { fake: pollFake } = await startPoller(async () => {});
      await pollFake.waitForCalls("getUpdates");
      expect(pollFake.calls.map((call) => call.method).slice(0, 3)).toEqual(["deleteWebhook", "setMyCommands", "getUpdates"]);
      expect(pollFake.lastCall("deleteWebhook")?.params).toEqual({ drop_pending_updates: false });
      expect(pollFake.lastCall("getUpdates")?.params).toMatchObject({ timeout: 1, allowed_updates: ["message", "callback_query", "my_chat_member"] });
    });

    it("stores each update before moving the offset past it", async () => {
      const pendingWhenStored: number[][] = [];
      const stored: number[] = [];
      let pollFake!: FakeTelegramBotApi;
      const done = new Promise<void>((resolve) => {
        void startPoller(async (update) => {
          const id = (update as { update_id: number }).update_id;
          // While we store it, Telegram must still hold it (not yet confirmed by an offset).
          pendingWhenStored.push(pollFake.pendingUpdates().map((pending) => Number(pending["update_id"])));
          stored.push(id);
          if (stored.length === 3) resolve();
        }).then((started) => {
          pollFake = started.fake;
          const builder = new UpdateFactory({ firstUpdateId: 500 });
          pollFake.queueUpdate(builder.text("một"));
          pollFake.queueUpdate(builder.text("hai"));
          pollFake.queueUpdate(builder.text("ba"));
        });
      });
      await done;
      expect(stored).toEqual([500, 501, 502]);
      pendingWhenStored.forEach((pending, index) => expect(pending).toContain(stored[index]));
      const next = await pollFake.waitForCalls("getUpdates", 2);
      expect(next.at(-1)?.params["offset"]).toBe(503);
      expect(pollFake.pendingUpdates()).toEqual([]);
    });

    it("gets an update again when storing it failed, and does not skip ahead", async () => {
      const attempts: number[] = [];
      let failOnce = true;
      const stored = new Promise<void>((resolve) => {
        void startPoller(async (update) => {
          const id = (update as { update_id: number }).update_id;
          attempts.push(id);
          if (id === 701 && failOnce) {
            failOnce = false;
            throw new Error("database is locked");
          }
          if (id === 702) resolve();
        }).then(({ fake: pollFake }) => {
          const builder = new UpdateFactory({ firstUpdateId: 700 });
          for (const text of ["một", "hai", "ba"]) pollFake.queueUpdate(builder.text(text));
        });
      });
      await stored;
      expect(attempts).toEqual([700, 701, 701, 702]);
      expect(lines.some((line) => line.includes("ingest failed"))).toBe(true);
    });

    it("waits as long as a 429 says before polling again", async () => {
      const { fake: pollFake } = await startPoller(async () => {});
      await pollFake.waitForCalls("getUpdates");
      pollFake.failNext("getUpdates", { kind: "429", retryAfter: 1 });
      pollFake.queueUpdate(new UpdateFactory().text("đánh thức")); // ends the pending long poll
      const [, throttled, after] = await pollFake.waitForCalls("getUpdates", 3, 4_000);
      expect(throttled?.failure).toEqual({ kind: "429", retryAfter: 1 });
      expect(after!.at.getTime() - throttled!.at.getTime()).toBeGreaterThanOrEqual(950);
    });

    it("keeps polling after Telegram fails, backing off", async () => {
      const { fake: pollFake } = await startPoller(async () => {});
      await pollFake.waitForCalls("getUpdates");
      pollFake.failNext("getUpdates", { kind: "502" }, 2);
      pollFake.queueUpdate(new UpdateFactory().text("đánh thức"));
      const calls = await pollFake.waitForCalls("getUpdates", 4, 4_000);
      expect(calls.filter((call) => call.failure).length).toBe(2);
    });

    it("stops promptly while a long poll is waiting", async () => {
      const { fake: pollFake, channel: polling } = await startPoller(async () => {}, { pollTimeoutSeconds: 20 });
      await pollFake.waitForCalls("getUpdates");
      const started = Date.now();
      await polling.stop!();
      expect(Date.now() - started).toBeLessThan(1_000);
      const callsAfterStop = pollFake.calls.length;
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(pollFake.calls.length).toBe(callsAfterStop);
    });
  });

  describe("webhook mode", () => {
    it("registers the webhook with its secret and the update types it handles", async () => {
      await channel.start!(async () => {});
      expect(fake.webhook).toMatchObject({
        url: `${PUBLIC_URL}/webhooks/telegram`,
        secret_token: WEBHOOK_SECRET,
        allowed_updates: ["message", "callback_query", "my_chat_member"],
      });
      expect(fake.commands.get("default:")).toEqual([
        { command: "start", description: expect.any(String) },
        { command: "menu", description: expect.any(String) },
        { command: "cancel", description: expect.any(String) },
      ]);
      await channel.stop!();
    });

    it("fails to start, without the token in the error, when Telegram refuses the webhook", async () => {
      fake.failNext("setWebhook", { kind: "error", code: 400, description: "Bad Request: bad webhook: Failed to resolve host" });
      const error = await sendError(channel.start!(async () => {}));
      expect(error.kind).toBe("invalid_message");
      expectNoSecrets([error.message, error.stack ?? ""], [DEFAULT_TOKEN], "SendError");
    });
  });

  describe("downloads", () => {
    const mediaOf = (update: unknown): InboundMedia => {
      const content = channel.receive(update)?.content;
      if (content?.type !== "media") throw new Error("expected media");
      return content.media;
    };
    const read = async (stream: NodeJS.ReadableStream): Promise<Buffer> => {
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
      return Buffer.concat(chunks);
    };

    it("downloads a voice note", async () => {
      const content = Buffer.concat([Buffer.from("OggS"), Buffer.alloc(10_000, 7)]);
      const stream = await channel.download(mediaOf(factory.voice({ content })), 20 * MB);
      expect(await read(stream)).toEqual(content);
      expect(fake.callsTo("getFile")).toHaveLength(1);
      expect(fake.downloads).toHaveLength(1);
    });

    it("refuses a 30 MB video with MediaTooLargeError without asking Telegram or downloading", async () => {
      const media = mediaOf(factory.video({ fileSize: 30 * MB }));
      const error = await channel.download(media, 20 * MB).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MediaTooLargeError);
      expect(error).toMatchObject({ size: 30 * MB, limit: 20 * MB });
      expect(fake.calls).toEqual([]);
      expect(fake.downloads).toEqual([]);
    });

    it("refuses a file whose size only getFile knows, when Telegram says it is too big", async () => {
      const media = { ...mediaOf(factory.video({ fileSize: 30 * MB })), size: undefined };
      const error = await channel.download(media, 100 * MB).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MediaTooLargeError);
      expect(error).toMatchObject({ limit: 20 * MB });
      expect(fake.downloads).toEqual([]);
    });

    it("refuses a file over the caller's limit once getFile tells its size", async () => {
      const media = { ...mediaOf(factory.document({ fileSize: 5 * MB })), size: undefined };
      const error = await channel.download(media, 1 * MB).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MediaTooLargeError);
      expect(fake.callsTo("getFile")).toHaveLength(1);
      expect(fake.downloads).toEqual([]);
    });

    it("reports a getFile timeout as a connection failure without the token", async () => {
      const media = mediaOf(factory.photo());
      fake.failNext("getFile", { kind: "hang" });
      const error = await sendError(channel.download(media, 20 * MB));
      expect(error.kind).toBe("connection");
      expectNoSecrets([error.message], [DEFAULT_TOKEN], "SendError");
    });
  });

  describe("acknowledging button presses", () => {
    it("answers the callback query so the spinner stops", async () => {
      const message = channel.receive(factory.callback("menu:report"))!;
      await channel.acknowledge!(message);
      expect(fake.lastCall("answerCallbackQuery")?.params).toEqual({ callback_query_id: message.callbackQueryId });
    });

    it("does nothing for messages that are not button presses", async () => {
      await channel.acknowledge!(channel.receive(factory.text("xin chào"))!);
      expect(fake.calls).toEqual([]);
    });

    it("logs a failed answer without the token and carries on", async () => {
      fake.failNext("answerCallbackQuery", { kind: "error", code: 400, description: "Bad Request: query is too old and response timeout expired or query ID is invalid" });
      await channel.acknowledge!(channel.receive(factory.callback("menu:report"))!);
      expect(lines.some((line) => line.includes("answerCallbackQuery failed") && line.includes("query is too old"))).toBe(true);
    });
  });
});
