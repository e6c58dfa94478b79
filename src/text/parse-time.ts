/**
 * When something happened, as a resident types it, read as a range of instants in Vietnam's time
 * (Asia/Ho_Chi_Minh: UTC+7 all year, no daylight saving, so the offset is a constant here and the
 * host's time zone never matters). A resident never gives an exact time, so neither do we: "tối qua
 * khoảng 8 giờ" is 19:30–20:30 yesterday, "hôm qua" is all of yesterday, and the resident is shown
 * the range (describeTimeRange) to confirm it. Typed with or without marks and in teen-code
 * ("hqua", "toi wa", "8h", "tam 8g", "t7 tuan trc"), alone or inside a sentence.
 *
 * The rules (from inclusive, to exclusive):
 * - day: "hôm nay", "… nay" (sáng nay, tối nay) → today; "hôm qua", "… qua" (tối qua, đêm qua) →
 *   yesterday; "hôm kia" → 2 days ago, "hôm kìa" → 3; "N ngày/hôm trước" → N days ago; a weekday
 *   ("thứ 2"…"thứ bảy", "t7", "chủ nhật", "cn") → the last such day before today, or with "tuần
 *   trước" that day of last week (weeks start on Monday); "tuần trước" alone → last week, Monday to
 *   Monday; "12/11", "12-11", "ngày 12/11" → that date this year, or last year if it is after
 *   today; "tháng trước" → last calendar month. No day but a part of day or a clock time → today.
 * - part of day: sáng 05–11, trưa 11–13, chiều 13–18, tối 18–22, đêm 22–05 (next day), khuya 23–04
 *   (next day), rạng sáng 03–06. A day with neither part nor clock time → the whole day.
 * - clock time ("8 giờ", "8h30", "8g", "8 rưỡi", "20:30", after "khoảng/tầm/chừng/lúc/hồi" or not)
 *   → 30 minutes either side. 1–12 follow the part of day (tối 8 giờ → 20:00, đêm 2 giờ → 02:00 the
 *   night after the day named); without one, 1–5 are afternoon (13–17) and 6–12 as written.
 * - relative: "vừa xong", "vừa mới", "mới đây", "lúc/hồi/ban nãy" → the last 2 hours; "N phút
 *   trước" → N minutes ago ± 15 minutes; "N tiếng/giờ trước" → N hours ago ± 30 minutes; "bây
 *   giờ", "đang" → the last 30 minutes.
 * - a range never ends after `now`; one that would start after `now` ("tối nay" said at 10:00) is null.
 *
 * Words with marks are read as typed ("tôi" is not "tối", "này" is not "nãy"); words without marks
 * are read generously, but a bare "toi"/"sang"/"dem" counts as a part of day only next to another
 * time word ("toi qua", "8 gio toi") or alone, so "toi thay co nguoi" is not an evening.
 *
 * @example
 * const now = new Date("2026-12-02T10:00:00+07:00");
 * parseTimeRange("co nguoi trom xe toi qua khoang 8 gio o cho", now);
 * // { from: 2026-12-01T19:30+07:00, to: 2026-12-01T20:30+07:00, matched: "toi qua khoang 8 gio" }
 * describeTimeRange(parseTimeRange("tối qua", now)!); // "buổi tối 01/12/2026 (18:00–22:00)"
 * rangeOfChoice("yesterday", now); // { from: 2026-12-01T00:00+07:00, to: 2026-12-02T00:00+07:00 }
 */
import { fold } from "./normalize.ts";

/** Instants: `from` inclusive, `to` exclusive. */
export interface TimeRange {
  from: Date;
  to: Date;
}

export interface ParsedTimeRange extends TimeRange {
  /** The resident's words that gave the range, as typed (NFC). */
  matched: string;
}

/** The report flow's "when" buttons. */
export type WhenChoice = "now" | "today" | "yesterday" | "earlier";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Asia/Ho_Chi_Minh is UTC+7 all year. */
const VIETNAM_OFFSET = 7 * HOUR;

// ── Vietnam local calendar on plain numbers (UTC milliseconds) ─────────────────────────────

/** The instant at which the Vietnam day containing `ms` starts. */
function dayStartOf(ms: number): number {
  return Math.floor((ms + VIETNAM_OFFSET) / DAY) * DAY - VIETNAM_OFFSET;
}

/** The instant at which Vietnam's calendar day year-month-day starts (month 1–12). */
function dayStartOfDate(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) - VIETNAM_OFFSET;
}

function localFields(ms: number) {
  const d = new Date(ms + VIETNAM_OFFSET);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    /** 0 = Monday … 6 = Sunday. */
    weekday: (d.getUTCDay() + 6) % 7,
  };
}

/** The range cut at `now`; null when nothing of it is before `now`. */
function upToNow(from: number, to: number, now: number): TimeRange | null {
  const end = Math.min(to, now);
  return from < end ? { from: new Date(from), to: new Date(end) } : null;
}

// ── words ───────────────────────────────────────────────────────────────────────────────────

