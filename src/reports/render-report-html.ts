/**
 * A period report as a page to print on A4 (the "In báo cáo" view): the heading of an administrative report, then
 * every table of reportTables in order under its section, with the numbers as a Vietnamese reader writes them.
 * A pure function of a ReportSummary; all data is escaped. Layout and print rules (A4, table headers repeated on
 * every page, no row cut in two, page numbers) are in public/console/report-print.css; the print button's script
 * is public/console/report-print.js (the console's CSP allows no inline script or style).
 *
 * @example res.type("html").send(renderReportHtml(summary, { backTo: "/console/reports?from=2026-01-01&to=2026-06-30" }))
 */
import { cellText } from "./render-report-csv.ts";
import { periodText, reportHeading, reportTables, type ReportTable } from "./report-tables.ts";
import type { ReportSummary } from "./summary-types.ts";

/** The agency that signs the report (the console's own header says the same). */
export const AGENCY = "CÔNG AN TỈNH QUẢNG NGÃI";

export function renderReportHtml(summary: ReportSummary, options: { backTo?: string } = {}): string {
  const heading = reportHeading(summary);
  const tables = reportTables(summary);
  const sections: string[] = [];
  let current = "";
  for (const table of tables) {
    if (table.section !== current) {
      if (current) sections.push("</section>");
      current = table.section;
      sections.push(`<section><h2>${esc(table.section)}</h2>`);
    }
    sections.push(tableHtml(table));
  }
  if (current) sections.push("</section>");
  const title = `Báo cáo tin báo ${periodText(summary.period)} – ${summary.scopeName}`;
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<link rel="stylesheet" href="/console/static/report-print.css">
<script type="module" src="/console/static/report-print.js"></script>
</head>
<body>
<div class="toolbar">
<button type="button" id="print-report">In báo cáo</button>
${options.backTo ? `<a href="${esc(options.backTo)}">Quay lại màn hình Báo cáo</a>` : ""}
<span>Khổ giấy A4, đứng. Trong hộp thoại in, chọn “Lưu dưới dạng PDF” để lưu tệp.</span>
</div>
<main class="sheet">
<header class="report-head">
<div class="agency"><div>${esc(AGENCY)}</div><div class="unit">${esc(summary.scopeName)}</div></div>
<div class="nation"><div>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div><div class="motto">Độc lập – Tự do – Hạnh phúc</div></div>
</header>
<h1>${esc(heading.title)}</h1>
<p class="period">${esc(heading.period)}</p>
<p class="scope">${esc(heading.scope)}</p>
${sections.join("\n")}
<p class="generated">${esc(heading.generated)}</p>
<div class="signatures">
<div><div class="role">NGƯỜI LẬP BÁO CÁO</div><div class="hint">(Ký, ghi rõ họ tên)</div></div>
<div><div class="role">THỦ TRƯỞNG ĐƠN VỊ</div><div class="hint">(Ký, ghi rõ họ tên, đóng dấu)</div></div>
</div>
</main>
</body>
</html>
`;
}

function tableHtml(table: ReportTable): string {
  const head = table.columns.map((c) => `<th scope="col" class="${c.kind}">${esc(c.header)}</th>`).join("");
  const body = table.rows
    .map((row) => {
      if (row.heading) return `<tr class="heading"><th scope="rowgroup" colspan="${table.columns.length}">${esc(String(row.cells[0] ?? ""))}</th></tr>`;
      const cls = [row.total ? "total" : "", row.part ? "part" : ""].filter(Boolean).join(" ");
      const cells = row.cells
        .map((value, i) => {
          const kind = table.columns[i]!.kind;
          const text = cellText(value, kind);
          return i === 0 ? `<th scope="row">${esc(text)}</th>` : `<td class="${kind}">${text ? esc(text) : "–"}</td>`;
        })
        .join("");
      return `<tr${cls ? ` class="${cls}"` : ""}>${cells}</tr>`;
    })
    .join("\n");
  const long = table.rows.length > 20 ? " long" : "";
  return `<div class="table-block${long}">
<h3>${esc(table.title)}</h3>
<table>
<thead><tr>${head}</tr></thead>
<tbody>
${body}
</tbody>
</table>
${table.note ? `<p class="note">${esc(table.note)}</p>` : ""}
</div>`;
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
