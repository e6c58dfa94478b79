/**
 * The workbench's recording routes over real HTTP on the whole service: a translator saves a recording (the raw
 * body, as the browser's recorder sends it, or a file picked in a form) as a string's draft clip and plays it back;
 * residents' web chat cannot fetch a draft's clip, can once another speaker approved it, and cannot again once it is
 * sent back. Bad files are refused in words before anything is kept.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIP_MESSAGES } from "../../src/audio/store-clip.ts";
import { PASSWORD, signIn, type SignedIn } from "../console/support.ts";
import { createReadyOfficer } from "../support/officers.ts";
import { tinyPng } from "../support/images.ts";
import { makeRecording } from "../support/recordings.ts";
import { startTestService, type TestService } from "../support/service.ts";

interface Entry {
  key: string;
  state: string;
  version: number;
  audio: { id: string; durationMs: number; sha256: string; url: string } | null;
}

describe("recording a string in the workbench", () => {
  let svc: TestService;
  let hien: SignedIn;
  let tuan: SignedIn;
  let onlyCo: SignedIn;

  beforeAll(async () => {
    svc = await startTestService();
    for (const [username, languages] of [["dich.hien", "vi,hre"], ["dich.tuan", "vi,hre,cua"], ["dich.co", "vi,cua"]] as const) {
      const { officer } = await createReadyOfficer(svc.ctx, { username, displayName: `Người dịch ${username}`, role: "translator", unitId: null, password: PASSWORD });
      await svc.ctx.db.officer.update({ where: { id: officer.id }, data: { languages } });
    }
    [hien, tuan, onlyCo] = await Promise.all([signIn(svc.url, "dich.hien"), signIn(svc.url, "dich.tuan"), signIn(svc.url, "dich.co")]);
  });
  afterAll(async () => svc?.close());

  const headers = (who: SignedIn, extra: Record<string, string> = {}) => ({ ...who.cookie, "x-csrf-token": who.csrfToken, ...extra });
  const putAudio = (who: SignedIn, key: string, body: BodyInit, contentType?: string, query = "") =>
    fetch(`${svc.url}/api/translations/hre/${encodeURIComponent(key)}/audio${query}`, {
      method: "PUT",
      headers: headers(who, contentType ? { "content-type": contentType } : {}),
      body,
    });
  const post = (who: SignedIn, path: string, body: unknown = {}) =>
    fetch(`${svc.url}/api${path}`, { method: "POST", headers: headers(who, { "content-type": "application/json" }), body: JSON.stringify(body) });
  const errorOf = async (res: Response) => ((await res.json()) as { error: { message: string } }).error.message;

  it("saves a browser recording as the draft's clip, plays it in the console, and keeps it from residents until another speaker approves it", async () => {
    const res = await putAudio(hien, "menu.prompt", new Uint8Array(makeRecording("webm", 6)), "audio/webm;codecs=opus", "?version=0");
    expect(res.status).toBe(200);
    const entry = (await res.json()) as Entry;
    expect(entry.state).toBe("draft");
    expect(Math.abs(entry.audio!.durationMs - 6_000)).toBeLessThanOrEqual(100);
    expect(entry.audio!.url).toBe(`/api/translations/clips/${entry.audio!.id}.ogg`);

    const played = await fetch(`${svc.url}${entry.audio!.url}`, { headers: hien.cookie });
    expect(played.status).toBe(200);
    expect(played.headers.get("content-type")).toBe("audio/ogg");
    expect(Buffer.from(await played.arrayBuffer()).subarray(0, 4).toString("latin1")).toBe("OggS");
    const forSafari = await fetch(`${svc.url}/api/translations/clips/${entry.audio!.id}.m4a`, { headers: tuan.cookie });
    expect(forSafari.headers.get("content-type")).toBe("audio/mp4");

    const publicOgg = `${svc.url}/chat/audio/clip/${entry.audio!.sha256}.ogg`;
    const publicM4a = `${svc.url}/chat/audio/clip/${entry.audio!.sha256}.m4a`;
    expect((await fetch(publicOgg)).status).toBe(404);
    expect((await fetch(publicM4a)).status).toBe(404);

    const approved = await post(tuan, "/translations/hre/menu.prompt/approve", { version: entry.version });
    expect(approved.status).toBe(200);
    const heard = await fetch(publicOgg);
    expect(heard.status).toBe(200);
    expect(heard.headers.get("content-type")).toBe("audio/ogg");
    expect(heard.headers.get("cache-control")).toBe("no-cache");
    expect((await fetch(publicM4a)).headers.get("content-type")).toBe("audio/mp4");

    const sentBack = await post(tuan, "/translations/hre/menu.prompt/send-back", { reason: "Nghe chưa rõ" });
    expect(sentBack.status).toBe(200);
    expect((await fetch(publicOgg)).status).toBe(404);
  });

  it("takes a file picked in a form (multipart field file), and stores the same recording once for two strings", async () => {
    const mp3 = makeRecording("mp3", 2, 523);
    const form = () => {
      const data = new FormData();
      data.append("file", new Blob([new Uint8Array(mp3)], { type: "audio/mpeg" }), "ghi-am.mp3");
      return data;
    };
    const first = (await (await putAudio(hien, "menu.report", form())).json()) as Entry;
    const second = (await (await putAudio(tuan, "menu.question", form())).json()) as Entry;
    expect(first.audio!.id).toBe(second.audio!.id);
    expect(await svc.ctx.db.audioClip.count({ where: { sha256: first.audio!.sha256 } })).toBe(1);
  });

  it("refuses what is not a usable recording, in words, and keeps nothing", async () => {
    const clips = await svc.ctx.db.audioClip.count();
    const picture = await putAudio(hien, "menu.news", new Uint8Array(tinyPng()), "audio/mpeg");
    expect(picture.status).toBe(422);
    expect(await errorOf(picture)).toBe(CLIP_MESSAGES.notAudio);

    const text = await putAudio(hien, "menu.news", "xin chào", "text/plain");
    expect(text.status).toBe(415);
    expect(await errorOf(text)).toContain("tệp âm thanh");

    const huge = await putAudio(hien, "menu.news", new Uint8Array(11 * 1024 * 1024), "audio/wav");
    expect(huge.status).toBe(413);
    expect(await errorOf(huge)).toBe(CLIP_MESSAGES.tooLarge);

    // Chunked, with no stated length: cut off at 10 MB, and the answer still arrives.
    const chunk = new Uint8Array(1024 * 1024);
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 30) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const chunked = await fetch(`${svc.url}/api/translations/hre/menu.news/audio`, { method: "PUT", headers: headers(hien, { "content-type": "audio/wav" }), body: endless, duplex: "half" } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(await errorOf(chunked)).toBe(CLIP_MESSAGES.tooLarge);
    expect(sent).toBeLessThan(30);

    const notHers = await fetch(`${svc.url}/api/translations/hre/menu.news/audio`, { method: "PUT", headers: headers(onlyCo, { "content-type": "audio/mpeg" }), body: new Uint8Array(makeRecording("mp3", 1)) });
    expect(notHers.status).toBe(403);
    expect(await errorOf(notHers)).toContain("chưa được ghi là biết");

    const stale = await putAudio(hien, "menu.prompt", new Uint8Array(makeRecording("mp3", 1, 700)), "audio/mpeg", "?version=0");
    expect(stale.status).toBe(409);

    expect(await svc.ctx.db.audioClip.count()).toBe(clips);
    expect(await svc.ctx.db.translation.count({ where: { key: "menu.news" } })).toBe(0);
  });

  it("answers 404 for a clip name that is not a stored clip", async () => {
    expect((await fetch(`${svc.url}/chat/audio/clip/${"0".repeat(64)}.ogg`)).status).toBe(404);
    expect((await fetch(`${svc.url}/chat/audio/clip/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
    expect((await fetch(`${svc.url}/api/translations/clips/00000000-0000-0000-0000-000000000000.ogg`, { headers: hien.cookie })).status).toBe(404);
  });
});
