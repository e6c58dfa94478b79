/**
 * Finds communes by what a resident typed: with or without diacritics ("ba to"), either tone-mark
 * placement ("Sơn Thủy"/"Sơn Thuỷ"), đ typed as d, a kind word or its abbreviation ("xã", "p.",
 * "tt"), and the pre-2025 names residents still use ("thị trấn Ba Tơ", "xã Ba Cung"). An old
 * commune split between two new ones gives both. Built in memory per data version (a province
 * has ~100 communes and a few hundred old names).
 *
 * Ranking, best first: the same name with the same marks; the same name typed without marks
 * (ambiguous when two communes differ only by marks, "Ba Tơ"/"Ba Tô": both are offered); the
 * name inside a longer text ("thôn 3 xã Ba Tơ"); the start of a name ("son tay" → Sơn Tây…); a
 * close spelling ("ba tho"). A kind word that agrees helps, one that disagrees costs; today's
 * names come before old names at equal rank. The resident always confirms.
 *
 * @example CommuneNames.build(units, oldNames).match("xa ba cung") // [{ code: "21484", fullName: "Xã Ba Tơ", oldName: "Xã Ba Cung", … }]
 */
import { accentKey, hasMarks, looseKey, splitKind } from "./names.ts";

export interface NamedUnit {
  code: string;
  fullName: string;
}

export interface OldName {
  /** The new unit's code. */
  code: string;
  /** As the source wrote it: "Thị trấn Ba Tơ". */
  value: string;
  note?: string | null;
}

export interface CommuneMatch {
  code: string;
  /** Today's full name: "Xã Ba Tơ". */
  fullName: string;
  score: number;
  /** The pre-2025 name that matched, when the text matched an old name. */
  oldName?: string;
}

interface Entry {
  code: string;
  fullName: string;
  oldName?: string;
  kindKey?: string;
  key: string;
  words: string[];
  compact: string;
  accent: string;
  note: string;
}

interface Query {
  kindKey?: string;
  key: string;
  /** `key` without spaces. */
  compact: string;
  words: string[];
  accentWords: string[];
  marked: boolean;
  context: string;
}

/** Abbreviations and spellings of kind words a resident may type, folded. */
const TYPED_KINDS: [string[], string][] = [
  [["dac", "khu"], "dac khu"],
  [["thi", "tran"], "thi tran"],
  [["tt"], "thi tran"],
  [["thi", "xa"], "thi xa"],
  [["tx"], "thi xa"],
  [["thanh", "pho"], "thanh pho"],
  [["tp"], "thanh pho"],
  [["phuong"], "phuong"],
  [["p"], "phuong"],
  [["huyen"], "huyen"],
  [["xa"], "xa"],
  [["x"], "xa"],
];
const FILLERS = new Set(["o", "tai", "khu", "vuc", "dia", "ban", "thuoc"]);
const PROVINCE_TAIL = ["tinh", "quang", "ngai"];

export class CommuneNames {
  private constructor(
    private readonly entries: Entry[],
    private readonly collator: Intl.Collator,
  ) {}

  get size(): number {
    return this.entries.length;
  }

  static build(units: NamedUnit[], oldNames: OldName[] = []): CommuneNames {
    const fullNames = new Map(units.map((u) => [u.code, u.fullName]));
    const entries: Entry[] = [];
    const add = (code: string, written: string, oldName?: string, note?: string | null) => {
      const fullName = fullNames.get(code);
      if (!fullName) return;
      const { kindKey, name } = splitKind(written);
      const key = looseKey(name);
      if (!key) return;
      entries.push({
        code,
        fullName,
        ...(oldName ? { oldName } : {}),
        ...(kindKey ? { kindKey } : {}),
        key,
        words: key.split(" "),
        compact: key.replaceAll(" ", ""),
        accent: accentKey(name),
        note: note ? looseKey(note) : "",
      });
    };
    for (const u of units) add(u.code, u.fullName);
    for (const o of oldNames) add(o.code, o.value, o.value, o.note);
    return new CommuneNames(entries, new Intl.Collator("vi"));
  }

  /** The communes the text may name, best first; empty when nothing is close enough. */
  match(typed: string, limit = 4): CommuneMatch[] {
    // "thôn 3, xã Ba Tơ, huyện Ba Tơ": each part may be the commune; the others are context.
    const parts = typed.normalize("NFC").split(/[,;\n]+/).map((p) => p.trim()).filter(Boolean);
    const queries = parts.map((p, k) => parseQuery(p, parts.filter((_, j) => j > k).join(" "))).filter((q) => q.key.length >= 2);
    if (queries.length === 0) return [];
    const best = new Map<string, CommuneMatch & { current: boolean }>();
    for (const e of this.entries) {
      let score: number | undefined;
      for (const q of queries) {
        const s = scoreEntry(q, e);
        if (s !== undefined && (score === undefined || s > score)) score = s;
      }
      if (score === undefined) continue;
      const seen = best.get(e.code);
      if (!seen || score > seen.score || (score === seen.score && !e.oldName && !seen.current)) {
        best.set(e.code, { code: e.code, fullName: e.fullName, score, current: !e.oldName, ...(e.oldName ? { oldName: e.oldName } : {}) });
      }
    }
    const ranked = [...best.values()].sort(
      (a, b) => b.score - a.score || Number(b.current) - Number(a.current) || this.collator.compare(a.fullName, b.fullName),
    );
    const top = ranked[0]?.score ?? 0;
    return ranked
      .filter((m) => m.score >= Math.max(55, top - 25))
      .slice(0, limit)
      .map(({ current: _current, ...m }) => m);
  }

