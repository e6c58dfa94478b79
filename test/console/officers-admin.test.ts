import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addOfficer, ensureUnit, PASSWORD, postJson, signIn, startApi, type ApiHarness, type SignedIn } from "./support.ts";

let api: ApiHarness;
let admin: SignedIn;
let adminId: string;

beforeAll(async () => {
  api = await startApi();
  await ensureUnit(api.ctx, "CAX-A");
  await ensureUnit(api.ctx, "CAX-B");
  adminId = (await addOfficer(api.ctx, "quan.tri", "admin")).id;
  admin = await signIn(api.base, "quan.tri");
});
afterAll(async () => {
  await api?.close();
});

function send(who: SignedIn | null, method: string, path: string, body?: unknown) {
  return fetch(`${api.base}/api${path}`, {
    method,
    headers: {
      ...(who ? { ...who.cookie, "x-csrf-token": who.csrfToken } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function errorOf(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string; details?: { path: string; message: string }[] } }).error;
}

const me = (who: SignedIn) => fetch(`${api.base}/api/auth/me`, { headers: who.cookie });
const auditRows = (action: string, targetId?: string) =>
  api.ctx.db.auditLog.findMany({ where: { action, ...(targetId ? { targetId } : {}) }, orderBy: { id: "asc" } });

async function createAccount(body: Record<string, unknown>) {
  const res = await send(admin, "POST", "/officers", body);
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { officer: { id: string; username: string }; password: string };
}

describe("adding officer accounts", () => {
  it("creates an account whose password, shown once, signs the new officer in", async () => {
    const res = await send(admin, "POST", "/officers", { username: "Moi.Vao", displayName: "Đ/c Nguyễn Văn Mới", role: "officer", unitId: "cax-a" });
    expect(res.status).toBe(201);
    const text = await res.text();
    const body = JSON.parse(text) as { officer: Record<string, unknown>; password: string };
    expect(body.officer).toEqual({
      id: expect.any(String),
      username: "moi.vao",
      displayName: "Đ/c Nguyễn Văn Mới",
      role: "officer",
      unitId: "CAX-A",
      languages: ["vi"],
      disabled: false,
      createdAt: expect.any(String),
      passwordChangedAt: null,
    });
    expect(text).not.toContain("scrypt");
    const session = await signIn(api.base, "moi.vao", body.password);
    expect((await me(session)).status).toBe(200);

    const [audit] = await auditRows("officer.create", body.officer.id as string);
    expect(audit).toMatchObject({ officerId: adminId, targetType: "officer" });
    expect(JSON.parse(audit!.data)).toEqual({ username: "moi.vao", displayName: "Đ/c Nguyễn Văn Mới", role: "officer", unitId: "CAX-A" });
    expect(audit!.data).not.toContain(body.password);
  });

  it("asks for a unit for unit officers and viewers, and refuses a unit that does not exist", async () => {
    for (const role of ["officer", "viewer"]) {
      const res = await send(admin, "POST", "/officers", { username: `khong.don.vi.${role}`, displayName: "Không đơn vị", role });
      expect(res.status).toBe(400);
      const error = await errorOf(res);
      expect(error.code).toBe("validation_failed");
      expect(error.message).toContain("phải có đơn vị");
      expect(error.details).toEqual([{ path: "unitId", message: error.message }]);
    }
    const unknown = await send(admin, "POST", "/officers", { username: "sai.don.vi", displayName: "Sai đơn vị", role: "officer", unitId: "CAX-KHONG-CO" });
    expect(unknown.status).toBe(400);
    expect((await errorOf(unknown)).message).toMatch(/^Không có đơn vị mã CAX-KHONG-CO\./);
    expect(await api.ctx.db.officer.count({ where: { username: { in: ["khong.don.vi.officer", "sai.don.vi"] } } })).toBe(0);
  });

  it("lets the duty desk and outreach accounts exist without a unit", async () => {
    const { officer } = await createAccount({ username: "truc.ban.moi", displayName: "Trực ban", role: "duty" });
    expect(officer).toMatchObject({ username: "truc.ban.moi", unitId: null });
  });

  it("refuses a username already taken and a malformed one", async () => {
    await createAccount({ username: "trung.ten", displayName: "Một", role: "duty" });
    const taken = await send(admin, "POST", "/officers", { username: "TRUNG.TEN", displayName: "Hai", role: "duty" });
    expect(taken.status).toBe(409);
    expect((await errorOf(taken)).message).toContain('"trung.ten" đã có người dùng');
    const bad = await send(admin, "POST", "/officers", { username: "tên có dấu", displayName: "Ba", role: "duty" });
    expect(bad.status).toBe(400);
  });

  it("is for administrators only", async () => {
    await addOfficer(api.ctx, "truc.ban.them", "duty");
    const duty = await signIn(api.base, "truc.ban.them");
    const res = await send(duty, "POST", "/officers", { username: "khong.duoc", displayName: "Không được", role: "duty" });
    expect(res.status).toBe(403);
    expect((await errorOf(res)).message).toContain("Chỉ quản trị hệ thống");
  });
});

describe("listing officer accounts", () => {
  let ids: Record<string, string>;
  beforeAll(async () => {
    await ensureUnit(api.ctx, "CAX-DS-A");
    await ensureUnit(api.ctx, "CAX-DS-B");
    ids = {
      unitA: (await addOfficer(api.ctx, "ds.can.bo.a", "officer", { unitId: "CAX-DS-A" })).id,
      unitA2: (await addOfficer(api.ctx, "ds.can.bo.a2", "officer", { unitId: "CAX-DS-A" })).id,
      unitB: (await addOfficer(api.ctx, "ds.can.bo.b", "officer", { unitId: "CAX-DS-B" })).id,
      gone: (await addOfficer(api.ctx, "ds.da.nghi", "officer", { unitId: "CAX-DS-A", disabled: true })).id,
      viewer: (await addOfficer(api.ctx, "ds.chi.xem", "viewer", { unitId: "CAX-DS-A" })).id,
      outreach: (await addOfficer(api.ctx, "ds.tuyen.truyen", "outreach")).id,
    };
    await addOfficer(api.ctx, "ds.truc.ban", "duty");
    await addOfficer(api.ctx, "ds.khong.don.vi", "officer");
  });

  async function listAs(username: string, query = "") {
    const res = await send(await signIn(api.base, username), "GET", `/officers${query}`);
    return { status: res.status, ids: res.status === 200 ? ((await res.json()) as { items: { id: string }[] }).items.map((i) => i.id) : [] };
  }

  it("shows administrators every account, disabled ones too, without password hashes", async () => {
    const res = await send(admin, "GET", "/officers");
    const text = await res.text();
    const items = (JSON.parse(text) as { items: { id: string; disabled: boolean }[] }).items;
    expect(items.map((i) => i.id)).toEqual(expect.arrayContaining(Object.values(ids)));
    expect(items.find((i) => i.id === ids.gone)?.disabled).toBe(true);
    expect(text).not.toMatch(/scrypt|passwordHash/);
  });

  it("shows the duty desk every active account a tip can be assigned to", async () => {
    const { status, ids: seen } = await listAs("ds.truc.ban");
    expect(status).toBe(200);
    expect(seen).toEqual(expect.arrayContaining([ids.unitA, ids.unitB, adminId]));
    for (const hidden of [ids.gone, ids.viewer, ids.outreach]) expect(seen).not.toContain(hidden);
  });

  it("shows a unit officer only the active officers of their own unit", async () => {
    const { status, ids: seen } = await listAs("ds.can.bo.a");
    expect(status).toBe(200);
    expect(seen.sort()).toEqual([ids.unitA, ids.unitA2].sort());
    expect((await listAs("ds.can.bo.a", "?unitId=CAX-DS-B")).ids).toEqual([]);
  });

  it("narrows the list to one unit for the assign form, sorted by name", async () => {
    expect((await listAs("ds.truc.ban", "?unitId=cax-ds-b")).ids).toEqual([ids.unitB]);
    const all = (await (await send(admin, "GET", "/officers?unitId=CAX-DS-A")).json()) as { items: { displayName: string }[] };
    const names = all.items.map((i) => i.displayName);
    expect(names).toEqual([...names].sort(new Intl.Collator("vi").compare));
    expect(names).toHaveLength(4);
  });

  it("refuses viewers, outreach editors and officers without a unit (they assign nothing)", async () => {
    for (const username of ["ds.chi.xem", "ds.tuyen.truyen", "ds.khong.don.vi"]) {
      expect((await listAs(username)).status, username).toBe(403);
    }
  });
});

describe("changing and disabling accounts", () => {
  it("ends a disabled officer's live session at once, and audits the change with old and new values", async () => {
    const officer = await addOfficer(api.ctx, "bi.khoa.ngay", "officer", { unitId: "CAX-A" });
    const session = await signIn(api.base, "bi.khoa.ngay");
    expect((await me(session)).status).toBe(200);

    const res = await send(admin, "PATCH", `/officers/${officer.id}`, { disabled: true });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: officer.id, disabled: true });
    expect((await me(session)).status).toBe(401);
    expect(await api.ctx.db.officerSession.count({ where: { officerId: officer.id } })).toBe(0);
    expect((await postJson(api.base, "/api/auth/login", { username: "bi.khoa.ngay", password: PASSWORD })).status).toBe(401);

    const [audit] = await auditRows("officer.update", officer.id);
    expect(JSON.parse(audit!.data)).toEqual({ disabled: { from: false, to: true }, sessionsEnded: 1 });

    const back = await send(admin, "PATCH", `/officers/${officer.id}`, { disabled: false });
    expect(await back.json()).toMatchObject({ disabled: false });
    expect((await signIn(api.base, "bi.khoa.ngay")).token).toBeTruthy();
  });

  it("changes the name, role and unit, and records each old and new value", async () => {
    const officer = await addOfficer(api.ctx, "doi.vai.tro", "officer", { unitId: "CAX-A" });
    const res = await send(admin, "PATCH", `/officers/${officer.id}`, { displayName: "Đ/c Trần Thị Đổi", role: "duty", unitId: null });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ displayName: "Đ/c Trần Thị Đổi", role: "duty", unitId: null });
    const [audit] = await auditRows("officer.update", officer.id);
    expect(JSON.parse(audit!.data)).toEqual({
      displayName: { from: "Cán bộ doi.vai.tro", to: "Đ/c Trần Thị Đổi" },
      role: { from: "officer", to: "duty" },
      unitId: { from: "CAX-A", to: null },
    });
  });

  it("records the languages a translator speaks (what they may translate and approve), refusing a language the bot does not have", async () => {
    const res = await send(admin, "POST", "/officers", { username: "nguoi.dich", displayName: "Đ/c Đinh Thị Dịch", role: "translator", languages: ["vi", "hre"] });
    expect(res.status, await res.clone().text()).toBe(201);
    const { officer } = (await res.json()) as { officer: { id: string; languages: string[] } };
    expect(officer.languages).toEqual(["vi", "hre"]);
    const changed = await send(admin, "PATCH", `/officers/${officer.id}`, { languages: ["vi", "hre", "cua"] });
    expect(await changed.json()).toMatchObject({ languages: ["vi", "hre", "cua"] });
    const [audit] = await auditRows("officer.update", officer.id);
    expect(JSON.parse(audit!.data)).toEqual({ languages: { from: ["vi", "hre"], to: ["vi", "hre", "cua"] } });
    const unknown = await send(admin, "PATCH", `/officers/${officer.id}`, { languages: ["vi", "xx"] });
    expect(unknown.status).toBe(400);
  });

  it("keeps a unit officer's unit: removing it, or making a unit-less account a viewer, is refused", async () => {
    const officer = await addOfficer(api.ctx, "giu.don.vi", "officer", { unitId: "CAX-A" });
    const removed = await send(admin, "PATCH", `/officers/${officer.id}`, { unitId: null });
    expect(removed.status).toBe(400);
    expect((await errorOf(removed)).message).toContain("phải có đơn vị");
    const duty = await addOfficer(api.ctx, "truc.thanh.xem", "duty");
    const demoted = await send(admin, "PATCH", `/officers/${duty.id}`, { role: "viewer" });
    expect(demoted.status).toBe(400);
    const moved = await send(admin, "PATCH", `/officers/${duty.id}`, { role: "viewer", unitId: "CAX-B" });
    expect(await moved.json()).toMatchObject({ role: "viewer", unitId: "CAX-B" });
  });

  it("answers 404 for an unknown account and 400 for an empty change", async () => {
    expect((await send(admin, "PATCH", "/officers/khong-co", { displayName: "Ai" })).status).toBe(404);
    const officer = await addOfficer(api.ctx, "khong.doi.gi", "duty");
    const empty = await send(admin, "PATCH", `/officers/${officer.id}`, {});
    expect(empty.status).toBe(400);
  });

  it("will not let the last active administrator disable or demote themself", async () => {
    // The harness admin is the only administrator until a second one is added below.
    for (const change of [{ disabled: true }, { role: "duty" }]) {
      const res = await send(admin, "PATCH", `/officers/${adminId}`, change);
      expect(res.status).toBe(409);
      expect((await errorOf(res)).message).toContain("quản trị hệ thống duy nhất còn hoạt động");
    }
    expect((await me(admin)).status).toBe(200);

    const second = await addOfficer(api.ctx, "quan.tri.hai", "admin");
    const other = await signIn(api.base, "quan.tri.hai");
    const res = await send(other, "PATCH", `/officers/${second.id}`, { role: "duty" });
    expect(res.status).toBe(200);
    const again = await send(admin, "PATCH", `/officers/${adminId}`, { role: "duty" });
    expect(again.status).toBe(409);
  });
});

