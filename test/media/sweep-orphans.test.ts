/**
 * Evidence never tied to a tip does not stay on the disk forever: after UPLOAD_ORPHAN_HOURS the
 * periodic sweep removes the rows and the files no other row names, stray files and partial
 * uploads, while every file of a filed tip stays. Several processes may sweep: one does each period.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrphanSweeper } from "../../src/media/orphan-sweeper.ts";
import { chat, payloadOf, startTestService, TINY_PNG as PNG, WebchatVisitor, type TestService } from "../support/service.ts";
import { rawUpload } from "../support/upload.ts";

const HOUR = 3600_000;

describe("the orphan evidence sweep", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({ UPLOAD_ORPHAN_HOURS: "72" });
  });
  afterAll(async () => svc?.close());

  async function atEvidence(story: string): Promise<WebchatVisitor> {
    const v = new WebchatVisitor(svc.url);
    await v.open();
    for (const b of ["lang:vi", "menu:report", "cat:theft"]) await chat(svc, v, { button: b });
    await chat(svc, v, { text: story });
    return v;
  }
  async function send(v: WebchatVisitor, head: Buffer, name: string): Promise<void> {
    expect((await rawUpload(`${svc.url}/chat/api/upload`, { cookie: v.cookie, fileName: name, head })).status).toBe(202);
    await svc.settle();
  }
  const fileOf = (key: string) => path.join(svc.ctx.config.mediaDir, key);

  it("removes a draft's files after the age, keeps a filed tip's (even the same content), and cleans strays and partial uploads", async () => {
    const shared = Buffer.concat([PNG, Buffer.from("shared")]);
    const onlyAbandoned = Buffer.concat([PNG, Buffer.from("abandoned")]);

    const abandoned = await atEvidence("Kẻ gian lấy trộm xe đạp trước cổng trường.");
    await send(abandoned, shared, "chung.png");
    await send(abandoned, onlyAbandoned, "rieng.png");

    const filer = await atEvidence("Mất trộm điện thoại ở chợ thôn 1.");
    await send(filer, shared, "chung.png");
    await chat(svc, filer, { button: "nav:done" });
    let bot;
    for (const b of ["nav:skip", "when:today", "id:anon"]) bot = await chat(svc, filer, { button: b });
    await chat(svc, filer, { button: payloadOf(bot, "Gửi tin báo") });
    const tip = await svc.ctx.db.tip.findFirstOrThrow({ where: { description: { contains: "điện thoại" } }, include: { attachments: true } });
    expect(tip.attachments).toHaveLength(1);

    const untied = await svc.ctx.db.attachment.findMany({ where: { tipId: null } });
    expect(untied).toHaveLength(2);
    const sharedKey = tip.attachments[0]!.storageKey!;
    const onlyKey = untied.find((a) => a.storageKey !== sharedKey)!.storageKey!;

    // A file no row names (an upload whose message was never processed) and a partial upload left by a crash.
    const strayBytes = randomBytes(64);
    const sha = createHash("sha256").update(strayBytes).digest("hex");
    const strayKey = `${sha.slice(0, 2)}/${sha.slice(2, 4)}/${sha}`;
    mkdirSync(path.dirname(fileOf(strayKey)), { recursive: true });
    writeFileSync(fileOf(strayKey), strayBytes);
    mkdirSync(fileOf("tmp"), { recursive: true });
    writeFileSync(fileOf("tmp/5d0c1c2e-partial"), randomBytes(64));

    // Young: nothing goes.
    expect(await svc.sweeper.tick()).toEqual({ rows: 0, files: 0, tmp: 0, campaignImages: 0, clips: 0 });

    const start = Date.now();
    svc.ctx.now = () => new Date(start + 73 * HOUR);
    expect(await svc.sweeper.tick()).toEqual({ rows: 2, files: 2, tmp: 1, campaignImages: 0, clips: 0 });

    expect(await svc.ctx.db.attachment.count({ where: { tipId: null } })).toBe(0);
    expect(existsSync(fileOf(onlyKey))).toBe(false);
    expect(existsSync(fileOf(strayKey))).toBe(false);
    expect(existsSync(fileOf("tmp/5d0c1c2e-partial"))).toBe(false);
    // The tip's file stays, though an abandoned draft had the very same content.
    expect(existsSync(fileOf(sharedKey))).toBe(true);
    expect(await svc.ctx.db.attachment.count({ where: { tipId: tip.id } })).toBe(1);
    // Upload counters nobody touched for days are pruned in the same run.
    expect(await svc.ctx.db.rateLimit.count({ where: { key: { startsWith: "upload:" } } })).toBe(0);
  });

  it("runs each period's sweep once, whichever process gets there first", async () => {
    const base = Date.now() + 80 * HOUR;
    svc.ctx.now = () => new Date(base);
    const other = createOrphanSweeper(svc.ctx);
    const results = await Promise.all([svc.sweeper.tick(), other.tick(), svc.sweeper.tick()]);
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    svc.ctx.now = () => new Date(base + HOUR);
    expect(await other.tick()).not.toBeNull();
  });
});
