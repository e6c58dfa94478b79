import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addOfficer, PASSWORD, postJson, sessionCookie, signIn, startApi, type ApiHarness } from "./support.ts";

let api: ApiHarness;
beforeAll(async () => {
  // Every test here signs in from 127.0.0.1: the per-address limit has its own file (login-limits.test.ts).
  api = await startApi({ LOGIN_MAX_FAILURES_PER_ADDRESS: "1000" });
});
afterAll(async () => {
  await api?.close();
});

const later = (ms: number) => () => new Date(Date.now() + ms);
const MINUTE = 60_000;

async function failedLogins(username: string, times: number) {
  for (let i = 0; i < times; i++) {
    const res = await postJson(api.base, "/api/auth/login", { username, password: `sai-${i}` });
    expect(res.status).toBe(401);
  }
}

describe("signing in to the console", () => {
  it("opens a session for the right password and returns the officer with a CSRF token", async () => {
    const officer = await addOfficer(api.ctx, "thu.ly", "officer", { unitId: "CAX-BATO" });
    const res = await postJson(api.base, "/api/auth/login", { username: "thu.ly", password: PASSWORD });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({
      officer: { id: officer.id, username: "thu.ly", displayName: "Cán bộ thu.ly", role: "officer", unitId: "CAX-BATO" },
      csrfToken: expect.any(String),
      mustChangePassword: false,
    });
    expect(JSON.stringify(body)).not.toContain(PASSWORD);
  });

  it("accepts the username typed with capitals and spaces around it", async () => {
    await addOfficer(api.ctx, "hoa.nguyen");
    const res = await postJson(api.base, "/api/auth/login", { username: "  Hoa.Nguyen ", password: PASSWORD });
    expect(res.status).toBe(200);
  });

  it("sets an HttpOnly, SameSite=Lax session cookie for the whole site, not Secure over plain http", async () => {
    await addOfficer(api.ctx, "cookie.http");
    const res = await postJson(api.base, "/api/auth/login", { username: "cookie.http", password: PASSWORD });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("tb_session="))!;
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect(cookie).toMatch(/; Path=\//i);
    expect(cookie).not.toMatch(/; Secure/i);
  });

  it("marks the cookie Secure when the public address is https", async () => {
    await addOfficer(api.ctx, "cookie.https");
    const previous = api.ctx.config.publicUrl;
    api.ctx.config.publicUrl = "https://tinbao.congan.example";
    try {
      const res = await postJson(api.base, "/api/auth/login", { username: "cookie.https", password: PASSWORD });
      expect(res.headers.getSetCookie().find((c) => c.startsWith("tb_session="))).toMatch(/; Secure/i);
    } finally {
      api.ctx.config.publicUrl = previous;
    }
  });

  it("stores only a hash of the session token", async () => {
    await addOfficer(api.ctx, "hash.only");
    const { token } = await signIn(api.base, "hash.only");
    const sessions = await api.ctx.db.officerSession.findMany();
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.some((s) => s.id === token)).toBe(false);
    expect(JSON.stringify(sessions)).not.toContain(token);
  });

  it("answers a wrong password with 401 and the same Vietnamese message as an unknown user", async () => {
    await addOfficer(api.ctx, "sai.mat.khau");
    const wrong = await postJson(api.base, "/api/auth/login", { username: "sai.mat.khau", password: "khong-dung" });
    const unknown = await postJson(api.base, "/api/auth/login", { username: "khong.ton.tai", password: "khong-dung" });
    const expected = { error: { code: "unauthorized", message: "Sai tên đăng nhập hoặc mật khẩu." } };
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual(expected);
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toEqual(expected);
    expect(wrong.headers.getSetCookie()).toEqual([]);
  });

  it("refuses a disabled officer with the same 401, even with the right password", async () => {
    await addOfficer(api.ctx, "da.nghi", "officer", { disabled: true });
    const res = await postJson(api.base, "/api/auth/login", { username: "da.nghi", password: PASSWORD });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: "unauthorized", message: "Sai tên đăng nhập hoặc mật khẩu." } });
  });

  it("audits every success and failure without ever storing the password", async () => {
    const officer = await addOfficer(api.ctx, "nhat.ky");
    await postJson(api.base, "/api/auth/login", { username: "nhat.ky", password: "mat-khau-sai-123" });
    await signIn(api.base, "nhat.ky");
    const rows = await api.ctx.db.auditLog.findMany({ where: { targetId: "nhat.ky" }, orderBy: { id: "asc" } });
    expect(rows.map((r) => r.action)).toEqual(["auth.login_failed", "auth.login"]);
    expect(rows.every((r) => r.officerId === officer.id)).toBe(true);
    expect(rows[0]!.ip).toBeTruthy();
    expect(JSON.stringify(rows)).not.toContain("mat-khau-sai-123");
    expect(JSON.stringify(rows)).not.toContain(PASSWORD);
  });

  it("rejects a malformed JSON body with 400 and the one error shape", async () => {
    const res = await fetch(`${api.base}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"username": "a", ',
    });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body).toEqual({ error: { code: "bad_request", message: expect.any(String) } });
  });

  it("rejects a login missing its password with validation_failed", async () => {
    const res = await postJson(api.base, "/api/auth/login", { username: "ai.do" });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("validation_failed");
  });

  it("refuses a login posted as a form (only JSON, which other sites cannot send)", async () => {
    await addOfficer(api.ctx, "form.post");
    const res = await fetch(`${api.base}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `username=form.post&password=${PASSWORD}`,
    });
    expect(res.status).toBe(415);
    expect((await res.json()).error.code).toBe("unsupported_media_type");
  });
});

