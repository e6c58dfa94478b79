/**
 * A translator's recording is taken in once, converted for every channel and measured: what a browser, a phone or
 * a desktop recorder sends becomes an OGG/Opus voice note and an M4A copy of the same length; the same file saved
 * twice is one clip; anything that is not a usable recording is refused in words the translator can act on.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIP_MESSAGES, storeClip } from "../../src/audio/store-clip.ts";
import { AppError } from "../../src/http/errors.ts";
import { sweepOrphans } from "../../src/media/sweep-orphans.ts";
import { createTestContext, type TestContext } from "../support/context.ts";
import { makeRecording, probeFile } from "../support/recordings.ts";
import { tinyPng } from "../support/images.ts";

const officer = { id: "officer-translator-1" };

describe("storing a recorded clip", () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => ctx?.close());

  const inMedia = (relative: string | null) => path.join(ctx.config.mediaDir, relative!);
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error("expected a refusal");
      },
      (err: unknown) => {
        if (!(err instanceof AppError)) throw err;
        return { status: err.status, message: err.message };
      },
    );

  it.each([
    ["webm", "audio/webm"],
    ["mp3", "audio/mpeg"],
    ["wav", "audio/wav"],
    ["m4a", "audio/mp4"],
  ] as const)("converts a 12 s %s recording to an OGG/Opus voice note and an M4A copy of the same length", async (format, mime) => {
    const { clip, created } = await storeClip(ctx, officer, Readable.from([makeRecording(format, 12, 300 + format.length * 50)]), mime);
    expect(created).toBe(true);
    expect(clip.mime).toBe(mime);
    expect(Math.abs(clip.durationMs - 12_000)).toBeLessThanOrEqual(100);

    const ogg = probeFile(inMedia(clip.oggFile));
    expect(ogg).toMatchObject({ container: "ogg", codec: "opus", channels: 1 });
    expect(Math.abs(ogg.durationMs - 12_000)).toBeLessThanOrEqual(100);
    // A voice note: well under Telegram's 1 MB for a voice message shown with its waveform.
    expect(statSync(inMedia(clip.oggFile)).size).toBeLessThan(100_000);

    const m4a = probeFile(inMedia(clip.m4aFile));
    expect(m4a.codec).toBe("aac");
    expect(m4a.container).toContain("mp4");
    expect(Math.abs(m4a.durationMs - 12_000)).toBeLessThanOrEqual(100);

    expect(readFileSync(inMedia(clip.file)).length).toBe(clip.bytes);
    expect(clip.file).toBe(`clips/${clip.sha256}.src.${format}`);
  });

  it("keeps the same recording saved twice as one clip, converted once", async () => {
    const bytes = makeRecording("mp3", 3, 660);
    const first = await storeClip(ctx, officer, bytes, "audio/mpeg");
    const converted = statSync(inMedia(first.clip.oggFile)).mtimeMs;
    const again = await storeClip(ctx, { id: "another-translator" }, Readable.from([bytes]), "audio/mpeg");
    expect(again.created).toBe(false);
    expect(again.clip.id).toBe(first.clip.id);
    expect(await ctx.db.audioClip.count({ where: { sha256: first.clip.sha256 } })).toBe(1);
    expect(statSync(inMedia(first.clip.oggFile)).mtimeMs).toBe(converted);
    // No temporary file is left behind.
    expect(readdirSync(path.join(ctx.config.mediaDir, "clips")).filter((f) => f.startsWith("."))).toEqual([]);
  });

  it("refuses a picture, text, a damaged recording, a video and a recording too short to hear, in words", async () => {
    const clipsBefore = await ctx.db.audioClip.count();
    expect(await refusal(storeClip(ctx, officer, tinyPng(), "audio/mpeg"))).toEqual({ status: 422, message: CLIP_MESSAGES.notAudio });
    expect(await refusal(storeClip(ctx, officer, Buffer.from("đây là một đoạn chữ, không phải tiếng"), "audio/ogg"))).toEqual({ status: 422, message: CLIP_MESSAGES.notAudio });

    const good = makeRecording("webm", 5);
    const cut = Buffer.concat([good.subarray(0, 200), Buffer.alloc(4000, 0x55)]);
    expect(await refusal(storeClip(ctx, officer, cut, "audio/webm"))).toEqual({ status: 422, message: CLIP_MESSAGES.damaged });

    const video = execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=5:duration=2", "-f", "lavfi", "-i", "sine=duration=2", "-c:v", "mpeg4", "-c:a", "aac", "-f", "mp4", "-movflags", "frag_keyframe+empty_moov", "pipe:1"]);
    expect(await refusal(storeClip(ctx, officer, video, "video/mp4"))).toEqual({ status: 422, message: CLIP_MESSAGES.video });
    expect(await refusal(storeClip(ctx, officer, makeRecording("wav", 0.1), "audio/wav"))).toEqual({ status: 422, message: CLIP_MESSAGES.tooShort });

    expect(await ctx.db.audioClip.count()).toBe(clipsBefore);
  });

  it("refuses a clip over 3 minutes (stated or not) and a file over 10 MB, in words", { timeout: 90_000 }, async () => {
    const clipsBefore = await ctx.db.audioClip.count();
    const long = await refusal(storeClip(ctx, officer, makeRecording("ogg", 200), "audio/ogg"));
    expect(long).toEqual({ status: 422, message: "Bản ghi âm dài 3 phút 20 giây, quá 3 phút. Bạn ghi đoạn ngắn hơn (tối đa 3 phút) nhé." });

    // Written as a stream, like a browser's MediaRecorder: the WebM header states no length.
    const unstated = execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "sine=duration=200", "-ac", "1", "-c:a", "libopus", "-b:a", "16k", "-f", "webm", "pipe:1"], { maxBuffer: 10 * 1024 * 1024 });
    expect(await refusal(storeClip(ctx, officer, unstated, "audio/webm"))).toEqual({ status: 422, message: "Bản ghi âm dài hơn 3 phút. Bạn ghi đoạn ngắn hơn (tối đa 3 phút) nhé." });

    const huge = Readable.from((function* () {
      const chunk = makeRecording("wav", 1);
      for (let sent = 0; sent < 11 * 1024 * 1024; sent += chunk.length) yield chunk;
    })());
    expect(await refusal(storeClip(ctx, officer, huge, "audio/wav"))).toEqual({ status: 413, message: CLIP_MESSAGES.tooLarge });
    expect(await ctx.db.audioClip.count()).toBe(clipsBefore);
    expect(readdirSync(path.join(ctx.config.mediaDir, "clips")).filter((f) => f.startsWith("."))).toEqual([]);
  });

  it("sweeps a clip no translation uses once it is older than UPLOAD_ORPHAN_HOURS, and keeps one a translation uses", async () => {
    const unused = (await storeClip(ctx, officer, makeRecording("mp3", 1, 880), "audio/mpeg")).clip;
    const used = (await storeClip(ctx, officer, makeRecording("mp3", 1, 990), "audio/mpeg")).clip;
    await ctx.db.translation.create({ data: { lang: "hre", key: "menu.prompt", source: "Bạn cần gì?", text: null, clipId: used.id, state: "draft", draftedBy: officer.id } });
    expect((await sweepOrphans(ctx)).clips).toBe(0);
    const later = new Date(Date.now() + (ctx.config.uploads.orphanHours + 1) * 3600_000);
    const swept = await sweepOrphans({ db: ctx.db, config: ctx.config, now: () => later });
    expect(swept.clips).toBeGreaterThanOrEqual(1);
    expect(await ctx.db.audioClip.findUnique({ where: { id: unused.id } })).toBeNull();
    expect(readdirSync(path.join(ctx.config.mediaDir, "clips")).filter((f) => f.startsWith(unused.sha256))).toEqual([]);
    expect(await ctx.db.audioClip.findUnique({ where: { id: used.id } })).not.toBeNull();
    expect(statSync(inMedia(used.oggFile)).isFile()).toBe(true);
  });

  it("says the server lacks the converter when ffmpeg is not installed", async () => {
    const bare = await createTestContext({ FFMPEG_PATH: "/nonexistent/ffmpeg" });
    try {
      expect(await refusal(storeClip(bare, officer, makeRecording("mp3", 1), "audio/mpeg"))).toEqual({ status: 503, message: CLIP_MESSAGES.converterMissing });
    } finally {
      await bare.close();
    }
  });
});
