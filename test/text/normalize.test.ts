/** Resident text at intake: NFC, and no character that changes how text is shown without being seen. */
import { describe, expect, it } from "vitest";
import { cleanFileName, normalizeText, stripInvisible } from "../../src/text/normalize.ts";
import { cleanInbound } from "../../src/text/clean-inbound.ts";
import type { InboundMessage } from "../../src/channels/types.ts";

const INVISIBLE = [
  ...["\u202A", "\u202B", "\u202C", "\u202D", "\u202E"], // embeddings and overrides
  ...["\u2066", "\u2067", "\u2068", "\u2069"], // isolates
  ...["\u200E", "\u200F", "\u061C"], // direction marks
  ...["\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF"], // zero-width
  ...["\u00AD", "\u180E", "\u206A", "\u0085", "\u0007"], // soft hyphen, other format and control characters
];

describe("normalizeText", () => {
  it("removes every direction-control, zero-width and format character", () => {
    for (const c of INVISIBLE) expect(normalizeText(`ma${c}túy`), `U+${c.codePointAt(0)!.toString(16)}`).toBe("matúy");
    expect(normalizeText("Bán \u202Ezdàm\u202C ở thôn 3")).toBe("Bán zdàm ở thôn 3");
  });

  it("keeps Vietnamese, line breaks and emoji (a ZWJ sequence falls apart into its parts)", () => {
    const nfd = "Công an xã Ba Tơ".normalize("NFD");
    expect(normalizeText(nfd)).toBe("Công an xã Ba Tơ");
    expect(normalizeText("dòng một\r\ndòng hai\u2028dòng ba")).toBe("dòng một\ndòng hai\ndòng ba");
    expect(normalizeText("👍 ❤️")).toBe("👍 ❤️");
    expect(normalizeText("👨\u200D👩\u200D👧")).toBe("👨👩👧");
  });

  it("stripInvisible changes nothing else", () => {
    expect(stripInvisible("  a\u202Eb  \n")).toBe("  ab  \n");
  });
});

describe("cleanFileName", () => {
  it("shows a disguised executable for what it is", () => {
    expect(cleanFileName("photo\u202Egpj.exe")).toBe("photogpj.exe");
    expect(cleanFileName("../../etc/passwd")).toBe(".. .. etc passwd");
    expect(cleanFileName("\u200B\u200E")).toBeUndefined();
    expect(cleanFileName("ảnh hiện trường.jpg".normalize("NFD"))).toBe("ảnh hiện trường.jpg");
  });
});

describe("cleanInbound", () => {
  it("cleans text, captions, file names, names and labels of any channel's message", () => {
    const base = { channel: "telegram", externalId: "1", chatId: "42", sentAt: new Date(), contact: { platformId: "42", displayName: "Lan\u202E" } } as const;
    const media = cleanInbound({ ...base, content: { type: "media", media: { kind: "document", ref: "f1", name: "photo\u202Egpj.exe" }, caption: "xem \u2066ảnh\u2069" } } as InboundMessage);
    expect(media.contact.displayName).toBe("Lan");
    expect(media.content).toEqual({ type: "media", media: { kind: "document", ref: "f1", name: "photogpj.exe" }, caption: "xem ảnh" });
    expect(cleanInbound({ ...base, content: { type: "text", text: "có \u202Edao\u202C" } }).content).toEqual({ type: "text", text: "có dao" });
    expect(cleanInbound({ ...base, content: { type: "contact", phone: "0905111222", name: "Hoa\u200F", isOwn: true } }).content).toMatchObject({ name: "Hoa" });
    expect(cleanInbound({ ...base, content: { type: "button", payload: "cat:\u202Edrugs", label: "Ma\u200Btúy" } }).content).toEqual({ type: "button", payload: "cat:\u202Edrugs", label: "Matúy" });
  });
});
