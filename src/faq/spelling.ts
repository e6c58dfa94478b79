/**
 * Misspelling tolerance on folded words. Vietnamese syllables are short (2–7 letters), so plain
 * edit distance alone either misses real slips or merges different words. Two tools, used only
 * for words the knowledge base does not contain:
 * - a spelling key that merges what residents mix up when they type as they speak (tr/ch, s/x,
 *   gi/d/r, final n/ng/nh, c/t) and teen-code letters (f=ph, j=gi, w=qu, z=d), repeated letters
 *   collapsed ("khoong", "cuocc");
 * - a bounded edit distance (optimal string alignment: a swap of two letters counts once).
 */

/**
 * @example spellingKey("chu") === spellingKey("tru") // true: "thuong chu" finds "thường trú"
 */
export function spellingKey(folded: string): string {
  return folded
    .replace(/(\p{L})\1+/gu, "$1")
    .replace(/^dz/, "d")
    .replace(/^f/, "ph")
    .replace(/^w/, "qu")
    .replace(/^j/, "gi")
    .replace(/^z/, "d")
    .replace(/(?<=.)j/g, "i")
    .replace(/^ngh/, "ng")
    .replace(/^gh/, "g")
    .replace(/^tr/, "ch")
    .replace(/^gi(?=[aeiouy])/, "d")
    .replace(/^r/, "d")
    .replace(/^s/, "x")
    .replace(/^k(?!h)/, "c")
    .replace(/^qu/, "cu")
    .replace(/n[hg]$/, "n")
    .replace(/(?:ch|c)$/, "t")
    .replace(/y$/, "i");
}

/**
 * Optimal-string-alignment distance, or `max + 1` as soon as it must exceed `max`.
 * @example editDistance("cuoc", "cuco", 1) === 1
 */
export function editDistance(a: string, b: string, max: number): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prevPrev: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prevPrev[j - 2]! + 1);
      row.push(d);
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    prevPrev = prev;
    prev = row;
  }
  return Math.min(prev[b.length]!, max + 1);
}
