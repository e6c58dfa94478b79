/**
 * A period report as CSV for a spreadsheet: the title, period and unit, then every table of reportTables one after
 * another (its section and title on a line, its Vietnamese headings, its rows, a blank line). UTF-8 with BOM and
 * CRLF so Excel opens the Vietnamese correctly; counts as plain digits, shares, hours and changes as written in Vietnam (decimal comma: "12,5%", "3,5", "−2");
 * cells that would run as formulas are defused (csvLine).
 *
 * @example res.send(renderReportCsv(summary))
 */
import { csvLine } from "../officers/export-audit-log.ts";
import { reportHeading, reportTables, type Cell, type CellKind } from "./report-tables.ts";
import type { ReportSummary } from "./summary-types.ts";

export function renderReportCsv(summary: ReportSummary): string {
  const heading = reportHeading(summary);
  const lines = [csvLine([heading.title]), csvLine([heading.period]), csvLine([heading.scope]), csvLine([heading.generated]), "\r\n"];
  for (const table of reportTables(summary)) {
    lines.push(csvLine([`${table.section} — ${table.title}`]));
    lines.push(csvLine(table.columns.map((c) => c.header)));
    for (const row of table.rows) lines.push(csvLine(row.cells.map((v, i) => csvText(v, table.columns[i]!.kind))));
    if (table.note) lines.push(csvLine([table.note]));
    lines.push("\r\n");
  }
  return `\uFEFF${lines.join("")}`;
}

/**
 * Counts as plain digits (a number in any spreadsheet); a rise without its "+", which csvLine would defuse into
 * text that shows the quote; a fall with the minus sign "−" for the same reason.
 */
function csvText(value: Cell, kind: CellKind): string {
  if (kind === "count" && typeof value === "number") return String(value);
  const text = cellText(value, kind);
  return text.startsWith("+") ? text.slice(1) : text;
}

/** A cell as a Vietnamese reader writes it (1.234; 12,5%; +3; −2,5%): what the print view shows. */
export function cellText(value: Cell, kind: CellKind): string {
  if (value === null) return "";
  if (typeof value === "string") return value;
  switch (kind) {
    case "count":
      return value.toLocaleString("vi-VN", { maximumFractionDigits: 0 });
    case "change":
      return value > 0 ? `+${value.toLocaleString("vi-VN")}` : value < 0 ? `−${Math.abs(value).toLocaleString("vi-VN")}` : "0";
    case "share":
      return `${(value * 100).toLocaleString("vi-VN", { minimumFractionDigits: 1, maximumFractionDigits: 1 })}%`;
    case "percentChange": {
      const text = `${Math.abs(value * 100).toLocaleString("vi-VN", { minimumFractionDigits: 1, maximumFractionDigits: 1 })}%`;
      return value > 0 ? `+${text}` : value < 0 ? `−${text}` : text;
    }
    case "hours":
      return value.toLocaleString("vi-VN", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    default:
      return String(value);
  }
}
