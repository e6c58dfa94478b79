/**
 * What a resident's words carry for a report, read at any step: the kind of crime
 * (src/tips/read-category.ts), the commune named inside the text ("... o gan truong hoc xa ba to"),
 * and the time ("toi qua khoang 8 gio", src/text/parse-time.ts). Only read, never settled: the
 * report flow proposes it back for one tap.
 *
 * @example await readFacts(tx, "co nguoi buon ban ma tuy o gan truong hoc xa ba to", now)
 * // { category: "drugs", communes: [{ code: "21484", name: "Xã Ba Tơ", … }], placeWords: "xa ba to", … }
 */
import type { Tx } from "../db/client.ts";
import type { TipCategory } from "../tips/categories.ts";
import { readCategory } from "../tips/read-category.ts";
import { parseTimeRange, type ParsedTimeRange } from "../text/parse-time.ts";
import { currentUnitData } from "../units/unit-data.ts";
import { fold } from "../text/normalize.ts";

/** A commune offered to the resident to confirm (from a pin or typed words). */
export interface Candidate {
  code: string;
  name: string;
  province: string;
  oldName?: string;
}

export interface Facts {
  category?: TipCategory;
  /** Communes the words name, best first (several when they fit equally: "Ba Tơ" or "Ba Tô"). */
  communes: Candidate[];
  /** The words that named the commune, as typed. */
  placeWords?: string;
  adminDataVersion?: string;
  time?: ParsedTimeRange;
}

/**
 * `placeOnly`: the text answers "where?", so a commune name anywhere in it counts, close spellings
 * too. In a story only a name written out whole counts (score ≥ 70 in commune-names.ts), so an
 * ordinary word is not taken for a place.
 */
export async function readFacts(tx: Tx, text: string, now: Date, { placeOnly = false } = {}): Promise<Facts> {
  const facts: Facts = { communes: [] };
  if (!placeOnly) {
    const category = readCategory(text).category;
    if (category) facts.category = category;
    const time = parseTimeRange(text, now);
    if (time && !habitOrOtherSense(text, time.matched)) facts.time = time;
  }
  const units = await currentUnitData(tx);
  if (!units) return facts;
  const matches = units.names.match(text, 8).filter((m) => placeOnly || m.score >= 70);
  const best = matches[0]?.score;
  const kept = placeOnly ? matches.slice(0, 4) : matches.filter((m) => m.score === best);
  facts.communes = kept.map((m) => ({
    code: m.code,
    name: m.fullName,
    province: units.units.get(m.code)?.provinceName ?? units.provinceName,
    ...(m.oldName ? { oldName: m.oldName } : {}),
  }));
  if (facts.communes.length) {
    facts.adminDataVersion = units.version;
    facts.placeWords = placeWordsOf(text, kept[0]!.oldName ?? kept[0]!.fullName) ?? text.trim().slice(0, 200);
  }
  return facts;
}

/**
 * Time words that, in a story, do not say when it happened: a habit ("mỗi tối", "tối nào cũng"),
 * "ngược chiều" (the wrong way, not the afternoon), and a bare "dang" typed without marks that
 * is "đăng" (posted: "quay clip dang len mang"). Asking is better than proposing a wrong time.
 */
function habitOrOtherSense(text: string, matched: string): boolean {
  const all = fold(text);
  const words = fold(matched).trim();
  const at = all.indexOf(words);
  const before = at >= 0 ? all.slice(0, at).trim().split(/\s+/).slice(-1)[0] ?? "" : "";
  const after = at >= 0 ? all.slice(at + words.length).trim().split(/\s+/).slice(0, 2).join(" ") : "";
  if (["moi", "hang", "cac", "nhung", "nguoc"].includes(before)) return true;
  if (after.startsWith("nao cung") || after.startsWith("nao")) return true;
  if (words === "dang" && !/đang/i.test(text) && /^(len|tai|bai|clip|anh|video|tin|ky|lan truyen)\b/.test(after)) return true;
  return false;
}

/** The stretch of the resident's text around the commune name ("gần trường học xã Ba Tơ"), for the officer. */
function placeWordsOf(text: string, name: string): string | undefined {
  // Folding keeps one character per character of NFC text (marks go, đ becomes d), so positions agree.
  const bare = fold(name).replace(/^(xa|phuong|thi tran|dac khu)\s+/, "");
  const at = fold(text).indexOf(bare);
  if (at < 0) return undefined;
  const before = text.slice(0, at).split(/\s+/).slice(-5).join(" ");
  return `${before} ${text.slice(at, at + bare.length)}`.trim().slice(0, 200);
}
