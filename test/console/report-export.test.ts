/**
 * The period report's downloads over HTTP: the same numbers as /api/reports/summary in the Excel workbook, the
 * CSV and the print page, the same permission (a unit officer only their unit), and every download audited.
 */
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HeavyWork, heavyWork } from "../../src/reports/heavy-work.ts";
import { addOfficer, ensureUnit, insertTip, signIn, startApi, type ApiHarness, type SignedIn } from "./support.ts";

let api: ApiHarness;
let duty: SignedIn;
let officerA: SignedIn;
let dutyId: string;

const UNIT_A = "CAX-BC-A";
const UNIT_B = "CAX-BC-B";
const PERIOD = "from=2026-01-01&to=2026-06-30";

beforeAll(async () => {
  api = await startApi();
  await ensureUnit(api.ctx, UNIT_A);
  await ensureUnit(api.ctx, UNIT_B);
  dutyId = (await addOfficer(api.ctx, "bc.trucban", "duty")).id;
  await addOfficer(api.ctx, "bc.canbo.a", "officer", { unitId: UNIT_A });
  duty = await signIn(api.base, "bc.trucban");
  officerA = await signIn(api.base, "bc.canbo.a");
  for (let i = 0; i < 14; i++) await insertTip(api.ctx, { description: `Tin A ${i}`, category: i % 2 ? "drugs" : "theft", unitId: UNIT_A, createdAt: new Date(Date.UTC(2026, i % 6, 3)) });
  for (let i = 0; i < 5; i++) await insertTip(api.ctx, { description: `Tin B ${i}`, category: "gambling", unitId: UNIT_B, channel: "zalo", createdAt: new Date(Date.UTC(2026, 2, 10 + i)) });
  // 30/06 at 23:30 in Vietnam is in the period; 30/06 at 17:00 UTC (00:00 on 1/7 in Vietnam) is not.
  await insertTip(api.ctx, { description: "Tin cuối kỳ", unitId: UNIT_A, createdAt: new Date("2026-06-30T16:30:00Z") });
  await insertTip(api.ctx, { description: "Tin sau kỳ", unitId: UNIT_A, createdAt: new Date("2026-06-30T17:00:00Z") });
});
afterAll(async () => {
  await api?.close();
});

async function get(path: string, who: SignedIn) {
  return fetch(`${api.base}${path}`, { headers: who.cookie });
}

async function summaryTotal(query: string, who: SignedIn): Promise<number> {
  const res = await get(`/api/reports/summary?${query}`, who);
  expect(res.status).toBe(200);
  return ((await res.json()) as { tips: { total: number } }).tips.total;
}

async function workbook(query: string, who: SignedIn) {
  const res = await get(`/api/reports/period.xlsx?${query}`, who);
  expect(res.status, await res.clone().text()).toBe(200);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
  return { res, book };
}