/**
 * Words whose folded form is ambiguous: typed with marks, only these spellings carry the time
 * meaning ("tối" yes, "tôi" no). Typed without marks, any word is accepted.
 */
const MARKED: Record<string, readonly string[]> = {
  sang: ["sáng"], trua: ["trưa"], chieu: ["chiều", "chìu"], toi: ["tối"], dem: ["đêm"], rang: ["rạng"],
  qua: [], nay: [], kia: ["kìa"], hom: ["hôm", "hổm", "hum"], bay: ["bây"], dang: ["đang", "đag", "đg"],
  moi: ["mới"], day: ["đây"], vua: ["vừa"], tam: ["tầm"], hoi: ["hồi"], luc: ["lúc"], khoang: ["khoảng"],
  chung: ["chừng"], vao: ["vào"], buoi: ["buổi"], truoc: ["trước"], roi: ["rồi"], ngay: ["ngày"],
  tuan: ["tuần"], thang: ["tháng"], thu: ["thứ"], chu: ["chủ"], nhat: ["nhật", "nhựt"], gio: ["giờ"],
  phut: ["phút"], tieng: ["tiếng"], ruoi: ["rưỡi", "rưởi"], kem: ["kém"], cach: ["cách"], som: ["sớm"],
  dong: ["đồng"], ho: ["hồ"], ban: ["ban"], xong: ["xong"],
};

/** Teen-code and glued forms, by folded spelling, as the words they stand for. */
const SHORT_FORMS: Record<string, string[]> = {
  hqua: ["hom", "qua"], hqa: ["hom", "qua"], homqua: ["hom", "qua"], humqua: ["hom", "qua"],
  hnay: ["hom", "nay"], homnay: ["hom", "nay"], humnay: ["hom", "nay"],
  hkia: ["hom", "kia"], homkia: ["hom", "kia"],
  hum: ["hom"], bua: ["hom"],
  wa: ["qua"], qa: ["qua"],
  trc: ["truoc"], trk: ["truoc"],
  bh: ["bay", "gio"], bgio: ["bay", "gio"], bjo: ["bay", "gio"], bayh: ["bay", "gio"],
  dag: ["dang"], dg: ["dang"],
  ms: ["moi"],
  cn: ["chu", "nhat"],
  p: ["phut"], ph: ["phut"],
  h: ["gio"], g: ["gio"], tieg: ["tieng"],
};

/** Number words (value; spellings with marks that mean the number). */
const NUMBER_WORDS: Record<string, { value: number; marked: readonly string[] }> = {
  mot: { value: 1, marked: ["một", "mốt"] },
  hai: { value: 2, marked: [] },
  ba: { value: 3, marked: [] },
  bon: { value: 4, marked: ["bốn"] },
  tu: { value: 4, marked: ["tư"] },
  nam: { value: 5, marked: ["năm"] },
  lam: { value: 5, marked: ["lăm"] },
  sau: { value: 6, marked: ["sáu"] },
  bay: { value: 7, marked: ["bảy", "bẩy"] },
  tam: { value: 8, marked: ["tám"] },
  chin: { value: 9, marked: ["chín"] },
  muoi: { value: 10, marked: ["mười", "mươi"] },
};
/** Number words that, typed without marks, are more often another word before "gio" ("bay gio" = now). */
const AMBIGUOUS_HOUR_WORDS = new Set(["bay", "tam", "nam", "sau", "tu", "lam"]);

/** Words before "thứ N" that make it an ordinal ("lần thứ hai"), not a weekday. */
const ORDINAL_BEFORE = new Set(["lan", "nguoi", "dua", "cai", "con", "chiec", "dieu", "hang", "tang", "lop", "muc", "so", "buoc", "ngay"]);

/** Words that approximate a clock time, kept in the matched words. */
const APPROXIMATE = ["khoang", "tam", "chung", "luc", "hoi", "vao"];

type PartName = "sang" | "trua" | "chieu" | "toi" | "dem" | "khuya" | "rangSang";

/** Parts of day in local hours from the day's start (đêm and khuya run into the next day). */
const PARTS: Record<PartName, { from: number; to: number; label: string }> = {
  rangSang: { from: 3, to: 6, label: "rạng sáng" },
  sang: { from: 5, to: 11, label: "buổi sáng" },
  trua: { from: 11, to: 13, label: "buổi trưa" },
  chieu: { from: 13, to: 18, label: "buổi chiều" },
  toi: { from: 18, to: 22, label: "buổi tối" },
  dem: { from: 22, to: 29, label: "đêm" },
  khuya: { from: 23, to: 28, label: "khuya" },
};

/**
 * Words that, right after a bare "toi"/"sang"/"dem", show it is "tôi" (I), "sang" (go over) or
 * "đem"/"đếm" (bring, count), not a part of day: "8 gio toi thay…" is "at 8 I saw…".
 */
