/**
 * The period report's formats as pure functions of a hand-made ReportSummary: what a leader reads in the Excel
 * workbook, the CSV and the print page, cell by cell where it matters.
 */
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { renderReportCsv } from "../../src/reports/render-report-csv.ts";
import { renderReportHtml } from "../../src/reports/render-report-html.ts";
import { renderReportXlsx } from "../../src/reports/render-report-xlsx.ts";
import { reportTables } from "../../src/reports/report-tables.ts";
import { sampleSummary } from "./sample-summary.ts";

const summary = sampleSummary({ scopeName: "Công an xã Ba Tơ", unitId: "CAX-BATO" });
const total = summary.tips.total;

async function workbook() {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load((await renderReportXlsx(summary)) as unknown as ArrayBuffer);
  return book;
}

describe("the period report's tables", () => {
  it("come in the order of an administrative report", () => {
    expect(reportTables(summary).map((t) => `${t.section} ${t.title}`)).toEqual([
      "I. TIẾP NHẬN, XỬ LÝ TIN BÁO VỀ TỘI PHẠM 1. Tổng hợp",
      "I. TIẾP NHẬN, XỬ LÝ TIN BÁO VỀ TỘI PHẠM 2. Theo lĩnh vực",
      "I. TIẾP NHẬN, XỬ LÝ TIN BÁO VỀ TỘI PHẠM 3. Theo địa bàn xã, phường",
      "I. TIẾP NHẬN, XỬ LÝ TIN BÁO VỀ TỘI PHẠM 4. Theo kênh tiếp nhận",
      "I. TIẾP NHẬN, XỬ LÝ TIN BÁO VỀ TỘI PHẠM 5. Theo ngôn ngữ người báo tin",
      "I. TIẾP NHẬN, XỬ LÝ TIN BÁO VỀ TỘI PHẠM 6. Theo kết quả giải quyết",
      "I. TIẾP NHẬN, XỬ LÝ TIN BÁO VỀ TỘI PHẠM 7. Theo tình trạng xử lý hiện nay",
      "I. TIẾP NHẬN, XỬ LÝ TIN BÁO VỀ TỘI PHẠM 8. Thời gian tiếp nhận, giải quyết",
      "II. TRẢ LỜI CÂU HỎI CỦA NGƯỜI DÂN 1. Câu hỏi của người dân",
      "III. TUYÊN TRUYỀN VÀ CUỘC THI TÌM HIỂU PHÁP LUẬT 1. Tuyên truyền và cuộc thi",
      "IV. SO SÁNH 1. So với kỳ trước",
      "IV. SO SÁNH 2. So với cùng kỳ năm trước",
    ]);
  });

  it("add up: every count table's rows make its total, and the commune table counts the tips with no commune", () => {
    for (const t of reportTables(summary).filter((x) => x.rows.at(-1)?.total && x.columns[1]?.kind === "count")) {
      const rows = t.rows.filter((r) => !r.total && !r.part);
      const sum = rows.reduce((a, r) => a + (r.cells[1] as number), 0);
      expect(sum, t.title).toBe(t.rows.at(-1)!.cells[1]);
    }
    const communes = reportTables(summary)[2]!;
    expect(communes.rows.at(-1)!.cells.slice(0, 2)).toEqual(["Cộng", total]);
    expect(communes.rows.at(-2)!.cells.slice(0, 2)).toEqual(["Chưa rõ địa bàn", 57]);
    expect(communes.rows[0]!.cells.slice(0, 2)).toEqual(["Phường Trương Quang Trọng", 420]);
  });
});

