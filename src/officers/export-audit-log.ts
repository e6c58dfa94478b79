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
import { auditNames, auditSentence, type AuditNames } from "./audit-sentences.ts";
import { parseData, readAuditPage } from "./list-audit-entries.ts";

export const AUDIT_CSV_PAGE = 2000;
const BOM = "\uFEFF";
/** What happened in words first; the stored codes last, for an administrator who must trace a row. */
const HEADER = ["Thời gian (giờ Việt Nam)", "Diễn giải", "Cán bộ", "Địa chỉ IP", "Số dòng", "Dữ liệu gốc (dành cho quản trị)"];

export async function* auditCsvChunks(
  ctx: Pick<AppContext, "db">,
  filter: AuditFilter,
  pageSize = AUDIT_CSV_PAGE,
): AsyncGenerator<string> {
  yield BOM + csvLine(HEADER);
  let names: AuditNames | undefined;
  let before: number | undefined;
  for (;;) {
    const rows = await readAuditPage(ctx.db, filter, pageSize, before);
    if (rows.length === 0) return;
    const parsed = rows.map((r) => ({ ...r, data: parseData(r.data) }));
    names = await auditNames(ctx.db, parsed, names);
    const known = names;
    yield parsed
      .map((r) =>
        csvLine([
          vietnamDayTime(r.createdAt),
          auditSentence(r, r.createdAt, known),
          (r.officerId && known.officers.get(r.officerId)) ?? "",
          r.ip ?? "",
          String(r.id),
          rawFacts(r),
        ]),
      )
      .join("");
    if (rows.length < pageSize) return;
    before = rows.at(-1)!.id;
  }
}

/** "03/12/2026 09:42:07", Vietnam time: the day first, as officers write it. */
function vietnamDayTime(at: Date): string {
  const [day, time] = vietnamDateTime(at).split(" ");
  return `${day!.split("-").reverse().join("/")} ${time}`;
}

function rawFacts(r: { action: string; officerId: string | null; targetType: string | null; targetId: string | null; data: Record<string, unknown> }): string {
  return JSON.stringify({ action: r.action, officerId: r.officerId, targetType: r.targetType, targetId: r.targetId, data: r.data });
}

export function csvLine(cells: string[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

/** One cell: formula-looking text defused, quoted when it holds a quote, comma or line break. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
