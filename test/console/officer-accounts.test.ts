import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOfficer } from "../../src/officers/create-officer.ts";
import { ensureFirstOfficer } from "../../src/officers/ensure-first-officer.ts";
import { verifyPassword } from "../../src/security/passwords.ts";
import { createTestContext, type TestContext } from "../support/context.ts";

const run = promisify(execFile);
let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx?.close();
});

describe("officer accounts", () => {
  it("creates the first admin once, returns its password, and then does nothing", async () => {
    const first = await ensureFirstOfficer(ctx);
    expect(first).toEqual({ username: "admin", password: expect.stringMatching(/^[\w]{5}(-[\w]{5}){3}$/) });
    const admin = await ctx.db.officer.findUniqueOrThrow({ where: { username: "admin" } });
    expect(admin.role).toBe("admin");
    expect(admin.passwordHash).not.toContain(first!.password);
    expect(await verifyPassword(first!.password, admin.passwordHash)).toBe(true);
    expect(await ensureFirstOfficer(ctx)).toBeNull();
    expect(await ctx.db.officer.count()).toBe(1);
  });

  it("generates a different strong password for each new officer", async () => {
    const a = await createOfficer(ctx, { username: "mot", displayName: "Một", role: "officer" });
    const b = await createOfficer(ctx, { username: "hai", displayName: "Hai", role: "duty" });
    expect(a.generated).toBe(true);
    expect(a.password).not.toBe(b.password);
    expect(a.password.replaceAll("-", "").length).toBeGreaterThanOrEqual(20);
  });

  it("refuses a username that is taken, a short chosen password and an unknown role", async () => {
    await expect(createOfficer(ctx, { username: "MOT", displayName: "Trùng", role: "officer" })).rejects.toMatchObject({ code: "conflict" });
    await expect(createOfficer(ctx, { username: "ba", displayName: "Ba", role: "officer", password: "ngan" })).rejects.toThrow();
    await expect(createOfficer(ctx, { username: "bon", displayName: "Bốn", role: "chief" as never })).rejects.toThrow();
  });

  it("adds an officer from the command line and prints the password once", async () => {
    const env = {
      ...process.env,
      DATABASE_URL: ctx.config.databaseUrl,
      DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
      MEDIA_DIR: ctx.config.mediaDir,
    };
    const script = path.resolve("scripts/officer-add.ts");
    await ctx.db.policeUnit.create({ data: { id: "CAX-BATO", name: "Công an xã Ba Tơ", kind: "commune", provinceCode: "51", communes: "21484", languages: "vi,hre" } });
    const { stdout } = await run(
      process.execPath,
      ["--import", "tsx", script, "--username", "xa.ba.to", "--role", "officer", "--unit", "CAX-BATO", "--name", "Đ/c Phạm Văn Long"],
      { env },
    );
    const password = /Mật khẩu[^:]*: (\S+)/.exec(stdout)?.[1];
    expect(password).toBeTruthy();
    const row = await ctx.db.officer.findUniqueOrThrow({ where: { username: "xa.ba.to" } });
    expect(row).toMatchObject({ role: "officer", unitId: "CAX-BATO", displayName: "Đ/c Phạm Văn Long" });
    expect(await verifyPassword(password!, row.passwordHash)).toBe(true);

    const bad = await run(process.execPath, ["--import", "tsx", script, "--username", "x.y", "--role", "chief"], { env }).catch((e: { code: number; stderr: string }) => e);
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining("Vai trò không hợp lệ") });
  });

  it("refuses from the command line an officer without the unit the role needs, and says which units exist", async () => {
    const env = {
      ...process.env,
      DATABASE_URL: ctx.config.databaseUrl,
      DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
      MEDIA_DIR: ctx.config.mediaDir,
    };
    const script = path.resolve("scripts/officer-add.ts");
    // The README's own example, as it was (no --unit), then with a unit that does not exist.
    for (const [args, why] of [
      [["--username", "lan", "--role", "officer", "--name", "Nguyễn Thị Lan"], "Vai trò «Cán bộ thụ lý» chỉ xem được tin của đơn vị mình"],
      [["--username", "lan", "--role", "viewer", "--unit", "CAX-KHONG-CO"], "Không có đơn vị mã CAX-KHONG-CO"],
    ] as const) {
      const refused = await run(process.execPath, ["--import", "tsx", script, ...args], { env }).catch((e: { code: number; stderr: string }) => e);
      expect(refused).toMatchObject({ code: 2 });
      const { stderr } = refused as { stderr: string };
      expect(stderr).toContain(`--unit: ${why}`);
      expect(stderr).toContain("Thêm lại với --unit <mã đơn vị>");
      expect(stderr).toMatch(/CAX-BATO\s+Công an xã Ba Tơ/);
    }
    expect(await ctx.db.officer.findUnique({ where: { username: "lan" } })).toBeNull();

    // A duty desk account needs no unit.
    const { stdout } = await run(process.execPath, ["--import", "tsx", script, "--username", "truc.ban", "--role", "duty"], { env });
    expect(stdout).toContain("Đã tạo tài khoản truc.ban (Trực ban Công an tỉnh)");
  });
});
