/**
 * The starter knowledge base and the abbreviation table: valid, honest about review, and free of
 * invented phone numbers.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fold } from "../../src/text/normalize.ts";
import { DEFAULT_FAQ_CONTENT_DIR, loadAbbreviations, loadMatcherSettings, loadStarterEntries, parseFaqFile, toFaqFile } from "../../src/faq/index.ts";

const entries = loadStarterEntries();
const HONEST_REVIEW = "Nhóm phát triển Tin Báo (chưa qua cán bộ nghiệp vụ duyệt)";

describe("starter knowledge base", () => {
  it("has at least 40 entries with unique kebab-case ids", () => {
    expect(entries.length).toBeGreaterThanOrEqual(40);
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
    for (const e of entries) expect(e.id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  });

  it("gives every entry 5 to 20 phrasings, some typed without diacritics", () => {
    for (const e of entries) {
      expect(e.questions.length, e.id).toBeGreaterThanOrEqual(5);
      expect(e.questions.length, e.id).toBeLessThanOrEqual(20);
      expect(e.questions.some((q) => fold(q) === q.toLowerCase()), `${e.id} has a phrasing without marks`).toBe(true);
    }
  });

  it("keeps answers short enough to read slowly or aloud (at most 600 characters)", () => {
    for (const e of entries) expect([...e.answer.vi].length, e.id).toBeLessThanOrEqual(600);
  });

  it("says honestly that no police officer has reviewed it yet", () => {
    for (const e of entries) expect(e.reviewedBy, e.id).toBe(HONEST_REVIEW);
    const readme = readFileSync(path.join(DEFAULT_FAQ_CONTENT_DIR, "README.md"), "utf8");
    expect(readme).toMatch(/chưa qua cán bộ nghiệp vụ duyệt/);
  });

  it("leaves Hre and Co answers empty for native speakers to write", () => {
    for (const e of entries) {
      expect(e.answer.hre, e.id).toBeNull();
      expect(e.answer.cua, e.id).toBeNull();
    }
  });

  it("gives no phone number but the national emergency lines 111, 113, 114 and 115", () => {
    const allowed = new Set(["111", "113", "114", "115"]);
    for (const e of entries) {
      // Years ("năm 2025") are not phone numbers; anything else with 3 or more digits is.
      const numbers = e.answer.vi.replace(/năm \d{4}/g, "").match(/\d[\d .]{2,}\d|\d{3,}/g) ?? [];
      for (const n of numbers) expect(allowed.has(n.trim()), `${e.id}: ${n}`).toBe(true);
    }
  });

  it("says which entries an entry's answer answers too only with ids that exist, never itself", () => {
    const ids = new Set(entries.map((e) => e.id));
    const declared = entries.filter((e) => e.alsoAnswers?.length);
    expect(declared.map((e) => e.id)).toContain("so-khan-cap");
    for (const e of declared) for (const other of e.alsoAnswers!) expect(ids.has(other) && other !== e.id, `${e.id} → ${other}`).toBe(true);
    // "so-khan-cap" lists every national line, so it answers "which number for an ambulance" too.
    const general = entries.find((e) => e.id === "so-khan-cap")!;
    for (const line of ["111", "113", "114", "115"]) expect(general.answer.vi).toContain(line);
  });

  it("covers what residents ask the police most", () => {
    const ids = new Set(entries.map((e) => e.id));
    for (const id of [
      "cach-bao-tin", "sau-khi-bao-tin", "thoi-gian-giai-quyet", "giu-bi-mat-danh-tinh", "bao-ve-nguoi-bao-tin",
      "biet-ket-qua-giai-quyet", "so-khan-cap", "goi-113", "goi-114", "goi-115", "goi-111",
      "lua-dao-gia-danh-cong-an", "lua-dao-dau-tu", "lua-dao-viec-lam-online", "lua-dao-nang-cap-tai-khoan-sim",
      "lua-dao-vneid", "lua-dao-tin-nhan-ngan-hang", "lua-dao-dien-luc", "lua-dao-tinh-cam", "lua-dao-trung-thuong",
      "bi-lua-phai-lam-gi", "giao-nop-vu-khi", "bom-min-vat-no", "bao-tin-ma-tuy", "nguoi-than-nghien-ma-tuy",
      "bao-luc-hoc-duong", "ngay-hoi-19-8", "tham-gia-ngay-hoi-19-8", "bao-vi-pham-giao-thong",
      "dang-ky-thuong-tru", "dang-ky-tam-tru", "lam-can-cuoc", "mat-can-cuoc", "vneid-muc-2",
    ]) {
      expect(ids.has(id), id).toBe(true);
    }
  });

  it("round-trips through the import/export file format", () => {
    expect(parseFaqFile(JSON.parse(JSON.stringify(toFaqFile(entries)))).entries).toEqual(entries);
  });

  it("rejects a file with a duplicate id or a missing Vietnamese answer, naming the field", () => {
    const [first] = entries;
    expect(() => parseFaqFile(toFaqFile([first!, first!]))).toThrow(/duplicate id/);
    const noVi = { ...first!, answer: { vi: "", hre: null, cua: null } };
    expect(() => parseFaqFile(toFaqFile([noVi]))).toThrow(/answer/);
  });
});

describe("abbreviations and teen-code", () => {
  const table = loadAbbreviations();
  const meaning = new Map(table.flatMap((a) => a.typed.map((t) => [t, a.means] as const)));

  it("lists at least 40 short forms", () => {
    expect(table.length).toBeGreaterThanOrEqual(40);
  });

  it.each([
    ["ko", "không"], ["k", "không"], ["khong", "không"], ["ca", "công an"], ["dc", "được"], ["đc", "được"],
    ["sdt", "số điện thoại"], ["cccd", "căn cước công dân"], ["j", "gì"], ["ntn", "như thế nào"], ["bn", "bao nhiêu"],
    ["mk", "mình"], ["mik", "mình"], ["vs", "với"], ["ng", "người"], ["bik", "biết"], ["bit", "biết"],
  ])("reads %j as %j", (typed, means) => {
    expect(meaning.get(typed)).toBe(means);
  });

  it("keeps 'ca' as typed too, since it may be 'cả' without diacritics", () => {
    expect(table.find((a) => a.typed.includes("ca"))?.keepTyped).toBe(true);
  });
});

describe("matcher settings", () => {
  it("loads thresholds that make sense together", () => {
    const { thresholds } = loadMatcherSettings();
    expect(thresholds.clarify).toBeLessThanOrEqual(thresholds.answer);
    expect(thresholds.maxCandidates).toBeGreaterThanOrEqual(2);
  });
});
