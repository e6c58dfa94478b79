/**
 * A stranger's flood through web chat is bounded per visitor and per client address: messages per
 * minute, and streams held open. Other residents go on; refused messages are not stored (the page
 * hands the text back with the wait).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, WebchatVisitor, type TestService } from "../support/service.ts";

describe("a flood through web chat", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({ TRUST_PROXY: "loopback", WEBCHAT_MESSAGES_PER_MINUTE: "5", WEBCHAT_MESSAGES_PER_ADDRESS_MINUTE: "8" });
  });
  afterAll(async () => svc?.close());

  const stored = () => svc.ctx.db.inboundEvent.count({ where: { channel: "webchat" } });

  it("takes a visitor's first messages, then answers 429 with the wait, and stores nothing it refused", async () => {
    const flood = new WebchatVisitor(svc.url, { "x-forwarded-for": "203.0.113.50" });
    const calm = new WebchatVisitor(svc.url, { "x-forwarded-for": "203.0.113.51" });
    await flood.open();
    await calm.open();
    const before = await stored();
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push(await flood.send({ text: `tin số ${i}` }));
    expect(answers.map((r) => r.status)).toEqual([202, 202, 202, 202, 202, 429, 429, 429]);
    const refused = answers[5]!;
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/^Bạn gửi nhanh quá\. Bạn chờ \d+ giây/);
    expect(await stored()).toBe(before + 5);
    // Someone else is not held up by it.
    expect((await calm.send({ text: "xin chào" })).status).toBe(202);
  });

  it("counts every visitor of one address together", async () => {
    const address = { "x-forwarded-for": "198.51.100.77" };
    const visitors = [new WebchatVisitor(svc.url, address), new WebchatVisitor(svc.url, address), new WebchatVisitor(svc.url, address)];
    const statuses: number[] = [];
    for (const v of visitors) {
      await v.open();
      for (let i = 0; i < 4; i++) statuses.push((await v.send({ text: `lần ${i}` })).status);
    }
    expect(statuses.filter((s) => s === 202)).toHaveLength(8);
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);
  });

  it("lets a visitor hold three streams open, and a fourth only once one is closed", async () => {
    const v = new WebchatVisitor(svc.url, { "x-forwarded-for": "192.0.2.10" });
    await v.open();
    const open = () => {
      const abort = new AbortController();
      return fetch(`${svc.url}/chat/api/stream`, { headers: { cookie: v.cookie, "x-forwarded-for": "192.0.2.10" }, signal: abort.signal }).then((res) => ({ res, abort }));
    };
    const streams = [await open(), await open(), await open()];
    expect(streams.map((s) => s.res.status)).toEqual([200, 200, 200]);
    const fourth = await open();
    expect(fourth.res.status).toBe(429);
    expect(((await fourth.res.json()) as { error: { message: string } }).error.message).toContain("quá nhiều cửa sổ trò chuyện");
    streams[0]!.abort.abort();
    let again = 0;
    for (let i = 0; i < 50 && again !== 200; i++) {
      await new Promise((r) => setTimeout(r, 20));
      const s = await open();
      again = s.res.status;
      s.abort.abort();
    }
    expect(again).toBe(200);
    for (const s of streams) s.abort.abort();
  });

  it("holds at most 50 streams open from one address, whatever the number of visitors", async () => {
    const address = "192.0.2.99";
    const opened: { status: number; abort: AbortController }[] = [];
    for (let n = 0; n < 18; n++) {
      const v = new WebchatVisitor(svc.url, { "x-forwarded-for": address });
      await v.open();
      for (let i = 0; i < 3; i++) {
        const abort = new AbortController();
        const res = await fetch(`${svc.url}/chat/api/stream`, { headers: { cookie: v.cookie, "x-forwarded-for": address }, signal: abort.signal });
        opened.push({ status: res.status, abort });
      }
    }
    expect(opened.filter((o) => o.status === 200)).toHaveLength(50);
    expect(opened.filter((o) => o.status === 429)).toHaveLength(4);
    for (const o of opened) o.abort.abort();
  });
});
