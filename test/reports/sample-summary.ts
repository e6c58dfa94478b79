/**
 * A hand-made period report (the first half of 2026 for the whole province) with round, checkable numbers, for
 * testing the report formats without a database: every renderer is a pure function of a ReportSummary.
 */
import type { Change, ReportSummary } from "../../src/reports/summary-types.ts";

const change = (current: number, previous: number): Change => ({
  current,
  previous,
  difference: current - previous,
  percent: previous === 0 ? null : Math.round(((current - previous) / previous) * 1000) / 10,
});

export const COMMUNES: Record<string, string> = {
  "21484": "Xã Ba Tơ",
  "21490": "Xã Ba Vì",
  "21550": "Xã Sơn Hà",
  "21112": "Phường Trương Quang Trọng",
  "21325": "Xã Trà Bồng",
};

/** Many communes (a province has ~96): the commune table then runs over a printed page. */
export function manyCommunes(n: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [String(22000 + i), `Xã Thử Nghiệm Số ${i + 1}`]));
}

export function sampleSummary(overrides: { communes?: Record<string, string>; scopeName?: string; unitId?: string | null } = {}): ReportSummary {
  const communes = overrides.communes ?? COMMUNES;
  const codes = Object.keys(communes);
  const byCommune = Object.fromEntries(codes.map((c, i) => [c, i === 0 ? 420 : Math.max(1, 300 - i * 3)]));
  const inCommunes = Object.values(byCommune).reduce((a, b) => a + b, 0);
  const withoutCommune = 57;
  const total = inCommunes + withoutCommune;
  const byCategory = { drugs: Math.round(total * 0.4), gambling: Math.round(total * 0.25), theft: Math.round(total * 0.2), fraud: 0, other: 0 };
  byCategory.other = total - byCategory.drugs - byCategory.gambling - byCategory.theft;
  return {
    period: { from: "2026-01-01", to: "2026-06-30" },
    unitId: overrides.unitId ?? null,
    scopeName: overrides.scopeName ?? "Toàn tỉnh",
    generatedAt: "2026-07-01T01:30:00.000Z",
    tips: {
      total,
      byCategory,
      byChannel: { telegram: total - 400 - 150, zalo: 400, webchat: 150 },
      byStatus: { new: 12, received: 30, verifying: 40, handled: 18, forwarded: 10, closed: total - 12 - 30 - 40 - 18 - 10 - 25 - 5, rejected: 25, duplicate: 5 },
      byCommune,
      byLanguage: { vi: total - 60 - 9, hre: 60, cua: 9 },
      byOutcome: {
        prosecuted: 120,
        not_prosecuted: 80,
        administrative: 300,
        suspended: 10,
        transferred: 40,
        resolved_other: total - 12 - 30 - 40 - 18 - 10 - 25 - 5 - 120 - 80 - 300 - 10 - 40 - 30,
        no_violation: 30,
      },
      urgent: 64,
      withoutCommune,
      funnel: { received: total, acknowledged: total - 12, settled: total - 12 - 30 - 40 - 18 - 10 },
      acknowledge: { count: total - 12, medianHours: 2.5, p90Hours: 18.3, late: 41, overdueNow: 3 },
      settle: { count: total - 110, medianHours: 96.4, p90Hours: 410.2, late: 37, overdueNow: 9 },
      overdueNow: 12,
      series: { unit: "month", points: [] },
    },
    questions: { answeredByBot: 812, answeredByOfficer: 143, open: 6, closed: 11 },
    outreach: { campaigns: 9, sent: 45210, reached: 15073, failed: 212, skipped: 40, subscribers: 15220, subscribed: 4100, optedOut: 310, quiz: { attempts: 6120, participants: 5400, completed: 4980 } },
    previousPeriod: {
      period: { from: "2025-07-04", to: "2025-12-31" },
      tips: {
        total: change(total, 1500),
        byCategory: Object.fromEntries(Object.entries(byCategory).map(([k, v]) => [k, change(v, k === "fraud" ? 0 : Math.round(v * 0.9))])),
        byCommune: Object.fromEntries(Object.entries(byCommune).map(([k, v]) => [k, change(v, v + 5)])),
      },
      questions: { answeredByBot: change(812, 700), answeredByOfficer: change(143, 160) },
      outreach: { sent: change(45210, 30000), reached: change(15073, 12000), quizParticipants: change(5400, 0) },
    },
    yearEarlier: {
      period: { from: "2025-01-01", to: "2025-06-30" },
      tips: {
        total: change(total, 1200),
        byCategory: Object.fromEntries(Object.entries(byCategory).map(([k, v]) => [k, change(v, Math.round(v * 0.8))])),
        byCommune: Object.fromEntries(Object.entries(byCommune).map(([k, v]) => [k, change(v, Math.max(0, v - 20))])),
      },
      questions: { answeredByBot: change(812, 500), answeredByOfficer: change(143, 143) },
      outreach: { sent: change(45210, 20000), reached: change(15073, 9000), quizParticipants: change(5400, 4100) },
    },
    labels: {
      category: { drugs: "Ma túy", gambling: "Cờ bạc", theft: "Trộm cắp tài sản", fraud: "Lừa đảo", other: "Khác" },
      channel: { telegram: "Telegram", zalo: "Zalo", webchat: "Web chat" },
      status: { new: "Mới", received: "Đã tiếp nhận", verifying: "Đang xác minh", handled: "Đã xử lý", forwarded: "Đã chuyển xử lý", closed: "Đã kết thúc", rejected: "Không thụ lý", duplicate: "Trùng tin khác" },
      language: { vi: "Tiếng Việt", hre: "Tiếng Hrê", cua: "Tiếng Co" },
      outcome: {
        prosecuted: "Khởi tố vụ án hình sự",
        not_prosecuted: "Không khởi tố vụ án hình sự",
        administrative: "Xử lý vi phạm hành chính",
        suspended: "Tạm đình chỉ giải quyết",
        transferred: "Chuyển cơ quan có thẩm quyền",
        resolved_other: "Giải quyết bằng biện pháp khác (hòa giải, nhắc nhở…)",
        no_violation: "Không có vi phạm",
      },
      commune: communes,
    },
  };
}
