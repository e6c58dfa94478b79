/**
 * A clip recorded in Chromium reaches residents as each channel plays it. Chromium records from its fake microphone
 * (a beep, `--use-fake-device-for-media-stream`) with MediaRecorder, as the workbench does, and saves the recording
 * with the console API; the service converts it; once another speaker of Hre approves, a Telegram resident who chose
 * Hre gets it as a voice note (sendVoice with the OGG/Opus file, checked by the fake Bot API), a web chat resident as
 * a player with the OGG and M4A copies, and a Zalo resident (on a Zalo that refuses audio files) as a link to it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegramBotApi, specAvailable } from "../fakes/telegram-bot-api.ts";
import { UpdateFactory } from "../fakes/telegram-updates.ts";
import { FAKE_OA_ID, FAKE_OA_SECRET_KEY, FakeZaloApi, ZaloEventFactory, zaloServiceEnv } from "../fakes/zalo-api.ts";
import { PASSWORD, signIn, type SignedIn } from "../console/support.ts";
import { browserAvailable, launchBrowser } from "../support/browser.ts";
import { createReadyOfficer } from "../support/officers.ts";
import { chat, startTestService, WebchatVisitor, type TestService } from "../support/service.ts";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const SECRET = "recorded-clip-secret_1";
const PUBLIC_URL = "https://tinbao.example.vn";

interface SavedEntry {
  state: string;
  version: number;
  audio: { id: string; durationMs: number; sha256: string; url: string } | null;
}

describe.runIf(browserAvailable && (specAvailable() || Boolean(process.env.CI)))("a clip recorded in Chromium", () => {
  const telegram = new FakeTelegramBotApi({ token: TOKEN });
  const zalo = new FakeZaloApi({ uploadFileTypes: "documents" });
  let svc: TestService;
  let browser: Browser;
  let lan: SignedIn;
  let ha: SignedIn;
  let saved: SavedEntry;

  beforeAll(async () => {
    await telegram.start();
    const { url } = await zalo.start();
    svc = await startTestService({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: telegram.url,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_MODE: "webhook",
      PUBLIC_URL,
      ...zaloServiceEnv(zalo, url),
    });
    for (const [username, role] of [["ghi.lan", "translator"], ["ghi.ha", "admin"]] as const) {
      const { officer } = await createReadyOfficer(svc.ctx, { username, displayName: `Cán bộ ${username}`, role, unitId: null, password: PASSWORD });
      await svc.ctx.db.officer.update({ where: { id: officer.id }, data: { languages: "vi,hre" } });
    }
    [lan, ha] = await Promise.all([signIn(svc.url, "ghi.lan"), signIn(svc.url, "ghi.ha")]);
    browser = await launchBrowser(["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await svc?.close();
    await telegram.close();
    await zalo.close();
  });

  it("is recorded with MediaRecorder, saved as a draft clip and converted to OGG/Opus", async () => {
    const context = await browser.newContext();
    await context.addCookies([{ name: "tb_session", value: lan.token, url: svc.url }]);
    const page = await context.newPage();
    await page.goto(`${svc.url}/healthz`);
    const answer = await page.evaluate(
      async ({ csrf }) => {
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
        const recorder = new MediaRecorder(stream, { mimeType: "audio/webm;codecs=opus" });
        const parts: Blob[] = [];
        recorder.ondataavailable = (e) => parts.push(e.data);
        const stopped = new Promise((resolve) => (recorder.onstop = resolve));
        recorder.start();
        await new Promise((resolve) => setTimeout(resolve, 3000));
        recorder.stop();
        await stopped;
        stream.getTracks().forEach((t) => t.stop());
        const blob = new Blob(parts, { type: recorder.mimeType });
        const res = await fetch("/api/translations/hre/menu.prompt/audio?version=0", { method: "PUT", headers: { "content-type": blob.type, "x-csrf-token": csrf }, body: blob });
        return { status: res.status, type: blob.type, body: await res.text() };
      },
      { csrf: lan.csrfToken },
    );
    await context.close();
    expect(answer.type).toContain("audio/webm");
    expect(answer.status, answer.body).toBe(200);
    saved = JSON.parse(answer.body) as SavedEntry;
    expect(saved.state).toBe("draft");
    // Three seconds of recording, give or take the recorder's start and stop.
    expect(saved.audio!.durationMs).toBeGreaterThan(2_500);
    expect(saved.audio!.durationMs).toBeLessThan(4_000);
    const clip = await svc.ctx.db.audioClip.findUniqueOrThrow({ where: { id: saved.audio!.id } });
    expect(clip.mime).toBe("audio/webm");
    expect(readFileSync(path.join(svc.ctx.config.mediaDir, clip.oggFile!)).subarray(0, 4).toString("latin1")).toBe("OggS");
  });

  it("once approved by another speaker, reaches a Telegram resident who chose Hre as a voice note", async () => {
    const approved = await fetch(`${svc.url}/api/translations/hre/menu.prompt/approve`, {
      method: "POST",
      headers: { ...ha.cookie, "x-csrf-token": ha.csrfToken, "content-type": "application/json" },
      body: JSON.stringify({ version: saved.version }),
    });
    expect(approved.status, await approved.clone().text()).toBe(200);

    const u = new UpdateFactory({ user: { id: 7300001, first_name: "Y Blang", language_code: "vi" }, firstUpdateId: 730000, files: telegram });
    for (const update of [u.command("start"), u.callback("lang:hre"), u.text("menu")]) {
      const res = await fetch(`${svc.url}/webhooks/telegram`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
        body: JSON.stringify(update),
      });
      expect(res.status).toBe(200);
      await svc.settle();
    }
    const voices = telegram.calls.filter((c) => c.accepted && c.method === "sendVoice");
    expect(voices.length).toBeGreaterThan(0);
    const file = telegram.fileSent(voices.at(-1)!, "voice")!;
    expect(file.field).toBe("voice");
    const clip = await svc.ctx.db.audioClip.findUniqueOrThrow({ where: { id: saved.audio!.id } });
    expect(file.data.equals(readFileSync(path.join(svc.ctx.config.mediaDir, clip.oggFile!)))).toBe(true);
    expect(file.data.includes(Buffer.from("OpusHead"))).toBe(true);
    telegram.assertAllValid();
  });

  it("plays in web chat from its public copies, and reaches Zalo as a link when Zalo refuses audio files", async () => {
    const v = new WebchatVisitor(svc.url);
    await v.open();
    await chat(svc, v, { text: "xin chào" });
    const menu = (await chat(svc, v, { button: "lang:hre" })) as { audio?: { url: string; sources?: { url: string; type: string }[] } };
    const sha = saved.audio!.sha256;
    expect(menu.audio?.sources).toEqual([
      { url: `/chat/audio/clip/${sha}.ogg`, type: "audio/ogg; codecs=opus" },
      { url: `/chat/audio/clip/${sha}.m4a`, type: "audio/mp4" },
    ]);
    const played = await fetch(`${svc.url}${menu.audio!.sources![1]!.url}`);
    expect(played.status).toBe(200);
    expect(played.headers.get("content-type")).toBe("audio/mp4");

    // The page itself: a player whose browser picks the copy it plays (Chromium: the OGG/Opus one).
    const page = await (await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "vi-VN" })).newPage();
    await page.goto(`${svc.url}/chat`);
    await page.getByRole("button", { name: "Tiếng Hrê", exact: true }).last().click();
    const player = page.locator(".msg.out .audio audio").last();
    await player.waitFor({ timeout: 10_000 });
    expect(await player.locator("source").evaluateAll((els) => els.map((e) => (e as HTMLSourceElement).type))).toEqual(["audio/ogg; codecs=opus", "audio/mp4"]);
    const chosen = await player.evaluate(async (audio: HTMLAudioElement) => {
      audio.preload = "auto";
      audio.load();
      await new Promise((resolve, reject) => {
        audio.addEventListener("loadedmetadata", resolve, { once: true });
        audio.addEventListener("error", () => reject(new Error("the clip did not load")), { once: true });
        setTimeout(() => reject(new Error("the clip took too long to load")), 8_000);
      });
      return { src: audio.currentSrc, seconds: audio.duration };
    });
    expect(chosen.src).toBe(`${svc.url}/chat/audio/clip/${sha}.ogg`);
    expect(chosen.seconds).toBeGreaterThan(2.5);
    await page.context().close();

    const z = new ZaloEventFactory({ appId: zalo.appId, oaId: FAKE_OA_ID, oaSecretKey: FAKE_OA_SECRET_KEY, user: "2512523625410077", attachments: zalo });
    for (const event of [z.follow(), z.button("lang:hre")]) {
      const signed = z.signed(event);
      expect((await fetch(`${svc.url}/webhooks/zalo`, { method: "POST", headers: signed.headers, body: new Uint8Array(signed.rawBody) })).status).toBe(200);
      await svc.settle();
    }
    const link = zalo.sentMessages().find((m) => JSON.stringify(m).includes("oa.open.url"));
    expect(link).toEqual({ text: "🔊", attachment: { type: "template", payload: { buttons: [{ type: "oa.open.url", title: "▶ 🔊", payload: { url: `${PUBLIC_URL}/chat/audio/clip/${sha}.m4a` } }] } } });
    zalo.assertAllValid();
  });
});
