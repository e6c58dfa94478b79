/**
 * Vietnamese text handling used everywhere: every input is normalised to NFC for display and
 * storage, and a folded copy (lower case, no marks, đ→d, ƀ→b) is kept for matching and search.
 *
 * @example fold("Công an xã Ba Tơ") === "cong an xa ba to"
 */

/**
 * Characters that change how text is shown without being seen: direction overrides, embeddings
 * and isolates (U+202A–U+202E, U+2066–U+2069), direction marks (U+200E/F, U+061C), zero-width
 * spaces and joiners (U+200B–U+200D, U+2060, U+FEFF) and every other format character (\p{Cf},
 * e.g. the soft hyphen), plus C0/C1 control characters other than tab and line feed. One U+202E
 * makes "photo\u202Egpj.exe" look like "photoexe.jpg" to an officer, so all of them go at intake.
 * ZWJ goes too: it only glues emoji sequences (👨‍👩‍👧 shows as three faces), Vietnamese never needs it.
 */
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\p{Cf}]/gu;

/** Text with the invisible and direction-changing characters above removed (nothing else changed). */
export function stripInvisible(input: string): string {
  return input.replace(INVISIBLE, "");
}

/** NFC, with control, direction and zero-width characters removed and white space collapsed (line breaks kept). */
export function normalizeText(input: string): string {
  return stripInvisible(input.normalize("NFC").replace(/[\u2028\u2029]/g, "\n"))
    .replace(/\r\n?/g, "\n")
    .replace(/[ \t\u00A0]+/g, " ")
    .replace(/ *\n */g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/**
 * A file name a resident gave, safe to show as text: normalised like any text, on one line, no
 * path separators, at most 200 characters. Never used to name a file on disk or a download.
 *
 * @example cleanFileName("photo\u202Egpj.exe") === "photogpj.exe"
 */
export function cleanFileName(input: string): string | undefined {
  const name = normalizeText(input).replace(/[\n/\\]+/g, " ").replace(/ {2,}/g, " ").trim();
  return name ? Array.from(name).slice(0, 200).join("") : undefined;
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