describe("the period report's downloads", () => {
  it("give the summary's numbers for the province in the workbook, the CSV and the print page", async () => {
    const total = await summaryTotal(PERIOD, duty);
    expect(total).toBe(20);
    const { res, book } = await workbook(PERIOD, duty);
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="bao-cao-20260101-20260630.xlsx"');
    const overview = book.getWorksheet("Tổng hợp")!;
    expect(overview.getCell("A2").value).toBe("Kỳ báo cáo: từ 01/01/2026 đến 30/06/2026 · Đơn vị: Toàn tỉnh");
    expect(overview.getCell("B6").value).toBe(total);
    const byCategory = book.getWorksheet("Theo lĩnh vực")!;
    const rows = new Map<string, unknown>();
    byCategory.eachRow((row, n) => n > 5 && rows.set(String(row.getCell(1).value), row.getCell(2).value));
    expect(rows.get("Cờ bạc")).toBe(5);
    expect(rows.get("Cộng")).toBe(total);

    const csvRes = await get(`/api/reports/period.csv?${PERIOD}`, duty);
    expect(csvRes.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const bytes = Buffer.from(await csvRes.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = bytes.toString("utf8");
    expect(csv).toContain(`Tổng số tin báo nhận được,${total},"100,0%"\r\n`);

    const page = await get(`/api/reports/period.html?${PERIOD}`, duty);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain("Kỳ báo cáo: từ 01/01/2026 đến 30/06/2026");
    expect(html).toContain(`<th scope="row">Tổng số tin báo nhận được</th><td class="count">${total}</td>`);
  });

  it("give a unit officer their own unit's report, and refuse another unit's", async () => {
    const { book } = await workbook(PERIOD, officerA);
    expect(book.getWorksheet("Tổng hợp")!.getCell("A2").value).toBe(`Kỳ báo cáo: từ 01/01/2026 đến 30/06/2026 · Đơn vị: Đơn vị ${UNIT_A}`);
    expect(book.getWorksheet("Tổng hợp")!.getCell("B6").value).toBe(15);
    expect(await summaryTotal(`${PERIOD}&unitId=${UNIT_A}`, duty)).toBe(15);
    for (const format of ["xlsx", "csv", "html"]) {
      const res = await get(`/api/reports/period.${format}?${PERIOD}&unitId=${UNIT_B}`, officerA);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain("chỉ xem được báo cáo của đơn vị mình");
    }
  });

  it("name the unit in the file name, and answer a wrong period in words the officer can act on", async () => {
    const res = await get(`/api/reports/period.csv?${PERIOD}&unitId=${UNIT_B}`, duty);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="bao-cao-20260101-20260630-${UNIT_B}.csv"`);
    const wrong = await get("/api/reports/period.xlsx?from=2026-07-01&to=2026-06-01", duty);
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(await wrong.json())).toContain("Ngày bắt đầu (from) phải trước hoặc bằng ngày kết thúc (to).");
  });

  it("audit every download with its format, period and unit", async () => {
    await get(`/api/reports/period.xlsx?${PERIOD}&unitId=${UNIT_A}`, duty);
    await get(`/api/reports/period.html?${PERIOD}`, duty);
    const entries = await api.ctx.db.auditLog.findMany({ where: { action: "report.export", officerId: dutyId }, orderBy: { id: "desc" }, take: 2 });
    expect(entries.map((e) => JSON.parse(e.data))).toEqual([
      { format: "print", from: "2026-01-01", to: "2026-06-30" },
      { format: "xlsx", from: "2026-01-01", to: "2026-06-30", unitId: UNIT_A },
    ]);
  });
});

describe("report files and tip exports under pressure", () => {
  it("refuse at once (429, in words) an officer's third file while two are still being made, and serve again when one ends", async () => {
    const gate = heavyWork(api.ctx);
    const release: Array<() => void> = [];
    const holding = [0, 1].map(() => gate.run(dutyId, () => new Promise<void>((resolve) => release.push(resolve))));
    for (const path of [`/api/reports/period.csv?${PERIOD}`, `/api/reports/period.xlsx?${PERIOD}`, `/api/tips/export.csv?statusGroup=all`]) {
      const refused = await get(path, duty);
      expect(refused.status, path).toBe(429);
      const body = (await refused.json()) as { error: { message: string } };
      expect(body.error.message).toMatch(/Hãy chờ các tệp đó tải xong rồi bấm lại/);
    }
    // Another officer is not held up by the duty desk's downloads.
    expect((await get(`/api/reports/period.csv?${PERIOD}`, officerA)).status).toBe(200);
    release.shift()!();
    await holding[0];
    expect((await get(`/api/reports/period.csv?${PERIOD}`, duty)).status).toBe(200);
    release.shift()!();
    await Promise.all(holding);
  });

  it("keep at most three files in the making for the whole service", async () => {
    const gate = new HeavyWork(2, 3);
    const release: Array<() => void> = [];
    const hold = (who: string) => gate.run(who, () => new Promise<void>((resolve) => release.push(resolve)));
    const held = [hold("a"), hold("b"), hold("c")];
    await expect(gate.run("d", async () => "made")).rejects.toThrow(/Máy chủ đang lập các tệp báo cáo khác/);
    release.shift()!();
    await held[0];
    await expect(gate.run("d", async () => "made")).resolves.toBe("made");
    for (const r of release) r();
    await Promise.all(held);
  });
});
