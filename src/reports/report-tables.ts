/**
 * A period report laid out as the tables of an administrative report, in the order leaders write their reviews:
 * I. receiving and handling of tips (summary, by category, commune, channel, language, outcome, status, time to
 * acknowledge and settle), II. residents' questions, III. outreach and the festival quiz, IV. comparison with the
 * previous period and with the same period a year earlier. A pure function of a ReportSummary: the XLSX, CSV and
 * print formats all render these tables, so they show the same numbers in the same order.
 *
 * Values are numbers where the figure is a number: counts, shares (a fraction: 0.125 is 12.5 %), hours, changes;
 * null where there is nothing to show (a median of no tips, a percent change from 0).
 *
 * @example for (const t of reportTables(summary)) console.log(t.title, t.rows.length)
 */
import type { Change, DurationStats, PeriodComparison, ReportSummary } from "./summary-types.ts";

/** count: whole number; share: fraction shown as percent; hours: one decimal; change: signed whole number; percentChange: fraction, signed. */
export type CellKind = "text" | "count" | "share" | "hours" | "change" | "percentChange";
export type Cell = string | number | null;

export interface ReportColumn {
  header: string;
  kind: CellKind;
  /** Width in characters (XLSX) and a hint for the print layout. */
  width: number;
}

export interface ReportRow {
  cells: Cell[];
  /** A total line (bold, ruled above). */
  total?: true;
  /** A part of the line above ("trong đó"), indented. */
  part?: true;
  /** A group's name over the lines that follow ("Theo lĩnh vực"); its other cells are empty. */
  heading?: true;
}

export interface ReportTable {
  /** The report's section: "I. …", "II. …". */
  section: string;
  /** "1. Theo lĩnh vực". */
  title: string;
  /** XLSX sheet name (≤ 31 characters, none of : \ / ? * [ ]). */
  sheet: string;
  columns: ReportColumn[];
  rows: ReportRow[];
  /** A sentence under the table (what is counted, how). */
  note?: string;
}

export const SECTION = {
  tips: "I. TIẾP NHẬN, XỬ LÝ TIN BÁO VỀ TỘI PHẠM",
  questions: "II. TRẢ LỜI CÂU HỎI CỦA NGƯỜI DÂN",
  outreach: "III. TUYÊN TRUYỀN VÀ CUỘC THI TÌM HIỂU PHÁP LUẬT",
  comparison: "IV. SO SÁNH",
} as const;

const LABEL = (header: string, width = 38): ReportColumn => ({ header, kind: "text", width });
const COUNT = (header = "Số tin", width = 12): ReportColumn => ({ header, kind: "count", width });
const SHARE = (header = "Tỷ lệ", width = 10): ReportColumn => ({ header, kind: "share", width });

const share = (n: number, of: number): number | null => (of > 0 ? n / of : null);

/** dd/mm/yyyy of a YYYY-MM-DD day. */
export function dayText(day: string): string {
  const [y, m, d] = day.split("-");
  return `${d}/${m}/${y}`;
}

/** "01/01/2026–30/06/2026". */
export function periodText(p: { from: string; to: string }): string {
  return `${dayText(p.from)}–${dayText(p.to)}`;
}

/** dd/mm/yyyy HH:mm in Vietnam time of an ISO instant. */
export function vietnamTimeText(iso: string): string {
  const v = new Date(Date.parse(iso) + 7 * 3_600_000).toISOString();
  return `${dayText(v.slice(0, 10))} ${v.slice(11, 16)}`;
}

/** The report's title lines, the same in every format. */
export function reportHeading(s: ReportSummary): { title: string; period: string; scope: string; generated: string } {
  return {
    title: "BÁO CÁO KẾT QUẢ TIẾP NHẬN, XỬ LÝ TIN BÁO VỀ TỘI PHẠM",
    period: `Kỳ báo cáo: từ ${dayText(s.period.from)} đến ${dayText(s.period.to)}`,
    scope: `Đơn vị: ${s.scopeName}`,
    generated: `Số liệu lập lúc ${vietnamTimeText(s.generatedAt)} (giờ Việt Nam), từ dữ liệu hệ thống Tin Báo.`,
  };
}

/** A count table: one row per key (largest first, then by label), the share of the total, and the total line. */
function countRows(counts: Record<string, number>, label: (key: string) => string, total: number, extra: ReportRow[] = []): ReportRow[] {
  const rows = Object.entries(counts)
    .sort(([a, x], [b, y]) => y - x || label(a).localeCompare(label(b), "vi"))
    .map(([key, n]): ReportRow => ({ cells: [label(key), n, share(n, total)] }));
  return [...rows, ...extra, { cells: ["Cộng", total, total > 0 ? 1 : null], total: true }];
}

function durationRow(step: string, d: DurationStats): ReportRow {
  return { cells: [step, d.count, d.medianHours, d.p90Hours, d.late, share(d.late, d.count), d.overdueNow] };
}

