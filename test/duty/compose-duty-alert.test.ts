/** The words of a duty-chat alert: short, on one line, nothing that identifies the reporter. */
import { describe, expect, it } from "vitest";
import { composeDutyBatch, excerptOf } from "../../src/duty/compose-duty-alert.ts";
import { howLate } from "../../src/duty/compose-overdue-digest.ts";
import { vietnamClock } from "../../src/duty/vietnam-time.ts";

describe("a duty alert's text", () => {
  it("cuts a long story at a word near 120 characters, on one line", () => {
    const story = "Tối qua khoảng chín giờ có một nhóm thanh niên đi xe máy không biển số\nđến trước cổng trường tiểu học thôn hai, dừng lại rất lâu rồi bỏ đi về phía cầu treo.";
    const excerpt = excerptOf(story);
    expect(excerpt).not.toContain("\n");
    expect(excerpt.endsWith("…")).toBe(true);
    expect(Array.from(excerpt).length).toBeLessThanOrEqual(121);
    expect(story.replace(/\s+/g, " ").startsWith(excerpt.slice(0, -1))).toBe(true);
    expect(story.replace(/\s+/g, " ")[excerpt.length - 1]).toBe(" ");
    expect(excerptOf("Mất trộm xe đạp.")).toBe("Mất trộm xe đạp.");
  });

  it("hides a phone number typed into the story", () => {
    expect(excerptOf("Gọi cho tôi số 0905 333 444 hoặc +84905333444 nhé, tiền chuyển 500.000.000 đồng")).toBe(
      "Gọi cho tôi số [số điện thoại] hoặc [số điện thoại] nhé, tiền chuyển 500.000.000 đồng",
    );
  });

  it("reads a batch of one like a single alert", () => {
    const tip = { id: "t1", reference: "QN-ABCDE", category: "Ma túy", place: null, placeTyped: false, placeGuessed: false, urgent: false, urgentReason: null, excerpt: "Bán ma túy.", createdAt: new Date() };
    expect(composeDutyBatch([tip], "https://x.vn").split("\n")).toEqual([
      "🔔 Tin báo mới — QN-ABCDE",
      "Loại việc: Ma túy",
      "Nơi xảy ra: chưa rõ",
      "Mức độ: thường",
      "Nội dung: Bán ma túy.",
      "Xem tin: https://x.vn/console/tips/t1",
    ]);
  });

  it("counts lateness in days, hours or minutes, and days in Vietnam time", () => {
    expect([howLate(3 * 86_400_000 + 5 * 3_600_000), howLate(5 * 3_600_000 + 1), howLate(40 * 60_000), howLate(0)]).toEqual(["3 ngày", "5 giờ", "40 phút", "1 phút"]);
    expect(vietnamClock(new Date("2026-03-14T23:59:00Z"))).toEqual({ date: "2026-03-15", hour: 6, minute: 59 });
    expect(vietnamClock(new Date("2026-03-15T17:00:00Z"))).toEqual({ date: "2026-03-16", hour: 0, minute: 0 });
  });
});
