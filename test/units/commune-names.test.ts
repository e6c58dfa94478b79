import { describe, expect, it } from "vitest";
import { CommuneNames } from "../../src/units/commune-names.ts";
import { accentKey, inSentence, looseKey, splitKind } from "../../src/units/names.ts";
import { parseOldNames } from "../../src/units/read-unit-files.ts";
import { CODES } from "./fixtures.ts";

const units = [
  { code: CODES.baTo, fullName: "Xã Ba Tơ" },
  { code: CODES.baTo2, fullName: "Xã Ba Tô" },
  { code: CODES.sonThuy, fullName: "Xã Sơn Thuỷ" },
  { code: CODES.dangThuyTram, fullName: "Xã Đặng Thuỳ Trâm" },
  { code: CODES.lySon, fullName: "Đặc khu Lý Sơn" },
  { code: CODES.caDam, fullName: "Xã Cà Đam" },
  { code: CODES.tayTraBong, fullName: "Xã Tây Trà Bồng" },
  { code: "23368", fullName: "Xã Đăk Long" },
];
const oldNames = [
  { code: CODES.baTo, value: "Thị trấn Ba Tơ" },
  { code: CODES.baTo, value: "Xã Ba Cung" },
  { code: CODES.caDam, value: "Xã Trà Bùi" },
  { code: CODES.tayTraBong, value: "Xã Trà Bùi" },
  { code: CODES.lySon, value: "Huyện Lý Sơn" },
];
const names = CommuneNames.build(units, oldNames);
const codes = (typed: string) => names.match(typed).map((m) => m.code);

describe("matching a typed commune name", () => {
  it("finds a name typed without diacritics, offering both communes when only the marks tell them apart", () => {
    expect(codes("son thuy")).toEqual([CODES.sonThuy]);
    expect(codes("xa ba to").sort()).toEqual([CODES.baTo, CODES.baTo2].sort());
  });

  it("ranks the commune with exactly the typed marks first", () => {
    expect(codes("Ba Tơ")[0]).toBe(CODES.baTo);
    expect(codes("Ba Tô")[0]).toBe(CODES.baTo2);
  });

  it("reads đ typed as d", () => {
    expect(codes("dang thuy tram")).toEqual([CODES.dangThuyTram]);
    expect(codes("xa dak long")).toEqual(["23368"]);
  });

  it('treats both tone-mark placements alike: "Thủy" finds "Thuỷ" and "Thuỳ" finds "Thùy", as exact matches', () => {
    expect(names.match("Sơn Thủy")[0]).toMatchObject({ code: CODES.sonThuy, score: 100 });
    expect(names.match("Đặng Thùy Trâm")[0]).toMatchObject({ code: CODES.dangThuyTram, score: 100 });
    expect(accentKey("Thuỷ")).toBe(accentKey("Thủy"));
    expect(accentKey("Tơ")).not.toBe(accentKey("Tô"));
  });

  it("finds today's commune from a pre-2025 name, and says which old name matched", () => {
    expect(names.match("xa ba cung")[0]).toMatchObject({ code: CODES.baTo, fullName: "Xã Ba Tơ", oldName: "Xã Ba Cung" });
    expect(names.match("thị trấn Ba Tơ")[0]).toMatchObject({ code: CODES.baTo, oldName: "Thị trấn Ba Tơ" });
    expect(names.match("huyen ly son")[0]).toMatchObject({ code: CODES.lySon });
  });

  it("offers both new communes for an old commune split between them", () => {
    expect(codes("tra bui").sort()).toEqual([CODES.caDam, CODES.tayTraBong].sort());
  });

  it("finds a commune named inside a longer place, and a close misspelling", () => {
    expect(codes("thôn 3, xã Sơn Thuỷ")).toEqual([CODES.sonThuy]);
    expect(codes("gan cho thon 2 xa son thuy")).toEqual([CODES.sonThuy]);
    expect(codes("son thui")).toEqual([CODES.sonThuy]);
    expect(codes("dang thuy tam")).toEqual([CODES.dangThuyTram]);
  });

  it("finds nothing in a place that names no commune", () => {
    expect(codes("Quán nước đầu thôn 3, gần trường tiểu học")).toEqual([]);
    expect(codes("x")).toEqual([]);
  });

  it("guesses a commune from free text only when a name appears in it, leaving out the ones the resident refused", () => {
    expect(names.guess("quán nước gần chợ Ba Cung")?.code).toBe(CODES.baTo);
    expect(names.guess("quán nước đầu thôn 3")).toBeUndefined();
    expect(names.guess("thon 2 son thuy", [CODES.sonThuy])).toBeUndefined();
  });
});

describe("names of units", () => {
  it("splits the kind word off, whatever its case", () => {
    expect(splitKind("xã Bắc Sơn")).toEqual({ kind: "Xã", kindKey: "xa", name: "Bắc Sơn" });
    expect(splitKind("Đặc khu Lý Sơn")).toMatchObject({ kind: "Đặc khu", name: "Lý Sơn" });
    expect(splitKind("Ba Tơ")).toEqual({ name: "Ba Tơ" });
    expect(inSentence("Tỉnh Quảng Ngãi")).toBe("tỉnh Quảng Ngãi");
    expect(looseKey("Kỳ")).toBe(looseKey("Kì"));
  });

  it("reads the crosswalk's list of old names: notes in parentheses, kinds carried over, 'giữ nguyên'", () => {
    expect(parseOldNames("Phường Trần Hưng Đạo (thành phố Kon Tum), Lê Lợi, Nguyễn Trãi")).toEqual([
      { value: "Phường Trần Hưng Đạo", note: "thành phố Kon Tum" },
      { value: "Phường Lê Lợi" },
      { value: "Phường Nguyễn Trãi" },
    ]);
    expect(parseOldNames("giữ nguyên")).toEqual([]);
  });
});