function changeRow(label: string, c: Change, part = false): ReportRow {
  return { cells: [label, c.current, c.previous, c.difference, c.percent === null ? null : c.percent / 100], ...(part ? { part: true as const } : {}) };
}

/** A heading line over its rows; nothing when there are no rows. */
function group(name: string, rows: ReportRow[]): ReportRow[] {
  return rows.length ? [{ cells: [name, null, null, null, null], heading: true }, ...rows] : [];
}

function comparisonTable(s: ReportSummary, c: PeriodComparison, title: string, sheet: string, which: string): ReportTable {
  const label = (key: string) => s.labels.category[key] ?? key;
  const commune = (key: string) => s.labels.commune[key] ?? key;
  const byCategory = Object.entries(c.tips.byCategory)
    .filter(([, x]) => x.current > 0 || x.previous > 0)
    .sort(([a, x], [b, y]) => y.current - x.current || label(a).localeCompare(label(b), "vi"));
  const byCommune = Object.entries(c.tips.byCommune)
    .filter(([, x]) => x.current > 0 || x.previous > 0)
    .sort(([a, x], [b, y]) => y.current - x.current || commune(a).localeCompare(commune(b), "vi"));
  return {
    section: SECTION.comparison,
    title,
    sheet,
    columns: [
      LABEL("Chỉ tiêu"),
      { header: `Kỳ này (${periodText(s.period)})`, kind: "count", width: 14 },
      { header: `${which} (${periodText(c.period)})`, kind: "count", width: 14 },
      { header: "Tăng, giảm", kind: "change", width: 12 },
      { header: "Tỷ lệ tăng, giảm", kind: "percentChange", width: 12 },
    ],
    rows: [
      changeRow("Tổng số tin báo nhận được", c.tips.total),
      ...group("Theo lĩnh vực", byCategory.map(([k, x]) => changeRow(label(k), x, true))),
      ...group("Theo địa bàn xã, phường", byCommune.map(([k, x]) => changeRow(commune(k), x, true))),
      changeRow("Câu hỏi trợ lý tự động trả lời", c.questions.answeredByBot),
      changeRow("Câu hỏi cán bộ đã trả lời", c.questions.answeredByOfficer),
      changeRow("Tin tuyên truyền đã gửi", c.outreach.sent),
      changeRow("Người dân nhận tin tuyên truyền", c.outreach.reached),
      changeRow("Người dự thi tìm hiểu pháp luật", c.outreach.quizParticipants),
    ],
    note: "Tỷ lệ tăng, giảm so với kỳ được so sánh; để trống khi kỳ đó bằng 0.",
  };
}

