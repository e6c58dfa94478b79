/**
 * Downloading the queue (issue 13, item 5): the count and the CSV/XLSX files of the current filter, as an officer
 * would open them in Excel. Never the reporter's identity, only the officer's scope, every download audited.
 */
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXPORT_CAP_NOTE, EXPORT_MAX_ROWS, readTipExportPages, tipsCsvChunks, writeTipsWorkbook } from "../../src/tips/export-tips.ts";
import { addOfficer, ensureUnit, insertTip, signIn, startApi, type ApiHarness, type SignedIn } from "./support.ts";

let api: ApiHarness;
let duty: SignedIn;
let officerA: SignedIn;
let dutyId: string;
let namedTip: { id: string; reference: string };

const UNIT_A = "CAX-XK-A";
const UNIT_B = "CAX-XK-B";
const REPORTER = { name: "Trần Thị Lan", phone: "0912345678", chatId: "tg-778899001" };

beforeAll(async () => {
  api = await startApi();
  await ensureUnit(api.ctx, UNIT_A);
  await ensureUnit(api.ctx, UNIT_B);
  dutyId = (await addOfficer(api.ctx, "xk.trucban", "duty")).id;
  await addOfficer(api.ctx, "xk.canbo.a", "officer", { unitId: UNIT_A });
  duty = await signIn(api.base, "xk.trucban");
  officerA = await signIn(api.base, "xk.canbo.a");
  const contact = await api.ctx.db.contact.create({
    data: { channel: "telegram", platformIdHash: api.ctx.vault.hash(REPORTER.chatId), platformIdEnc: api.ctx.vault.encrypt(REPORTER.chatId) },
  });
  namedTip = await insertTip(api.ctx, {
    description: "Nhóm người lạ bán ma túy sau chợ, gọi tôi số 0905 111 222 nếu cần",
    category: "drugs",
    unitId: UNIT_A,
    anonymous: false,
    reporterName: REPORTER.name,
    reporterPhone: REPORTER.phone,
    contactId: contact.id,
    // 17:30 UTC on 1 March is 00:30 on 2 March in Vietnam.
    createdAt: new Date("2026-03-01T17:30:00Z"),
    placeText: "Chợ Ba Tơ",
  });
  await insertTip(api.ctx, { description: '=HYPERLINK("http://xau.example","bấm vào")', category: "fraud", unitId: UNIT_A, createdAt: new Date("2026-03-02T02:00:00Z") });
  await insertTip(api.ctx, { description: "+84 lừa đảo chuyển khoản", category: "fraud", unitId: UNIT_B, createdAt: new Date("2026-03-02T03:00:00Z") });
  for (let i = 0; i < 120; i++) {
    await insertTip(api.ctx, {
      description: `Tin thử số ${i}, đánh bạc ở thôn ${i % 7}`,
      category: i % 2 ? "gambling" : "theft",
      unitId: i % 3 ? UNIT_A : UNIT_B,
      urgent: i % 10 === 0,
      createdAt: new Date(Date.UTC(2026, 2, 3 + (i % 20), i % 24)),
    });
  }
});
afterAll(async () => {
  await api?.close();
});

async function get(path: string, who: SignedIn) {
  const res = await fetch(`${api.base}${path}`, { headers: who.cookie });
  expect(res.status, await res.clone().text()).toBe(200);
  return res;
}

