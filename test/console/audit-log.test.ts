import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addOfficer, signIn, startApi, type ApiHarness, type SignedIn } from "./support.ts";
import type { AuditEntryView } from "../../src/officers/list-audit-entries.ts";

let api: ApiHarness;
let admin: SignedIn;
let adminId: string;
let hoa: { id: string; displayName: string };

beforeAll(async () => {
  api = await startApi();
  adminId = (await addOfficer(api.ctx, "quan.tri", "admin")).id;
  admin = await signIn(api.base, "quan.tri");
  const created = await addOfficer(api.ctx, "hoa.tran", "duty");
  await api.ctx.db.officer.update({ where: { id: created.id }, data: { displayName: "Đ/c Trần Thị Hòa" } });
  hoa = { id: created.id, displayName: "Đ/c Trần Thị Hòa" };
});
afterAll(async () => {
  await api?.close();
});

type AuditItem = AuditEntryView;

const at = (vietnamTime: string) => new Date(`${vietnamTime}+07:00`);

async function addRows(rows: { officerId?: string | null; action: string; targetType?: string; targetId?: string; data?: object; createdAt?: Date; ip?: string }[]) {
  await api.ctx.db.auditLog.createMany({
    data: rows.map((r) => ({
      officerId: r.officerId ?? null,
      action: r.action,
      targetType: r.targetType ?? null,
      targetId: r.targetId ?? null,
      data: JSON.stringify(r.data ?? {}),
      ip: r.ip ?? "127.0.0.1",
      createdAt: r.createdAt ?? new Date(),
    })),
  });
}

async function browse(query: string, who = admin) {
  const res = await fetch(`${api.base}/api/audit?${query}`, { headers: who.cookie });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as { items: AuditItem[]; nextCursor: string | null };
}

async function exportCsv(query: string) {
  const res = await fetch(`${api.base}/api/audit/export?${query}`, { headers: admin.cookie });
  expect(res.status).toBe(200);
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { res, bytes, text: new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes) };
}

