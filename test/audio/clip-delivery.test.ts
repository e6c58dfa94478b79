/**
 * A translator's clip, converted for real, reaches each channel in the form it plays: Telegram gets the OGG/Opus copy
 * as a voice note (a sendVoice multipart upload, checked by the fake Bot API against the published spec); Zalo gets
 * the M4A copy as a file, or, where Zalo refuses audio files (its docs list only PDF/DOC/DOCX), a "▶ 🔊" button
 * opening the clip's public address; web chat gets both copies for the browser to choose from.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { zaloClipCopies } from "../../src/audio/clip-files.ts";
import { storeClip } from "../../src/audio/store-clip.ts";
import { createTelegramChannel } from "../../src/channels/telegram/index.ts";
import { createWebchatChannel, type WebchatView } from "../../src/channels/webchat/channel.ts";
import { createZaloChannel } from "../../src/channels/zalo/index.ts";
import type { ZaloConfig } from "../../src/config.ts";
import type { AudioClip } from "../../src/db/generated/sqlite/client.ts";
import { FakeTelegramBotApi, specAvailable } from "../fakes/telegram-bot-api.ts";
import { DEFAULT_ZALO_USER, FAKE_OA_SECRET_KEY, FakeZaloApi, ZALO_PATHS } from "../fakes/zalo-api.ts";
import { createTestContext, type TestContext } from "../support/context.ts";
import { makeRecording } from "../support/recordings.ts";

const PUBLIC_URL = "https://tinbao.example.vn";

describe("a recorded clip on each channel", () => {
  let ctx: TestContext;
  let clip: AudioClip;
  const oggOf = () => path.join(ctx.config.mediaDir, clip.oggFile!);
  const prompt = () => ({ text: "Bạn cần gì? Bấm một nút bên dưới.", audio: { file: oggOf(), mime: "audio/ogg", label: "Bạn cần gì?" } });

  beforeAll(async () => {
    ctx = await createTestContext({ PUBLIC_URL });
    ({ clip } = await storeClip(ctx, { id: "translator" }, makeRecording("webm", 4), "audio/webm"));
  });
  afterAll(async () => ctx?.close());

  describe.runIf(specAvailable() || Boolean(process.env.CI))("Telegram", () => {
    const fake = new FakeTelegramBotApi();
    beforeAll(async () => void (await fake.start()));
    afterAll(async () => fake.close());

    it("sends the OGG/Opus copy as a voice note before the text", async () => {
      const telegram = createTelegramChannel({ token: fake.token, apiRoot: fake.url, mode: "webhook", webhookSecret: "clip-secret", publicUrl: PUBLIC_URL }, { log: ctx.log });
      await telegram.send("8100001", prompt());
      const calls = fake.calls.filter((c) => c.accepted);
      expect(calls.map((c) => c.method)).toEqual(["sendVoice", "sendMessage"]);
      const voice = calls[0]!.files;
      expect(voice).toHaveLength(1);
      expect(voice[0]!.field).toBe("voice");
      expect(voice[0]!.data.subarray(0, 4).toString("latin1")).toBe("OggS");
      expect(voice[0]!.data.includes(Buffer.from("OpusHead"))).toBe(true);
      expect(voice[0]!.data.equals(readFileSync(oggOf()))).toBe(true);
      fake.assertAllValid();
    });
  });

  describe("Zalo", () => {
    async function zaloWith(uploadFileTypes: "any" | "documents") {
      // Each fake issues its own tokens: forget the previous one's rotated token.
      await ctx.db.channelCredential.deleteMany();
      const fake = new FakeZaloApi({ uploadFileTypes });
      const { url } = await fake.start();
      const config: ZaloConfig = {
        appId: fake.appId,
        appSecret: fake.appSecret,
        oaSecretKey: FAKE_OA_SECRET_KEY,
        apiBase: url,
        oauthBase: url,
        refreshToken: fake.issueRefreshToken(),
        webhookMaxAgeSeconds: 300,
      };
      const channel = createZaloChannel(config, { db: ctx.db, vault: ctx.vault, log: ctx.log, now: () => new Date() }, {
        recordedClip: zaloClipCopies(ctx.config.mediaDir, ctx.config.publicUrl),
      });
      return { fake, channel };
    }

    it("uploads the M4A copy and sends it as a file the resident taps to play", async () => {
      const { fake, channel } = await zaloWith("any");
      try {
        await channel.send(DEFAULT_ZALO_USER, prompt());
        const [upload] = fake.callsTo(ZALO_PATHS.uploadFile);
        expect(upload!.files.map((f) => [f.field, f.filename, f.contentType])).toEqual([["file", `${clip.sha256}.m4a`, "audio/mp4"]]);
        expect(upload!.files[0]!.data.equals(readFileSync(path.join(ctx.config.mediaDir, clip.m4aFile!)))).toBe(true);
        const sent = fake.sentMessages();
        expect(sent[0]).toMatchObject({ attachment: { type: "file" } });
        expect(sent[1]).toMatchObject({ text: "Bạn cần gì? Bấm một nút bên dưới." });
      } finally {
        await fake.close();
      }
    });

    it("sends a link to the clip's public copy when Zalo refuses audio files, and goes straight to the link next time", async () => {
      const { fake, channel } = await zaloWith("documents");
      try {
        await channel.send(DEFAULT_ZALO_USER, prompt());
        await channel.send(DEFAULT_ZALO_USER, prompt());
        expect(fake.callsTo(ZALO_PATHS.uploadFile)).toHaveLength(1);
        const link = { text: "🔊", attachment: { type: "template", payload: { buttons: [{ type: "oa.open.url", title: "▶ 🔊", payload: { url: `${PUBLIC_URL}/chat/audio/clip/${clip.sha256}.m4a` } }] } } };
        expect(fake.sentMessages()).toEqual([link, { text: "Bạn cần gì? Bấm một nút bên dưới." }, link, { text: "Bạn cần gì? Bấm một nút bên dưới." }]);
      } finally {
        await fake.close();
      }
    });
  });

  it("gives web chat the OGG/Opus copy and the M4A copy for Safari", async () => {
    const webchat = createWebchatChannel(ctx);
    await webchat.send("visitor-clip-test", prompt());
    const row = await ctx.db.webchatMessage.findFirstOrThrow({ orderBy: { id: "desc" } });
    const view = JSON.parse(ctx.vault.decrypt(row.body)) as WebchatView;
    expect(view.audio).toEqual({
      url: `/chat/audio/clip/${clip.sha256}.ogg`,
      label: "Bạn cần gì?",
      sources: [
        { url: `/chat/audio/clip/${clip.sha256}.ogg`, type: "audio/ogg; codecs=opus" },
        { url: `/chat/audio/clip/${clip.sha256}.m4a`, type: "audio/mp4" },
      ],
    });
  });
});
