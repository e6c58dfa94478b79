/**
 * A resident's words about when something happened, read as a range in Vietnam time (UTC+7):
 * a table of phrases at fixed moments, with the range an officer would expect.
 */
import { describe, expect, it } from "vitest";
import { describeTimeRange, parseTimeRange, rangeOfChoice } from "../../src/text/parse-time.ts";

/** "2026-12-01 19:30" in Vietnam. */
const vn = (local: string) => new Date(`${local.replace(" ", "T")}:00+07:00`);
/** Wednesday 02/12/2026, 10:00 in Vietnam. */
const MORNING = vn("2026-12-02 10:00");
/** The same Wednesday, 21:15. */
const EVENING = vn("2026-12-02 21:15");

type Row = [words: string, now: Date, from: string, to: string, matched?: string];
type NullRow = [words: string, now: Date];

/** [words, now, from, to (local, to exclusive), matched words if worth checking]. */
const RANGES: Row[] = [
  // the examples
  ["tối qua", MORNING, "2026-12-01 18:00", "2026-12-01 22:00", "tối qua"],
  ["toi qua", MORNING, "2026-12-01 18:00", "2026-12-01 22:00"],
  ["sáng nay", MORNING, "2026-12-02 05:00", "2026-12-02 10:00"],
  ["sang nay", MORNING, "2026-12-02 05:00", "2026-12-02 10:00"],
  ["hôm kia", MORNING, "2026-11-30 00:00", "2026-12-01 00:00"],
  ["hom kia", MORNING, "2026-11-30 00:00", "2026-12-01 00:00"],
  ["khoảng 8 giờ", MORNING, "2026-12-02 07:30", "2026-12-02 08:30", "khoảng 8 giờ"],
  ["thứ bảy tuần trước", MORNING, "2026-11-28 00:00", "2026-11-29 00:00"],
  ["thu bay tuan truoc", MORNING, "2026-11-28 00:00", "2026-11-29 00:00"],
  ["tối qua khoảng 8 giờ", MORNING, "2026-12-01 19:30", "2026-12-01 20:30", "tối qua khoảng 8 giờ"],
  ["toi qua khoang 8 gio", MORNING, "2026-12-01 19:30", "2026-12-01 20:30"],
  // inside a sentence
  ["co nguoi trom xe toi qua khoang 8 gio o cho", MORNING, "2026-12-01 19:30", "2026-12-01 20:30", "toi qua khoang 8 gio"],
  ["Hôm qua lúc 8 giờ tối, có 2 thanh niên đi xe máy giật túi", MORNING, "2026-12-01 19:30", "2026-12-01 20:30", "Hôm qua lúc 8 giờ tối"],
  ["Tối thứ 7 tuần trước bọn nó đánh bạc ở nhà ông Tư", MORNING, "2026-11-28 18:00", "2026-11-28 22:00", "Tối thứ 7 tuần trước"],
  ["nhà em bị mất trộm đêm qua, khoảng 2 giờ sáng", MORNING, "2026-12-02 01:30", "2026-12-02 02:30", "đêm qua, khoảng 2 giờ sáng"],
  ["hom qua toi thay co nguoi la vao nha", MORNING, "2026-12-01 00:00", "2026-12-02 00:00", "hom qua"],
  ["có người đang đánh nhau trước cổng trường", MORNING, "2026-12-02 09:30", "2026-12-02 10:00", "đang"],
  ["bọn nó vừa xong một vụ trộm", MORNING, "2026-12-02 08:00", "2026-12-02 10:00", "vừa xong"],
  ["xe bi lay cach day 20 phut", MORNING, "2026-12-02 09:25", "2026-12-02 09:55"],
  ["ngày 12/11 có người lạ đến hỏi mua đất", MORNING, "2026-11-12 00:00", "2026-11-13 00:00", "ngày 12/11"],
  // teen-code
  ["hqua", MORNING, "2026-12-01 00:00", "2026-12-02 00:00", "hqua"],
  ["hum wa", MORNING, "2026-12-01 00:00", "2026-12-02 00:00"],
  ["toi wa", MORNING, "2026-12-01 18:00", "2026-12-01 22:00"],
  ["toi wa tam 8g", MORNING, "2026-12-01 19:30", "2026-12-01 20:30", "toi wa tam 8g"],
  ["hqua luc 3h chieu", MORNING, "2026-12-01 14:30", "2026-12-01 15:30"],
  ["hnay", MORNING, "2026-12-02 00:00", "2026-12-02 10:00"],
  ["t7 tuan trc", MORNING, "2026-11-28 00:00", "2026-11-29 00:00"],
  ["cn tuan trc", MORNING, "2026-11-29 00:00", "2026-11-30 00:00"],
  ["5p trc", MORNING, "2026-12-02 09:40", "2026-12-02 10:00"],
  ["30p trc", MORNING, "2026-12-02 09:15", "2026-12-02 09:45"],
  ["2h trc", MORNING, "2026-12-02 07:30", "2026-12-02 08:30"],
  ["bh dag danh nhau", MORNING, "2026-12-02 09:30", "2026-12-02 10:00"],
  ["dg danh nhau", MORNING, "2026-12-02 09:30", "2026-12-02 10:00"],
  ["sang nay 7h30", MORNING, "2026-12-02 07:00", "2026-12-02 08:00", "sang nay 7h30"],
  ["8g30 sáng nay", MORNING, "2026-12-02 08:00", "2026-12-02 09:00"],
  ["tam 8h toi qua", MORNING, "2026-12-01 19:30", "2026-12-01 20:30"],
  // day anchors
  ["hôm qua", MORNING, "2026-12-01 00:00", "2026-12-02 00:00"],
  ["hôm nay", MORNING, "2026-12-02 00:00", "2026-12-02 10:00"],
  ["hôm kìa", MORNING, "2026-11-29 00:00", "2026-11-30 00:00"],
  ["tối hôm kia", MORNING, "2026-11-30 18:00", "2026-11-30 22:00"],
  ["3 ngày trước", MORNING, "2026-11-29 00:00", "2026-11-30 00:00"],
  ["2 hôm trước", MORNING, "2026-11-30 00:00", "2026-12-01 00:00"],
  ["hai ngày trước", MORNING, "2026-11-30 00:00", "2026-12-01 00:00"],
  ["tuần trước", MORNING, "2026-11-23 00:00", "2026-11-30 00:00"],
  ["tuan truoc", MORNING, "2026-11-23 00:00", "2026-11-30 00:00"],
  ["chủ nhật tuần trước", MORNING, "2026-11-29 00:00", "2026-11-30 00:00"],
  ["thứ 2 tuần trước", MORNING, "2026-11-23 00:00", "2026-11-24 00:00"],
  ["thứ hai", MORNING, "2026-11-30 00:00", "2026-12-01 00:00"],
  ["thứ 4", MORNING, "2026-11-25 00:00", "2026-11-26 00:00"],
  ["thứ tư", MORNING, "2026-11-25 00:00", "2026-11-26 00:00"],
  ["thu 3", MORNING, "2026-12-01 00:00", "2026-12-02 00:00"],
  ["T2", MORNING, "2026-11-30 00:00", "2026-12-01 00:00"],
  ["chủ nhật", MORNING, "2026-11-29 00:00", "2026-11-30 00:00"],
  ["thứ sáu", MORNING, "2026-11-27 00:00", "2026-11-28 00:00"],
  ["sáng thứ 3 tuần trước lúc 9 giờ", MORNING, "2026-11-24 08:30", "2026-11-24 09:30"],
  ["12/11", MORNING, "2026-11-12 00:00", "2026-11-13 00:00"],
  ["12-11", MORNING, "2026-11-12 00:00", "2026-11-13 00:00"],
  ["ngày 25/12", MORNING, "2025-12-25 00:00", "2025-12-26 00:00"],
  ["3/12", MORNING, "2025-12-03 00:00", "2025-12-04 00:00"],
  ["2/12", MORNING, "2026-12-02 00:00", "2026-12-02 10:00"],
  ["ngày 12 tháng 11", MORNING, "2026-11-12 00:00", "2026-11-13 00:00"],
  ["tối 30/11", MORNING, "2026-11-30 18:00", "2026-11-30 22:00"],
  ["tháng trước", MORNING, "2026-11-01 00:00", "2026-12-01 00:00"],
  ["thang truoc", vn("2026-01-15 09:00"), "2025-12-01 00:00", "2026-01-01 00:00"],
  // parts of day
  ["chiều qua", MORNING, "2026-12-01 13:00", "2026-12-01 18:00"],
  ["trưa qua", MORNING, "2026-12-01 11:00", "2026-12-01 13:00"],
  ["sáng qua", MORNING, "2026-12-01 05:00", "2026-12-01 11:00"],
  ["đêm qua", MORNING, "2026-12-01 22:00", "2026-12-02 05:00"],
  ["dem qua", MORNING, "2026-12-01 22:00", "2026-12-02 05:00"],
  ["đêm qua", vn("2026-12-02 03:00"), "2026-12-01 22:00", "2026-12-02 03:00"],
  ["khuya qua", MORNING, "2026-12-01 23:00", "2026-12-02 04:00"],
  ["rạng sáng nay", MORNING, "2026-12-02 03:00", "2026-12-02 06:00"],
  ["tối nay", EVENING, "2026-12-02 18:00", "2026-12-02 21:15"],
  ["trưa nay", EVENING, "2026-12-02 11:00", "2026-12-02 13:00"],
  ["sáng", EVENING, "2026-12-02 05:00", "2026-12-02 11:00"],
  ["buoi toi", EVENING, "2026-12-02 18:00", "2026-12-02 21:15"],
  // clock times and the part of day
  ["tối 8 giờ", EVENING, "2026-12-02 19:30", "2026-12-02 20:30"],
  ["8 giờ tối qua", MORNING, "2026-12-01 19:30", "2026-12-01 20:30"],
  ["sáng 8 giờ", MORNING, "2026-12-02 07:30", "2026-12-02 08:30"],
  ["chiều qua 3 giờ", MORNING, "2026-12-01 14:30", "2026-12-01 15:30"],
  ["trưa qua 12 giờ", MORNING, "2026-12-01 11:30", "2026-12-01 12:30"],
  ["đêm qua 11 giờ", MORNING, "2026-12-01 22:30", "2026-12-01 23:30"],
  ["đêm qua 2 giờ", MORNING, "2026-12-02 01:30", "2026-12-02 02:30"],
  ["đêm qua lúc 1 giờ", MORNING, "2026-12-02 00:30", "2026-12-02 01:30"],
  ["2 giờ sáng", MORNING, "2026-12-02 01:30", "2026-12-02 02:30"],
  ["đêm 2 giờ", MORNING, "2026-12-02 01:30", "2026-12-02 02:30"],
  ["8 rưỡi tối qua", MORNING, "2026-12-01 20:00", "2026-12-01 21:00"],
  ["hôm qua 8 giờ 30", MORNING, "2026-12-01 08:00", "2026-12-01 09:00"],
  ["hôm qua 8h30", MORNING, "2026-12-01 08:00", "2026-12-01 09:00"],
  ["hôm qua lúc 20h", MORNING, "2026-12-01 19:30", "2026-12-01 20:30"],
  ["hôm qua 20 giờ", MORNING, "2026-12-01 19:30", "2026-12-01 20:30"],
  ["20:30 hôm qua", MORNING, "2026-12-01 20:00", "2026-12-01 21:00"],
  ["hôm qua 3 giờ", MORNING, "2026-12-01 14:30", "2026-12-01 15:30"],
  ["hôm qua 0 giờ", MORNING, "2026-11-30 23:30", "2026-12-01 00:30"],
  ["luc 3h", EVENING, "2026-12-02 14:30", "2026-12-02 15:30"],
  ["khoảng 12 giờ", EVENING, "2026-12-02 11:30", "2026-12-02 12:30"],
  ["chừng 9 giờ", MORNING, "2026-12-02 08:30", "2026-12-02 09:30"],
  ["hồi 7 giờ", MORNING, "2026-12-02 06:30", "2026-12-02 07:30"],
  ["tám giờ tối qua", MORNING, "2026-12-01 19:30", "2026-12-01 20:30"],
  ["khoảng 9 giờ tối nay", EVENING, "2026-12-02 20:30", "2026-12-02 21:15"],
  // relative to now
  ["vừa xong", MORNING, "2026-12-02 08:00", "2026-12-02 10:00"],
  ["vua xong", MORNING, "2026-12-02 08:00", "2026-12-02 10:00"],
  ["vừa mới", MORNING, "2026-12-02 08:00", "2026-12-02 10:00"],
  ["mới đây", MORNING, "2026-12-02 08:00", "2026-12-02 10:00"],
  ["lúc nãy", MORNING, "2026-12-02 08:00", "2026-12-02 10:00"],
  ["hoi nay", MORNING, "2026-12-02 08:00", "2026-12-02 10:00"],
  ["ban nãy", MORNING, "2026-12-02 08:00", "2026-12-02 10:00"],
  ["20 phút trước", MORNING, "2026-12-02 09:25", "2026-12-02 09:55"],
  ["hai mươi phút trước", MORNING, "2026-12-02 09:25", "2026-12-02 09:55"],
  ["2 tiếng trước", MORNING, "2026-12-02 07:30", "2026-12-02 08:30"],
  ["một tiếng trước", MORNING, "2026-12-02 08:30", "2026-12-02 09:30"],
  ["3 giờ trước", MORNING, "2026-12-02 06:30", "2026-12-02 07:30"],
  ["bây giờ", MORNING, "2026-12-02 09:30", "2026-12-02 10:00"],
  ["bay gio", MORNING, "2026-12-02 09:30", "2026-12-02 10:00"],
  // a day boundary in Vietnam that is not one in UTC (00:30 in Hanoi is 17:30 the day before in UTC)
  ["hôm qua", vn("2026-12-02 00:30"), "2026-12-01 00:00", "2026-12-02 00:00"],
  ["hôm nay", vn("2026-12-02 00:30"), "2026-12-02 00:00", "2026-12-02 00:30"],
];