describe("browsing the audit log", () => {
  beforeAll(async () => {
    await addRows([
      { officerId: hoa.id, action: "tip.read", targetType: "tip", targetId: "tip-1", createdAt: at("2026-03-01T08:00:00") },
      { officerId: hoa.id, action: "tip.status", targetType: "tip", targetId: "tip-1", data: { from: "new", to: "received" }, createdAt: at("2026-03-01T23:30:00") },
      { officerId: adminId, action: "tip.read", targetType: "tip", targetId: "tip-2", createdAt: at("2026-03-02T00:10:00") },
      { officerId: adminId, action: "tipster.odd", targetType: "other", targetId: "x", createdAt: at("2026-03-02T09:00:00") },
      { officerId: null, action: "auth.login_failed", targetType: "login", targetId: "khong.ai", createdAt: at("2026-03-03T10:00:00") },
    ]);
  });

  it("shows the newest first, with the acting officer's name, page by page without overlap", async () => {
    const seen: AuditItem[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await browse(`targetType=tip&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(2);
    expect(seen.map((i) => i.targetId)).toEqual(["tip-2", "tip-1", "tip-1"]);
    expect(seen.map((i) => i.id)).toEqual([...seen.map((i) => i.id)].sort((a, b) => b - a));
    expect(seen[1]).toEqual({
      id: expect.any(Number),
      officerId: hoa.id,
      officerName: "Đ/c Trần Thị Hòa",
      action: "tip.status",
      targetType: "tip",
      targetId: "tip-1",
      data: { from: "new", to: "received" },
      ip: "127.0.0.1",
      createdAt: at("2026-03-01T23:30:00").toISOString(),
    });
  });

  it("filters by officer, by exact action and by action prefix", async () => {
    expect((await browse(`officerId=${hoa.id}`)).items.map((i) => i.action)).toEqual(["tip.status", "tip.read"]);
    expect((await browse("action=tip.read")).items.map((i) => i.targetId)).toEqual(["tip-2", "tip-1"]);
    for (const prefix of ["tip.", "tip.*"]) {
      const actions = (await browse(`action=${encodeURIComponent(prefix)}`)).items.map((i) => i.action);
      expect(actions).toEqual(["tip.read", "tip.status", "tip.read"]);
    }
    expect((await browse("action=tip")).items).toEqual([]);
  });

  it("filters by target and by Vietnamese calendar days, both ends included", async () => {
    expect((await browse("targetType=tip&targetId=tip-1")).items).toHaveLength(2);
    const firstOfMarch = await browse("from=2026-03-01&to=2026-03-01");
    expect(firstOfMarch.items.map((i) => i.action)).toEqual(["tip.status", "tip.read"]);
    const fromSecond = await browse("from=2026-03-02&to=2026-03-03");
    expect(fromSecond.items.map((i) => i.action)).toEqual(["auth.login_failed", "tipster.odd", "tip.read"]);
    expect(fromSecond.items.at(-1)!.officerName).toBe("Cán bộ quan.tri");
    expect(fromSecond.items[0]!.officerName).toBeNull();
  });

  it("explains a bad filter in Vietnamese", async () => {
    for (const query of ["from=2026-03-05&to=2026-03-01", "from=01/03/2026", "cursor=abc", "limit=1000", "action=DROP%20TABLE"]) {
      const res = await fetch(`${api.base}/api/audit?${query}`, { headers: admin.cookie });
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("validation_failed");
    }
  });

  it("records each reading of the log, with its filters", async () => {
    await browse("action=tip.&from=2026-03-01");
    const row = await api.ctx.db.auditLog.findFirst({ where: { action: "audit.read", officerId: adminId }, orderBy: { id: "desc" } });
    expect(JSON.parse(row!.data)).toEqual({ filter: { action: "tip.", from: "2026-03-01" } });
  });

  it("is for administrators only", async () => {
    for (const [username, role] of [["truc.ban", "duty"], ["can.bo", "officer"], ["chi.xem", "viewer"], ["tuyen.truyen", "outreach"]] as const) {
      await addOfficer(api.ctx, username, role);
      const who = await signIn(api.base, username);
      for (const path of ["/api/audit", "/api/audit/export"]) {
        const res = await fetch(`${api.base}${path}`, { headers: who.cookie });
        expect(res.status, `${role} ${path}`).toBe(403);
        expect(((await res.json()) as { error: { message: string } }).error.message).toContain("Chỉ quản trị hệ thống");
      }
    }
    expect((await fetch(`${api.base}/api/audit`)).status).toBe(401);
  });
});

describe("exporting the audit log", () => {
  it("downloads a CSV Excel opens in Vietnamese: BOM, header, Vietnam time, quoting", async () => {
    await addRows([
      {
        officerId: hoa.id,
        action: "note.add",
        targetType: "csv-test",
        targetId: "ghi, chú \"trích dẫn\"",
        data: { body: "Dòng một\nDòng hai — Quảng Ngãi" },
        createdAt: at("2026-04-10T07:05:09"),
      },
    ]);
    const { res, bytes, text } = await exportCsv("targetType=csv-test");
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="nhat-ky-\d{8}-\d{4}\.csv"$/);
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, row, end] = text.slice(1).split("\r\n");
    expect(header).toBe("Mã,Thời gian (giờ Việt Nam),Mã cán bộ,Cán bộ,Hành động,Loại đối tượng,Mã đối tượng,Dữ liệu,Địa chỉ IP");
    expect(row).toMatch(/^\d+,2026-04-10 07:05:09,/);
    expect(row).toContain(`,${hoa.id},Đ/c Trần Thị Hòa,note.add,csv-test,"ghi, chú ""trích dẫn""",`);
    expect(row).toContain('"{""body"":""Dòng một\\nDòng hai — Quảng Ngãi""}"');
    expect(end).toBe("");
  });

  it("defuses cells a spreadsheet would run as formulas", async () => {
    await addRows(
      ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)"].map((targetId) => ({ action: "tip.read", targetType: "csv-formula", targetId })),
    );
    const { text } = await exportCsv("targetType=csv-formula");
    const targets = text
      .split("\r\n")
      .slice(1, -1)
      .map((line) => line.split(",")[6]);
    expect(targets.sort()).toEqual(["\"'=HYPERLINK(\"\"http://x\"\")\"", "'+1", "'-2", "'@SUM(A1)"].sort());
  });

  it("uses the same filters as the list and records the export", async () => {
    const { text } = await exportCsv(`officerId=${hoa.id}&action=tip.&from=2026-03-01&to=2026-03-01`);
    const lines = text.split("\r\n").slice(1, -1);
    expect(lines.map((l) => l.split(",")[4])).toEqual(["tip.status", "tip.read"]);
    const row = await api.ctx.db.auditLog.findFirst({ where: { action: "audit.export" }, orderBy: { id: "desc" } });
    expect(row).toMatchObject({ officerId: adminId, targetType: "audit" });
    expect(JSON.parse(row!.data)).toEqual({ filter: { officerId: hoa.id, action: "tip.", from: "2026-03-01", to: "2026-03-01" } });
  });

  it("streams 100,000 rows page by page, newest first, every row once", async () => {
    const total = 100_000;
    // One INSERT … SELECT over a counter (same SQL on SQLite and PostgreSQL): row i is tip-i.
    await api.ctx.db.$executeRaw`INSERT INTO "AuditLog" ("officerId", "action", "targetType", "targetId", "data", "ip", "createdAt")
      WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${total - 1})
      SELECT CASE WHEN i % 2 = 1 THEN ${hoa.id} ELSE ${adminId} END, 'tip.read', 'bulk', 'tip-' || i, '{}', '127.0.0.1', ${new Date()} FROM n`;
    const { res, text } = await exportCsv("targetType=bulk");
    expect(res.headers.get("transfer-encoding")).toBe("chunked");
    expect(res.headers.get("content-length")).toBeNull();
    const lines = text.split("\r\n").slice(1, -1);
    expect(lines).toHaveLength(total);
    expect(lines[0]).toContain(`,tip-${total - 1},`);
    expect(lines.at(-1)).toContain(",tip-0,");
    expect(new Set(lines.map((l) => l.split(",")[0])).size).toBe(total);
    expect(lines.filter((l) => l.includes("Đ/c Trần Thị Hòa"))).toHaveLength(total / 2);
  }, 60_000);
});
