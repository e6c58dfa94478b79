/**
 * The text on each page of a PDF that Chromium printed (page.pdf), enough to check what a reader sees on which page.
 * Reads Chromium's own output only: objects not in object streams, Flate-compressed content, Type0 fonts whose
 * glyphs map to text by their ToUnicode CMap. Spaces between glyphs are not reconstructed: compare text with
 * `squash` (whitespace removed) on both sides.
 *
 * @example const pages = pdfPages(await page.pdf({ format: "A4" })); expect(squash(pages[0]!)).toContain(squash("Kỳ báo cáo"))
 */
import { inflateSync } from "node:zlib";

interface PdfObject {
  dict: string;
  stream?: Buffer;
}

export function squash(text: string): string {
  return text.replace(/\s+/g, "");
}

/** The text of every page, in page order. */
export function pdfPages(pdf: Buffer | Uint8Array): string[] {
  const bytes = Buffer.from(pdf);
  const objects = readObjects(bytes);
  const root = Object.values(objects).find((o) => /\/Type\s*\/Pages\b/.test(o.dict) && !/\/Parent\b/.test(o.dict));
  if (!root) throw new Error("no page tree");
  const pages: string[] = [];
  const walk = (node: PdfObject) => {
    const kids = /\/Kids\s*\[([^\]]*)\]/.exec(node.dict)?.[1] ?? "";
    for (const [, id] of kids.matchAll(/(\d+)\s+0\s+R/g)) {
      const kid = objects[id!]!;
      if (/\/Type\s*\/Pages\b/.test(kid.dict)) walk(kid);
      else pages.push(pageText(kid, objects));
    }
  };
  walk(root);
  return pages;
}

function readObjects(bytes: Buffer): Record<string, PdfObject> {
  const text = bytes.toString("latin1");
  const objects: Record<string, PdfObject> = {};
  for (const m of text.matchAll(/(\d+)\s+0\s+obj\b/g)) {
    const start = m.index! + m[0].length;
    const end = text.indexOf("endobj", start);
    const body = text.slice(start, end);
    const streamAt = body.indexOf("stream");
    if (streamAt < 0 || /^\s*[[(]/.test(body)) {
      objects[m[1]!] = { dict: body };
      continue;
    }
    const dict = body.slice(0, streamAt);
    let dataStart = start + streamAt + "stream".length;
    if (text[dataStart] === "\r") dataStart++;
    if (text[dataStart] === "\n") dataStart++;
    const length = Number(/\/Length\s+(\d+)(?!\s+0\s+R)/.exec(dict)?.[1] ?? NaN);
    const dataEnd = Number.isFinite(length) ? dataStart + length : text.indexOf("endstream", dataStart);
    let data = bytes.subarray(dataStart, dataEnd);
    if (/\/FlateDecode/.test(dict)) data = inflateSync(data);
    objects[m[1]!] = { dict, stream: data };
  }
  return objects;
}

function resolve(value: string, objects: Record<string, PdfObject>): string {
  const ref = /^\s*(\d+)\s+0\s+R/.exec(value);
  return ref ? (objects[ref[1]!]?.dict ?? "") : value;
}

/** The dictionary after `/Key`, inline (balanced << >>) or by reference. */
function dictEntry(dict: string, key: string, objects: Record<string, PdfObject>): string {
  const at = dict.search(new RegExp(`/${key}\\b`));
  if (at < 0) return "";
  const rest = dict.slice(at + key.length + 1);
  const ref = /^\s*(\d+\s+0\s+R)/.exec(rest);
  if (ref) return resolve(ref[1]!, objects);
  const open = rest.indexOf("<<");
  let depth = 0;
  for (let i = open; i < rest.length - 1; i++) {
    if (rest.startsWith("<<", i)) (depth++, i++);
    else if (rest.startsWith(">>", i)) {
      depth--;
      i++;
      if (depth === 0) return rest.slice(open, i + 1);
    }
  }
  return "";
}

function toUnicode(font: PdfObject | undefined, objects: Record<string, PdfObject>): Map<number, string> {
  const map = new Map<number, string>();
  const ref = font ? /\/ToUnicode\s+(\d+)\s+0\s+R/.exec(font.dict) : null;
  const cmap = ref ? objects[ref[1]!]?.stream?.toString("latin1") : undefined;
  if (!cmap) return map;
  const utf16 = (hex: string) => Buffer.from(hex, "hex").swap16().toString("utf16le");
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const [, src, dst] of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) map.set(parseInt(src!, 16), utf16(dst!));
  }
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const [, lo, hi, dst] of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) {
      const first = parseInt(dst!, 16);
      for (let c = parseInt(lo!, 16); c <= parseInt(hi!, 16); c++) map.set(c, String.fromCodePoint(first + c - parseInt(lo!, 16)));
    }
  }
  return map;
}

function pageText(page: PdfObject, objects: Record<string, PdfObject>): string {
  const resources = dictEntry(page.dict, "Resources", objects);
  const fontDict = dictEntry(resources, "Font", objects);
  const fonts = new Map<string, Map<number, string>>();
  for (const [, name, id] of fontDict.matchAll(/\/([\w.+-]+)\s+(\d+)\s+0\s+R/g)) fonts.set(name!, toUnicode(objects[id!], objects));
  const contents = /\/Contents\s+(?:(\d+)\s+0\s+R|\[([^\]]*)\])/.exec(page.dict);
  const ids = contents?.[1] ? [contents[1]] : [...(contents?.[2] ?? "").matchAll(/(\d+)\s+0\s+R/g)].map((m) => m[1]!);
  let out = "";
  for (const id of ids) {
    const content = objects[id]?.stream?.toString("latin1") ?? "";
    let cmap = new Map<number, string>();
    for (const m of content.matchAll(/\/([\w.+-]+)\s+[\d.]+\s+Tf|<([0-9a-fA-F]*)>|(ET)/g)) {
      if (m[1]) cmap = fonts.get(m[1]) ?? new Map();
      else if (m[3]) out += "\n";
      else if (m[2] !== undefined) {
        const hex = m[2];
        for (let i = 0; i + 4 <= hex.length; i += 4) out += cmap.get(parseInt(hex.slice(i, i + 4), 16)) ?? "";
      }
    }
  }
  return out;
}