describe("the Excel workbook", () => {
  it("has one sheet per table, each titled with the report, the period dd/mm/yyyy–dd/mm/yyyy and the unit", async () => {
    const book = await workbook();
    expect(book.worksheets.map((s) => s.name)).toEqual([
      "Tổng hợp", "Theo lĩnh vực", "Theo xã", "Theo kênh", "Theo ngôn ngữ", "Theo kết quả", "Tình trạng xử lý",
      "Thời gian giải quyết", "Câu hỏi", "Tuyên truyền & cuộc thi", "So sánh kỳ trước", "So sánh cùng kỳ năm trước",
    ]);
    for (const sheet of book.worksheets) {
      expect(sheet.getCell("A1").value).toBe("BÁO CÁO KẾT QUẢ TIẾP NHẬN, XỬ LÝ TIN BÁO VỀ TỘI PHẠM");
      expect(sheet.getCell("A2").value).toBe("Kỳ báo cáo: từ 01/01/2026 đến 30/06/2026 · Đơn vị: Công an xã Ba Tơ");
      expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 5 });
      expect(sheet.getRow(5).getCell(1).font?.bold).toBe(true);
      expect(sheet.pageSetup.paperSize).toBe(9);
      expect(sheet.getColumn(1).width).toBeGreaterThan(20);
    }
  });

  it("holds numbers as numbers, with number, percent and hour formats", async () => {
    const book = await workbook();
    const overview = book.getWorksheet("Tổng hợp")!;
    expect(overview.getCell("A6").value).toBe("Tổng số tin báo nhận được");
    expect(overview.getCell("B6").value).toBe(total);
    expect(overview.getCell("B6").numFmt).toBe("#,##0");
    expect(overview.getCell("C7").value).toBeCloseTo(64 / total, 10);
    expect(overview.getCell("C7").numFmt).toBe("0.0%");
    const times = book.getWorksheet("Thời gian giải quyết")!;
    expect(times.getRow(7).values).toEqual([undefined, "Giải quyết", total - 110, 96.4, 410.2, 37, 37 / (total - 110), 9]);
    expect(times.getCell("C7").numFmt).toBe("#,##0.0");
    const previous = book.getWorksheet("So sánh kỳ trước")!;
    expect(previous.getRow(5).values).toEqual([undefined, "Chỉ tiêu", "Kỳ này (01/01/2026–30/06/2026)", "Kỳ trước (04/07/2025–31/12/2025)", "Tăng, giảm", "Tỷ lệ tăng, giảm"]);
    const totalRow = summary.previousPeriod.tips.total;
    expect(previous.getRow(6).values).toEqual([undefined, "Tổng số tin báo nhận được", totalRow.current, 1500, totalRow.difference, totalRow.percent! / 100]);
    expect(previous.getCell("E6").numFmt).toBe("+0.0%;-0.0%;0.0%");
    // A rise from nothing has no percent: the cell is empty, not 0 % nor infinity.
    const quiz = previous.getColumn(1).values.findIndex((v) => v === "Người dự thi tìm hiểu pháp luật");
    expect(previous.getRow(quiz).getCell(5).value).toBeNull();
  });
});

describe("the CSV", () => {
  const csv = renderReportCsv(summary);

  it("opens in Excel in Vietnamese: UTF-8 with BOM, CRLF, the title, then each table with its Vietnamese headings", () => {
    expect(csv.startsWith('\uFEFF"BÁO CÁO KẾT QUẢ TIẾP NHẬN, XỬ LÝ TIN BÁO VỀ TỘI PHẠM"\r\nKỳ báo cáo: từ 01/01/2026 đến 30/06/2026\r\nĐơn vị: Công an xã Ba Tơ\r\n')).toBe(true);
    expect(csv.replaceAll("\r\n", "").includes("\n")).toBe(false);
    const titles = reportTables(summary).map((t) => `${t.section} — ${t.title}`);
    let at = 0;
    for (const title of titles) {
      const next = csv.indexOf(title, at);
      expect(next, title).toBeGreaterThan(at);
      at = next;
    }
    expect(csv).toContain("Lĩnh vực,Số tin,Tỷ lệ\r\n");
    expect(csv).toContain(`Tổng số tin báo nhận được,${total},"100,0%"\r\n`);
    expect(csv).toContain("Giải quyết,");
    expect(csv).toContain(",\"96,4\",");
    expect(csv).not.toMatch(/\r\n'/);
  });
});

describe("the print page", () => {
  const html = renderReportHtml(sampleSummary({ scopeName: '<script>alert("x")</script>' }));

  it("is an administrative report: heading, period, unit, and the sections in order", () => {
    expect(html).toContain("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    expect(html).toContain("Kỳ báo cáo: từ 01/01/2026 đến 30/06/2026");
    const sections = ["I. TIẾP NHẬN", "II. TRẢ LỜI CÂU HỎI", "III. TUYÊN TRUYỀN", "IV. SO SÁNH"].map((s) => html.indexOf(s));
    expect(sections.every((i, n) => i > 0 && (n === 0 || i > sections[n - 1]!))).toBe(true);
    expect(html).toContain('<link rel="stylesheet" href="/console/static/report-print.css">');
  });

  it("escapes every piece of data", () => {
    expect(html).not.toContain("<script>alert");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(html.match(/<script/g)).toHaveLength(1);
  });
});
