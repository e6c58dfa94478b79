/**
 * Splits a text longer than a channel's limit at the most natural boundary: paragraph, line,
 * sentence, word, and only as a last resort in the middle of a word. Lengths are code points.
 */

/**
 * @example splitText("Câu một. Câu hai.", 10) // → ["Câu một.", "Câu hai."]
 */
export function splitText(text: string, maxChars: number): string[] {
  const parts: string[] = [];
  let rest = Array.from(text.trim());
  while (rest.length > maxChars) {
    const cut = cutIndex(rest, maxChars);
    const part = rest.slice(0, cut).join("").trimEnd();
    if (part !== "") parts.push(part);
    rest = Array.from(rest.slice(cut).join("").trimStart());
  }
  const last = rest.join("");
  if (last !== "") parts.push(last);
  return parts;
}

const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/u.test(c);
const endsSentence = (c: string | undefined): boolean => c !== undefined && /[.!?…]/u.test(c);

/** Boundaries by preference; `i` cuts before code point i. Only the second half is searched, so parts stay long. */
const BOUNDARIES: ((cps: string[], i: number) => boolean)[] = [
  (cps, i) => cps[i - 1] === "\n" && cps[i - 2] === "\n",
  (cps, i) => cps[i - 1] === "\n",
  (cps, i) => isSpace(cps[i - 1]) && endsSentence(cps[i - 2]),
  (cps, i) => isSpace(cps[i - 1]),
];

function cutIndex(cps: string[], maxChars: number): number {
  const floor = Math.floor(maxChars / 2);
  for (const isBoundary of BOUNDARIES) {
    for (let i = maxChars; i > floor; i--) if (isBoundary(cps, i)) return i;
  }
  return maxChars;
}