export function reportTables(s: ReportSummary): ReportTable[] {
  const t = s.tips;
  const cat = (k: string) => s.labels.category[k] ?? k;
  const open = t.total - t.funnel.settled;
  const questionsTotal = s.questions.answeredByBot + s.questions.answeredByOfficer + s.questions.open + s.questions.closed;
  const o = s.outreach;
  return [
    {
      section: SECTION.tips,
      title: "1. Tổng hợp",
      sheet: "Tổng hợp",
      columns: [LABEL("Chỉ tiêu", 44), COUNT("Số lượng"), SHARE("Tỷ lệ so với tổng số tin")],
      rows: [
        { cells: ["Tổng số tin báo nhận được", t.total, t.total > 0 ? 1 : null], total: true },
        { cells: ["Tin khẩn (có dấu hiệu đang xảy ra, nguy hiểm)", t.urgent, share(t.urgent, t.total)], part: true },
        { cells: ["Đã tiếp nhận", t.funnel.acknowledged, share(t.funnel.acknowledged, t.total)] },
        { cells: ["Đã giải quyết xong (kết thúc, không thụ lý, trùng tin)", t.funnel.settled, share(t.funnel.settled, t.total)] },
        { cells: ["Đang giải quyết", open, share(open, t.total)] },
        { cells: ["Tiếp nhận trễ hạn", t.acknowledge.late, share(t.acknowledge.late, t.total)] },
        { cells: ["Giải quyết trễ hạn", t.settle.late, share(t.settle.late, t.total)] },
        { cells: ["Chưa rõ địa bàn xảy ra", t.withoutCommune, share(t.withoutCommune, t.total)] },
        { cells: ["Tin đang quá hạn tại thời điểm lập báo cáo (mọi kỳ)", t.overdueNow, null] },
      ],
      note: "Tin nhận trong kỳ theo giờ Việt Nam; cách đếm như danh sách tin báo với cùng khoảng ngày và đơn vị.",
    },
    {
      section: SECTION.tips,
      title: "2. Theo lĩnh vực",
      sheet: "Theo lĩnh vực",
      columns: [LABEL("Lĩnh vực"), COUNT(), SHARE()],
      rows: countRows(t.byCategory, cat, t.total),
    },
    {
      section: SECTION.tips,
      title: "3. Theo địa bàn xã, phường",
      sheet: "Theo xã",
      columns: [LABEL("Xã, phường, đặc khu"), COUNT(), SHARE()],
      rows: countRows(t.byCommune, (k) => s.labels.commune[k] ?? `Mã ${k}`, t.total, t.withoutCommune > 0 ? [{ cells: ["Chưa rõ địa bàn", t.withoutCommune, share(t.withoutCommune, t.total)] }] : []),
    },
    {
      section: SECTION.tips,
      title: "4. Theo kênh tiếp nhận",
      sheet: "Theo kênh",
      columns: [LABEL("Kênh"), COUNT(), SHARE()],
      rows: countRows(t.byChannel, (k) => s.labels.channel[k] ?? k, t.total),
    },
    {
      section: SECTION.tips,
      title: "5. Theo ngôn ngữ người báo tin",
      sheet: "Theo ngôn ngữ",
      columns: [LABEL("Ngôn ngữ"), COUNT(), SHARE()],
      rows: countRows(t.byLanguage, (k) => s.labels.language[k] ?? k, t.total),
    },
    {
      section: SECTION.tips,
      title: "6. Theo kết quả giải quyết",
      sheet: "Theo kết quả",
      columns: [LABEL("Kết quả", 48), COUNT(), SHARE("Tỷ lệ trong số đã kết thúc", 14)],
      rows: countRows(t.byOutcome, (k) => s.labels.outcome[k] ?? k, sum(t.byOutcome)),
      note: "Tin đã kết thúc có ghi kết quả. Tin không thụ lý hoặc trùng tin khác không có kết quả, xem bảng tình trạng xử lý.",
    },
    {
      section: SECTION.tips,
      title: "7. Theo tình trạng xử lý hiện nay",
      sheet: "Tình trạng xử lý",
      columns: [LABEL("Tình trạng"), COUNT(), SHARE()],
      rows: countRows(t.byStatus, (k) => s.labels.status[k] ?? k, t.total),
    },
    {
      section: SECTION.tips,
      title: "8. Thời gian tiếp nhận, giải quyết",
      sheet: "Thời gian giải quyết",
      columns: [
        LABEL("Bước", 22),
        COUNT("Số tin đã qua bước"),
        { header: "Trung vị (giờ)", kind: "hours", width: 11 },
        { header: "90% số tin trong vòng (giờ)", kind: "hours", width: 13 },
        COUNT("Trễ hạn"),
        SHARE("Tỷ lệ trễ hạn"),
        COUNT("Đang quá hạn, chưa xong", 13),
      ],
      rows: [durationRow("Tiếp nhận", t.acknowledge), durationRow("Giải quyết", t.settle)],
      note: "Tính từ lúc nhận tin. Trung vị: một nửa số tin xong trong thời gian này.",
    },
    {
      section: SECTION.questions,
      title: "1. Câu hỏi của người dân",
      sheet: "Câu hỏi",
      columns: [LABEL("Chỉ tiêu", 44), COUNT("Số câu hỏi"), SHARE()],
      rows: [
        { cells: ["Trợ lý tự động trả lời ngay (không cần cán bộ)", s.questions.answeredByBot, share(s.questions.answeredByBot, questionsTotal)] },
        { cells: ["Cán bộ đã trả lời", s.questions.answeredByOfficer, share(s.questions.answeredByOfficer, questionsTotal)] },
        { cells: ["Còn chờ cán bộ trả lời", s.questions.open, share(s.questions.open, questionsTotal)] },
        { cells: ["Đóng, không cần trả lời", s.questions.closed, share(s.questions.closed, questionsTotal)] },
        { cells: ["Cộng", questionsTotal, questionsTotal > 0 ? 1 : null], total: true },
      ],
    },
    {
      section: SECTION.outreach,
      title: "1. Tuyên truyền và cuộc thi",
      sheet: "Tuyên truyền & cuộc thi",
      columns: [LABEL("Chỉ tiêu", 48), COUNT("Số lượng", 14)],
      rows: [
        { cells: ["Chiến dịch tuyên truyền đã gửi tin", o.campaigns] },
        { cells: ["Tin tuyên truyền đã gửi", o.sent] },
        { cells: ["Người dân nhận được tin", o.reached] },
        { cells: ["Tin gửi không thành công", o.failed] },
        { cells: ["Tin không gửi (người nhận đã dừng, ngoài thời hạn kênh)", o.skipped] },
        { cells: ["Người đăng ký nhận tin cuối kỳ", o.subscribers] },
        { cells: ["Đăng ký mới trong kỳ", o.subscribed], part: true },
        { cells: ["Hủy đăng ký trong kỳ", o.optedOut], part: true },
        { cells: ["Lượt dự thi tìm hiểu pháp luật", o.quiz.attempts] },
        { cells: ["Người dự thi", o.quiz.participants] },
        { cells: ["Bài thi hoàn thành", o.quiz.completed] },
      ],
    },
    comparisonTable(s, s.previousPeriod, "1. So với kỳ trước", "So sánh kỳ trước", "Kỳ trước"),
    comparisonTable(s, s.yearEarlier, "2. So với cùng kỳ năm trước", "So sánh cùng kỳ năm trước", "Cùng kỳ năm trước"),
  ];
}

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}
