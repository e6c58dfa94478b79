/**
 * New web chat visitors per address: each fresh cookie counts against the address for an hour, so
 * one address cannot open hundreds of chats (each with its own follow-up tries and upload quotas).
 * A cookie the server did not issue is no visitor at all.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chat, startTestService, WebchatVisitor, type TestService } from "../support/service.ts";

const LIMIT = 3;

describe("new web chat visitors from one address", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({ WEBCHAT_NEW_VISITORS_PER_ADDRESS_HOUR: String(LIMIT) });
  });
  afterAll(async () => svc?.close());

  it("gives the (limit+1)-th fresh visitor a 429 in Vietnamese and no cookie, while a visitor it already has goes on", async () => {
    const visitors: WebchatVisitor[] = [];
    for (let i = 0; i < LIMIT; i++) {
      const v = new WebchatVisitor(svc.url);
      await v.open();
      expect(v.cookie).toMatch(/^tb_chat=/);
      visitors.push(v);
    }
    const first = visitors[0]!;
    expect((await chat(svc, first, { text: "xin chào" }))?.text).toContain("Bạn muốn dùng tiếng nào?");

    const late = new WebchatVisitor(svc.url);
    // The page itself still loads (so the resident can read why), but opens no chat.
    const page = await fetch(`${svc.url}/chat`);
    expect(page.status).toBe(200);
    expect(page.headers.get("set-cookie")).toBeNull();
    for (const res of [await fetch(`${svc.url}/chat/api/messages`), await late.send({ text: "xin chào" })]) {
      expect(res.status).toBe(429);
      expect(res.headers.get("set-cookie")).toBeNull();
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("too_many_requests");
      expect(body.error.message).toMatch(/^Có quá nhiều cuộc trò chuyện mới từ mạng của bạn\. Bạn thử lại sau 60 phút nhé\. Nếu đang gặp nguy hiểm, hãy gọi ngay 113\.$/);
    }
    expect(late.cookie).toBe("");
    expect(await svc.ctx.db.contact.count()).toBe(1);

    // A visitor opened before the limit still talks (its cookie is signed); so does one whose cookie predates signatures, once known.
    expect(first.cookie).toMatch(/^tb_chat=[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{22}$/);
    expect((await chat(svc, first, { button: "lang:vi" }))?.text).toContain("Bạn cần gì?");
    const legacy = new WebchatVisitor(svc.url);
    legacy.cookie = first.cookie.replace(/\.[^.]*$/, "");
    expect((await chat(svc, legacy, { button: "menu:report" }))?.text).toContain("Bạn muốn báo về việc gì?");

    // An hour later the address may open chats again.
    const now = Date.now();
    svc.ctx.now = () => new Date(now + 61 * 60_000);
    const later = new WebchatVisitor(svc.url);
    await later.open();
    expect(later.cookie).toMatch(/^tb_chat=/);
  });

  it("does not take a made-up or tampered cookie as a visitor: it is a new one, counted", async () => {
    const madeUp = new WebchatVisitor(svc.url);
    madeUp.cookie = `tb_chat=${"B".repeat(43)}.${"C".repeat(22)}`;
    const before = await svc.ctx.db.rateLimit.findMany({ where: { key: { startsWith: "webchat:new-visitor:" } } });
    const res = await madeUp.send({ text: "xin chào" });
    expect(res.status).toBe(202);
    expect(madeUp.cookie).not.toBe(`tb_chat=${"B".repeat(43)}.${"C".repeat(22)}`);
    const after = await svc.ctx.db.rateLimit.findMany({ where: { key: { startsWith: "webchat:new-visitor:" } } });
    expect(after.reduce((n, r) => n + r.count, 0)).toBe(before.reduce((n, r) => n + r.count, 0) + 1);
    // A bare token nobody has used is not a legacy visitor either.
    const bare = new WebchatVisitor(svc.url);
    bare.cookie = `tb_chat=${"D".repeat(43)}`;
    await bare.open();
    expect(bare.cookie).toMatch(/^tb_chat=(?!D{43})[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{22}$/);
  });
});