const NOTHING: NullRow[] = [
  ["", MORNING],
  ["co nguoi ban ma tuy o thon 3", MORNING],
  ["tôi thấy người lạ", MORNING],
  ["toi thay nguoi la", MORNING],
  ["trời tối quá, không thấy rõ", MORNING],
  ["chiều cao khoảng 1m7", MORNING],
  ["khoang 8 nguoi", MORNING],
  ["lần thứ hai nó đến", MORNING],
  ["đi đăng ký xe", MORNING],
  ["sang nha ong ba", MORNING],
  ["lúc này", MORNING],
  ["hôm trước", MORNING],
  ["mấy hôm trước", MORNING],
  ["2 tuần trước", MORNING],
  // after now: said at 10:00, tonight has not happened
  ["tối nay", MORNING],
  ["tối 8 giờ", MORNING],
  ["3 giờ", MORNING],
  ["20h", MORNING],
  ["đêm nay", MORNING],
  // not a date
  ["29/02", MORNING],
  ["32/1", MORNING],
  ["12/13", MORNING],
  ["31/12/2027", MORNING],
];

const local = (d: Date) => new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 16).replace("T", " ");

describe("parseTimeRange", () => {
  it.each(RANGES)("%s (at %s)", (words, now, from, to, matched) => {
    const range = parseTimeRange(words, now);
    expect(range, words).not.toBeNull();
    expect([local(range!.from), local(range!.to)]).toEqual([from, to]);
    if (matched) expect(range!.matched).toBe(matched);
  });

  it.each(NOTHING)("%j names no time that has happened (at %s)", (words, now) => {
    expect(parseTimeRange(words, now)).toBeNull();
  });

  it("has a table long enough to mean something", () => {
    expect(RANGES.length + NOTHING.length).toBeGreaterThanOrEqual(80);
  });

  it("reads words typed with combining marks (NFD) as the same words", () => {
    const nfd = parseTimeRange("tối qua khoảng 8 giờ".normalize("NFD"), MORNING);
    expect(nfd && [local(nfd.from), local(nfd.to)]).toEqual(["2026-12-01 19:30", "2026-12-01 20:30"]);
    expect(nfd!.matched).toBe("tối qua khoảng 8 giờ");
  });

  it("never ends after now", () => {
    for (const words of ["hôm nay", "5 phút trước", "tối nay", "bây giờ", "vừa xong", "khoảng 9 giờ tối nay"]) {
      const range = parseTimeRange(words, EVENING);
      expect(range!.to.getTime(), words).toBeLessThanOrEqual(EVENING.getTime());
      expect(range!.from.getTime(), words).toBeLessThan(range!.to.getTime());
    }
  });

  it("gives the same range whatever the server's time zone", () => {
    const before = process.env.TZ;
    try {
      const results = ["America/Los_Angeles", "UTC", "Pacific/Kiritimati"].map((tz) => {
        process.env.TZ = tz;
        return ["tối qua khoảng 8 giờ", "hôm qua", "thứ 7 tuần trước", "12/11", "tháng trước"].map((w) => {
          const r = parseTimeRange(w, vn("2026-12-02 00:30"));
          return r && [r.from.toISOString(), r.to.toISOString(), describeTimeRange(r)];
        });
      });
      expect(results[1]).toEqual(results[0]);
      expect(results[2]).toEqual(results[0]);
      expect(results[0]![1]).toEqual(["2026-11-30T17:00:00.000Z", "2026-12-01T17:00:00.000Z", "cả ngày 01/12/2026"]);
    } finally {
      process.env.TZ = before;
    }
  });
});

