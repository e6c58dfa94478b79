/**
 * What strangers can do with web chat uploads (issue 10, findings 2 and 3), measured against the
 * service as its own process (`node --import tsx src/main.ts` of the tree given, this one by default):
 *   1. memory: one 300 MB upload sent chunked (no Content-Length) by a visitor at the evidence step:
 *      the answer, seconds to it, body bytes sent before it, resident set before and at its peak;
 *   2. disk: 30 uploads of 10 MB from clients with no cookie and no report in progress: how many
 *      were accepted, bytes accepted, bytes found in the media folder afterwards.
 *
 *   npx tsx bench/upload-abuse.ts [source tree]     # e.g. an export of an older commit, with node_modules linked
 */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { startChildService } from "../test/support/child-service.ts";
import { WebchatVisitor } from "../test/support/service.ts";
import { rawUpload } from "../test/support/upload.ts";

const MB = 1024 * 1024;
const JPEG_HEAD = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);
const root = process.argv[2] ? path.resolve(process.argv[2]) : undefined;

async function say(v: WebchatVisitor, body: Record<string, unknown>, expected: string): Promise<void> {
  await v.send(body);
  for (let i = 0; i < 400; i++) {
    if ((await v.lastBotMessage())?.text?.includes(expected)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the bot never said "${expected}"`);
}

function bytesUnder(dir: string): number {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .reduce((sum, e) => sum + statSync(path.join(e.parentPath, e.name)).size, 0);
  } catch {
    return 0;
  }
}

const child = await startChildService({ MAX_UPLOAD_MB: "20" }, root);
try {
  const v = new WebchatVisitor(child.url);
  await v.open();
  await say(v, { command: "start" }, "tiếng nào");
  await say(v, { button: "lang:vi" }, "Bạn cần gì?");
  await say(v, { button: "menu:report" }, "Bạn muốn báo về việc gì?");
  await say(v, { button: "cat:fraud" }, "Chuyện gì đã xảy ra?");
  await say(v, { text: "Có người gọi điện giả danh công an đòi chuyển tiền." }, "ảnh, video");
  await rawUpload(`${child.url}/chat/api/upload`, { cookie: v.cookie, fileName: "nho.jpg", head: JPEG_HEAD, size: 256 * 1024, chunked: true });

  const before = child.memory().rss;
  child.resetPeak();
  let sampled = before;
  const sampler = setInterval(() => (sampled = Math.max(sampled, child.memory().rss)), 20);
  const started = performance.now();
  const big = await rawUpload(`${child.url}/chat/api/upload`, { cookie: v.cookie, fileName: "lon.jpg", head: JPEG_HEAD, size: 300 * MB, chunked: true });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const peak = Math.max(sampled, child.memory().peak);
  console.log(
    `300 MB chunked upload: ${big.status} after ${seconds.toFixed(1)} s, ${Math.round(big.sent / MB)} MB of body sent; ` +
      `RSS ${Math.round(before / MB)} MB before, peak ${Math.round(peak / MB)} MB (growth ${Math.round((peak - before) / MB)} MB)`,
  );

  const media = path.join(child.dir, "media");
  await new Promise((r) => setTimeout(r, 1000));
  const onDiskBefore = bytesUnder(media);
  let accepted = 0;
  const statuses = new Map<number, number>();
  const t0 = performance.now();
  for (let i = 0; i < 30; i++) {
    const res = await rawUpload(`${child.url}/chat/api/upload`, { fileName: `rac-${i}.jpg`, head: Buffer.concat([JPEG_HEAD, Buffer.from(String(i))]), size: 10 * MB });
    if (res.status === 202) accepted++;
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  }
  const t = (performance.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 2000));
  console.log(
    `30 unsolicited 10 MB uploads (no cookie): ${accepted} accepted (${accepted * 10} MB) in ${t.toFixed(1)} s ` +
      `(answers: ${[...statuses].map(([s, n]) => `${n}×${s}`).join(", ")}); ` +
      `media folder grew by ${Math.round((bytesUnder(media) - onDiskBefore) / MB)} MB`,
  );
} finally {
  await child.stop();
}
