/** The console's one date control reads dates as officers write them and says why a date is not one. */
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain ES module of the console, without types
import { isoToVn, parseVnDate } from "../../public/console/date-input.js";

describe("dates typed in the console", () => {
  it.each([
    ["03/12/2026", "2026-12-03"],
    ["3/12/2026", "2026-12-03"],
    ["03-12-2026", "2026-12-03"],
    ["3.12.2026", "2026-12-03"],
    [" 29/2/2028 ", "2028-02-29"],
    ["2026-12-03", "2026-12-03"],
    ["", ""],
  ])("reads %j as %s", (typed, iso) => {
    expect(parseVnDate(typed)).toEqual({ iso });
  });

  it.each([
    ["31/02/2026", "Ngày 31/2/2026 không có: tháng 2 năm 2026 chỉ có 28 ngày."],
    ["29/2/2027", "Ngày 29/2/2027 không có: tháng 2 năm 2027 chỉ có 28 ngày."],
    ["12/31/2026", "Không có tháng 31: tháng chỉ từ 1 đến 12 (nhập ngày trước, rồi tháng, rồi năm, ví dụ 03/12/2026)."],
    ["hôm qua", "«hôm qua» không phải là ngày. Nhập theo dạng ngày/tháng/năm, ví dụ 03/12/2026."],
    ["3/12/26", "«3/12/26» không phải là ngày. Nhập theo dạng ngày/tháng/năm, ví dụ 03/12/2026."],
  ])("explains why %j is not a date", (typed, error) => {
    expect(parseVnDate(typed)).toEqual({ error });
  });

  it("shows a stored day the Vietnamese way", () => {
    expect(isoToVn("2026-03-01")).toBe("01/03/2026");
    expect(isoToVn("")).toBe("");
  });
});