const NOT_PART_AFTER: Partial<Record<PartName, ReadonlySet<string>>> = {
  toi: new Set(["thay", "nghe", "biet", "di", "o", "da", "dang", "co", "la", "muon", "bao", "can", "goi", "nhin", "phat", "chung", "bi", "vua", "moi", "se", "khong", "ko", "cung", "chi", "va", "ve", "xin", "nhan", "gap", "lam", "chay", "tinh", "ra", "vao", "den", "thi", "hoi", "nho", "doc", "mat"]),
  sang: new Set(["nha", "ben", "day", "do", "kia", "tay", "ten", "song", "duong", "xa", "thon", "ngang", "lang"]),
  dem: new Set(["tien", "theo", "ve", "di", "xe", "do", "hang", "ra", "vao", "den", "cho", "len", "xuong", "giau", "ban"]),
};
/**
 * Words (as typed) after which a part-of-day word is another word, marks or not: "chiều cao" is
 * height, "tối quá"/"tối om" is dark, not an evening.
 */
const NEVER_PART_AFTER: Partial<Record<PartName, ReadonlySet<string>>> = {
  chieu: new Set(["cao", "dài", "dai", "rộng", "rong", "ngang", "hướng", "huong", "lòng", "long", "chuộng", "chuong"]),
  toi: new Set(["quá", "om", "thui", "mịt", "mit", "tăm", "sầm", "sam", "đen"]),
};

// ── tokens ──────────────────────────────────────────────────────────────────────────────────

interface Token {
  kind: "word" | "num" | "pair" | "clock" | "break";
  /** Folded word (after short forms), or the digits. */
  w: string;
  /** Lower-case NFC as typed ("tối"); equal to `w` when typed without marks. */
  typed: string;
  start: number;
  end: number;
  /** Typed right after the previous token, no space ("8h", "t7"). */
  glued: boolean;
  value?: number;
  /** "12/11", "8-9": the two numbers and an optional year. */
  pair?: { a: number; b: number; year?: number };
  /** "20:30". */
  clock?: { h: number; m: number };
}

const TOKEN =
  /(?<!\d)(\d{1,2})[/-](\d{1,2})(?:[/-](\d{4}|\d{2}))?(?![\d/-])|(?<!\d)(\d{1,2}):(\d{2})(?!\d)|\d+|[\p{L}\p{M}]+|[.,;:!?()\n]/gu;

function tokenize(text: string): Token[] {
  const lower = text.toLowerCase();
  const tokens: Token[] = [];
  let lastEnd = -1;
  for (const m of lower.matchAll(TOKEN)) {
    const start = m.index;
    const end = start + m[0].length;
    const base = { start, end, glued: start === lastEnd, typed: m[0] };
    lastEnd = end;
    if (m[1] !== undefined) {
      const year = m[3] === undefined ? undefined : m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
      tokens.push({ ...base, kind: "pair", w: m[0], pair: { a: Number(m[1]), b: Number(m[2]), ...(year !== undefined ? { year } : {}) } });
    } else if (m[4] !== undefined) {
      tokens.push({ ...base, kind: "clock", w: m[0], clock: { h: Number(m[4]), m: Number(m[5]) } });
    } else if (/^\d/.test(m[0])) {
      tokens.push({ ...base, kind: "num", w: m[0], value: Number(m[0]) });
    } else if (/^[\p{L}\p{M}]/u.test(m[0])) {
      const folded = fold(m[0]);
      const short = m[0] === folded || folded === "dg" || folded === "dag" || m[0] === "bữa" ? SHORT_FORMS[folded] : undefined;
      if (short && short.length === 0) tokens.push({ ...base, kind: "word", w: folded });
      else if (short) for (const w of short) tokens.push({ ...base, kind: "word", w, typed: w });
      else tokens.push({ ...base, kind: "word", w: folded });
    } else {
      tokens.push({ ...base, kind: "break", w: m[0] });
    }
  }
  return tokens;
}

/** Is token `t` the word `w` (typed without marks, or with one of the spellings that mean it)? */
function isWord(t: Token | undefined, w: string): boolean {
  if (!t || t.kind !== "word" || t.w !== w) return false;
  if (t.typed === t.w) return true;
  const marked = MARKED[w];
  return marked === undefined || marked.includes(t.typed);
}

function isAnyWord(t: Token | undefined, words: readonly string[]): boolean {
  return words.some((w) => isWord(t, w));
}

/** A number at `i`, in digits or words ("hai mươi lăm"); `forHour` refuses words that are usually something else. */
function readNumber(tokens: Token[], i: number, forHour = false): { value: number; next: number } | null {
  const t = tokens[i];
  if (!t) return null;
  if (t.kind === "num") return { value: t.value!, next: i + 1 };
  const digit = (k: number) => {
    const x = tokens[k];
    if (!x || x.kind !== "word") return null;
    const n = NUMBER_WORDS[x.w];
    if (!n || n.value === 10) return null;
    if (x.typed !== x.w && !n.marked.includes(x.typed)) return null;
    if (x.typed === x.w && (x.w === "lam" || (forHour && AMBIGUOUS_HOUR_WORDS.has(x.w)))) return null;
    return n.value;
  };
  const isTen = (k: number) => isWord(tokens[k], "muoi") && (tokens[k]!.typed === "muoi" || NUMBER_WORDS.muoi!.marked.includes(tokens[k]!.typed));
  const unitAfterTen = (k: number) => {
    const x = tokens[k];
    if (!x || x.kind !== "word") return null;
    if (x.w === "lam" || (x.w === "nam" && (x.typed === "nam" || x.typed === "năm"))) return 5;
    if (x.w === "mot" && (x.typed === "mot" || x.typed === "mốt")) return 1;
    return digit(k);
  };
  if (isTen(i)) {
    const u = unitAfterTen(i + 1);
    return u === null ? { value: 10, next: i + 1 } : { value: 10 + u, next: i + 2 };
  }
  const d = digit(i);
  if (d === null) return null;
  if (isTen(i + 1) && d >= 2) {
    const u = unitAfterTen(i + 2);
    return u === null ? { value: d * 10, next: i + 2 } : { value: d * 10 + u, next: i + 3 };
  }
  return { value: d, next: i + 1 };
}

