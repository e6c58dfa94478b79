/**
 * The audit log as CSV for a spreadsheet, produced page by page (newest first) so an export of
 * hundreds of thousands of rows never sits in memory. Starts with a UTF-8 BOM (Excel then reads
 * Vietnamese correctly), lines end with CRLF, and a cell that a spreadsheet would run as a formula
 * (starting with = + - @, tab or carriage return) is prefixed with a quote.
 *
 * @example for await (const chunk of auditCsvChunks(ctx, { action: "tip." })) res.write(chunk)
 */
import type { AppContext } from "../context.ts";
import { vietnamDateTime, type AuditFilter } from "./audit-filter.ts";
import { officerNames, readAuditPage } from "./list-audit-entries.ts";

export const AUDIT_CSV_PAGE = 2000;
const BOM = "\uFEFF";
const HEADER = ["Mã", "Thời gian (giờ Việt Nam)", "Mã cán bộ", "Cán bộ", "Hành động", "Loại đối tượng", "Mã đối tượng", "Dữ liệu", "Địa chỉ IP"];

export async function* auditCsvChunks(
  ctx: Pick<AppContext, "db">,
  filter: AuditFilter,
  pageSize = AUDIT_CSV_PAGE,
): AsyncGenerator<string> {
  yield BOM + csvLine(HEADER);
  const names = new Map<string, string>();
  let before: number | undefined;
  for (;;) {
    const rows = await readAuditPage(ctx.db, filter, pageSize, before);
    if (rows.length === 0) return;
    await officerNames(ctx.db, rows, names);
    yield rows
      .map((r) =>
        csvLine([
          String(r.id),
          vietnamDateTime(r.createdAt),
          r.officerId ?? "",
          (r.officerId && names.get(r.officerId)) ?? "",
          r.action,
          r.targetType ?? "",
          r.targetId ?? "",
          r.data,
          r.ip ?? "",
        ]),
      )
      .join("");
    if (rows.length < pageSize) return;
    before = rows.at(-1)!.id;
  }
}

export function csvLine(cells: string[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

/** One cell: formula-looking text defused, quoted when it holds a quote, comma or line break. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
