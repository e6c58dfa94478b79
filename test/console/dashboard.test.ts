/**
 * The dashboard API (issue 13, item 1) over real HTTP: the period's figures in the officer's scope (a unit officer:
 * their unit's only, named), one commune, and charts drawn on the server whose tables carry the same numbers as
 * the summary; every text in a chart escaped.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { barChart, columnChart, funnelChart, pairedBarChart, stackedColumnChart } from "../../src/reports/svg-charts.ts";
import { addOfficer, insertTip, signIn, startApi, type ApiHarness, type SignedIn } from "./support.ts";

interface Board {
  summary: { scopeName: string; unitId: string | null; tips: { total: number; byCategory: Record<string, number>; byCommune: Record<string, number>; funnel: { received: number } } };
  charts: { id: string; title: string; alt: string; svg: string; table: { head: string[]; rows: (string | number | null)[][]; foot?: (string | number | null)[] } }[];
}

describe("the dashboard API", () => {
  let api: ApiHarness;
  let admin: SignedIn;
  let officer: SignedIn;
  const at = (day: string) => new Date(`${day}T10:00:00+07:00`);

  const board = async (who: SignedIn, query: string) => {
    const res = await fetch(`${api.base}/api/reports/dashboard?${query}`, { headers: who.cookie });
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as Board;
  };
  const chart = (b: Board, id: string) => b.charts.find((c) => c.id === id)!;
  const rowOf = (b: Board, id: string, label: string) => chart(b, id).table.rows.find((r) => r[0] === label);

  beforeAll(async () => {
    api = await startApi();
    await addOfficer(api.ctx, "lanhdao", "admin");
    await addOfficer(api.ctx, "ca.bato", "officer", { unitId: "CAX-BATO" });
    await api.ctx.db.policeUnit.upsert({ where: { id: "CAX-BATO" }, update: {}, create: { id: "CAX-BATO", name: "Công an xã Ba Tơ", kind: "commune", provinceCode: "51", communes: "21484", languages: "vi" } });
    await insertTip(api.ctx, { description: "Ma túy 1", category: "drugs", communeCode: "21484", unitId: "CAX-BATO", createdAt: at("2026-11-02") });
    await insertTip(api.ctx, { description: "Ma túy 2", category: "drugs", communeCode: "21484", unitId: "CAX-BATO", createdAt: at("2026-11-20") });
    await insertTip(api.ctx, { description: "Lừa đảo", category: "fraud", communeCode: "21025", unitId: "CAP-CAMTHANH", createdAt: at("2026-11-05") });
    await insertTip(api.ctx, { description: "Trộm", category: "theft", communeCode: "21025", unitId: "CAP-CAMTHANH", createdAt: at("2026-11-06") });
    await insertTip(api.ctx, { description: "Ngoài kỳ", category: "theft", communeCode: "21484", unitId: "CAX-BATO", createdAt: at("2026-10-31") });
    admin = await signIn(api.base, "lanhdao");
    officer = await signIn(api.base, "ca.bato");
  }, 120_000);
  afterAll(async () => api?.close());

  it("gives the province's figures to the admin, with each chart's table equal to the summary", async () => {
    const b = await board(admin, "from=2026-11-01&to=2026-11-30");
    expect(b.summary.scopeName).toBe("Toàn tỉnh");
    expect(b.summary.tips.total).toBe(4);
    expect(chart(b, "category").table.foot?.[1]).toBe(4);
    expect(rowOf(b, "category", "Ma túy")?.[1]).toBe(2);
    expect(chart(b, "series").table.rows).toHaveLength(30);
    expect(chart(b, "series").table.rows.reduce((n, r) => n + Number(r[1]), 0)).toBe(4);
    expect(chart(b, "funnel").table.rows[0]?.[1]).toBe(4);
    expect(Object.values(b.summary.tips.byCommune).reduce((a, n) => a + n, 0)).toBe(4);
    for (const c of b.charts) {
      expect(c.svg, c.id).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(c.alt, c.id).toBeTruthy();
    }
    // The numbers are written on the chart itself, not only carried by bar lengths.
    expect(chart(b, "category").svg).toContain(">2 (50%)<");
  });

  it("gives a unit officer only their unit's figures, named, and refuses another unit's", async () => {
    const b = await board(officer, "from=2026-11-01&to=2026-11-30");
    expect(b.summary.scopeName).toBe("Công an xã Ba Tơ");
    expect(b.summary.tips.total).toBe(2);
    expect(b.summary.tips.byCategory.fraud).toBe(0);
    expect(Object.keys(b.summary.tips.byCommune)).toEqual(["21484"]);
    expect(JSON.stringify(b.charts)).not.toContain("Lừa đảo: 1");
    const other = await fetch(`${api.base}/api/reports/dashboard?from=2026-11-01&to=2026-11-30&unitId=CAP-CAMTHANH`, { headers: officer.cookie });
    expect(other.status).toBe(403);
  });

  it("narrows to one commune", async () => {
    const b = await board(admin, "from=2026-11-01&to=2026-11-30&communeCode=21025");
    expect(b.summary.tips.total).toBe(2);
    expect(b.summary.tips.byCategory).toMatchObject({ fraud: 1, theft: 1, drugs: 0 });
    const queue = await fetch(`${api.base}/api/tips?communeCode=21025&from=2026-11-01&to=2026-11-30&statusGroup=all`, { headers: admin.cookie });
    expect(((await queue.json()) as { items: unknown[] }).items).toHaveLength(2);
  });

  it("refuses a period that ends before it starts, in Vietnamese", async () => {
    const res = await fetch(`${api.base}/api/reports/dashboard?from=2026-11-30&to=2026-11-01`, { headers: admin.cookie });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain("Ngày bắt đầu (from) phải trước hoặc bằng ngày kết thúc (to).");
  });
});

describe("server-drawn charts", () => {
  const hostile = `Xã <script>alert("x")</script> & 'Ba Tơ'`;
  it.each([
    ["bars", () => barChart({ title: hostile, rows: [{ label: hostile, value: 3 }] })],
    ["columns", () => columnChart({ title: hostile, points: [{ label: hostile, value: 3 }] })],
    ["stacked", () => stackedColumnChart({ title: hostile, idPrefix: hostile, labels: [hostile], series: [{ name: hostile, values: [3] }] })],
    ["funnel", () => funnelChart({ title: hostile, steps: [{ label: hostile, value: 3 }] })],
    ["paired", () => pairedBarChart({ title: hostile, unit: "giờ", rows: [{ label: hostile, a: { name: hostile, value: 1 }, b: { name: "90%", value: 2 }, limit: { name: hostile, value: 24 } }] })],
  ])("escapes every text of the %s chart", (_name, draw) => {
    const svg = draw();
    expect(svg).not.toContain("<script");
    expect(svg).toContain("&lt;script&gt;");
    expect(svg).not.toMatch(/&(?!(amp|lt|gt|quot|#39);)/);
  });
});
