/**
 * XLIFF 2.0 for translators who work offline or in their own tool (OmegaT, Poedit, Weblate…): one <file> per
 * namespace ("bot", "faq", "quiz", "campaign"), one <unit id="<key>"> per string with its context as <note>s and one
 * <segment> whose state says where the translation stands. Reading uses saxes (a strict, non-validating XML parser
 * that never fetches or expands a DTD), and takes only what this writer emits: a target of plain text.
 *
 * @example readXliff(writeXliff({ trgLang: "hre", files }), "hre").targets.get("menu.prompt")
 */
import { SaxesParser, type SaxesTagNS } from "saxes";

export const XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0";

export type SegmentState = "initial" | "translated" | "reviewed";

export interface XliffUnit {
  id: string;
  source: string;
  /** Null: no target yet (state "initial"). */
  target: string | null;
  state: SegmentState;
  notes: { category: string; text: string }[];
}

export interface XliffDocument {
  srcLang?: string;
  trgLang: string;
  files: { id: string; units: XliffUnit[] }[];
}

/** Characters XML 1.0 cannot carry at all, even as a reference (C0 controls other than tab and line breaks). */
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function escapeXmlText(s: string): string {
  return s.replace(NOT_XML, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r/g, "&#13;");
}

export function escapeXmlAttribute(s: string): string {
  return escapeXmlText(s).replace(/"/g, "&quot;").replace(/'/g, "&apos;").replace(/\t/g, "&#9;").replace(/\n/g, "&#10;");
}

export function writeXliff(doc: XliffDocument): string {
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<xliff version="2.0" xmlns="${XLIFF_NS}" srcLang="${escapeXmlAttribute(doc.srcLang ?? "vi")}" trgLang="${escapeXmlAttribute(doc.trgLang)}">`,
  ];
  for (const file of doc.files) {
    out.push(`  <file id="${escapeXmlAttribute(file.id)}">`);
    for (const u of file.units) {
      out.push(`    <unit id="${escapeXmlAttribute(u.id)}">`);
      if (u.notes.length) {
        out.push("      <notes>");
        for (const n of u.notes) out.push(`        <note category="${escapeXmlAttribute(n.category)}">${escapeXmlText(n.text)}</note>`);
        out.push("      </notes>");
      }
      const state = u.target === null ? "initial" : u.state;
      out.push(`      <segment state="${state}">`);
      out.push(`        <source xml:space="preserve">${escapeXmlText(u.source)}</source>`);
      if (u.target !== null) out.push(`        <target xml:space="preserve">${escapeXmlText(u.target)}</target>`);
      out.push("      </segment>", "    </unit>");
    }
    out.push("  </file>");
  }
  out.push("</xliff>", "");
  return out.join("\n");
}

export interface XliffTargets {
  trgLang: string;
  /** Unit id → its target text (null when the unit has no target). First occurrence only. */
  targets: Map<string, string | null>;
  /** Units that could not be read, with why (in Vietnamese). */
  refused: { key: string; message: string }[];
}

/** Thrown for a file that is not an XLIFF 2.0 document this service can read; the message is for the officer. */
export class XliffError extends Error {
  override name = "XliffError";
}

/**
 * Reads the targets of an XLIFF 2.0 document. Throws XliffError (Vietnamese) when the file is not well-formed XML,
 * not XLIFF 2.0, or declares a DTD; a unit that is not plain text is listed in `refused` and the rest is read.
 */
export function readXliff(xml: string): XliffTargets {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const targets = new Map<string, string | null>();
  const refused: { key: string; message: string }[] = [];
  let trgLang: string | undefined;
  const stack: string[] = [];
  let unit: { id: string; target: string | null; segments: number; bad?: string } | undefined;
  let inTarget = false;
  let failure: string | undefined;

  const fail = (message: string) => {
    failure ??= message;
  };
  parser.on("doctype", () => fail("Tệp XLIFF không được có khai báo DOCTYPE."));
  const malformed = () => `Tệp không phải XML hợp lệ (lỗi ở dòng ${parser.line}, cột ${parser.column}). Hãy xuất lại tệp từ công cụ dịch.`;
  parser.on("error", () => fail(malformed()));
  parser.on("opentag", (tag: SaxesTagNS) => {
    const parent = stack.at(-1);
    stack.push(tag.local);
    const attr = (name: string) => tag.attributes[name]?.value;
    if (stack.length === 1) {
      if (tag.local !== "xliff" || tag.uri !== XLIFF_NS || attr("version") !== "2.0") {
        fail("Tệp này không phải XLIFF 2.0. Tin Báo chỉ nhận XLIFF phiên bản 2.0 (urn:oasis:names:tc:xliff:document:2.0) hoặc JSON i18next.");
        return;
      }
      trgLang = attr("trgLang");
      return;
    }
    if (tag.uri !== XLIFF_NS) {
      // Extensions (other namespaces) are allowed by XLIFF; inside a target they would be text we cannot keep.
      if (inTarget && unit) unit.bad = "Bản dịch có thẻ không phải chữ thường: hãy để chữ thường, giữ nguyên các {{biến}}.";
      return;
    }
    if (tag.local === "unit" && parent === "file") {
      unit = { id: attr("id") ?? "", target: null, segments: 0 };
    } else if (tag.local === "segment" && unit) {
      unit.segments++;
    } else if (tag.local === "target" && unit && parent === "segment") {
      inTarget = true;
      unit.target = "";
    } else if (inTarget && unit) {
      unit.bad = `Bản dịch có thẻ XLIFF <${tag.local}> bên trong: Tin Báo chỉ nhận chữ thường. Hãy để chữ thường, giữ nguyên các {{biến}}.`;
    }
  });
  parser.on("text", (text) => {
    if (inTarget && unit) unit.target += text;
  });
  parser.on("cdata", (text) => {
    if (inTarget && unit) unit.target += text;
  });
  parser.on("closetag", (tag: SaxesTagNS) => {
    stack.pop();
    if (tag.uri !== XLIFF_NS) return;
    if (tag.local === "target") inTarget = false;
    if (tag.local === "unit" && unit) {
      const u = unit;
      unit = undefined;
      if (!u.id) refused.push({ key: "(không có mã)", message: "Một câu trong tệp không có mã (id): không biết là câu nào." });
      else if (targets.has(u.id)) refused.push({ key: u.id, message: "Mã câu này xuất hiện hai lần trong tệp: chỉ lấy lần đầu." });
      else if (u.bad) refused.push({ key: u.id, message: u.bad });
      else if (u.segments > 1) refused.push({ key: u.id, message: "Câu này bị chia thành nhiều đoạn (segment): hãy gộp lại thành một đoạn." });
      else targets.set(u.id, u.target);
    }
  });
  try {
    parser.write(xml).close();
  } catch {
    fail(malformed());
  }
  if (failure) throw new XliffError(failure);
  if (!trgLang) throw new XliffError("Tệp XLIFF thiếu ngôn ngữ đích (trgLang).");
  return { trgLang, targets, refused };
}