// ── what the words say ──────────────────────────────────────────────────────────────────────

type Found =
  | { t: "ago"; minutes: number; spread: number }
  | { t: "hoursAgoOrClock"; n: number }
  | { t: "recent" }
  | { t: "now" }
  | { t: "dayOffset"; days: number }
  | { t: "date"; day: number; month: number; year?: number }
  | { t: "weekday"; weekday: number }
  | { t: "lastWeek" }
  | { t: "lastMonth" }
  | { t: "clock"; h: number; m: number; untilH?: number }
  | { t: "part"; part: PartName }
  /** Words read so they are not misread ("2 tuần trước" is not "tuần trước"), giving no range. */
  | { t: "none" };

interface Hit {
  found: Found;
  /** Token indices, inclusive. */
  first: number;
  last: number;
}

const WEEKDAY_WORDS: Record<string, number> = { hai: 0, ba: 1, tu: 2, nam: 3, sau: 4, bay: 5 };

/** "thứ 2"/"thứ hai"/"t7"/"chủ nhật": weekday index (0 = Monday) and the last token. */
function readWeekday(tokens: Token[], i: number): { weekday: number; last: number } | null {
  const t = tokens[i];
  if (isWord(t, "chu") && isWord(tokens[i + 1], "nhat")) return { weekday: 6, last: i + 1 };
  const next = tokens[i + 1];
  const thu = isWord(t, "thu") || (t?.kind === "word" && t.w === "t" && t.typed === "t" && next?.glued === true);
  if (!thu || !next) return null;
  if (next.kind === "num" && next.value! >= 2 && next.value! <= 7) return { weekday: next.value! - 2, last: i + 1 };
  if (t!.w === "thu" && next.kind === "word" && next.w in WEEKDAY_WORDS) {
    const marked = NUMBER_WORDS[next.w]?.marked ?? [];
    if (next.typed === next.w || marked.includes(next.typed)) return { weekday: WEEKDAY_WORDS[next.w]!, last: i + 1 };
  }
  return null;
}

function validDate(day: number, month: number, year = 2000): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
}

/** A clock time starting at `i` ("8 giờ 30", "8h", "8 rưỡi", "20:30", "tám giờ kém 15"), or null. */
function readClock(tokens: Token[], i: number): { h: number; m: number; untilH?: number; last: number } | null {
  const t = tokens[i];
  if (!t) return null;
  if (t.kind === "clock") return t.clock!.h <= 24 && t.clock!.m < 60 ? { ...t.clock!, last: i } : null;
  if (t.kind === "pair" && t.pair!.year === undefined && isWord(tokens[i + 1], "gio")) {
    const { a, b } = t.pair!;
    return a < b && b <= 24 ? { h: a, m: 0, untilH: b, last: i + 1 } : null;
  }
  const hour = readNumber(tokens, i, true);
  if (!hour || hour.value > 24) return null;
  let k = hour.next;
  const unit = tokens[k];
  if (isWord(unit, "ruoi")) return { h: hour.value, m: 30, last: k };
  // A number alone is not a time: it needs "giờ"/"h"/"g" ("khoang 8 nguoi" is not 8 o'clock).
  if (!isWord(unit, "gio")) return null;
  // "h"/"g" typed apart from the number ("8 h") is accepted; a word number needs "giờ".
  if (t.kind !== "num" && unit!.typed !== "gio" && unit!.typed !== "giờ") return null;
  let m = 0;
  let last = k;
  if (isWord(tokens[k + 1], "ruoi")) return { h: hour.value, m: 30, last: k + 1 };
  if (isWord(tokens[k + 1], "kem")) {
    const before = readNumber(tokens, k + 2);
    if (before && before.value > 0 && before.value < 60 && hour.value > 0) {
      last = before.next - 1;
      if (isWord(tokens[last + 1], "phut")) last++;
      return { h: hour.value - 1, m: 60 - before.value, last };
    }
    return { h: hour.value, m: 0, last };
  }
  const minutes = readNumber(tokens, k + 1);
  if (minutes && minutes.value < 60 && !isAnyWord(tokens[minutes.next], ["truoc", "roi"]) && !(isWord(tokens[minutes.next], "phut") && isAnyWord(tokens[minutes.next + 1], ["truoc", "roi"]))) {
    m = minutes.value;
    last = minutes.next - 1;
    if (isWord(tokens[last + 1], "phut")) last++;
  }
  return { h: hour.value, m, last };
}

