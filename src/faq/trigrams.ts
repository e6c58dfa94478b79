/**
 * Character trigrams of folded text, for a similarity that survives typos, run-together and
 * split words ("dangky", "can cuoc c").
 *
 * @example diceSimilarity(trigramsOf("mat can cuoc"), trigramsOf("mat can cuocc")) > 0.8
 */

/** The distinct trigrams of a folded string, padded so word starts and ends count. */
export function trigramsOf(folded: string): Set<string> {
  const padded = ` ${folded.trim()} `;
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i++) grams.add(padded.slice(i, i + 3));
  return grams;
}

/** Dice coefficient from the count of shared trigrams and both set sizes (0..1). */
export function diceFromCounts(shared: number, sizeA: number, sizeB: number): number {
  return sizeA + sizeB === 0 ? 0 : (2 * shared) / (sizeA + sizeB);
}

export function diceSimilarity(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const g of a) if (b.has(g)) shared++;
  return diceFromCounts(shared, a.size, b.size);
}
