/**
 * The text and page sizes of a PDF that Chromium printed (page.pdf), enough for a test to check
 * what a printed page says: streams are inflated, each font's ToUnicode map turns glyph codes back
 * into characters, and each page's text-showing operators (Tj, TJ) are read in order. Spaces are
 * those Chromium wrote: text in separate boxes (table cells) runs together, so look for what one
 * box holds. Not a general PDF reader.
 *
 * @example const { pages } = pdfText(await page.pdf({ format: "A4" })); expect(pages[0]!.text).toContain("QN-")
 */
import { inflateSync } from "node:zlib";

export interface PdfPage {
  /** [width, height] in points (A4: 595.92 × 842.88 as Chromium writes it). */
  size: [number, number];
  text: string;
}

interface PdfObject {
  dict: string;
  stream?: Buffer;
}

function objects(pdf: Buffer): Map<number, PdfObject> {
  const text = pdf.toString("latin1");
  const out = new Map<number, PdfObject>();
  const re = /(\d+) 0 obj\s*/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const start = m.index + m[0].length;
    const end = text.indexOf("endobj", start);
    const body = text.slice(start, end);
    const s = body.indexOf("stream");
    if (s >= 0 && /^\s*<</.test(body)) {
      const dict = body.slice(0, s);
      const dataStart = start + s + "stream".length + (text[start + s + 6] === "\r" ? 2 : 1);
      const length = Number(/\/Length (\d+)/.exec(dict)?.[1] ?? 0);
      let data = pdf.subarray(dataStart, dataStart + length);
      if (dict.includes("/FlateDecode")) data = inflateSync(data);
      out.set(Number(m[1]), { dict, stream: data });
    } else out.set(Number(m[1]), { dict: body });
    re.lastIndex = end;
  }
  return out;
}

const ref = (dict: string, key: string) => Number(new RegExp(`/${key}\\s+(\\d+) 0 R`).exec(dict)?.[1] ?? NaN);

/** A ToUnicode CMap: glyph code (hex) → text. */
function cmap(source: string): Map<string, string> {
  const map = new Map<string, string>();
  const utf16 = (hex: string) => String.fromCharCode(...(hex.match(/.{4}/g) ?? []).map((h) => parseInt(h, 16)));
  for (const block of source.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const [, code, uni] of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) map.set(code!.toUpperCase(), utf16(uni!));
  }
  for (const block of source.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const [, lo, hi, uni] of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
      const width = lo!.length;
      for (let c = parseInt(lo!, 16), u = parseInt(uni!, 16); c <= parseInt(hi!, 16); c++, u++) map.set(c.toString(16).toUpperCase().padStart(width, "0"), String.fromCharCode(u));
    }
  }
  return map;
}

export function pdfText(pdf: Buffer): { pages: PdfPage[]; text: string } {
  const objs = objects(pdf);
  const pages: PdfPage[] = [];
  const pageIds = [...objs.entries()].filter(([, o]) => /\/Type\s*\/Page\b/.test(o.dict)).map(([id]) => id);
  for (const id of pageIds) {
    const page = objs.get(id)!;
    const box = /\/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(page.dict);
    const resources = Number.isNaN(ref(page.dict, "Resources")) ? page.dict : (objs.get(ref(page.dict, "Resources"))?.dict ?? "");
    const fontDict = /\/Font\s*<<([\s\S]*?)>>/.exec(resources)?.[1] ?? objs.get(ref(resources, "Font"))?.dict ?? "";
    const fonts = new Map<string, Map<string, string>>();
    for (const [, name, objId] of fontDict.matchAll(/\/(\w+)\s+(\d+) 0 R/g)) {
      const font = objs.get(Number(objId));
      const toUnicode = font ? objs.get(ref(font.dict, "ToUnicode")) : undefined;
      fonts.set(name!, toUnicode?.stream ? cmap(toUnicode.stream.toString("latin1")) : new Map());
    }
    const contentIds = /\/Contents\s*\[([^\]]*)\]/.exec(page.dict)?.[1]?.match(/(\d+) 0 R/g)?.map((r) => Number(r.split(" ")[0])) ?? [ref(page.dict, "Contents")];
    const content = contentIds.map((c) => objs.get(c)?.stream?.toString("latin1") ?? "").join("\n");
    let font = new Map<string, string>();
    const pieces: string[] = [];
    for (const m of content.matchAll(/\/(\w+)\s+[\d.]+\s+Tf|(\[(?:[^\]]*)\])\s*TJ|<([0-9A-Fa-f]*)>\s*Tj/g)) {
      if (m[1]) font = fonts.get(m[1]) ?? new Map();
      const hexes = m[2] ? [...m[2].matchAll(/<([0-9A-Fa-f]*)>/g)].map((x) => x[1]!) : m[3] !== undefined ? [m[3]] : [];
      const width = [...font.keys()][0]?.length ?? 4;
      const decoded = hexes.map((hex) => (hex.toUpperCase().match(new RegExp(`.{${width}}`, "g")) ?? []).map((code) => font.get(code) ?? "").join("")).join("");
      if (decoded) pieces.push(decoded);
    }
    pages.push({ size: box ? [Number(box[3]) - Number(box[1]), Number(box[4]) - Number(box[2])] : [0, 0], text: pieces.join("").normalize("NFC") });
  }
  return { pages, text: pages.map((p) => p.text).join("\n") };
}
