/**
 * Names of administrative units: the kind word in front ("Xã", "Phường", "Đặc khu", and the
 * pre-2025 "Thị trấn", "Huyện"…), and the keys names are compared by.
 *
 * - `looseKey`: folded (no marks, đ→d), letters and digits only, and the i/y spelling variants
 *   made equal ("Kỳ"/"Kì"): what a resident typing without diacritics produces.
 * - `accentKey`: the base letters (đ kept) with each word's marks sorted, so the two tone-mark
 *   placements ("Thuỷ"/"Thủy", "Hoà"/"Hòa") are equal but "Tơ" and "Tô" are not.
 *
 * @example splitKind("Xã Ba Tơ") // { kind: "Xã", kindKey: "xa", name: "Ba Tơ" }
 */
import { fold } from "../text/normalize.ts";

export const KINDS = [
  { key: "dac khu", label: "Đặc khu" },
  { key: "thi tran", label: "Thị trấn" },
  { key: "thi xa", label: "Thị xã" },
  { key: "thanh pho", label: "Thành phố" },
  { key: "phuong", label: "Phường" },
  { key: "huyen", label: "Huyện" },
  { key: "tinh", label: "Tỉnh" },
  { key: "xa", label: "Xã" },
] as const;

export interface KindAndName {
  /** The kind word, capitalised as official names write it ("Xã"), or undefined. */
  kind?: string;
  kindKey?: string;
  /** The name without the kind word, NFC. */
  name: string;
}

/** "Xã Ba Tơ" → Xã + Ba Tơ; "xã Bắc Sơn" → Xã + Bắc Sơn; "Ba Tơ" → no kind. */
export function splitKind(fullName: string): KindAndName {
  const text = fullName.normalize("NFC").trim().replace(/\s+/g, " ");
  const words = text.split(" ");
  for (const kind of KINDS) {
    const n = kind.key.split(" ").length;
    if (words.length > n && fold(words.slice(0, n).join(" ")) === kind.key) {
      return { kind: kind.label, kindKey: kind.key, name: words.slice(n).join(" ") };
    }
  }
  return { name: text };
}

/** Folded letters and digits, single spaces, final y after a consonant as i ("ky" = "ki"). */
export function looseKey(text: string): string {
  return fold(text)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()
    .split(" ")
    .map((w) => w.replace(/^([bcdghklmnpqrstvx]+)y$/, "$1i"))
    .join(" ");
}

/** Base letters (lower case, đ kept) and each word's marks in a fixed order. */
export function accentKey(text: string): string {
  return text
    .normalize("NFD")
    .toLowerCase()
    .split(/[^\p{L}\p{M}\p{N}]+/u)
    .filter(Boolean)
    .map((word) => {
      const marks = [...word.matchAll(/\p{M}/gu)].map((m) => m[0]).sort();
      return word.replace(/\p{M}/gu, "") + marks.join("");
    })
    .join(" ");
}

/** True when the text carries any Vietnamese mark (or đ): the resident typed with diacritics. */
export function hasMarks(text: string): boolean {
  return /[\p{M}đĐ]/u.test(text.normalize("NFD"));
}

/** "Tỉnh Quảng Ngãi" → "tỉnh Quảng Ngãi", for the middle of a sentence. */
export function inSentence(fullName: string): string {
  const { kind, name } = splitKind(fullName);
  return kind ? `${kind.toLowerCase()} ${name}` : fullName;
}
