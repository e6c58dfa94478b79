import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { addOfficer, ensureUnit, insertTip, postJson, signIn, startApi, type ApiHarness, type SignedIn } from "./support.ts";
import { AUDIT_SENTENCES, auditSentence, type AuditNames } from "../../src/officers/audit-sentences.ts";
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

/** The cells of one CSV line (quotes and doubled quotes undone). */
function cells(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)) {
    const v = m[1]!;
    out.push(v.startsWith('"') ? v.slice(1, -1).replaceAll('""', '"') : v);
  }
  return out;
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
      sentence: "Đ/c Trần Thị Hòa làm một thao tác chưa có mô tả (xem chi tiết) lúc 23:30 ngày 01/03/2026.",
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
  it("downloads a CSV Excel opens in Vietnamese: BOM, header, sentences, dd/mm/yyyy Vietnam time, quoting", async () => {
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
    expect(header).toBe("Thời gian (giờ Việt Nam),Diễn giải,Cán bộ,Địa chỉ IP,Số dòng,Dữ liệu gốc (dành cho quản trị)");
    const [time, sentence, who, ip, id, raw] = cells(row!);
    expect(time).toBe("10/04/2026 07:05:09");
    expect(sentence).toBe("Đ/c Trần Thị Hòa làm một thao tác chưa có mô tả (xem chi tiết) lúc 07:05 ngày 10/04/2026.");
    expect([who, ip]).toEqual(["Đ/c Trần Thị Hòa", "127.0.0.1"]);
    expect(id).toMatch(/^\d+$/);
    expect(JSON.parse(raw!)).toEqual({ action: "note.add", officerId: hoa.id, targetType: "csv-test", targetId: 'ghi, chú "trích dẫn"', data: { body: "Dòng một\nDòng hai — Quảng Ngãi" } });
    expect(row).toContain('""body"":""Dòng một\\nDòng hai — Quảng Ngãi""');
    expect(end).toBe("");
  });

  it("defuses cells a spreadsheet would run as formulas", async () => {
    const names = ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)"];
    for (const [i, displayName] of names.entries()) {
      const o = await addOfficer(api.ctx, `cong.thuc${i}`, "viewer", { unitId: (await ensureUnit(api.ctx, "CAX-CONGTHUC")).id });
      await api.ctx.db.officer.update({ where: { id: o.id }, data: { displayName } });
      await addRows([{ officerId: o.id, action: "tip.read", targetType: "csv-formula", targetId: `t${i}` }]);
    }
    const { text } = await exportCsv("targetType=csv-formula");
    const officerCells = text
      .split("\r\n")
      .slice(1, -1)
      .map((line) => line.split(",")[2]);
    expect(officerCells.sort()).toEqual(["\"'=HYPERLINK(\"\"http://x\"\")\"", "'+1", "'-2", "'@SUM(A1)"].sort());
  });

  it("uses the same filters as the list and records the export", async () => {
    const { text } = await exportCsv(`officerId=${hoa.id}&action=tip.&from=2026-03-01&to=2026-03-01`);
    const lines = text.split("\r\n").slice(1, -1);
    expect(lines.map((l) => (JSON.parse(cells(l)[5]!) as { action: string }).action)).toEqual(["tip.status", "tip.read"]);
    expect(cells(lines[1]!)[1]).toBe("Đ/c Trần Thị Hòa xem một tin báo (đã xóa) lúc 08:00 ngày 01/03/2026.");
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
    expect(lines[0]).toContain(`""targetId"":""tip-${total - 1}""`);
    expect(lines.at(-1)).toContain(`""targetId"":""tip-0""`);
    expect(new Set(lines.map((l) => l.split(",")[4])).size).toBe(total);
    expect(lines.filter((l) => l.includes("Đ/c Trần Thị Hòa"))).toHaveLength(total / 2);
  }, 60_000);
});