  /**
   * A best guess from free text ("quán nước đầu thôn 3 Ba Cung"): a commune or old name written
   * as whole words inside it. For an officer to confirm; undefined when none appears.
   */
  guess(text: string, exclude: readonly string[] = []): CommuneMatch | undefined {
    return this.match(text, 8).find((m) => m.score >= 70 && !exclude.includes(m.code));
  }
}

function parseQuery(first: string, context: string): Query {
  const original = first.split(/[^\p{L}\p{M}\p{N}]+/u).filter(Boolean);
  let words = original.map((w) => looseKey(w));
  let accentWords = original.map((w) => accentKey(w));
  let kindKey: string | undefined;
  const drop = (n: number) => {
    words = words.slice(n);
    accentWords = accentWords.slice(n);
  };
  for (let guard = 0; guard < 4 && words.length > 1; guard++) {
    if (FILLERS.has(words[0]!)) {
      drop(1);
      continue;
    }
    const kind = TYPED_KINDS.find(([ws]) => words.length > ws.length && ws.every((w, k) => words[k] === w));
    if (!kind) break;
    kindKey ??= kind[1];
    drop(kind[0].length);
  }
  // "…, tỉnh Quảng Ngãi" or "… Quảng Ngãi" at the end says nothing about the commune.
  for (const tail of [PROVINCE_TAIL, PROVINCE_TAIL.slice(1)]) {
    const n = tail.length;
    if (words.length > n && words.slice(-n).join(" ") === tail.join(" ")) {
      words = words.slice(0, -n);
      accentWords = accentWords.slice(0, -n);
    }
  }
  return {
    ...(kindKey ? { kindKey } : {}),
    key: words.join(" "),
    compact: words.join(""),
    words,
    accentWords,
    marked: hasMarks(first),
    context: looseKey(context),
  };
}

function scoreEntry(q: Query, e: Entry): number | undefined {
  let score: number | undefined;
  let matchedAccent: string | undefined;
  if (q.key === e.key) {
    matchedAccent = q.accentWords.join(" ");
    score = !q.marked ? 92 : matchedAccent === e.accent ? 100 : 80;
  } else if (q.compact === e.compact) {
    score = 85;
  } else {
    const at = e.key.length >= 4 ? indexOfWords(q.words, e.words) : -1;
    if (at >= 0 && (e.words.length >= 2 || e.key.length >= 5)) {
      matchedAccent = q.accentWords.slice(at, at + e.words.length).join(" ");
      const kindBefore = at > 0 && e.kindKey !== undefined && kindWordEndsAt(q.words, at, e.kindKey);
      score = 70 + (kindBefore ? 6 : 0) + (q.marked ? (matchedAccent === e.accent ? 3 : -6) : 0);
    } else if (q.key.length >= 3 && e.key.startsWith(q.key) && q.words.length <= 4) {
      score = 60;
    } else if (q.words.length <= 4 && q.key.length >= 4) {
      const longest = Math.max(e.compact.length, q.compact.length);
      // The distance is at least the difference in length: skip what cannot reach 75%.
      const similarity = Math.abs(e.compact.length - q.compact.length) > longest / 4 ? 0 : 1 - editDistance(q.compact, e.compact) / longest;
      if (similarity >= 0.75) score = 55 + Math.round(((similarity - 0.75) / 0.25) * 20);
    }
  }
  if (score === undefined) return undefined;
  if (q.kindKey) score += q.kindKey === e.kindKey ? 6 : -6;
  if (e.oldName) score -= 3;
  if (q.context && e.note && e.note.split(" ").some((w) => w.length > 2 && q.context.includes(w))) score += 4;
  return score;
}

function indexOfWords(haystack: string[], needle: string[]): number {
  outer: for (let k = 0; k + needle.length <= haystack.length; k++) {
    for (let j = 0; j < needle.length; j++) if (haystack[k + j] !== needle[j]) continue outer;
    return k;
  }
  return -1;
}

function kindWordEndsAt(words: string[], at: number, kindKey: string): boolean {
  return TYPED_KINDS.some(([ws, key]) => key === kindKey && at >= ws.length && ws.every((w, k) => words[at - ws.length + k] === w));
}

let matrix = new Uint16Array(1024);

/** Damerau-Levenshtein (optimal string alignment) distance. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  if (matrix.length < rows * cols) matrix = new Uint16Array(rows * cols * 2);
  const d = matrix;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1]!;
}
