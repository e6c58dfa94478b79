/**
 * Small SVG charts drawn on the server for the dashboard (issue 13): horizontal bars, columns over time and the
 * status funnel. Readable without colour: every bar carries its number as text beside it, the funnel says the
 * share of each step, and series are told apart by their labels, never by colour alone. Every text is escaped;
 * the result is a standalone SVG document (the page parses it with DOMParser, or shows it as an image).
 *
 * @example barChart({ title: "Theo loại tin", rows: [{ label: "Ma túy", value: 12 }] })
 */

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif";
const INK = "#1b2430";
const MUTED = "#5a6472";
const BAR = "#1f5fbf";
const BAR_ALT = "#8fb3e8";
const GRID = "#d9dee5";

/** Escapes text for SVG content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const fmt = (n: number) => n.toLocaleString("vi-VN", { maximumFractionDigits: 1 });

function doc(width: number, height: number, title: string, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" font-family="${FONT}" font-size="13">` +
    `<title>${escapeXml(title)}</title>${body}</svg>`
  );
}

function text(x: number, y: number, content: string, attrs = ""): string {
  return `<text x="${x}" y="${y}"${attrs ? ` ${attrs}` : ""}>${escapeXml(content)}</text>`;
}

/** Labels longer than this are cut with "…" in the chart (the table under it has them whole). */
function clip(label: string, max: number): string {
  const chars = Array.from(label);
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : label;
}

export interface BarRow {
  label: string;
  value: number;
  /** Text after the number, e.g. "(25%)". */
  note?: string;
}

/** Horizontal bars, one per row, the number written at the end of each bar. */
export function barChart(input: { title: string; rows: BarRow[]; width?: number; unit?: string }): string {
  const width = input.width ?? 560;
  const rowH = 26;
  const labelW = 170;
  const numberW = 90;
  const top = 8;
  const height = top + Math.max(1, input.rows.length) * rowH + 8;
  const max = Math.max(1, ...input.rows.map((r) => r.value));
  const span = width - labelW - numberW - 10;
  const parts: string[] = [];
  if (!input.rows.length) parts.push(text(10, top + 18, "Không có số liệu trong kỳ này.", `fill="${MUTED}"`));
  input.rows.forEach((r, i) => {
    const y = top + i * rowH;
    const w = r.value > 0 ? Math.max(2, Math.round((r.value / max) * span)) : 0;
    parts.push(text(labelW - 8, y + 17, clip(r.label, 24), `text-anchor="end" fill="${INK}"`));
    if (w) parts.push(`<rect x="${labelW}" y="${y + 4}" width="${w}" height="${rowH - 8}" rx="2" fill="${BAR}"/>`);
    else parts.push(`<line x1="${labelW}" y1="${y + 4}" x2="${labelW}" y2="${y + rowH - 4}" stroke="${GRID}"/>`);
    const value = `${fmt(r.value)}${input.unit ? ` ${input.unit}` : ""}${r.note ? ` ${r.note}` : ""}`;
    parts.push(text(labelW + w + 6, y + 17, value, `fill="${INK}" font-weight="600"`));
  });
  return doc(width, height, input.title, parts.join(""));
}

export interface ColumnPoint {
  /** Shown under the column: "03/11", "T11". */
  label: string;
  value: number;
}

/**
 * Columns over time (days, weeks or months). Each column has its number above it while there is room (up to 31
 * columns); beyond that every column's number is in the table under the chart and the tallest is marked.
 */