describe("rangeOfChoice (the report's buttons)", () => {
  it("reads 'now' as the last 30 minutes", () => {
    const r = rangeOfChoice("now", MORNING)!;
    expect([local(r.from), local(r.to)]).toEqual(["2026-12-02 09:30", "2026-12-02 10:00"]);
  });
  it("reads 'today' as midnight until now", () => {
    const r = rangeOfChoice("today", MORNING)!;
    expect([local(r.from), local(r.to)]).toEqual(["2026-12-02 00:00", "2026-12-02 10:00"]);
  });
  it("reads 'yesterday' as the whole of yesterday in Vietnam, not a clock time 24 hours ago", () => {
    const r = rangeOfChoice("yesterday", vn("2026-12-02 00:30"))!;
    expect([local(r.from), local(r.to)]).toEqual(["2026-12-01 00:00", "2026-12-02 00:00"]);
    expect(describeTimeRange(r)).toBe("cả ngày 01/12/2026");
  });
  it("gives no range for 'earlier'", () => {
    expect(rangeOfChoice("earlier", MORNING)).toBeNull();
  });
});

describe("describeTimeRange", () => {
  const words = (text: string, now = MORNING) => describeTimeRange(parseTimeRange(text, now)!);
  it.each([
    ["tối qua khoảng 8 giờ", "khoảng 19:30–20:30 ngày 01/12/2026"],
    ["tối qua", "buổi tối 01/12/2026 (18:00–22:00)"],
    ["sáng qua", "buổi sáng 01/12/2026 (05:00–11:00)"],
    ["hôm kia", "cả ngày 30/11/2026"],
    ["tuần trước", "từ 23/11/2026 đến 29/11/2026"],
    ["tháng trước", "tháng 11/2026 (từ 01/11/2026 đến 30/11/2026)"],
    ["đêm qua", "đêm 01/12/2026 (22:00–05:00 ngày 02/12/2026)"],
    ["sáng nay", "buổi sáng 02/12/2026 (05:00–10:00)"],
    ["vừa xong", "từ 08:00 đến 10:00 ngày 02/12/2026"],
    ["hôm nay", "từ 00:00 đến 10:00 ngày 02/12/2026"],
    ["5 phút trước", "khoảng 09:40–10:00 ngày 02/12/2026"],
    ["hôm qua 0 giờ", "khoảng 23:30 ngày 30/11/2026 – 00:30 ngày 01/12/2026"],
  ])("%s → %s", (text, expected) => {
    expect(words(text)).toBe(expected);
  });

  it("says which recent day it was when given now", () => {
    expect(describeTimeRange(parseTimeRange("tối qua", MORNING)!, MORNING)).toBe("buổi tối 01/12/2026 (18:00–22:00) (hôm qua)");
    expect(describeTimeRange(parseTimeRange("hôm nay", MORNING)!, MORNING)).toBe("từ 00:00 đến 10:00 ngày 02/12/2026 (hôm nay)");
    expect(describeTimeRange(parseTimeRange("12/11", MORNING)!, MORNING)).toBe("cả ngày 12/11/2026");
  });

  it("never shows a single clock time", () => {
    for (const [text, now] of RANGES) {
      const label = describeTimeRange(parseTimeRange(text, now)!);
      const times = label.match(/\d{2}:\d{2}/g) ?? [];
      expect(times.length === 0 || times.length === 2, `${text} → ${label}`).toBe(true);
      expect(label, text).toMatch(/\d{2}\/\d{2}\/\d{4}/);
    }
  });
});
