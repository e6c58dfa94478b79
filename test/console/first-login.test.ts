/**
 * A generated password (first admin, an account made without a password, an administrator's reset)
 * opens a session that can do nothing but choose the officer's own password; chosen passwords are
 * checked for strength everywhere one is chosen; sessions end at an absolute time.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFirstOfficer } from "../../src/officers/ensure-first-officer.ts";
import { createOfficer } from "../../src/officers/create-officer.ts";
import { addOfficer, PASSWORD, postJson, signIn, startApi, type ApiHarness, type SignedIn } from "./support.ts";

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function send(who: SignedIn, method: string, path: string, body?: unknown) {
  return fetch(`${api.base}/api${path}`, {
    method,
    headers: { ...who.cookie, "x-csrf-token": who.csrfToken, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe("the first login with a generated password", () => {
  it("lets the first admin in only to change the printed password, then everything works and the old one is useless", async () => {
    const first = (await ensureFirstOfficer(api.ctx))!;
    const login = await postJson(api.base, "/api/auth/login", { username: "admin", password: first.password });
    expect(login.status).toBe(200);
    expect(await login.json()).toMatchObject({ officer: { username: "admin", role: "admin" }, mustChangePassword: true });
    const admin = await signIn(api.base, "admin", first.password);

    for (const [method, route] of [["GET", "/tips"], ["GET", "/officers"], ["GET", "/meta"], ["GET", "/audit"]] as const) {
      const res = await send(admin, method, route);
      expect(res.status, route).toBe(403);
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe("password_change_required");
      expect(error.message).toContain("Đổi mật khẩu");
    }
    const created = await send(admin, "POST", "/officers", { username: "chua.duoc", displayName: "Chưa được", role: "duty" });
    expect(created.status).toBe(403);
    expect(await api.ctx.db.officer.count({ where: { username: "chua.duoc" } })).toBe(0);

    const me = await send(admin, "GET", "/auth/me");
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ officer: { username: "admin" }, mustChangePassword: true });

    const changed = await send(admin, "POST", "/auth/password", { currentPassword: first.password, newPassword: "nui-an-song-tra-mua-xuan-2026" });
    expect(changed.status).toBe(204);
    expect((await send(admin, "GET", "/tips")).status).toBe(200);
    expect(await (await send(admin, "GET", "/auth/me")).json()).toMatchObject({ mustChangePassword: false });

    expect((await postJson(api.base, "/api/auth/login", { username: "admin", password: first.password })).status).toBe(401);
    const again = await postJson(api.base, "/api/auth/login", { username: "admin", password: "nui-an-song-tra-mua-xuan-2026" });
    expect(await again.json()).toMatchObject({ mustChangePassword: false });
  });

  it("asks again after an administrator's reset, and still lets the officer sign out", async () => {
    const admin = await signIn(api.base, (await addOfficer(api.ctx, "quan.tri.reset", "admin")).username);
    const officer = await addOfficer(api.ctx, "bi.cap.lai", "duty");
    const reset = await send(admin, "POST", `/officers/${officer.id}/password-reset`);
    const { password } = (await reset.json()) as { password: string };
    const session = await signIn(api.base, "bi.cap.lai", password);
    expect((await send(session, "GET", "/tips")).status).toBe(403);
    expect((await send(session, "POST", "/auth/logout")).status).toBe(204);
  });

  it("asks an account created in the console without a password (POST /api/officers)", async () => {
    const admin = await signIn(api.base, (await addOfficer(api.ctx, "quan.tri.tao", "admin")).username);
    const res = await send(admin, "POST", "/officers", { username: "moi.tao", displayName: "Cán bộ mới tạo", role: "duty" });
    expect(res.status).toBe(201);
    const { password } = (await res.json()) as { password: string };
    const login = await postJson(api.base, "/api/auth/login", { username: "moi.tao", password });
    expect(await login.json()).toMatchObject({ mustChangePassword: true });
  });
});

describe("weak passwords", () => {
  const WEAK = ["aaaaaaaaaaaa", "matkhau123456", "123456789012", "Mậtkhẩu@2024", "qwertyuiop12", "conganquangngai"];

  it("are refused when an officer changes their own, with a Vietnamese message saying what to do", async () => {
    await addOfficer(api.ctx, "chon.mat.khau", "duty");
    const session = await signIn(api.base, "chon.mat.khau");
    for (const newPassword of [...WEAK, "chon.mat.khauchon.mat.khau", "Cán bộ chon.mat.khau"]) {
      const res = await send(session, "POST", "/auth/password", { currentPassword: PASSWORD, newPassword });
      expect(res.status, newPassword).toBe(400);
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe("validation_failed");
      expect(error.message, newPassword).toMatch(/^Mật khẩu này .+ Hãy ghép 4–5 từ ngẫu nhiên/);
    }
    // None of them counted as a failed login.
    expect((await send(session, "POST", "/auth/password", { currentPassword: PASSWORD, newPassword: "ca-phe-sang-ben-cau-tra-khuc" })).status).toBe(204);
  });

  it("are refused for a new account given a password, naming the problem", async () => {
    for (const password of WEAK) {
      await expect(createOfficer(api.ctx, { username: "yeu.qua", displayName: "Yếu Quá", role: "duty", password }), password).rejects.toMatchObject({
        code: "validation_failed",
        message: expect.stringMatching(/^Mật khẩu này /),
      });
    }
    await expect(createOfficer(api.ctx, { username: "yeu.qua", displayName: "Nguyễn Văn Yếu", role: "duty", password: "nguyenvanyeu1990" })).rejects.toMatchObject({
      message: expect.stringContaining("họ tên của bạn"),
    });
    expect(await api.ctx.db.officer.count({ where: { username: "yeu.qua" } })).toBe(0);
  });

  it("are refused by npm run officer:add --password-stdin, and a strong one still has to be changed at first login", async () => {
    const env = { ...process.env, DATABASE_URL: api.ctx.config.databaseUrl, DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"), MEDIA_DIR: api.ctx.config.mediaDir };
    const script = path.resolve("scripts/officer-add.ts");
    const add = (username: string, password: string) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        const child = execFile(process.execPath, ["--import", "tsx", script, "--username", username, "--role", "duty", "--password-stdin"], { env }, (err, stdout, stderr) =>
          resolve({ code: err ? (err.code as number) : 0, stdout, stderr }),
        );
        child.stdin!.end(`${password}\n`);
      });
    const weak = await add("dong.lenh", "matkhau123456");
    expect(weak.code).toBe(1);
    expect(weak.stderr).toMatch(/^Mật khẩu này gần giống một mật khẩu phổ biến/);
    expect(await api.ctx.db.officer.count({ where: { username: "dong.lenh" } })).toBe(0);

    const strong = await add("dong.lenh", "bien-sa-huynh-gio-chuong-2026");
    expect(strong.code).toBe(0);
    expect(strong.stdout).toContain("phải đổi sang mật khẩu của riêng mình");
    expect(strong.stdout).not.toContain("bien-sa-huynh");
    const login = await postJson(api.base, "/api/auth/login", { username: "dong.lenh", password: "bien-sa-huynh-gio-chuong-2026" });
    expect(await login.json()).toMatchObject({ mustChangePassword: true });
  }, 60_000);
});

describe("the session's absolute lifetime", () => {
  it("ends 24 hours after login however busy the officer is, and the cookie expires then too", async () => {
    await addOfficer(api.ctx, "lam.het.ngay", "duty");
    const login = await postJson(api.base, "/api/auth/login", { username: "lam.het.ngay", password: PASSWORD });
    const cookieLine = login.headers.getSetCookie().find((c) => c.startsWith("tb_session="))!;
    const expires = Date.parse(/Expires=([^;]+)/i.exec(cookieLine)![1]!);
    expect(Math.abs(expires - (Date.now() + 24 * HOUR))).toBeLessThan(5 * MINUTE);
    const session = await signIn(api.base, "lam.het.ngay");

    const realNow = api.ctx.now;
    const start = Date.now();
    try {
      // A request every 5 hours keeps it from idling out, up to the 24th hour.
      for (let h = 5; h < 24; h += 5) {
        api.ctx.now = () => new Date(start + h * HOUR);
        expect((await send(session, "GET", "/auth/me")).status, `${h} h`).toBe(200);
      }
      api.ctx.now = () => new Date(start + 24 * HOUR + MINUTE);
      const late = await send(session, "GET", "/auth/me");
      expect(late.status).toBe(401);
    } finally {
      api.ctx.now = realNow;
    }
  });

  it("ends the console's live stream when its session ends, so the page's reconnect meets the login", async () => {
    await addOfficer(api.ctx, "xem.truc.tiep", "duty");
    const session = await signIn(api.base, "xem.truc.tiep");
    const stream = await fetch(`${api.base}/api/tips/stream`, { headers: session.cookie });
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    const reader = stream.body!.getReader();
    await reader.read();
    expect((await send(session, "POST", "/auth/logout")).status).toBe(204);
    // The next keep-alive (every 25 s) finds the session gone and ends the stream.
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
    expect((await fetch(`${api.base}/api/tips/stream`, { headers: session.cookie })).status).toBe(401);
  }, 60_000);

  it("follows SESSION_MAX_HOURS and SESSION_IDLE_HOURS", async () => {
    const short = await startApi({ SESSION_MAX_HOURS: "2", SESSION_IDLE_HOURS: "1" });
    try {
      await addOfficer(short.ctx, "ca.ngan");
      const session = await signIn(short.base, "ca.ngan");
      const me = () => fetch(`${short.base}/api/auth/me`, { headers: session.cookie });
      const start = Date.now();
      short.ctx.now = () => new Date(start + 50 * MINUTE);
      expect((await me()).status).toBe(200);
      short.ctx.now = () => new Date(start + 100 * MINUTE);
      expect((await me()).status).toBe(200);
      short.ctx.now = () => new Date(start + 121 * MINUTE);
      expect((await me()).status).toBe(401);

      const idle = await signIn(short.base, "ca.ngan");
      short.ctx.now = () => new Date(start + 121 * MINUTE + 61 * MINUTE);
      expect((await fetch(`${short.base}/api/auth/me`, { headers: idle.cookie })).status).toBe(401);
    } finally {
      await short.close();
    }
  });
});
