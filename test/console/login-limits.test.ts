/**
 * What a password guesser meets at POST /api/auth/login, over real HTTP from several loopback
 * addresses (the client socket is bound to 127.0.0.x, the server listens on 127.0.0.1): tries are
 * reserved before any password is checked, per (account, address) and per address with growing
 * back-off, and X-Forwarded-For is believed only with TRUST_PROXY.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addOfficer, PASSWORD, startApi, type ApiHarness } from "./support.ts";

interface Answer {
  status: number;
  body: { error?: { code: string; message: string }; officer?: unknown };
  retryAfter: number | null;
}

/** POST /api/auth/login from `from` (a loopback address this machine owns), optionally with extra headers. */
function login(api: ApiHarness, from: string, username: string, password: string, headers: Record<string, string> = {}): Promise<Answer> {
  const body = JSON.stringify({ username, password });
  const url = new URL(`${api.base}/api/auth/login`);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        localAddress: from,
        agent: false,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => {
          const retry = res.headers["retry-after"];
          resolve({ status: res.statusCode!, body: JSON.parse(text) as Answer["body"], retryAfter: retry ? Number(retry) : null });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const MINUTE = 60_000;

async function auditOf(api: ApiHarness, username: string) {
  return api.ctx.db.auditLog.findMany({ where: { targetType: "login", targetId: username }, orderBy: { id: "asc" } });
}

describe("login limits (defaults: 5 per account and address, 20 per address, 15 minutes doubling)", () => {
  let api: ApiHarness;
  let clock = Date.now();
  beforeAll(async () => {
    api = await startApi();
    api.ctx.now = () => new Date(clock);
  });
  afterAll(async () => {
    await api?.close();
  });

  it("checks at most 5 of 100 parallel guesses at one account from one address, and lets in at most one", async () => {
    await addOfficer(api.ctx, "song.song", "admin");
    const guesses = Array.from({ length: 100 }, (_, i) => (i === 3 ? PASSWORD : `doan-mo-${i}-khong-dung`));
    const answers = await Promise.all(guesses.map((password) => login(api, "127.0.0.1", "song.song", password)));

    const count = (status: number) => answers.filter((a) => a.status === status).length;
    expect(count(200) + count(401) + count(429)).toBe(100);
    expect(count(200)).toBeLessThanOrEqual(1);
    // Each 401 or 200 is a password that was checked; each 429 was refused before checking.
    expect(count(200) + count(401)).toBeLessThanOrEqual(5);
    expect(count(429)).toBeGreaterThanOrEqual(95);

    const audit = await auditOf(api, "song.song");
    const rows = (action: string) => audit.filter((r) => r.action === action).length;
    expect(rows("auth.login_failed")).toBe(count(401));
    expect(rows("auth.login")).toBe(count(200));
    expect(rows("auth.login_throttled")).toBe(count(429));
    for (const a of answers.filter((x) => x.status === 429)) {
      expect(a.body.error!.message).toMatch(/thử lại sau \d+ phút \(lúc \d{2}:\d{2}\)/);
      expect(a.retryAfter).toBeGreaterThan(0);
    }
  });

  it("lets the officer in from their own address while a stranger at 127.0.0.2 hammers the same account", async () => {
    await addOfficer(api.ctx, "quan.tri.chinh", "admin");
    const stranger = [];
    for (let i = 0; i < 12; i++) stranger.push(await login(api, "127.0.0.2", "quan.tri.chinh", `doan-${i}-sai-roi`));
    expect(stranger.slice(0, 5).map((a) => a.status)).toEqual([401, 401, 401, 401, 401]);
    expect(stranger.slice(5).every((a) => a.status === 429)).toBe(true);
    expect(stranger[5]!.body.error!.message).toContain("tài khoản này tạm khóa đăng nhập từ máy của bạn");
    expect(stranger[5]!.retryAfter).toBeGreaterThan(14 * 60);
    // The right password does not help the stranger's address now…
    expect((await login(api, "127.0.0.2", "quan.tri.chinh", PASSWORD)).status).toBe(429);

    // …while the officer, at another address, gets in at once.
    const officer = await login(api, "127.0.0.1", "quan.tri.chinh", PASSWORD);
    expect(officer.status).toBe(200);

    const audit = await auditOf(api, "quan.tri.chinh");
    expect(audit.filter((r) => r.action === "auth.login_failed").map((r) => r.ip)).toEqual(Array(5).fill("127.0.0.2"));
    expect(audit.filter((r) => r.action === "auth.login_throttled").every((r) => r.ip === "127.0.0.2")).toBe(true);
    expect(audit.find((r) => r.action === "auth.login")!.ip).toBe("127.0.0.1");
  });

  it("blocks an address that guesses across many accounts, each block twice as long, and only that address", async () => {
    const start = clock;
    const spray = async (from: string, round: number, n: number) => {
      const out: Answer[] = [];
      for (let i = 0; i < n; i++) out.push(await login(api, from, `ai.do.${round}.${i}`, "doan-bua-123456"));
      return out;
    };
    const first = await spray("127.0.0.3", 1, 22);
    expect(first.slice(0, 20).every((a) => a.status === 401)).toBe(true);
    expect(first.slice(20).map((a) => a.status)).toEqual([429, 429]);
    expect(first[20]!.body.error!.message).toContain("địa chỉ mạng của bạn");
    expect(first[20]!.retryAfter).toBe(15 * 60);
    // Another address is not affected.
    expect((await login(api, "127.0.0.4", "ai.do.1.0", "doan-bua-123456")).status).toBe(401);

    clock = start + 16 * MINUTE;
    const second = await spray("127.0.0.3", 2, 21);
    expect(second.slice(0, 20).every((a) => a.status === 401)).toBe(true);
    expect(second[20]!.status).toBe(429);
    expect(second[20]!.retryAfter).toBe(30 * 60);
    expect(second[20]!.body.error!.message).toMatch(/thử lại sau 30 phút/);

    clock = start + 16 * MINUTE + 31 * MINUTE;
    const third = await spray("127.0.0.3", 3, 21);
    expect(third[20]!.retryAfter).toBe(60 * 60);
    expect(third[20]!.body.error!.message).toMatch(/thử lại sau 1 giờ \(lúc \d{2}:\d{2}\)/);
  }, 60_000);

  it("does not count successful logins against the address (an office of officers behind one address)", async () => {
    for (let i = 0; i < 8; i++) await addOfficer(api.ctx, `van.phong.${i}`, "duty");
    clock += 24 * 60 * MINUTE;
    for (let i = 0; i < 19; i++) expect((await login(api, "127.0.0.5", `go.nham.${i}`, "sai-mat-khau-roi")).status).toBe(401);
    for (let i = 0; i < 8; i++) expect((await login(api, "127.0.0.5", `van.phong.${i}`, PASSWORD)).status).toBe(200);
    expect((await login(api, "127.0.0.5", "go.nham.19", "sai-mat-khau-roi")).status).toBe(401);
    expect((await login(api, "127.0.0.5", "go.nham.20", "sai-mat-khau-roi")).status).toBe(429);
  }, 60_000);

  it("ignores X-Forwarded-For by default: the audit shows the real address and a forged header buys no tries", async () => {
    await addOfficer(api.ctx, "gia.mao.ip");
    const answers = [];
    for (let i = 0; i < 7; i++) {
      answers.push(await login(api, "127.0.0.6", "gia.mao.ip", `sai-lan-${i}-nua`, { "x-forwarded-for": `203.0.113.${i + 1}` }));
    }
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const audit = await auditOf(api, "gia.mao.ip");
    expect(audit.length).toBe(7);
    expect(audit.every((r) => r.ip === "127.0.0.6")).toBe(true);
  });
});

describe("login limits behind a trusted proxy (TRUST_PROXY=loopback)", () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({ TRUST_PROXY: "loopback" });
  });
  afterAll(async () => {
    await api?.close();
  });

  it("believes X-Forwarded-For from the proxy: the audit shows the client's address and limits count per client", async () => {
    await addOfficer(api.ctx, "sau.proxy");
    const from = (client: string, password: string) => login(api, "127.0.0.1", "sau.proxy", password, { "x-forwarded-for": client });
    for (let i = 0; i < 5; i++) expect((await from("203.0.113.7", `sai-lan-${i}-nua`)).status).toBe(401);
    expect((await from("203.0.113.7", PASSWORD)).status).toBe(429);
    // Another client behind the same proxy is a different address.
    expect((await from("198.51.100.20", PASSWORD)).status).toBe(200);

    const audit = await auditOf(api, "sau.proxy");
    expect(audit.filter((r) => r.action === "auth.login_failed").every((r) => r.ip === "203.0.113.7")).toBe(true);
    expect(audit.find((r) => r.action === "auth.login_throttled")!.ip).toBe("203.0.113.7");
    expect(audit.find((r) => r.action === "auth.login")!.ip).toBe("198.51.100.20");
  });
});