/** "N phút/tiếng/giờ/ngày trước" and "cách đây N …", at `i`. */
function readAgo(tokens: Token[], i: number): Hit | null {
  let k = i;
  const since = isWord(tokens[k], "cach") && isWord(tokens[k + 1], "day");
  if (since) k += 2;
  const n = readNumber(tokens, k);
  if (!n) return null;
  const unitAt = n.next;
  const unit = tokens[unitAt];
  let last = unitAt;
  let kind: "minutes" | "hours" | "clockHours" | "days" | "weeks" | "months" | null = null;
  if (isWord(unit, "phut")) kind = "minutes";
  else if (isWord(unit, "tieng")) kind = "hours";
  else if (isWord(unit, "gio")) kind = "clockHours";
  else if (isAnyWord(unit, ["ngay", "hom"])) kind = "days";
  else if (isWord(unit, "tuan")) kind = "weeks";
  else if (isWord(unit, "thang")) kind = "months";
  if (!kind) return null;
  if ((kind === "hours" || kind === "clockHours") && isWord(tokens[last + 1], "dong") && isWord(tokens[last + 2], "ho")) last += 2;
  const ago = isAnyWord(tokens[last + 1], ["truoc", "roi"]);
  if (!ago && !since) return null;
  if (ago) last++;
  const first = i;
  switch (kind) {
    case "minutes":
      return { found: { t: "ago", minutes: n.value, spread: 15 }, first, last };
    case "hours":
      return { found: { t: "ago", minutes: n.value * 60, spread: 30 }, first, last };
    case "clockHours":
      return since ? { found: { t: "ago", minutes: n.value * 60, spread: 30 }, first, last } : { found: { t: "hoursAgoOrClock", n: n.value }, first, last };
    case "days":
      return { found: { t: "dayOffset", days: -n.value }, first, last };
    default:
      // "2 tuần trước", "3 tháng trước": not "tuần trước"/"tháng trước"; taken so they are not misread.
      return { found: { t: "none" }, first, last };
  }
}

function readPart(tokens: Token[], i: number): { part: PartName; last: number; marked: boolean } | null {
  const t = tokens[i];
  if (!t || t.kind !== "word") return null;
  if (isWord(t, "rang") && isWord(tokens[i + 1], "sang")) return { part: "rangSang", last: i + 1, marked: true };
  if (t.w === "khuya") return { part: "khuya", last: i, marked: true };
  for (const part of ["sang", "trua", "chieu", "toi", "dem"] as const) {
    if (isWord(t, part)) return { part, last: i, marked: t.typed !== t.w || part === "trua" || part === "chieu" };
  }
  return null;
}