/** RFC 4180 as Excel writes and reads it. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") row.push(cell), (cell = "");
    else if (ch === "\r" && text[i + 1] === "\n") row.push(cell), rows.push(row), (row = []), (cell = ""), i++;
    else cell += ch;
  }
  return rows;
}

async function csvOf(path: string, who: SignedIn) {
  const res = await get(path, who);
  const bytes = Buffer.from(await res.arrayBuffer());
  const text = bytes.toString("utf8");
  return { res, text, rows: parseCsv(text.replace(/^\uFEFF/, "")) };
}

async function workbookOf(path: string, who: SignedIn) {
  const res = await get(path, who);
  const bytes = Buffer.from(await res.arrayBuffer());
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  return { res, bytes, sheet: book.worksheets[0]! };
}

async function queueIds(query: string, who: SignedIn): Promise<string[]> {
  const refs: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await get(`/api/tips?${query}&limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, who);
    const page = (await res.json()) as { items: Array<{ reference: string }>; nextCursor: string | null };
    refs.push(...page.items.map((t) => t.reference));
    cursor = page.nextCursor;
  } while (cursor);
  return refs;
}

describe("downloading the queue as a spreadsheet", () => {
  it("counts and exports exactly the tips the queue pages through, in the queue's order", async () => {
    for (const query of ["statusGroup=all", "statusGroup=all&category=gambling", "statusGroup=open&urgent=true", "statusGroup=all&from=2026-03-02&to=2026-03-05"]) {
      const queue = await queueIds(query, duty);
      const { count } = (await (await get(`/api/tips/count?${query}`, duty)).json()) as { count: number };
      const { rows } = await csvOf(`/api/tips/export.csv?${query}`, duty);
      expect(count, query).toBe(queue.length);
      expect(rows.slice(1).map((r) => r[1]), query).toEqual(queue);
    }
  });

  it("gives a unit officer only the tips of their own unit, as their queue does", async () => {
    const { rows } = await csvOf("/api/tips/export.csv?statusGroup=all", officerA);
    const unitsShown = new Set(rows.slice(1).map((r) => r[9]));
    expect(unitsShown).toEqual(new Set([`Đơn vị ${UNIT_A}`]));
    expect(rows.length - 1).toBe((await queueIds("statusGroup=all", officerA)).length);
    const { count } = (await (await get("/api/tips/count?statusGroup=all", officerA)).json()) as { count: number };
    expect(count).toBe(rows.length - 1);
    const { sheet } = await workbookOf("/api/tips/export.xlsx?statusGroup=all", officerA);
    expect(sheet.rowCount - 1).toBe(count);
    const units = new Set<string>();
    sheet.eachRow((row, n) => n > 1 && units.add(String(row.getCell(10).value)));
    expect(units).toEqual(new Set([`Đơn vị ${UNIT_A}`]));
  });

  it("never carries the reporter's name, phone or chat id, even for a named reporter, and hides a phone typed in the story", async () => {
    const { text, rows } = await csvOf(`/api/tips/export.csv?statusGroup=all&q=${namedTip.reference}`, duty);
    const { bytes, sheet } = await workbookOf(`/api/tips/export.xlsx?statusGroup=all&q=${namedTip.reference}`, duty);
    const cells: string[] = [];
    sheet.eachRow((row) => row.eachCell((c) => cells.push(String(c.value))));
    for (const secret of [REPORTER.name, REPORTER.phone, REPORTER.chatId, "0905 111 222", "0905111222"]) {
      expect(text).not.toContain(secret);
      expect(cells.join("\n")).not.toContain(secret);
      expect(bytes.includes(Buffer.from(secret))).toBe(false);
    }
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual(expect.arrayContaining(["Mã tin", "Ngày nhận (giờ Việt Nam)", "Lĩnh vực", "Kênh", "Ngôn ngữ", "Xã, phường", "Đơn vị phụ trách", "Trạng thái", "Kết quả", "Hạn (giờ Việt Nam)", "Quá hạn", "Nội dung"]));
    expect(rows[0]).not.toEqual(expect.arrayContaining([expect.stringMatching(/tên|điện thoại|danh tính/i)]));
    const row = Object.fromEntries(rows[0]!.map((h, i) => [h, rows[1]![i]]));
    expect(row).toMatchObject({
      "Mã tin": namedTip.reference,
      "Ngày nhận (giờ Việt Nam)": "02/03/2026 00:30",
      "Lĩnh vực": "Ma túy",
      Kênh: "Telegram",
      "Ngôn ngữ": "Tiếng Việt",
      "Đơn vị phụ trách": `Đơn vị ${UNIT_A}`,
      "Trạng thái": "Mới",
      "Quá hạn": "Quá hạn tiếp nhận",
      "Nội dung": "Nhóm người lạ bán ma túy sau chợ, gọi tôi số [số điện thoại] nếu cần",
    });
  });

  it("writes CSV that Excel opens in Vietnamese (UTF-8 with BOM, CRLF) and defuses cells that would run as formulas", async () => {
    const { res, text, rows } = await csvOf("/api/tips/export.csv?statusGroup=all&category=fraud", duty);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="tin-bao-\d{8}-\d{4}\.csv"$/);
    expect(text.startsWith("\uFEFFSTT,Mã tin,")).toBe(true);
    expect(text.replaceAll("\r\n", "").includes("\n")).toBe(false);
    const stories = rows.slice(1).map((r) => r.at(-1));
    expect(stories).toContain(`'=HYPERLINK("http://xau.example","bấm vào")`);
    expect(stories).toContain("'+84 lừa đảo chuyển khoản");
  });

  it("writes XLSX with real dates and numbers, a frozen bold header, a filter and column widths", async () => {
    const { res, sheet } = await workbookOf(`/api/tips/export.xlsx?statusGroup=all&category=fraud`, duty);
    expect(res.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(sheet.name).toBe("Tin báo");
    expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    expect(sheet.getRow(1).getCell(2).value).toBe("Mã tin");
    expect(sheet.getRow(1).font?.bold).toBe(true);
    expect(sheet.getColumn(18).width).toBeGreaterThanOrEqual(60);
    const formula = [2, 3].map((n) => sheet.getRow(n)).find((r) => String(r.getCell(18).value).startsWith("=HYPERLINK"))!;
    // Text, never a formula: Excel shows what the resident typed.
    expect(formula.getCell(18).type).toBe(ExcelJS.ValueType.String);
    const received = sheet.getRow(2).getCell(3);
    expect(received.value).toBeInstanceOf(Date);
    expect(received.numFmt).toBe("dd/mm/yyyy hh:mm");
    expect(sheet.getRow(2).getCell(1).value).toBe(1);
    // The cell shows Vietnam wall-clock time: 02:00 UTC is 09:00 in Vietnam.
    const times = [2, 3].map((n) => (sheet.getRow(n).getCell(3).value as Date).toISOString());
    expect(times).toContain("2026-03-02T09:00:00.000Z");
  });

  it("audits every download with its format, filter and number of rows", async () => {
    await csvOf("/api/tips/export.csv?statusGroup=all&category=gambling", duty);
    await workbookOf("/api/tips/export.xlsx?category=theft&urgent=true", duty);
    const entries = await api.ctx.db.auditLog.findMany({ where: { action: "tip.export", officerId: dutyId }, orderBy: { id: "desc" }, take: 2 });
    const data = entries.map((e) => JSON.parse(e.data) as Record<string, unknown>);
    expect(data).toEqual([
      { format: "xlsx", filter: { statusGroup: "open", category: "theft", urgent: true }, rows: 12 },
      { format: "csv", filter: { statusGroup: "all", category: "gambling" }, rows: 60 },
    ]);
    expect(entries[0]!.targetType).toBe("tip_export");
  });

  it("exports more tips than one read holds (pages of 500: SQLite's parameter limit), each once, in the queue's order", async () => {
    const at = Date.UTC(2025, 0, 1);
    await api.ctx.db.tip.createMany({
      data: Array.from({ length: 1234 }, (_, i) => ({
        reference: `QN-XK${String(i).padStart(4, "0")}`,
        secretHash: "scrypt$test",
        sourceKey: `xk-many:${i}`,
        channel: "webchat",
        language: "vi",
        category: "wildlife",
        description: `Săn bắt động vật rừng ${i}`,
        descriptionFolded: `san bat dong vat rung ${i}`,
        status: "closed",
        outcome: "administrative",
        ackDueAt: new Date(at + i * 60_000),
        settleDueAt: new Date(at + i * 60_000),
        dueAt: new Date(at + (i % 17) * 60_000),
        createdAt: new Date(at + i * 60_000),
      })),
    });
    const { rows } = await csvOf("/api/tips/export.csv?statusGroup=all&category=wildlife", duty);
    const refs = rows.slice(1).map((r) => r[1]);
    expect(refs).toHaveLength(1234);
    expect(new Set(refs).size).toBe(1234);
    expect(refs.slice(0, 3)).toEqual((await queueIds("statusGroup=all&category=wildlife", duty)).slice(0, 3));
    expect(rows[1]![12]).toBe("Xử lý vi phạm hành chính");
  });

  it("says in the file itself when it was cut at the row cap", async () => {
    expect(EXPORT_MAX_ROWS).toBe(100_000);
    expect(EXPORT_CAP_NOTE).toContain("100.000 tin đầu tiên");
    let csv = "";
    for await (const chunk of tipsCsvChunks(readTipExportPages(api.ctx, { category: "theft" }, 5), { truncated: true })) csv += chunk;
    const lines = csv.trimEnd().split("\r\n");
    expect(lines).toHaveLength(1 + 5 + 1);
    expect(lines.at(-1)).toBe(`"${EXPORT_CAP_NOTE}"`);
    const { PassThrough } = await import("node:stream");
    const out = new PassThrough();
    const parts: Buffer[] = [];
    out.on("data", (b: Buffer) => parts.push(b));
    expect(await writeTipsWorkbook(out, readTipExportPages(api.ctx, { category: "theft" }, 5), { truncated: true })).toBe(5);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.concat(parts) as unknown as ArrayBuffer);
    expect(book.worksheets[0]!.getRow(7).getCell(1).value).toBe(EXPORT_CAP_NOTE);
  });

  it("refuses accounts that read no tips", async () => {
    await addOfficer(api.ctx, "xk.tuyentruyen", "outreach");
    const outreach = await signIn(api.base, "xk.tuyentruyen");
    for (const path of ["/api/tips/count", "/api/tips/export.csv", "/api/tips/export.xlsx"]) {
      const res = await fetch(`${api.base}${path}`, { headers: outreach.cookie });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { message: string } }).error.message).toBe("Tài khoản của bạn không có quyền xem tin báo.");
    }
  });
});