describe("resetting a password", () => {
  it("gives a new password that signs in, and ends the officer's sessions and old password", async () => {
    const officer = await addOfficer(api.ctx, "quen.mat.khau", "officer", { unitId: "CAX-A" });
    const session = await signIn(api.base, "quen.mat.khau");
    await api.ctx.db.officer.update({ where: { id: officer.id }, data: { passwordChangedAt: new Date() } });

    const res = await send(admin, "POST", `/officers/${officer.id}/password-reset`);
    expect(res.status).toBe(200);
    const { password } = (await res.json()) as { password: string };
    expect(password).toMatch(/^[\w]{5}(-[\w]{5}){3}$/);
    expect((await me(session)).status).toBe(401);
    expect((await postJson(api.base, "/api/auth/login", { username: "quen.mat.khau", password: PASSWORD })).status).toBe(401);
    await signIn(api.base, "quen.mat.khau", password);
    const row = await api.ctx.db.officer.findUniqueOrThrow({ where: { id: officer.id } });
    expect(row.passwordChangedAt).toBeNull();

    const [audit] = await auditRows("officer.password_reset", officer.id);
    expect(audit).toMatchObject({ officerId: adminId });
    expect(JSON.parse(audit!.data)).toEqual({ sessionsEnded: 1 });
    expect(audit!.data).not.toContain(password);
  });

  it("sends an administrator to the password form for their own account", async () => {
    const res = await send(admin, "POST", `/officers/${adminId}/password-reset`);
    expect(res.status).toBe(403);
    expect((await errorOf(res)).message).toContain("Đổi mật khẩu");
    expect((await me(admin)).status).toBe(200);
  });

  it("is refused to everyone else", async () => {
    const target = await addOfficer(api.ctx, "khong.reset.duoc", "duty");
    await addOfficer(api.ctx, "truc.ban.reset", "duty");
    const duty = await signIn(api.base, "truc.ban.reset");
    expect((await send(duty, "POST", `/officers/${target.id}/password-reset`)).status).toBe(403);
  });
});

