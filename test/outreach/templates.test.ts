/**
 * The ready 19/8 Festival campaign templates: valid, honest about review, free of invented phone numbers,
 * accepted by the campaign API once the editor has filled their placeholders, and served by
 * GET /api/campaigns/templates with the weekly reminder dated for the festival year.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { campaignInputSchema } from "../../src/outreach/campaigns/campaign-input.ts";
import {
  DEFAULT_CAMPAIGN_TEMPLATES_DIR,
  festivalYear,
  loadCampaignTemplates,
  parseCampaignTemplateFile,
  placeholdersIn,
  resolveTemplate,
  TEMPLATE_REVIEW_MARK,
  type ResolvedTemplate,
} from "../../src/outreach/campaigns/templates.ts";
import { addOfficer, postJson, signIn, startApi, type ApiHarness } from "../console/support.ts";

const templates = loadCampaignTemplates();
const byId = (id: string) => templates.find((t) => t.id === id)!;
const file = () => JSON.parse(readFileSync(path.join(DEFAULT_CAMPAIGN_TEMPLATES_DIR, "festival.json"), "utf8"));

describe("19/8 Festival campaign templates (content)", () => {
  it("has 4 to 6 templates with unique kebab-case ids, and the loader refuses a duplicate id", () => {
    expect(templates.length).toBeGreaterThanOrEqual(4);
    expect(templates.length).toBeLessThanOrEqual(6);
    expect(new Set(templates.map((t) => t.id)).size).toBe(templates.length);
    const f = file();
    f.templates.push(f.templates[0]);
    expect(() => parseCampaignTemplateFile(f)).toThrow(/duplicate id thong-bao-ngay-hoi/);
    const g = file();
    delete g.templates[1].text;
    expect(() => parseCampaignTemplateFile(g)).toThrow(/templates\.1\.text/);
  });

  it("covers the announcement, the weekly quiz reminder, reporting, scams and drugs", () => {
    expect(byId("thong-bao-ngay-hoi").text).toContain("Ngày hội toàn dân bảo vệ an ninh Tổ quốc");
    const quiz = byId("nhac-thi-hang-tuan");
    expect(quiz.buttons).toEqual([{ kind: "quiz" }]);
    expect(quiz.recurrence).toEqual({ weekdays: [1], from: "08-01", to: "09-30", time: "08:00" });
    expect(byId("keu-goi-bao-tin").buttons).toEqual([{ kind: "report" }]);
    expect(byId("canh-bao-lua-dao").topic).toBe("scam");
    expect(byId("phong-chong-ma-tuy").topic).toBe("drugs");
  });

  it("says honestly that no police officer has reviewed them yet, in each template and the README", () => {
    for (const t of templates) expect(t.reviewedBy, t.id).toBe(TEMPLATE_REVIEW_MARK);
    const readme = readFileSync(path.join(DEFAULT_CAMPAIGN_TEMPLATES_DIR, "README.md"), "utf8");
    expect(readme).toContain("chưa qua cán bộ nghiệp vụ duyệt");
    expect(readme).toContain("[địa điểm]");
  });

  it("writes Vietnamese only: no Hre or Co text is invented", () => {
    for (const t of templates) expect(Object.keys(resolveTemplate(t, 2027).campaign.variants), t.id).toEqual(["vi"]);
    expect(JSON.stringify(file())).not.toMatch(/"(hre|cua)"/);
  });

  it("gives no phone number but the national lines 111, 113, 114 and 115, and cites no law article", () => {
    const allowed = new Set(["111", "113", "114", "115"]);
    for (const t of templates) {
      const all = `${t.title}\n${t.text}\n${t.name}\n${t.description}`;
      const numbers = all.replace(/năm \d{4}/g, "").match(/\d[\d .]{2,}\d|\d{3,}/g) ?? [];
      for (const n of numbers) expect(allowed.has(n.trim()), `${t.id}: ${n}`).toBe(true);
      expect(all, t.id).not.toMatch(/Điều \d|Nghị định|Thông tư|Luật |đồng\b/);
    }
  });

  it("marks what the editor must fill in the announcement, and nothing to fill in the others", () => {
    const announce = resolveTemplate(byId("thong-bao-ngay-hoi"), 2027);
    expect(announce.placeholders).toEqual(["[tên xã]", "[giờ]", "[ngày]", "[địa điểm]"]);
    for (const t of templates.filter((x) => x.id !== "thong-bao-ngay-hoi")) expect(resolveTemplate(t, 2027).placeholders, t.id).toEqual([]);
  });

  it("is a valid campaign for the API, before and after its placeholders are replaced", () => {
    for (const t of templates) {
      const r = resolveTemplate(t, 2027);
      expect(campaignInputSchema.safeParse(r.campaign).success, t.id).toBe(true);
      let text = r.campaign.variants.vi.text;
      let title = r.campaign.title;
      for (const p of r.placeholders) {
        text = text.replaceAll(p, "Xã Ba Tơ");
        title = title.replaceAll(p, "Xã Ba Tơ");
      }
      const filled = { ...r.campaign, title, variants: { vi: { text } } };
      expect(placeholdersIn(filled.title, filled.variants.vi.text), t.id).toEqual([]);
      expect(campaignInputSchema.safeParse(filled).success, t.id).toBe(true);
    }
  });

  it("prepares this year's festival until 30 September (Vietnam time), then next year's", () => {
    expect(festivalYear(new Date("2027-03-01T00:00:00+07:00"))).toBe(2027);
    expect(festivalYear(new Date("2027-09-30T23:59:00+07:00"))).toBe(2027);
    // 30/09 16:59 UTC is already 1 October in Vietnam.
    expect(festivalYear(new Date("2027-09-30T17:00:00Z"))).toBe(2028);
    expect(festivalYear(new Date("2026-12-02T10:00:00+07:00"))).toBe(2027);
  });
});

describe("GET /api/campaigns/templates", () => {
  let h: ApiHarness;
  let editor: { cookie: string };
  beforeAll(async () => {
    h = await startApi();
    await addOfficer(h.ctx, "tt.mau", "outreach");
    editor = (await signIn(h.base, "tt.mau")).cookie;
  });
  afterAll(async () => {
    await h?.close();
  });

  const get = async (query = "") => {
    const res = await fetch(`${h.base}/api/campaigns/templates${query}`, { headers: editor });
    return { status: res.status, body: (await res.json()) as { year: number; templates: ResolvedTemplate[] } };
  };

  it("dates the weekly quiz reminder for the year asked for, and lists the placeholders", async () => {
    const { status, body } = await get("?year=2028");
    expect(status).toBe(200);
    expect(body.year).toBe(2028);
    const quiz = body.templates.find((t) => t.id === "nhac-thi-hang-tuan")!;
    expect(quiz.campaign.recurrence).toEqual({ weekdays: [1], from: "2028-08-01", to: "2028-09-30", time: "08:00" });
    expect(quiz.campaign.buttons).toEqual([{ kind: "quiz" }]);
    expect(body.templates.find((t) => t.id === "thong-bao-ngay-hoi")!.placeholders).toContain("[địa điểm]");
    expect(body.templates.every((t) => t.reviewedBy === TEMPLATE_REVIEW_MARK)).toBe(true);
  });

  it("defaults to this festival year in Vietnam time, and the next one after 30 September", async () => {
    const wall = h.ctx.now;
    try {
      h.ctx.now = () => new Date("2027-09-30T16:00:00Z"); // 23:00 on 30/09 in Vietnam
      editor = (await signIn(h.base, "tt.mau")).cookie;
      expect((await get()).body.year).toBe(2027);
      h.ctx.now = () => new Date("2027-09-30T17:30:00Z"); // 00:30 on 01/10 in Vietnam
      const { body } = await get();
      expect(body.year).toBe(2028);
      expect(body.templates.find((t) => t.id === "nhac-thi-hang-tuan")!.campaign.recurrence!.from).toBe("2028-08-01");
    } finally {
      h.ctx.now = wall;
      editor = (await signIn(h.base, "tt.mau")).cookie;
    }
  });

  it("refuses a year that is not a year", async () => {
    expect((await get("?year=abc")).status).toBe(400);
  });

  it("makes a campaign the API stores once the placeholders are replaced", async () => {
    const session = await signIn(h.base, "tt.mau");
    const { body } = await get("?year=2027");
    const t = body.templates.find((x) => x.id === "thong-bao-ngay-hoi")!;
    let text = t.campaign.variants.vi.text;
    for (const [p, v] of [["[tên xã]", "Xã Ba Tơ"], ["[giờ]", "07:30"], ["[ngày]", "19/08/2027"], ["[địa điểm]", "sân nhà văn hóa thôn 1"]] as const) text = text.replaceAll(p, v);
    const res = await postJson(h.base, "/api/campaigns", { ...t.campaign, title: t.campaign.title.replace("[tên xã]", "Xã Ba Tơ"), variants: { vi: { text } } }, { ...session.cookie, "x-csrf-token": session.csrfToken });
    expect(res.status).toBe(201);
    const saved = (await res.json()) as { topic: string; variants: { vi: { text: string } } };
    expect(saved.topic).toBe("festival");
    expect(saved.variants.vi.text).toContain("tại sân nhà văn hóa thôn 1");
  });
});
