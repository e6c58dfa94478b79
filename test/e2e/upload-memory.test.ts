/**
 * A 300 MB web chat upload sent chunked (no Content-Length), against the service running as its
 * own process: refused with 413 once past the limit, while the process's memory barely moves.
 * (Before uploads were streamed, the whole body was read into memory first: 600 MB took the
 * process from 233 MB to 2.4 GB.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startChildService, type ChildService } from "../support/child-service.ts";
import { WebchatVisitor } from "../support/service.ts";
import { rawUpload } from "../support/upload.ts";

const MB = 1024 * 1024;
const JPEG_HEAD = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);

/** Sends as the visitor and waits (no access to the child's workers) until the bot's last words contain `expected`. */
async function say(v: WebchatVisitor, body: Record<string, unknown>, expected: string): Promise<void> {
  expect((await v.send(body)).status).toBe(202);
  for (let i = 0; i < 200; i++) {
    if ((await v.lastBotMessage())?.text?.includes(expected)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the bot never said "${expected}"`);
}

describe("a 300 MB chunked upload", () => {
  let child: ChildService;
  beforeAll(async () => {
    child = await startChildService();
  }, 60_000);
  afterAll(async () => child?.stop());

  it("is refused with 413 once past the limit, and the service's memory grows by less than 50 MB", async () => {
    const v = new WebchatVisitor(child.url);
    await v.open();
    await say(v, { command: "start" }, "tiếng nào");
    await say(v, { button: "lang:vi" }, "Bạn cần gì?");
    await say(v, { button: "menu:report" }, "Bạn muốn báo về việc gì?");
    await say(v, { button: "cat:fraud" }, "Chuyện gì đã xảy ra?");
    await say(v, { text: "Có người gọi điện giả danh công an đòi chuyển tiền." }, "ảnh, video");

    // Warm up the upload path (parser, store) so its one-time cost is not counted as growth.
    const warm = await rawUpload(`${child.url}/chat/api/upload`, { cookie: v.cookie, fileName: "nho.jpg", head: JPEG_HEAD, size: 256 * 1024, chunked: true });
    expect(warm.status).toBe(202);

    const before = child.memory().rss;
    const peakReset = child.resetPeak();
    let sampled = before;
    const sampler = setInterval(() => (sampled = Math.max(sampled, child.memory().rss)), 20);
    const res = await rawUpload(`${child.url}/chat/api/upload`, { cookie: v.cookie, fileName: "video-rat-lon.jpg", head: JPEG_HEAD, size: 300 * MB, chunked: true });
    clearInterval(sampler);
    const after = child.memory();
    const peak = Math.max(sampled, after.rss, peakReset ? after.peak : 0);

    expect(res.status).toBe(413);
    expect(peak - before, `grew from ${Math.round(before / MB)} MB to ${Math.round(peak / MB)} MB`).toBeLessThan(50 * MB);
    expect(res.body.error?.message).toContain("Tệp lớn quá");
    // Reading stopped near the 20 MB limit: far less than the 300 MB body was taken in, and the connection is closed.
    expect(res.sent).toBeLessThan(300 * MB);
    expect(res.headers.connection).toBe("close");
  }, 120_000);
});
