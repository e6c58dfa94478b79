/**
 * The tips of a queue filter as a spreadsheet (issue 13, item 5): the same rows, in the queue's order, as CSV or XLSX.
 * Never the reporter's identity: the rows are read with a `select` that has no contact, name, phone nor chat id,
 * even for a named reporter, and phone numbers typed into the story are hidden (the tip file keeps them).
 *
 * Bounded: rows are read page by page (keyset, the queue's own order) and written as they come, up to
 * EXPORT_MAX_ROWS; a file cut there says so in its last line (the caller knows from the count), and the console
 * says so before the download.
 *
 * @example
 *   const where = await queueWhere(ctx, { scope, officerId, query });
 *   for await (const chunk of tipsCsvChunks(readTipExportPages(ctx, where))) res.write(chunk);
 */
import type { Writable } from "node:stream";
import ExcelJS from "exceljs";
import type { AppContext } from "../context.ts";
import type { Prisma } from "../db/generated/sqlite/client.ts";
import { afterQueueCursor, countAttachments } from "../console/queue-query.ts";
import { QUEUE_ORDER } from "../console/list-tips.ts";
import { communeNames } from "../console/commune-names.ts";
import { CHANNEL_LABELS, categoryLabel, languageLabelMap } from "../console/labels.ts";
import { csvLine } from "../officers/export-audit-log.ts";
import { hidePhoneNumbers } from "../text/hide-phone-numbers.ts";
import { OUTCOMES, STATUS_LABELS, isOpenStatus, isTipStatus, overdueKind } from "./workflow.ts";

/** At most this many tips in one file (about 60 MB of CSV with long stories): narrow the filter for more. */
export const EXPORT_MAX_ROWS = 100_000;
/** Tips per read: their ids go into one IN (…) for the attachment counts, below SQLite's parameter limit through Prisma (999). */
const PAGE = 500;
/** Excel refuses a cell longer than 32,767 characters. */
const MAX_CELL = 32_000;
const VIETNAM_OFFSET_MS = 7 * 3600_000;

export const EXPORT_CAP_NOTE = `Tệp chỉ gồm ${EXPORT_MAX_ROWS.toLocaleString("vi-VN")} tin đầu tiên theo thứ tự hàng đợi; hãy lọc hẹp hơn (theo ngày, loại tin, đơn vị) để tải phần còn lại.`;

/** One exported tip: what an officer may see in the queue, in words, and nothing that identifies the reporter. */
export interface TipExportRow {
  reference: string;
  receivedAt: Date;
  category: string;
  urgent: boolean;
  channel: string;
  language: string;
  commune: string;
  place: string;
  unit: string;
  assignee: string;
  status: string;
  outcome: string;
  /** The deadline that runs now; null once the tip is settled. */
  dueAt: Date | null;
  overdue: string;
  closedAt: Date | null;
  attachments: number;
  description: string;
}

type Kind = "text" | "dateTime" | "integer";
interface Column {
  header: string;
  width: number;
  kind: Kind;
  value(row: TipExportRow, index: number): string | number | Date | null;
}

/** The columns, in order, for both formats. */
export const TIP_EXPORT_COLUMNS: Column[] = [
  { header: "STT", width: 7, kind: "integer", value: (_r, i) => i + 1 },
  { header: "Mã tin", width: 13, kind: "text", value: (r) => r.reference },
  { header: "Ngày nhận (giờ Việt Nam)", width: 18, kind: "dateTime", value: (r) => r.receivedAt },
  { header: "Lĩnh vực", width: 24, kind: "text", value: (r) => r.category },
  { header: "Khẩn", width: 7, kind: "text", value: (r) => (r.urgent ? "Khẩn" : "") },
  { header: "Kênh", width: 10, kind: "text", value: (r) => r.channel },
  { header: "Ngôn ngữ", width: 12, kind: "text", value: (r) => r.language },
  { header: "Xã, phường", width: 22, kind: "text", value: (r) => r.commune },
  { header: "Nơi xảy ra (lời người báo)", width: 28, kind: "text", value: (r) => r.place },
  { header: "Đơn vị phụ trách", width: 26, kind: "text", value: (r) => r.unit },
  { header: "Cán bộ thụ lý", width: 20, kind: "text", value: (r) => r.assignee },
  { header: "Trạng thái", width: 16, kind: "text", value: (r) => r.status },
  { header: "Kết quả", width: 28, kind: "text", value: (r) => r.outcome },
  { header: "Hạn (giờ Việt Nam)", width: 18, kind: "dateTime", value: (r) => r.dueAt },
  { header: "Quá hạn", width: 20, kind: "text", value: (r) => r.overdue },
  { header: "Ngày kết thúc", width: 18, kind: "dateTime", value: (r) => r.closedAt },
  { header: "Số tệp đính kèm", width: 9, kind: "integer", value: (r) => r.attachments },
  { header: "Nội dung", width: 80, kind: "text", value: (r) => r.description },
];