export function columnChart(input: { title: string; points: ColumnPoint[]; width?: number }): string {
  const width = input.width ?? 900;
  const height = 230;
  const left = 36;
  const bottom = 36;
  const top = 22;
  const n = Math.max(1, input.points.length);
  const slot = (width - left - 10) / n;
  const barW = Math.max(2, Math.min(48, slot * 0.72));
  const max = Math.max(1, ...input.points.map((p) => p.value));
  const plotH = height - top - bottom;
  const labelEvery = Math.ceil(n / Math.floor((width - left) / 46));
  const numbersFit = slot >= 22;
  const tallest = input.points.reduce((best, p, i) => (p.value > (input.points[best]?.value ?? -1) ? i : best), 0);
  const parts: string[] = [
    `<line x1="${left}" y1="${top + plotH}" x2="${width - 6}" y2="${top + plotH}" stroke="${MUTED}"/>`,
    text(left - 6, top + 4, fmt(max), `text-anchor="end" fill="${MUTED}" font-size="11"`),
    `<line x1="${left}" y1="${top}" x2="${width - 6}" y2="${top}" stroke="${GRID}" stroke-dasharray="3 3"/>`,
    text(left - 6, top + plotH + 4, "0", `text-anchor="end" fill="${MUTED}" font-size="11"`),
  ];
  input.points.forEach((p, i) => {
    const cx = left + slot * i + slot / 2;
    const h = Math.round((p.value / max) * plotH);
    if (h > 0) parts.push(`<rect x="${(cx - barW / 2).toFixed(1)}" y="${top + plotH - h}" width="${barW.toFixed(1)}" height="${h}" fill="${BAR}"/>`);
    // Empty columns carry no "0" (it buries the columns that matter); the table under the chart lists every one.
    if ((numbersFit && p.value > 0) || i === tallest) parts.push(text(Math.round(cx), top + plotH - h - 4, fmt(p.value), `text-anchor="middle" fill="${INK}" font-size="11" font-weight="600"`));
    if (i % labelEvery === 0) parts.push(text(Math.round(cx), top + plotH + 16, p.label, `text-anchor="middle" fill="${MUTED}" font-size="11"`));
  });
  return doc(width, height, input.title, parts.join(""));
}

export interface FunnelStep {
  label: string;
  value: number;
}

/** The status funnel: each step a bar as wide as its share of the first, with the number and the percent. */
export function funnelChart(input: { title: string; steps: FunnelStep[]; width?: number }): string {
  const width = input.width ?? 560;
  const stepH = 44;
  const height = input.steps.length * stepH + 8;
  const first = Math.max(1, input.steps[0]?.value ?? 0);
  const span = width - 20;
  const parts: string[] = [];
  input.steps.forEach((s, i) => {
    const w = s.value > 0 ? Math.max(2, Math.round((s.value / first) * span)) : 0;
    const x = 10 + (span - w) / 2;
    const y = 4 + i * stepH;
    const percent = input.steps[0]?.value ? ` (${fmt(Math.round((s.value / first) * 1000) / 10)}%)` : "";
    if (w) parts.push(`<rect x="${x.toFixed(1)}" y="${y}" width="${w}" height="${stepH - 8}" rx="3" fill="${i % 2 ? BAR_ALT : BAR}"/>`);
    // The words sit on a white band across the middle so they read on any bar width.
    const label = `${s.label}: ${fmt(s.value)}${i ? percent : ""}`;
    parts.push(`<rect x="${width / 2 - 150}" y="${y + 9}" width="300" height="20" rx="3" fill="#ffffff" fill-opacity="0.9"/>`);
    parts.push(text(width / 2, y + 24, label, `text-anchor="middle" fill="${INK}" font-weight="600"`));
  });
  return doc(width, height, input.title, parts.join(""));
}

export interface PairedRow {
  label: string;
  /** Two values drawn as two bars, told apart by their own text ("Trung vị 3,2 giờ"), not by colour. */
  a: { name: string; value: number | null };
  b: { name: string; value: number | null };
  /** A reference line (the deadline), in the same unit, with its name. */
  limit?: { name: string; value: number };
}

/** Two bars per row (median and 90th percentile) against a marked limit (the deadline). */
export function pairedBarChart(input: { title: string; rows: PairedRow[]; unit: string; width?: number }): string {
  const width = input.width ?? 560;
  const labelW = 150;
  const rowH = 70;
  const height = input.rows.length * rowH + 10;
  const values = input.rows.flatMap((r) => [r.a.value ?? 0, r.b.value ?? 0, r.limit?.value ?? 0]);
  const max = Math.max(1, ...values);
  const span = width - labelW - 150;
  const scale = (v: number) => Math.round((v / max) * span);
  const parts: string[] = [];
  input.rows.forEach((r, i) => {
    const y = 6 + i * rowH;
    parts.push(text(labelW - 8, y + 34, clip(r.label, 22), `text-anchor="end" fill="${INK}" font-weight="600"`));
    for (const [k, bar] of [r.a, r.b].entries()) {
      const by = y + 6 + k * 26;
      const w = bar.value ? Math.max(2, scale(bar.value)) : 0;
      if (w) parts.push(`<rect x="${labelW}" y="${by}" width="${w}" height="20" fill="${k ? BAR_ALT : BAR}"${k ? ` stroke="${BAR}"` : ""}/>`);
      const said = bar.value === null ? "chưa có" : `${fmt(bar.value)} ${input.unit}`;
      parts.push(text(labelW + w + 6, by + 15, `${bar.name} ${said}`, `fill="${INK}"`));
    }
    if (r.limit) {
      const x = labelW + scale(r.limit.value);
      parts.push(`<line x1="${x}" y1="${y + 2}" x2="${x}" y2="${y + 60}" stroke="#b3261e" stroke-width="2" stroke-dasharray="5 3"/>`);
      parts.push(text(x + 4, y + 66, `${r.limit.name} ${fmt(r.limit.value)} ${input.unit}`, `fill="#b3261e" font-size="11"`));
    }
  });
  return doc(width, height, input.title, parts.join(""));
}

