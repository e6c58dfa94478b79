/**
 * /healthz tells the truth within 2 s: 200 "ok" when all is well (with the fields operators and load
 * balancers read), 503 with a reason when replies are stuck in the outbox or evidence cannot be stored.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueMessages } from "../../src/outbox/enqueue.ts";
import { startTestService, TINY_PNG, WebchatVisitor, chat, type TestService } from "../support/service.ts";
import { mountProblem, mountTmpfs, type Mounted } from "../support/tmpfs.ts";

interface Health {
  status: string;
  checks: { database?: string; outbox?: { pending: number; waiting: { channel: string; oldestWaitingSeconds: number }[] }; media?: string } & Record<string, unknown>;
  reasons: { code: string; message: string; channels?: { channel: string; oldestWaitingSeconds: number }[] }[];
  alarms: unknown[];
}

async function health(url: string): Promise<{ status: number; body: Health }> {
  const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
  return { status: res.status, body: (await res.json()) as Health };
}

describe("/healthz on a healthy service", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({ MEDIA_MIN_FREE_MB: "1" });
  });
  afterAll(async () => svc?.close());

  it("answers 200 ok with the database, queues, disks and evidence folder checked", async () => {
    const { status, body } = await health(svc.url);
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "ok", reasons: [], alarms: [] });
    expect(body.checks).toMatchObject({ database: "ok", inbox: { pending: 0, failed: 0 }, outbox: { pending: 0, waiting: [] }, media: "writable", channels: ["webchat"] });
    expect(body.checks.disk).toMatchObject({ minFreeBytes: 1024 * 1024 });
  });
});

describe("/healthz when replies wait in the outbox", () => {
  let svc: TestService;
  beforeAll(async () => {
    // No workers: nothing is sent, as when a channel's sender is stuck.
    svc = await startTestService({ OUTBOX_STALL_SECONDS: "60", MEDIA_MIN_FREE_MB: "1" }, { workers: false });
  });
  afterAll(async () => svc?.close());

  it("answers 503 outbox_stalled with the oldest waiting age per channel, and only for channels past the limit", async () => {
    await svc.ctx.db.$transaction((tx) =>
      enqueueMessages(tx, svc.ctx.vault, [
        { channel: "telegram", chatId: "5001", message: { text: "Cảm ơn bạn." }, dedupeKey: "stall:1" },
        { channel: "telegram", chatId: "5002", message: { text: "Cảm ơn bạn." }, dedupeKey: "stall:2" },
        { channel: "webchat", chatId: "visitor-1", message: { text: "Cảm ơn bạn." }, dedupeKey: "stall:3" },
        { channel: "zalo", chatId: "7001", message: { text: "Cảm ơn bạn." }, dedupeKey: "stall:4" },
      ]),
    );
    const ago = (s: number) => new Date(Date.now() - s * 1000);
    await svc.ctx.db.outboxMessage.updateMany({ where: { dedupeKey: "stall:1" }, data: { nextAttemptAt: ago(600), createdAt: ago(600) } });
    await svc.ctx.db.outboxMessage.updateMany({ where: { dedupeKey: "stall:2" }, data: { nextAttemptAt: ago(300), createdAt: ago(300) } });
    // Waiting for a retry later on (a 429's retry_after): not due, so not stalled.
    await svc.ctx.db.outboxMessage.updateMany({ where: { dedupeKey: "stall:4" }, data: { nextAttemptAt: new Date(Date.now() + 600_000), createdAt: ago(900) } });

    const { status, body } = await health(svc.url);
    expect(status).toBe(503);
    expect(body.status).toBe("down");
    const stalled = body.reasons.find((r) => r.code === "outbox_stalled");
    expect(stalled?.channels).toEqual([{ channel: "telegram", oldestWaitingSeconds: expect.any(Number) }]);
    expect(stalled!.channels![0]!.oldestWaitingSeconds).toBeGreaterThanOrEqual(600);
    expect(stalled!.message).toContain("telegram");
    expect(body.checks.outbox?.pending).toBe(4);
    expect(body.checks.outbox?.waiting.map((w) => w.channel)).toEqual(["telegram", "webchat"]);

    await svc.ctx.db.outboxMessage.updateMany({ where: { channel: "telegram" }, data: { status: "sent" } });
    expect((await health(svc.url)).status).toBe(200);
  });
});

describe.runIf(!mountProblem)("/healthz and a resident's photo when the evidence folder is read-only", () => {
  let media: Mounted;
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({ MEDIA_MIN_FREE_MB: "1" });
    mkdirSync(svc.ctx.config.mediaDir, { recursive: true });
    media = mountTmpfs(16, { readOnly: true, at: path.resolve(svc.ctx.config.mediaDir) });
  });
  afterAll(async () => {
    media?.unmount();
    await svc?.close();
  });

  it("answers 503 media_unwritable, and the resident sending a photo gets a polite answer, not a 500", async () => {
    const { status, body } = await health(svc.url);
    expect(status).toBe(503);
    expect(body.reasons.map((r) => r.code)).toContain("media_unwritable");
    expect(body.checks.media).toMatch(/unwritable/);

    const v = new WebchatVisitor(svc.url);
    await v.open();
    for (const step of [{ text: "xin chào" }, { button: "lang:vi" }, { button: "menu:report" }, { button: "cat:theft" }]) await chat(svc, v, step);
    expect((await chat(svc, v, { text: "Kẻ gian lấy trộm xe máy trước cổng chợ." }))?.text).toContain("ảnh, video");
    const up = await v.upload(new Blob([TINY_PNG], { type: "image/png" }), "anh.png");
    expect(up.status).toBe(503);
    const error = ((await up.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe("media_unwritable");
    expect(error.message).toMatch(/chưa nhận được tệp/);
  });
});