/** Everything the text says about time, left to right. */
function findAll(tokens: Token[]): Hit[] {
  const hits: Hit[] = [];
  const taken = new Set<number>();
  const take = (hit: Hit) => {
    for (let k = hit.first; k <= hit.last; k++) taken.add(k);
    if (hit.found.t !== "none") hits.push(hit);
    return hit.last;
  };
  // Up to two approximating words just before ("khoảng 8 giờ", "vào lúc 8 giờ") belong to the time.
  const withApproximation = (i: number) => {
    let first = i;
    while (first > 0 && first > i - 2 && !taken.has(first - 1) && isAnyWord(tokens[first - 1], APPROXIMATE)) first--;
    return first;
  };

  for (let i = 0; i < tokens.length; i++) {
    if (taken.has(i)) continue;
    const t = tokens[i]!;
    if (t.kind === "break") continue;

    const ago = readAgo(tokens, i);
    if (ago) {
      i = take({ ...ago, first: withApproximation(ago.first) });
      continue;
    }
    if (isWord(t, "vua") && isAnyWord(tokens[i + 1], ["xong", "moi"])) {
      i = take({ found: { t: "recent" }, first: i, last: isWord(tokens[i + 2], "xong") && tokens[i + 1]!.w === "moi" ? i + 2 : i + 1 });
      continue;
    }
    if (isWord(t, "moi") && isWord(tokens[i + 1], "day")) {
      i = take({ found: { t: "recent" }, first: i, last: i + 1 });
      continue;
    }
    const justNow = tokens[i + 1];
    if (isAnyWord(t, ["luc", "hoi", "ban"]) && justNow?.w === "nay" && (justNow.typed === "nay" || justNow.typed === "nãy")) {
      i = take({ found: { t: "recent" }, first: i, last: i + 1 });
      continue;
    }
    if (isWord(t, "hom") || isWord(t, "ngay")) {
      const day = tokens[i + 1];
      if (isWord(t, "hom") && day?.kind === "word") {
        if (day.w === "qua" && day.typed === "qua") { i = take({ found: { t: "dayOffset", days: -1 }, first: i, last: i + 1 }); continue; }
        if (day.w === "nay" && day.typed === "nay") { i = take({ found: { t: "dayOffset", days: 0 }, first: i, last: i + 1 }); continue; }
        if (day.w === "kia" && (day.typed === "kia" || day.typed === "kìa")) { i = take({ found: { t: "dayOffset", days: day.typed === "kìa" ? -3 : -2 }, first: i, last: i + 1 }); continue; }
      }
      // "ngày 12 tháng 11"
      const d = readNumber(tokens, i + 1);
      if (isWord(t, "ngay") && d && isWord(tokens[d.next], "thang")) {
        const mo = readNumber(tokens, d.next + 1);
        if (mo && validDate(d.value, mo.value)) {
          i = take({ found: { t: "date", day: d.value, month: mo.value }, first: i, last: mo.next - 1 });
          continue;
        }
      }
    }
    if (t.kind === "pair") {
      const clock = readClock(tokens, i);
      if (clock) {
        i = take({ found: { t: "clock", h: clock.h, m: clock.m, ...(clock.untilH !== undefined ? { untilH: clock.untilH } : {}) }, first: withApproximation(i), last: clock.last });
        continue;
      }
      const { a, b, year } = t.pair!;
      if (validDate(a, b, year)) {
        const first = i > 0 && !taken.has(i - 1) && isAnyWord(tokens[i - 1], ["ngay", "hom"]) ? i - 1 : i;
        i = take({ found: { t: "date", day: a, month: b, ...(year !== undefined ? { year } : {}) }, first, last: i });
        continue;
      }
    }
    const weekday = readWeekday(tokens, i);
    if (weekday && !(i > 0 && tokens[i - 1]!.kind === "word" && ORDINAL_BEFORE.has(tokens[i - 1]!.w))) {
      const first = i > 0 && !taken.has(i - 1) && isAnyWord(tokens[i - 1], ["hom", "vao"]) ? i - 1 : i;
      i = take({ found: { t: "weekday", weekday: weekday.weekday }, first, last: weekday.last });
      continue;
    }
    if (isAnyWord(t, ["tuan", "thang"]) && isAnyWord(tokens[i + 1], ["truoc", "roi"])) {
      i = take({ found: { t: t.w === "tuan" ? "lastWeek" : "lastMonth" }, first: i, last: i + 1 });
      continue;
    }
    const clock = readClock(tokens, i);
    if (clock) {
      i = take({ found: { t: "clock", h: clock.h, m: clock.m }, first: withApproximation(i), last: clock.last });
      continue;
    }
    if (isWord(t, "bay") && isWord(tokens[i + 1], "gio")) {
      i = take({ found: { t: "now" }, first: i, last: i + 1 });
      continue;
    }
    // "đang" (happening now), not "đăng ký", "dáng người", "hình dạng" typed without marks.
    if (isWord(t, "dang") && !isAnyWord(tokens[i + 1], ["ky", "ki", "tai", "bai", "nhap", "tin", "anh", "nguoi"]) && !isWord(tokens[i - 1], "hinh")) {
      i = take({ found: { t: "now" }, first: i, last: i });
      continue;
    }
  }

  // Parts of day, once the other time words are known: a bare "toi" needs one beside it.
  const words = tokens.filter((t) => t.kind !== "break");
  for (let i = 0; i < tokens.length; i++) {
    if (taken.has(i)) continue;
    const part = readPart(tokens, i);
    if (!part) continue;
    let last = part.last;
    if (isWord(tokens[last + 1], "som")) last++;
    const after = tokens[last + 1];
    const anchoredBy = after?.kind === "word" && after.typed === after.w && (after.w === "qua" || after.w === "nay") ? after.w : null;
    const before = tokens[i - 1];
    const nextToTime = taken.has(last + 1) || (taken.has(i - 1) && before?.kind !== "break");
    const afterBuoi = isAnyWord(before, ["buoi", "vao", "nua"]);
    const alone = words.length === last - i + 1;
    const afterWord = after?.kind === "word" ? after.w : "";
    if (after?.kind === "word" && NEVER_PART_AFTER[part.part]?.has(after.typed)) continue;
    const notPart = !part.marked && NOT_PART_AFTER[part.part]?.has(afterWord) === true;
    const counts = anchoredBy !== null || (!notPart && (part.marked || nextToTime || afterBuoi || alone));
    if (!counts) continue;
    const first = afterBuoi && !taken.has(i - 1) ? i - 1 : i;
    if (anchoredBy) {
      for (let k = first; k <= last + 1; k++) taken.add(k);
      hits.push({ found: { t: "part", part: part.part }, first, last: last + 1 });
      hits.push({ found: { t: "dayOffset", days: anchoredBy === "qua" ? -1 : 0 }, first: last + 1, last: last + 1 });
    } else {
      for (let k = first; k <= last; k++) taken.add(k);
      hits.push({ found: { t: "part", part: part.part }, first, last });
    }
    i = last;
  }
  return hits.sort((a, b) => a.first - b.first);
}

// ── from words to instants ──────────────────────────────────────────────────────────────────