export interface StackSeries {
  name: string;
  /** One value per column. */
  values: number[];
}

/** Fills told apart without colour: solid, diagonal hatching, light solid, dots, grey. */
const STACK_FILLS = ["solid", "hatch", "light", "dots", "grey"] as const;

/**
 * Stacked columns over time, at most five series (the caller merges the rest into "Khác"). Each series has its
 * own pattern as well as its colour, the legend names each with its total, and each column carries its total.
 * `idPrefix` keeps the pattern ids unique when several charts share a page.
 */
export function stackedColumnChart(input: { title: string; labels: string[]; series: StackSeries[]; idPrefix: string; width?: number }): string {
  const width = input.width ?? 900;
  const legendH = 24;
  const height = 250;
  const left = 36;
  const bottom = 36;
  const top = legendH + 22;
  const n = Math.max(1, input.labels.length);
  const slot = (width - left - 10) / n;
  const barW = Math.max(2, Math.min(48, slot * 0.72));
  const totals = input.labels.map((_, i) => input.series.reduce((s, x) => s + (x.values[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const plotH = height - top - bottom;
  const labelEvery = Math.ceil(n / Math.floor((width - left) / 46));
  const p = escapeXml(input.idPrefix);
  const fill = (k: number) => {
    const kind = STACK_FILLS[k % STACK_FILLS.length];
    return kind === "solid" ? BAR : kind === "light" ? BAR_ALT : kind === "grey" ? "#9aa3ad" : `url(#${p}-${kind})`;
  };
  const parts: string[] = [
    `<defs><pattern id="${p}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><rect width="3" height="6" fill="#0b3d91"/></pattern>` +
      `<pattern id="${p}-dots" width="5" height="5" patternUnits="userSpaceOnUse"><rect width="5" height="5" fill="#dfe9f7"/><circle cx="2.5" cy="2.5" r="1.4" fill="#0b3d91"/></pattern></defs>`,
  ];
  let lx = left;
  input.series.forEach((s, k) => {
    const sum = s.values.reduce((a, b) => a + b, 0);
    const label = `${s.name} (${fmt(sum)})`;
    parts.push(`<rect x="${lx}" y="4" width="16" height="12" fill="${fill(k)}" stroke="${INK}" stroke-width="0.6"/>`);
    parts.push(text(lx + 21, 15, label, `fill="${INK}" font-size="12"`));
    lx += 21 + Array.from(label).length * 6.6 + 16;
  });
  parts.push(
    `<line x1="${left}" y1="${top + plotH}" x2="${width - 6}" y2="${top + plotH}" stroke="${MUTED}"/>`,
    `<line x1="${left}" y1="${top}" x2="${width - 6}" y2="${top}" stroke="${GRID}" stroke-dasharray="3 3"/>`,
    text(left - 6, top + 4, fmt(max), `text-anchor="end" fill="${MUTED}" font-size="11"`),
    text(left - 6, top + plotH + 4, "0", `text-anchor="end" fill="${MUTED}" font-size="11"`),
  );
  input.labels.forEach((label, i) => {
    const cx = left + slot * i + slot / 2;
    let y = top + plotH;
    input.series.forEach((s, k) => {
      const v = s.values[i] ?? 0;
      if (!v) return;
      const h = (v / max) * plotH;
      y -= h;
      parts.push(`<rect x="${(cx - barW / 2).toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${fill(k)}" stroke="#ffffff" stroke-width="0.5"/>`);
    });
    if (totals[i]! > 0 && (slot >= 22 || totals[i] === max)) parts.push(text(Math.round(cx), Math.round(y) - 4, fmt(totals[i]!), `text-anchor="middle" fill="${INK}" font-size="11" font-weight="600"`));
    if (i % labelEvery === 0) parts.push(text(Math.round(cx), top + plotH + 16, label, `text-anchor="middle" fill="${MUTED}" font-size="11"`));
  });
  return doc(width, height, input.title, parts.join(""));
}
