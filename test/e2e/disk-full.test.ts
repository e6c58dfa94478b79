/**
 * A full disk: the database and the evidence on a real 64 MB tmpfs, filled to the last byte while a
 * web chat resident is talking. The service must answer (503, with a reason) instead of hanging,
 * spend none of the resident's message's attempts, and go on by itself once space is freed.
 * (SQLite, whatever TEST_DATABASE says: the database file itself must be on the full disk.)
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, WebchatVisitor, type TestService } from "../support/service.ts";
import { fillDisk, mountProblem, mountTmpfs, type Mounted } from "../support/tmpfs.ts";

interface Health {
  status: string;
  checks: Record<string, unknown>;
  reasons: { code: string; message: string }[];
  alarms: unknown[];
}

/** /healthz as a load balancer sees it: an answer within 2 s, or a failure. */
async function health(url: string): Promise<{ status: number; body: Health; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
  const body = (await res.json()) as Health;
  return { status: res.status, body, ms: performance.now() - started };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.runIf(!mountProblem)("a disk that fills up under the database and the evidence", () => {
  let disk: Mounted;
  let svc: TestService;

  beforeAll(async () => {
    disk = mountTmpfs(64);
    svc = await startTestService({
      DATABASE_URL: `file:${path.join(disk.dir, "tinbao.db")}`,
      MEDIA_DIR: path.join(disk.dir, "media"),
      MEDIA_MIN_FREE_MB: "8",
      INBOX_MAX_ATTEMPTS: "2",
    });
  });
  afterAll(async () => {
    await svc?.close();
    disk?.unmount();
  });

  it("answers 503 disk_full instead of hanging, keeps the resident's message, and goes on by itself once space is freed", async () => {
    const v = new WebchatVisitor(svc.url);
    await v.open();
    const send = (body: Record<string, unknown>) => v.send(body).then(async (res) => ({ status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } }));
    const replies = async () => (await v.messages()).filter((m) => m.direction === "out").map((m) => m.text ?? "");

    expect((await send({ text: "xin chào" })).status).toBe(202);
    await svc.settle();
    expect((await send({ button: "lang:vi" })).status).toBe(202);
    await svc.settle();
    expect((await replies()).at(-1)).toContain("Bạn cần gì?");
    expect((await health(svc.url)).status).toBe(200);

    // Stored while the worker is paused; processed only once the disk is full.
    await svc.inbox.stop();
    expect((await send({ button: "menu:report" })).status).toBe(202);
    // A checkpoint empties the write-ahead log, as after a restart: the next write needs new disk space.
    await svc.ctx.db.$queryRawUnsafe("PRAGMA wal_checkpoint(TRUNCATE)");
    const filler = path.join(disk.dir, "filler.bin");
    fillDisk(filler);
    svc.inbox.start();

    const full = await health(svc.url);
    expect(full.ms).toBeLessThan(2_000);
    expect(full.status).toBe(503);
    expect(full.body.reasons.map((r) => r.code)).toContain("disk_full");

    // The resident writes on: every message gets an answer, a clear 503 while nothing can be stored.
    const whileFull = await send({ text: "Có người lạ đột nhập kho hàng" });
    expect(whileFull.status).toBe(503);
    expect(whileFull.body.error?.code).toBe("disk_full");
    expect(whileFull.body.error?.message).toMatch(/gửi lại sau/);

    // Several retries' worth of time (INBOX_MAX_ATTEMPTS=2): the stored message waits, never marked failed.
    await new Promise((r) => setTimeout(r, 6_000));
    const waiting = await svc.ctx.db.inboundEvent.findFirstOrThrow({ orderBy: { id: "desc" } });
    expect(waiting.status).toBe("pending");
    expect(waiting.attempts).toBeLessThan(2);
    expect((await health(svc.url)).body.reasons.map((r) => r.code)).toContain("disk_full");

    // Space is freed: no restart, the backlog and the next message are answered.
    rmSync(filler);
    const freed = Date.now();
    const next = await until("the next message to be accepted", async () => {
      const res = await send({ button: "cat:theft" });
      return res.status === 202 ? res : undefined;
    }, 15_000);
    expect(next.status).toBe(202);
    const answered = await until("the reply to the next message", async () => ((await replies()).some((t) => t.includes("Chuyện gì đã xảy ra?")) ? true : undefined), 30_000);
    expect(answered).toBe(true);
    const recoveredSeconds = (Date.now() - freed) / 1000;
    expect((await replies()).some((t) => t.includes("Bạn muốn báo về việc gì?"))).toBe(true);
    const healthy = await until("/healthz to be healthy again", async () => ((await health(svc.url)).status === 200 ? true : undefined), 10_000);
    expect(healthy).toBe(true);
    expect(await svc.ctx.db.inboundEvent.count({ where: { status: "failed" } })).toBe(0);
    console.info(`[figures] disk full: /healthz answered in ${Math.round(full.ms)} ms; answered again ${recoveredSeconds.toFixed(1)} s after space was freed`);
  }, 90_000);
});