/** The hour of the day named by `h` (1–12 read with the part of day), as hours from that day's start. */
function hourOfDay(h: number, part: PartName | undefined, nightAfterNamedDay: boolean): number {
  if (h > 12) return h;
  if (h === 0) return part === "dem" || part === "khuya" ? (nightAfterNamedDay ? 24 : 0) : 0;
  switch (part) {
    case undefined:
      return h <= 5 ? h + 12 : h;
    case "sang":
    case "rangSang":
      return h;
    case "trua":
      return h <= 5 ? h + 12 : h;
    case "chieu":
      return h === 12 ? 12 : h + 12;
    case "toi":
    case "dem":
    case "khuya":
      if (h === 12) return nightAfterNamedDay ? 24 : 0;
      if (h <= 5) return nightAfterNamedDay ? 24 + h : h;
      return h + 12;
  }
}

function resolve(hits: Hit[], now: number): TimeRange | null {
  const of = <T extends Found["t"]>(t: T) => hits.find((h) => h.found.t === t)?.found as Extract<Found, { t: T }> | undefined;
  const ago = of("ago");
  if (ago) {
    const centre = now - ago.minutes * MINUTE;
    return upToNow(centre - ago.spread * MINUTE, centre + ago.spread * MINUTE, now);
  }
  const part = of("part");
  const date = of("date");
  const weekday = of("weekday");
  const dayOffset = of("dayOffset");
  const lastWeek = of("lastWeek");
  const lastMonth = of("lastMonth");
  const hoursAgoOrClock = of("hoursAgoOrClock");
  const anchored = Boolean(date || weekday || dayOffset || lastWeek || lastMonth);
  if (hoursAgoOrClock && !anchored && !part) {
    const centre = now - hoursAgoOrClock.n * HOUR;
    return upToNow(centre - 30 * MINUTE, centre + 30 * MINUTE, now);
  }
  if (of("recent")) return upToNow(now - 2 * HOUR, now, now);
  const clock = of("clock") ?? (hoursAgoOrClock && hoursAgoOrClock.n <= 24 ? { t: "clock" as const, h: hoursAgoOrClock.n, m: 0 } : undefined);
  if (!anchored && !part && !clock) return of("now") ? upToNow(now - 30 * MINUTE, now, now) : null;

  const today = dayStartOf(now);
  const here = localFields(now);
  const thisMonday = today - here.weekday * DAY;
  let day = today;
  if (date) {
    let year = date.year ?? here.year;
    if (date.year === undefined && dayStartOfDate(year, date.month, date.day) > today) year--;
    if (!validDate(date.day, date.month, year)) return null;
    day = dayStartOfDate(year, date.month, date.day);
  } else if (weekday && lastWeek) {
    day = thisMonday - 7 * DAY + weekday.weekday * DAY;
  } else if (weekday) {
    const back = (here.weekday - weekday.weekday + 7) % 7 || 7;
    day = today - back * DAY;
  } else if (dayOffset) {
    day = today + dayOffset.days * DAY;
  } else if (lastWeek) {
    return upToNow(thisMonday - 7 * DAY, thisMonday, now);
  } else if (lastMonth) {
    const firstOfMonth = dayStartOfDate(here.year, here.month, 1);
    const previous = localFields(firstOfMonth - DAY);
    return upToNow(dayStartOfDate(previous.year, previous.month, 1), firstOfMonth, now);
  }

  if (clock) {
    const at = (h: number) => day + hourOfDay(h, part?.part, anchored) * HOUR + clock.m * MINUTE;
    const untilH = "untilH" in clock ? clock.untilH : undefined;
    const start = at(clock.h);
    const end = untilH !== undefined ? day + hourOfDay(untilH, part?.part, anchored) * HOUR : start;
    return upToNow(start - 30 * MINUTE, Math.max(end, start) + 30 * MINUTE, now);
  }
  if (part) {
    const p = PARTS[part.part];
    return upToNow(day + p.from * HOUR, day + p.to * HOUR, now);
  }
  return upToNow(day, day + DAY, now);
}

/** The words that gave the range, from the text as typed: contiguous pieces, gaps shown as "…". */
function matchedWords(text: string, tokens: Token[], hits: Hit[]): string {
  const spans = hits
    .map((h) => [tokens[h.first]!.start, tokens[h.last]!.end] as const)
    .sort((a, b) => a[0] - b[0]);
  const pieces: [number, number][] = [];
  for (const [s, e] of spans) {
    const prev = pieces.at(-1);
    if (prev && /^[\s.,;:!?()-]*$/u.test(text.slice(prev[1], s))) prev[1] = Math.max(prev[1], e);
    else pieces.push([s, e]);
  }
  return pieces.map(([s, e]) => text.slice(s, e)).join(" … ");
}

/**
 * The time range a resident's words give, in Vietnam time, or null when they name no time (or
 * only a time still to come). Pure: the same words and `now` always give the same range.
 *
 * @example parseTimeRange("hqua khoang 8h toi", new Date("2026-12-02T10:00:00+07:00"))
 * // { from: 2026-12-01T19:30+07:00, to: 2026-12-01T20:30+07:00, matched: "hqua khoang 8h toi" }
 */
