/**
 * The dashboard of a period (issue 13, item 1): the period summary (summarize.ts) laid out as charts drawn on the
 * server (svg-charts.ts), each with its figures as a table, both made here from the same numbers so the chart and
 * its table cannot disagree. Everything in Vietnamese.
 *
 * @example const board = dashboardOf(summary, ctx.config.deadlines); board.charts[0].svg
 */
import type { ReportSummary } from "./summary-types.ts";
import { barChart, funnelChart, pairedBarChart, stackedColumnChart, type BarRow, type StackSeries } from "./svg-charts.ts";

export type Cell = string | number | null;

export interface DashboardChart {
  id: string;
  title: string;
  /** What the chart shows, in words, for the image's alternative text. */
  alt: string;
  svg: string;
  table: { head: string[]; rows: Cell[][]; foot?: Cell[] };
}

export interface Dashboard {
  summary: ReportSummary;
  charts: DashboardChart[];
}

const MAX_COMMUNES = 15;

export function dashboardOf(summary: ReportSummary, deadlines: { ackHours: number; settleDays: number }): Dashboard {
  const t = summary.tips;
  const L = summary.labels;
  const charts: DashboardChart[] = [];

  const unitWord = { day: "ngày", week: "tuần", month: "tháng" }[t.series.unit];
  const pointLabel = (start: string) => (t.series.unit === "month" ? `${start.slice(5, 7)}/${start.slice(0, 4)}` : `${start.slice(8, 10)}/${start.slice(5, 7)}`);
  const categories = Object.keys(L.category).filter((c) => t.series.points.some((p) => (p.byCategory[c] ?? 0) > 0));
  charts.push({
    id: "series",
    title: `Tin báo theo ${unitWord} và loại tin`,
    alt: `Biểu đồ cột chồng số tin báo theo ${unitWord}, chia theo loại tin, tổng ${t.total} tin; số liệu từng ${unitWord} và từng loại ở bảng dưới.`,
    svg: stackedColumnChart({ title: `Tin báo theo ${unitWord} và loại tin`, idPrefix: "series", labels: t.series.points.map((p) => pointLabel(p.start)), series: stackOf(t.series.points, categories, L.category) }),
    table: {
      head: [t.series.unit === "week" ? "Tuần từ ngày" : t.series.unit === "month" ? "Tháng" : "Ngày", "Tổng", ...categories.map((c) => L.category[c] ?? c)],
      rows: t.series.points.map((p) => [t.series.unit === "month" ? pointLabel(p.start) : dmy(p.start), p.total, ...categories.map((c) => p.byCategory[c] ?? 0)]),
      foot: ["Cộng", t.total, ...categories.map((c) => t.byCategory[c] ?? 0)],
    },
  });

  const bars = (id: string, title: string, counts: Record<string, number>, labels: Record<string, string>, opts: { keepZero?: boolean } = {}) => {
    const rows: BarRow[] = Object.entries(counts)
      .filter(([, n]) => opts.keepZero || n > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => ({ label: labels[k] ?? k, value: n, note: t.total ? `(${percent(n, t.total)})` : undefined }));
    charts.push({
      id,
      title,
      alt: `${title}: ${rows.map((r) => `${r.label} ${r.value}`).join(", ") || "không có tin"}.`,
      svg: barChart({ title, rows }),
      table: { head: [title.replace(/^Theo /, "").replace(/^./, (c) => c.toUpperCase()), "Số tin", "Tỷ lệ"], rows: rows.map((r) => [r.label, r.value, t.total ? percent(r.value, t.total) : "—"]), foot: ["Cộng", t.total, t.total ? "100%" : "—"] },
    });
  };
  bars("category", "Theo loại tin", t.byCategory, L.category);
  bars("channel", "Theo kênh", t.byChannel, L.channel);
  bars("language", "Theo ngôn ngữ", t.byLanguage, L.language);

  const communes = Object.entries(t.byCommune).sort((a, b) => b[1] - a[1]);
  const shown = communes.slice(0, MAX_COMMUNES).map(([code, n]) => ({ label: L.commune[code] ?? `Mã ${code}`, value: n }));
  const rest = communes.slice(MAX_COMMUNES).reduce((s, [, n]) => s + n, 0);
  const communeRows: BarRow[] = [...shown, ...(rest ? [{ label: `${communes.length - MAX_COMMUNES} xã, phường khác`, value: rest }] : []), ...(t.withoutCommune ? [{ label: "Chưa rõ xã, phường", value: t.withoutCommune }] : [])];
  charts.push({
    id: "commune",
    title: "Theo xã, phường",
    alt: `Số tin theo xã, phường, ${MAX_COMMUNES} nơi nhiều nhất: ${shown.map((r) => `${r.label} ${r.value}`).join(", ") || "không có tin"}.`,
    svg: barChart({ title: "Theo xã, phường", rows: communeRows }),
    table: {
      head: ["Xã, phường", "Số tin", "Tỷ lệ"],
      rows: [...communes.map(([code, n]) => [L.commune[code] ?? `Mã ${code}`, n, percent(n, t.total)]), ...(t.withoutCommune ? [["Chưa rõ xã, phường", t.withoutCommune, percent(t.withoutCommune, t.total)]] : [])],
      foot: ["Cộng", t.total, t.total ? "100%" : "—"],
    },
  });

  const steps = [
    { label: "Tiếp nhận", value: t.funnel.received },
    { label: "Đã xác nhận", value: t.funnel.acknowledged },
    { label: "Đã giải quyết xong", value: t.funnel.settled },
  ];
  charts.push({
    id: "funnel",
    title: "Tiến độ xử lý",
    alt: `Tiến độ xử lý: ${steps.map((s) => `${s.label} ${s.value}`).join(", ")}.`,
    svg: funnelChart({ title: "Tiến độ xử lý", steps }),
    table: {
      head: ["Bước", "Số tin", "So với số tiếp nhận"],
      rows: [
        ...steps.map((s) => [s.label, s.value, percent(s.value, t.funnel.received)]),
        ...Object.entries(t.byStatus).filter(([, n]) => n > 0).map(([k, n]) => [`Trạng thái hiện nay: ${L.status[k] ?? k}`, n, percent(n, t.funnel.received)]),
      ],
    },
  });

  const ack = t.acknowledge;
  const settle = t.settle;
  const days = (h: number | null) => (h === null ? null : Math.round((h / 24) * 10) / 10);
  charts.push({
    id: "acknowledge",
    title: "Thời gian xác nhận tin",
    alt: `Thời gian xác nhận: trung vị ${hoursText(ack.medianHours)}, 90% số tin trong ${hoursText(ack.p90Hours)}, hạn ${deadlines.ackHours} giờ, ${ack.late} tin trễ hạn, ${ack.overdueNow} tin đang quá hạn.`,
    svg: pairedBarChart({
      title: "Thời gian xác nhận tin (giờ)",
      unit: "giờ",
      rows: [{ label: `${ack.count} tin đã xác nhận`, a: { name: "Trung vị", value: ack.medianHours }, b: { name: "90% số tin trong", value: ack.p90Hours }, limit: { name: "Hạn", value: deadlines.ackHours } }],
    }),
    table: durationTable(ack, `${deadlines.ackHours} giờ`, (h) => hoursText(h)),
  });
  charts.push({
    id: "settle",
    title: "Thời gian giải quyết tin",
    alt: `Thời gian giải quyết: trung vị ${daysText(days(settle.medianHours))}, 90% số tin trong ${daysText(days(settle.p90Hours))}, hạn ${deadlines.settleDays} ngày, ${settle.late} tin trễ hạn, ${settle.overdueNow} tin đang quá hạn.`,
    svg: pairedBarChart({
      title: "Thời gian giải quyết tin (ngày)",
      unit: "ngày",
      rows: [{ label: `${settle.count} tin đã giải quyết`, a: { name: "Trung vị", value: days(settle.medianHours) }, b: { name: "90% số tin trong", value: days(settle.p90Hours) }, limit: { name: "Hạn", value: deadlines.settleDays } }],
    }),
    table: durationTable(settle, `${deadlines.settleDays} ngày`, (h) => daysText(days(h))),
  });

  const q = summary.questions;
  const asked = q.answeredByBot + q.answeredByOfficer;
  const questionRows: BarRow[] = [
    { label: "Hệ thống tự trả lời", value: q.answeredByBot },
    { label: "Chuyển cán bộ", value: q.answeredByOfficer },
  ];
  charts.push({
    id: "questions",
    title: "Câu hỏi của người dân",
    alt: `Câu hỏi: hệ thống tự trả lời ${q.answeredByBot}, chuyển cán bộ ${q.answeredByOfficer} (${q.open} còn chờ, ${q.closed} đóng không trả lời).`,
    svg: barChart({ title: "Câu hỏi của người dân", rows: questionRows.map((r) => ({ ...r, note: asked ? `(${percent(r.value, asked)})` : undefined })) }),
    table: {
      head: ["Câu hỏi", "Số câu"],
      rows: [
        ["Hệ thống tự trả lời", q.answeredByBot],
        ["Chuyển cán bộ", q.answeredByOfficer],
        ["  trong đó còn chờ trả lời", q.open],
        ["  trong đó đóng không trả lời", q.closed],
      ],
      foot: ["Cộng", asked],
    },
  });
  return { summary, charts };
}