/** The filtered tips in the queue's order, a page at a time, at most `max` rows. */
export async function* readTipExportPages(
  ctx: Pick<AppContext, "db" | "now">,
  where: Prisma.TipWhereInput,
  max = EXPORT_MAX_ROWS,
): AsyncGenerator<TipExportRow[]> {
  const now = ctx.now();
  const languages = languageLabelMap();
  let after: { urgent: boolean; dueAt: Date; id: string } | null = null;
  let left = max;
  while (left > 0) {
    const condition: Prisma.TipWhereInput = after ? { AND: [where, afterQueueCursor(after)] } : where;
    const rows = await ctx.db.tip.findMany({
      where: condition,
      orderBy: QUEUE_ORDER,
      take: Math.min(PAGE, left),
      // Nothing about the reporter: no contactId, anonymous, reporterNameEnc, reporterPhoneEnc.
      select: {
        id: true,
        reference: true,
        createdAt: true,
        category: true,
        urgent: true,
        channel: true,
        language: true,
        communeCode: true,
        adminDataVersion: true,
        placeText: true,
        unit: { select: { name: true } },
        assignedOfficer: { select: { displayName: true } },
        status: true,
        outcome: true,
        ackDueAt: true,
        settleDueAt: true,
        dueAt: true,
        closedAt: true,
        description: true,
      },
    });
    if (rows.length === 0) return;
    // Not `_count` in the select: that counts the attachments of every tip in the table (queue-query.ts).
    const [names, attachments] = await Promise.all([communeNames(ctx.db, rows), countAttachments(ctx.db, rows.map((t) => t.id))]);
    yield rows.map((t) => {
      const kind = overdueKind(t, now);
      return {
        reference: t.reference,
        receivedAt: t.createdAt,
        category: categoryLabel(t.category),
        urgent: t.urgent,
        channel: CHANNEL_LABELS[t.channel] ?? t.channel,
        language: languages[t.language] ?? t.language,
        commune: names.get(t) ?? "",
        place: t.placeText ? hidePhoneNumbers(t.placeText) : "",
        unit: t.unit?.name ?? "",
        assignee: t.assignedOfficer?.displayName ?? "",
        status: isTipStatus(t.status) ? STATUS_LABELS[t.status] : t.status,
        outcome: t.outcome ? (OUTCOMES[t.outcome as keyof typeof OUTCOMES] ?? t.outcome) : "",
        dueAt: isOpenStatus(t.status) ? (t.dueAt ?? t.settleDueAt) : null,
        overdue: kind === "ack" ? "Quá hạn tiếp nhận" : kind === "settle" ? "Quá hạn giải quyết" : "",
        closedAt: t.closedAt,
        attachments: attachments.get(t.id) ?? 0,
        description: Array.from(hidePhoneNumbers(t.description)).slice(0, MAX_CELL).join(""),
      };
    });
    left -= rows.length;
    const last = rows.at(-1)!;
    after = { urgent: last.urgent, dueAt: last.dueAt ?? last.settleDueAt, id: last.id };
    if (rows.length < PAGE) return;
  }
}

/** "dd/mm/yyyy HH:mm" in Vietnam time. */
export function vietnamDateTimeText(at: Date): string {
  const v = new Date(at.getTime() + VIETNAM_OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(v.getUTCDate())}/${p(v.getUTCMonth() + 1)}/${v.getUTCFullYear()} ${p(v.getUTCHours())}:${p(v.getUTCMinutes())}`;
}

/**
 * A time as Excel shows it in Vietnam: Excel has no time zones, and exceljs writes a Date's UTC fields, so the
 * cell gets the Vietnam wall-clock time.
 */
export function excelVietnamTime(at: Date): Date {
  return new Date(at.getTime() + VIETNAM_OFFSET_MS);
}

/** CSV for a spreadsheet: UTF-8 with BOM, CRLF, formula-looking cells defused (csvLine); a cut file says so last. */
export async function* tipsCsvChunks(pages: AsyncIterable<TipExportRow[]>, { truncated }: { truncated: boolean }): AsyncGenerator<string> {
  yield `\uFEFF${csvLine(TIP_EXPORT_COLUMNS.map((c) => c.header))}`;
  let index = 0;
  for await (const rows of pages) {
    yield rows.map((row) => csvLine(TIP_EXPORT_COLUMNS.map((c) => csvText(c.value(row, index++))))).join("");
  }
  if (truncated) yield csvLine([EXPORT_CAP_NOTE]);
}

function csvText(value: string | number | Date | null): string {
  if (value === null) return "";
  if (value instanceof Date) return vietnamDateTimeText(value);
  return String(value);
}

/**
 * XLSX, streamed as it is built (exceljs' WorkbookWriter): real dates (dd/mm/yyyy hh:mm) and numbers, a bold frozen
 * header with a filter, column widths; a cut file has the note in the row after the last tip. Ends `out`.
 */
export async function writeTipsWorkbook(out: Writable, pages: AsyncIterable<TipExportRow[]>, { truncated }: { truncated: boolean }): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = "Tin Báo";
  const sheet = workbook.addWorksheet("Tin báo", { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = TIP_EXPORT_COLUMNS.map((c, i) => ({
    header: c.header,
    key: String(i),
    width: c.width,
    style: c.kind === "dateTime" ? { numFmt: "dd/mm/yyyy hh:mm" } : c.kind === "integer" ? { numFmt: "0" } : { alignment: { vertical: "top", wrapText: c.width >= 60 } },
  }));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: "middle", wrapText: true };
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: TIP_EXPORT_COLUMNS.length } };
  header.commit();
  let index = 0;
  for await (const rows of pages) {
    for (const row of rows) {
      const i = index++;
      sheet.addRow(TIP_EXPORT_COLUMNS.map((c) => xlsxValue(c.value(row, i)))).commit();
    }
  }
  if (truncated) sheet.addRow([EXPORT_CAP_NOTE]).commit();
  sheet.commit();
  await workbook.commit();
  return index;
}

function xlsxValue(value: string | number | Date | null): string | number | Date | null {
  if (value instanceof Date) return excelVietnamTime(value);
  // Text stays text in XLSX (no formula is ever written), so "=1+1" from a resident shows as typed.
  return value === "" ? null : value;
}