export function parseTimeRange(text: string, now: Date): ParsedTimeRange | null {
  const nfc = text.normalize("NFC");
  // toLowerCase keeps Vietnamese lengths, so offsets into the lower-case text fit the typed text.
  const source = nfc.toLowerCase().length === nfc.length ? nfc : nfc.toLowerCase();
  const tokens = tokenize(source);
  const hits = findAll(tokens);
  if (hits.length === 0) return null;
  const range = resolve(hits, now.getTime());
  if (!range) return null;
  return { ...range, matched: matchedWords(source, tokens, hits) };
}

/**
 * The range behind each of the report flow's "when" buttons: "now" the last 30 minutes, "today"
 * from midnight until now, "yesterday" the whole of yesterday, "earlier" no range (unknown).
 *
 * @example rangeOfChoice("yesterday", new Date("2026-12-02T10:00:00+07:00"))
 * // { from: 2026-12-01T00:00+07:00, to: 2026-12-02T00:00+07:00 }
 */
export function rangeOfChoice(choice: WhenChoice, now: Date): TimeRange | null {
  const n = now.getTime();
  const today = dayStartOf(n);
  switch (choice) {
    case "now":
      return upToNow(n - 30 * MINUTE, n, n);
    case "today":
      return { from: new Date(today), to: new Date(n) };
    case "yesterday":
      return { from: new Date(today - DAY), to: new Date(today) };
    case "earlier":
      return null;
  }
}

// ── wording ─────────────────────────────────────────────────────────────────────────────────

const pad = (n: number) => String(n).padStart(2, "0");

/** dd/mm/yyyy of the Vietnam day containing `ms`. */
function dateText(ms: number): string {
  const f = localFields(ms);
  return `${pad(f.day)}/${pad(f.month)}/${f.year}`;
}

/** HH:MM in Vietnam; `dayStart` given, the end of that day reads 24:00. */
function clockText(ms: number, dayStart?: number): string {
  if (dayStart !== undefined && ms === dayStart + DAY) return "24:00";
  const f = localFields(ms);
  return `${pad(f.hour)}:${pad(f.minute)}`;
}

const RELATIVE_DAYS = ["hôm nay", "hôm qua", "hôm kia"];

/**
 * A range in plain Vietnamese, for the resident to confirm and for the officer: dates dd/mm/yyyy,
 * times 24-hour, always both ends, never a single exact time. With `now`, a range within one of
 * the last three days says which ("(hôm qua)").
 *
 * @example describeTimeRange({ from: new Date("2026-12-01T19:30:00+07:00"), to: new Date("2026-12-01T20:30:00+07:00") })
 * // "khoảng 19:30–20:30 ngày 01/12/2026"
 * @example describeTimeRange({ from: new Date("2026-11-23T00:00:00+07:00"), to: new Date("2026-11-30T00:00:00+07:00") })
 * // "từ 23/11/2026 đến 29/11/2026"
 */
export function describeTimeRange(range: TimeRange, now?: Date): string {
  const from = range.from.getTime();
  const to = Math.max(range.to.getTime(), from);
  const day = dayStartOf(from);
  const relative = () => {
    if (!now) return "";
    const back = Math.round((dayStartOf(now.getTime()) - day) / DAY);
    return back >= 0 && back < RELATIVE_DAYS.length ? ` (${RELATIVE_DAYS[back]})` : "";
  };

  if (from === day && dayStartOf(to) === to && to > from) {
    const days = Math.round((to - from) / DAY);
    if (days === 1) return `cả ngày ${dateText(from)}${relative()}`;
    const f = localFields(from);
    const next = localFields(to);
    if (f.day === 1 && next.day === 1 && (next.month === f.month % 12 + 1)) {
      return `tháng ${pad(f.month)}/${f.year} (từ ${dateText(from)} đến ${dateText(to - DAY)})`;
    }
    return `từ ${dateText(from)} đến ${dateText(to - DAY)}`;
  }

  for (const part of Object.values(PARTS)) {
    const start = day + part.from * HOUR;
    const end = day + part.to * HOUR;
    // A part of day (maybe cut short by `now`); an hour-long range is a clock time, not a part.
    if (from !== start || to > end || (to !== end && to - from <= HOUR)) continue;
    const until = dayStartOf(to - 1) === day ? clockText(to, day) : `${clockText(to)} ngày ${dateText(to)}`;
    return `${part.label} ${dateText(from)} (${clockText(from)}–${until})${relative()}`;
  }

  if (to <= day + DAY) {
    const times = to - from <= HOUR ? `khoảng ${clockText(from)}–${clockText(to, day)}` : `từ ${clockText(from)} đến ${clockText(to, day)}`;
    return `${times} ngày ${dateText(from)}${relative()}`;
  }
  if (to - from <= HOUR) return `khoảng ${clockText(from)} ngày ${dateText(from)} – ${clockText(to)} ngày ${dateText(to)}`;
  return `từ ${clockText(from)} ngày ${dateText(from)} đến ${clockText(to)} ngày ${dateText(to)}`;
}