describe("the audit log in Vietnamese sentences", () => {
  const UUID = "3f2a9c1e-8b7d-4e6f-9a0b-1c2d3e4f5a6b";

  /** Every action string the code hands to recordAudit: literals, and the fixed part of template ones. */
  function writtenActions(): { literal: Set<string>; prefixes: Set<string> } {
    const literal = new Set<string>();
    const prefixes = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (entry.name !== "generated") walk(file);
        } else if (file.endsWith(".ts")) {
          const text = readFileSync(file, "utf8");
          if (!text.includes("recordAudit(")) continue;
          for (const m of text.matchAll(/action: "([a-z_]+\.[a-z_.]+)"/g)) literal.add(m[1]!);
          for (const m of text.matchAll(/action: `([a-z_]+\.)\$\{/g)) prefixes.add(m[1]!);
        }
      }
    };
    walk(path.resolve("src"));
    return { literal, prefixes };
  }

  it("has a sentence for every action the code writes", () => {
    const { literal, prefixes } = writtenActions();
    expect(literal.size).toBeGreaterThan(25);
    const missing = [...literal].filter((a) => !Object.hasOwn(AUDIT_SENTENCES, a));
    expect(missing, `actions without a sentence in src/officers/audit-sentences.ts: ${missing.join(", ")}`).toEqual([]);
    for (const prefix of prefixes) expect(Object.keys(AUDIT_SENTENCES).some((a) => a.startsWith(prefix)), prefix).toBe(true);
    // The template actions: one sentence per tip action and per campaign move.
    for (const name of ["claimed", "assigned", "status_changed", "merged", "deadline_extended"]) expect(Object.hasOwn(AUDIT_SENTENCES, `tip.${name}`), name).toBe(true);
    for (const move of ["submit", "approve", "pause", "resume", "cancel"]) expect(Object.hasOwn(AUDIT_SENTENCES, `campaign.${move}`), move).toBe(true);
  });

  it("names people, tips, units and campaigns, never keys or ids, for every action", () => {
    const names: AuditNames = {
      officers: new Map([["o-1", "Lan"], ["o-2", "Đ/c Hà"]]),
      tips: new Map([["t-1", "QN-7K3P9"], ["t-2", "QN-2B4C6"]]),
      units: new Map([["CAX-BATO", "Công an xã Ba Tơ"], ["CAX-MINHLONG", "Công an xã Minh Long"]]),
      campaigns: new Map([["c-1", "Phòng chống lừa đảo qua mạng"]]),
      faqs: new Map([["mat-can-cuoc", "Mất căn cước thì làm gì?"]]),
    };
    const data = { reference: "QN-7K3P9", tipId: "t-1", title: "Phòng chống lừa đảo qua mạng", to: "CAX-MINHLONG", from: "CAX-BATO", assignee: "o-2", original: "t-2", days: 10, role: "officer", unitId: "CAX-BATO", q: "trộm bò", channel: "telegram", reason: "wrong_password", file: "don-vi.csv", created: 2, updated: 1 };
    const targets: Record<string, [string, string]> = { tip: ["tip", "t-1"], attachment: ["attachment", UUID], officer: ["officer", "o-2"], unit: ["unit", "CAX-BATO"], campaign: ["campaign", "c-1"], faq: ["faq", "mat-can-cuoc"], auth: ["login", "lan"] };
    for (const action of Object.keys(AUDIT_SENTENCES)) {
      const kind = action.split(".")[0]!;
      const [targetType, targetId] = targets[kind] ?? ["other", UUID];
      const sentence = auditSentence({ action, officerId: "o-1", targetType, targetId, data }, new Date("2026-12-03T02:42:00Z"), names);
      expect(sentence, action).toMatch(/^Cán bộ Lan .+ lúc 09:42 ngày 03\/12\/2026\.$/);
      expect(sentence, action).not.toMatch(/\b(tip|auth|officer|unit|campaign|faq|quiz|audit|attachment|question)\.[a-z_]+|undefined|null|\[object|o-1|t-1|c-1|CAX-|mat-can-cuoc/);
      expect(sentence, action).not.toContain(UUID);
    }
    const read = auditSentence({ action: "tip.read", officerId: "o-1", targetType: "tip", targetId: "t-1", data: { reference: "QN-7K3P9" } }, new Date("2026-12-03T02:42:00Z"), names);
    expect(read).toBe("Cán bộ Lan xem tin QN-7K3P9 lúc 09:42 ngày 03/12/2026.");
    const route = auditSentence({ action: "tip.route", officerId: "o-2", targetType: "tip", targetId: "t-1", data }, new Date("2026-12-03T02:42:00Z"), names);
    expect(route).toBe("Đ/c Hà chuyển tin QN-7K3P9 cho Công an xã Minh Long lúc 09:42 ngày 03/12/2026.");
    const at = new Date("2026-12-03T02:42:00Z");
    const tipExport = auditSentence({ action: "tip.export", officerId: "o-1", targetType: "tip_export", targetId: null, data: { format: "xlsx", rows: 1234, filter: {} } }, at, names);
    expect(tipExport).toBe("Cán bộ Lan tải danh sách tin báo (Excel, 1234 tin) lúc 09:42 ngày 03/12/2026.");
    const reportFile = auditSentence({ action: "report.export", officerId: "o-1", targetType: "report", targetId: null, data: { format: "csv", from: "2026-01-01", to: "2026-06-30", unitId: "CAX-BATO" } }, at, names);
    expect(reportFile).toBe("Cán bộ Lan tải tệp CSV báo cáo từ 01/01/2026 đến 30/06/2026 (Công an xã Ba Tơ) lúc 09:42 ngày 03/12/2026.");
    const reportPrint = auditSentence({ action: "report.export", officerId: "o-1", targetType: "report", targetId: null, data: { format: "print", from: "2026-01-01", to: "2026-12-31" } }, at, names);
    expect(reportPrint).toBe("Cán bộ Lan mở bản in báo cáo từ 01/01/2026 đến 31/12/2026 (toàn tỉnh) lúc 09:42 ngày 03/12/2026.");
  });

  it("tells what an officer really did, on the screen's API and in the CSV", async () => {
    const unit = await ensureUnit(api.ctx, "CAX-SONHA");
    await api.ctx.db.policeUnit.update({ where: { id: unit.id }, data: { name: "Công an xã Sơn Hà" } });
    const tip = await insertTip(api.ctx, { description: "Có người lạ dắt bò ra khỏi chuồng lúc nửa đêm", unitId: unit.id });
    const lan = await addOfficer(api.ctx, "lan.nguyen", "officer", { unitId: unit.id });
    await api.ctx.db.officer.update({ where: { id: lan.id }, data: { displayName: "Lan" } });
    const session = await signIn(api.base, "lan.nguyen");
    expect((await fetch(`${api.base}/api/tips/${tip.id}`, { headers: session.cookie })).status).toBe(200);
    const created = await postJson(api.base, "/api/officers", { username: "hung.le", displayName: "Lê Văn Hùng", role: "viewer", unitId: unit.id }, { ...admin.cookie, "x-csrf-token": admin.csrfToken });
    expect(created.status, await created.clone().text()).toBe(201);

    const read = (await browse(`officerId=${lan.id}&action=tip.read`)).items[0]!;
    expect(read.sentence).toMatch(new RegExp(`^Cán bộ Lan xem tin ${tip.reference} lúc \\d{2}:\\d{2} ngày \\d{2}/\\d{2}/\\d{4}\\.$`));
    const made = (await browse("action=officer.create")).items[0]!;
    expect(made.sentence).toMatch(/^Cán bộ quan\.tri tạo tài khoản cán bộ Lê Văn Hùng \(Chỉ xem, Công an xã Sơn Hà\) lúc /);

    const { text } = await exportCsv(`officerId=${lan.id}&action=tip.read`);
    const row = cells(text.split("\r\n")[1]!);
    expect(row[1]).toBe(read.sentence);
    expect(row[1]).not.toContain(tip.id);
  });
});