describe("login throttling", () => {
  it("refuses the sixth try after five failures in 15 minutes, even with the right password, and says when to retry", async () => {
    await addOfficer(api.ctx, "bi.khoa");
    await failedLogins("bi.khoa", 5);
    const res = await postJson(api.base, "/api/auth/login", { username: "bi.khoa", password: PASSWORD });
    expect(res.status).toBe(429);
    const body = await res.json();
    expect(body.error.code).toBe("too_many_requests");
    expect(body.error.message).toMatch(/thử lại sau \d+ phút \(lúc \d{2}:\d{2}\)/);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(14 * 60);
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it("throttles unknown usernames the same way", async () => {
    await failedLogins("khong.co.ai", 5);
    const res = await postJson(api.base, "/api/auth/login", { username: "khong.co.ai", password: "x" });
    expect(res.status).toBe(429);
  });

  it("lets the officer in again once the 15 minutes have passed", async () => {
    await addOfficer(api.ctx, "het.khoa");
    await failedLogins("het.khoa", 5);
    const realNow = api.ctx.now;
    api.ctx.now = later(16 * MINUTE);
    try {
      const res = await postJson(api.base, "/api/auth/login", { username: "het.khoa", password: PASSWORD });
      expect(res.status).toBe(200);
    } finally {
      api.ctx.now = realNow;
    }
  });

  it("starts counting again after a successful login", async () => {
    await addOfficer(api.ctx, "dem.lai");
    await failedLogins("dem.lai", 4);
    await signIn(api.base, "dem.lai");
    await failedLogins("dem.lai", 4);
    const res = await postJson(api.base, "/api/auth/login", { username: "dem.lai", password: PASSWORD });
    expect(res.status).toBe(200);
  });

  it("counts failures per username, so one locked account does not lock another", async () => {
    await addOfficer(api.ctx, "khong.lien.quan");
    await failedLogins("bi.khoa.2", 5);
    const res = await postJson(api.base, "/api/auth/login", { username: "khong.lien.quan", password: PASSWORD });
    expect(res.status).toBe(200);
  });
});

describe("the session", () => {
  it("tells the console who is signed in, by cookie or by Bearer token", async () => {
    await addOfficer(api.ctx, "toi.la.ai", "duty");
    const session = await signIn(api.base, "toi.la.ai");
    for (const headers of [session.cookie, { authorization: `Bearer ${session.token}` }]) {
      const res = await fetch(`${api.base}/api/auth/me`, { headers });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ officer: { username: "toi.la.ai", role: "duty" }, csrfToken: session.csrfToken });
    }
  });

  it("answers 401 without a session, with a made-up token, and clears a stale cookie", async () => {
    expect((await fetch(`${api.base}/api/auth/me`)).status).toBe(401);
    const stale = await fetch(`${api.base}/api/auth/me`, { headers: { cookie: "tb_session=gia-mao" } });
    expect(stale.status).toBe(401);
    expect(await stale.json()).toEqual({ error: { code: "unauthorized", message: expect.stringContaining("đăng nhập") } });
    expect(stale.headers.getSetCookie().join()).toMatch(/tb_session=;/);
  });

  it("ends after 12 hours without activity", async () => {
    await addOfficer(api.ctx, "ngu.quen");
    const { cookie } = await signIn(api.base, "ngu.quen");
    const realNow = api.ctx.now;
    api.ctx.now = later(12 * 60 * MINUTE + MINUTE);
    try {
      expect((await fetch(`${api.base}/api/auth/me`, { headers: cookie })).status).toBe(401);
    } finally {
      api.ctx.now = realNow;
    }
  });

  it("stays open while the officer keeps working", async () => {
    await addOfficer(api.ctx, "lam.ca.dem");
    const { cookie } = await signIn(api.base, "lam.ca.dem");
    const realNow = api.ctx.now;
    try {
      api.ctx.now = later(11 * 60 * MINUTE);
      expect((await fetch(`${api.base}/api/auth/me`, { headers: cookie })).status).toBe(200);
      api.ctx.now = later(22 * 60 * MINUTE);
      expect((await fetch(`${api.base}/api/auth/me`, { headers: cookie })).status).toBe(200);
    } finally {
      api.ctx.now = realNow;
    }
  });

  it("ends at once when the officer is disabled", async () => {
    const officer = await addOfficer(api.ctx, "bi.dinh.chi");
    const { cookie } = await signIn(api.base, "bi.dinh.chi");
    await api.ctx.db.officer.update({ where: { id: officer.id }, data: { disabledAt: new Date() } });
    expect((await fetch(`${api.base}/api/auth/me`, { headers: cookie })).status).toBe(401);
  });
});