/** The four categories with most tips as their own series, the others together as "Khác". */
function stackOf(points: ReportSummary["tips"]["series"]["points"], categories: string[], labels: Record<string, string>): StackSeries[] {
  const sum = (c: string) => points.reduce((n, p) => n + (p.byCategory[c] ?? 0), 0);
  const ranked = [...categories].sort((a, b) => sum(b) - sum(a));
  const own = ranked.length > 5 ? ranked.slice(0, 4) : ranked;
  const rest = ranked.slice(own.length);
  const series: StackSeries[] = own.map((c) => ({ name: labels[c] ?? c, values: points.map((p) => p.byCategory[c] ?? 0) }));
  if (rest.length) series.push({ name: "Khác", values: points.map((p) => rest.reduce((n, c) => n + (p.byCategory[c] ?? 0), 0)) });
  return series;
}

function durationTable(stats: ReportSummary["tips"]["acknowledge"], deadline: string, say: (hours: number | null) => string): DashboardChart["table"] {
  return {
    head: ["Chỉ số", "Giá trị"],
    rows: [
      ["Số tin đã qua bước này", stats.count],
      ["Trung vị (một nửa số tin nhanh hơn)", say(stats.medianHours)],
      ["90% số tin trong vòng", say(stats.p90Hours)],
      ["Hạn", deadline],
      ["Số tin trễ hạn", stats.late],
      ["Số tin đang quá hạn", stats.overdueNow],
    ],
  };
}

const num = (n: number) => n.toLocaleString("vi-VN", { maximumFractionDigits: 1 });
const hoursText = (h: number | null) => (h === null ? "chưa có" : `${num(h)} giờ`);
const daysText = (d: number | null) => (d === null ? "chưa có" : `${num(d)} ngày`);
const percent = (n: number, of: number) => (of ? `${num(Math.round((n / of) * 1000) / 10)}%` : "—");
const dmy = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;
