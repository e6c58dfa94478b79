/**
 * A period report as an Excel workbook: one sheet per table (reportTables), each with the report's title, the
 * period dd/mm/yyyy–dd/mm/yyyy and the unit above a frozen header; real numbers with number formats (counts
 * #,##0, shares and changes in percent, hours 0.0), total lines in bold, and page setup for A4 with the header
 * repeated on every printed page.
 *
 * @example const bytes = await renderReportXlsx(summary)
 */
import ExcelJS from "exceljs";
import { reportHeading, reportTables, type CellKind, type ReportTable } from "./report-tables.ts";
import type { ReportSummary } from "./summary-types.ts";

const NUMBER_FORMAT: Record<CellKind, string | undefined> = {
  text: undefined,
  count: "#,##0",
  share: "0.0%",
  hours: "#,##0.0",
  change: "+#,##0;-#,##0;0",
  percentChange: "+0.0%;-0.0%;0.0%",
};
/** Title, period and unit, a blank line, then the table's header. */
const HEADER_ROW = 5;
const THIN = { style: "thin" as const, color: { argb: "FF808080" } };

export async function renderReportXlsx(summary: ReportSummary): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "Tin Báo";
  workbook.created = new Date(summary.generatedAt);
  for (const table of reportTables(summary)) addSheet(workbook, summary, table);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function addSheet(workbook: ExcelJS.Workbook, summary: ReportSummary, table: ReportTable): void {
  const heading = reportHeading(summary);
  const sheet = workbook.addWorksheet(table.sheet, {
    views: [{ state: "frozen", ySplit: HEADER_ROW }],
    pageSetup: { paperSize: 9, orientation: "portrait", fitToPage: true, fitToWidth: 1, fitToHeight: 0, margins: { left: 0.6, right: 0.5, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 } },
    headerFooter: { oddFooter: `&L${heading.title}&RTrang &P/&N` },
  });
  sheet.pageSetup.printTitlesRow = `${HEADER_ROW}:${HEADER_ROW}`;
  sheet.columns = table.columns.map((c) => ({ width: c.width }));
  const last = table.columns.length;
  const titleLine = (row: number, text: string, font: Partial<ExcelJS.Font>) => {
    sheet.mergeCells(row, 1, row, last);
    const cell = sheet.getCell(row, 1);
    cell.value = text;
    cell.font = font;
    cell.alignment = { horizontal: "left", vertical: "middle" };
  };
  titleLine(1, heading.title, { bold: true, size: 13 });
  titleLine(2, `${heading.period} · ${heading.scope}`, { bold: true });
  titleLine(3, `${table.section} — ${table.title}`, { italic: true });

  const header = sheet.getRow(HEADER_ROW);
  table.columns.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c.header;
    cell.font = { bold: true };
    cell.alignment = { vertical: "middle", horizontal: c.kind === "text" ? "left" : "center", wrapText: true };
    cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFE8EEF6" } };
    cell.border = { top: THIN, bottom: THIN, left: THIN, right: THIN };
  });
  header.height = 32;

  table.rows.forEach((row, r) => {
    const line = sheet.getRow(HEADER_ROW + 1 + r);
    row.cells.forEach((value, i) => {
      const column = table.columns[i]!;
      const cell = line.getCell(i + 1);
      cell.value = value;
      const numFmt = NUMBER_FORMAT[column.kind];
      if (numFmt) cell.numFmt = numFmt;
      if (row.total) cell.font = { bold: true };
      if (row.heading) cell.font = { bold: true, italic: true };
      if (i === 0 && row.part) cell.alignment = { indent: 2, wrapText: true };
      else if (i === 0) cell.alignment = { wrapText: true };
      cell.border = { top: row.total ? { style: "thin" } : THIN, bottom: THIN, left: THIN, right: THIN };
    });
  });
  let next = HEADER_ROW + table.rows.length + 2;
  if (table.note) titleLine(next++, table.note, { italic: true, size: 9 });
  titleLine(next, heading.generated, { italic: true, size: 9, color: { argb: "FF555555" } });
}