describe("signing out", () => {
  it("refuses a cookie-authenticated logout without the X-CSRF-Token header", async () => {
    await addOfficer(api.ctx, "csrf.thieu");
    const { cookie, csrfToken } = await signIn(api.base, "csrf.thieu");
    const missing = await fetch(`${api.base}/api/auth/logout`, { method: "POST", headers: cookie });
    expect(missing.status).toBe(403);
    expect((await missing.json()).error.code).toBe("csrf_failed");
    const wrong = await fetch(`${api.base}/api/auth/logout`, {
      method: "POST",
      headers: { ...cookie, "x-csrf-token": `${csrfToken}x` },
    });
    expect(wrong.status).toBe(403);
    expect((await fetch(`${api.base}/api/auth/me`, { headers: cookie })).status).toBe(200);
  });

  it("ends the session and clears the cookie with the right CSRF token", async () => {
    const officer = await addOfficer(api.ctx, "ra.ve");
    const { cookie, csrfToken } = await signIn(api.base, "ra.ve");
    const res = await fetch(`${api.base}/api/auth/logout`, { method: "POST", headers: { ...cookie, "x-csrf-token": csrfToken } });
    expect(res.status).toBe(204);
    expect(res.headers.getSetCookie().join()).toMatch(/tb_session=;/);
    expect((await fetch(`${api.base}/api/auth/me`, { headers: cookie })).status).toBe(401);
    const audit = await api.ctx.db.auditLog.findFirst({ where: { officerId: officer.id, action: "auth.logout" } });
    expect(audit).not.toBeNull();
  });

  it("lets a script sign out with its Bearer token and no CSRF header", async () => {
    await addOfficer(api.ctx, "kich.ban");
    const login = await postJson(api.base, "/api/auth/login", { username: "kich.ban", password: PASSWORD });
    const token = sessionCookie(login);
    const res = await fetch(`${api.base}/api/auth/logout`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(204);
  });
});