describe("changing one's own password", () => {
  const change = (who: SignedIn, currentPassword: string, newPassword: string) => send(who, "POST", "/auth/password", { currentPassword, newPassword });

  it("refuses a wrong current password with 403, keeps the session and audits the try", async () => {
    const officer = await addOfficer(api.ctx, "nho.nham", "duty");
    const session = await signIn(api.base, "nho.nham");
    const res = await change(session, "khong-phai-mat-khau", "mot-cau-dai-de-nho-2025");
    expect(res.status).toBe(403);
    expect(await errorOf(res)).toEqual({ code: "forbidden", message: expect.stringContaining("Mật khẩu hiện tại không đúng") });
    expect((await me(session)).status).toBe(200);
    const [audit] = await auditRows("auth.password_change_failed", "nho.nham");
    expect(audit).toMatchObject({ officerId: officer.id, targetType: "login" });
    expect(audit!.data).not.toContain("khong-phai-mat-khau");
    await signIn(api.base, "nho.nham");
  });

  it("asks for at least 12 characters, not the username and not the current password", async () => {
    await addOfficer(api.ctx, "ten.dang.nhap.dai", "duty");
    const session = await signIn(api.base, "ten.dang.nhap.dai");
    const cases: [string, string][] = [
      ["ngan-qua", "ít nhất 12 ký tự"],
      ["Ten.Dang.Nhap.Dai", "chứa tên đăng nhập"],
      [PASSWORD, "phải khác mật khẩu hiện tại"],
    ];
    for (const [newPassword, message] of cases) {
      const res = await change(session, PASSWORD, newPassword);
      expect(res.status, newPassword).toBe(400);
      const error = await errorOf(res);
      expect(error.message).toContain(message);
      expect(error.details).toEqual([{ path: "newPassword", message: error.message }]);
    }
    await signIn(api.base, "ten.dang.nhap.dai");
  });

  it("sets the new password, records when, and ends the officer's other sessions but not this one", async () => {
    const officer = await addOfficer(api.ctx, "doi.mat.khau", "officer", { unitId: "CAX-A" });
    const here = await signIn(api.base, "doi.mat.khau");
    const elsewhere = await signIn(api.base, "doi.mat.khau");
    const fresh = "Một câu tiếng Việt dễ nhớ 2025";

    const res = await change(here, PASSWORD, fresh);
    expect(res.status).toBe(204);
    expect((await me(here)).status).toBe(200);
    expect((await me(elsewhere)).status).toBe(401);
    expect((await postJson(api.base, "/api/auth/login", { username: "doi.mat.khau", password: PASSWORD })).status).toBe(401);
    await signIn(api.base, "doi.mat.khau", fresh);
    const row = await api.ctx.db.officer.findUniqueOrThrow({ where: { id: officer.id } });
    expect(row.passwordChangedAt).toBeInstanceOf(Date);

    const [audit] = await auditRows("auth.password_change", officer.id);
    expect(audit).toMatchObject({ officerId: officer.id, targetType: "officer" });
    expect(JSON.parse(audit!.data)).toEqual({ otherSessionsEnded: 1 });
    expect(audit!.data).not.toContain(fresh);
  });

  it("counts wrong current passwords as failed logins: five lock both the form and the login", async () => {
    await addOfficer(api.ctx, "doan.mat.khau", "duty");
    const session = await signIn(api.base, "doan.mat.khau");
    for (let i = 0; i < 5; i++) expect((await change(session, `doan-sai-${i}`, "mat-khau-moi-du-dai")).status).toBe(403);
    const locked = await change(session, PASSWORD, "mat-khau-moi-du-dai");
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(14 * 60);
    expect((await errorOf(locked)).message).toMatch(/thử lại sau \d+ phút/);
    expect((await postJson(api.base, "/api/auth/login", { username: "doan.mat.khau", password: PASSWORD })).status).toBe(429);
    expect((await me(session)).status).toBe(200);
  });

  it("needs the X-CSRF-Token header with a cookie", async () => {
    await addOfficer(api.ctx, "thieu.csrf", "duty");
    const session = await signIn(api.base, "thieu.csrf");
    const res = await postJson(api.base, "/api/auth/password", { currentPassword: PASSWORD, newPassword: "mat-khau-moi-du-dai" }, session.cookie);
    expect(res.status).toBe(403);
    expect((await errorOf(res)).code).toBe("csrf_failed");
  });
});
