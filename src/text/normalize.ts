/**
 * Vietnamese text handling used everywhere: every input is normalised to NFC for display and
 * storage, and a folded copy (lower case, no marks, đ→d, ƀ→b) is kept for matching and search.
 *
 * @example fold("Công an xã Ba Tơ") === "cong an xa ba to"
 */

/** NFC, with control characters removed and white space collapsed (line breaks kept). */
export function normalizeText(input: string): string {
  return input
    .normalize("NFC")
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u200B-\u200D\uFEFF]/g, "")
    .replace(/\r\n?/g, "\n")
    .replace(/[ \t\u00A0]+/g, " ")
    .replace(/ *\n */g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** Folded copy for matching: lower case, marks stripped, đ→d, ƀ→b, single spaces. */
export function fold(input: string): string {
  return input
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .replace(/[đĐ]/g, "d")
    .replace(/[ƀɃ]/g, "b")
    .toLowerCase()
    .normalize("NFC")
    .replace(/\s+/g, " ")
    .trim();
}

/** Folded words (letters and digits only), for token matching. */
export function foldedWords(input: string): string[] {
  return fold(input)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** True when `text` contains `phrase` as whole words (both folded). */
export function containsPhrase(foldedText: string, foldedPhrase: string): boolean {
  return ` ${foldedText.replace(/[^\p{L}\p{N}]+/gu, " ")} `.includes(` ${foldedPhrase} `);
}

/** Length in Unicode code points after NFC (what users and most platforms count). */
export function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s.normalize("NFC")) n++;
  return n;
}
