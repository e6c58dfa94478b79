/**
 * Does a free-text message look like a tip or like a question? The menu uses it to offer the
 * right thing first; it never drops a message ("unclear" means: offer both).
 *
 * Why these signals (the same reasoning as src/tips/detect-emergency.ts: whole words, folded,
 * and words whose folded form is an everyday word matched only as typed):
 * - A question asks: a question mark, question words ("ở đâu", "bao nhiêu", "thế nào", "làm
 *   sao", "khi nào", "là gì"), a closing "không?"/"chưa?" ("có được không", "xử lý chưa"), or an
 *   explicit "cho hỏi". Residents often type without "?" and without marks, so the words matter
 *   more than the mark.
 * - A tip tells: someone doing something ("có người", "có nhóm", "nó lừa tôi"), crime verbs
 *   ("bán ma túy", "trộm", "đánh nhau", "tụ tập"), a place ("thôn 3", "nhà ông", "quán", "chợ")
 *   and a time ("tối qua", "sáng nay", "lúc 9h", "mỗi tối"), a number plate, a head count.
 *   "đang" (happening now) counts only as typed: folded "dang" is also "đăng" (đăng ký).
 * - Topic words alone ("ma túy", "lừa đảo") say nothing: both tips and questions use them.
 * - Asking for the police's phone, address or hours ("sdt ca xa tinh khe", "địa chỉ công an xã Sơn
 *   Tây") is a question, even without a question word (src/routing/read-contact-question.ts).
 * A clear lead of one side decides; otherwise "unclear".
 *
 * @example classifyFreeText("co nguoi ban ma tuy o thon 3 toi qua") // "tip"
 * @example classifyFreeText("bao tin ma tuy o dau vay") // "question"
 */
import { fold } from "../text/normalize.ts";
import { readContactQuestion } from "../routing/read-contact-question.ts";
import type { FreeTextKind } from "./types.ts";

interface Signal {
  phrase: string;
  weight: number;
}

const MAX_CHARS = 1_000;
/** One side must lead by this much. */
const LEAD = 1;

const QUESTION_FOLDED: Signal[] = [
  { phrase: "o dau", weight: 2 }, { phrase: "cho nao", weight: 1.5 }, { phrase: "bao nhieu", weight: 2 },
  { phrase: "bn", weight: 1.5 }, { phrase: "bao lau", weight: 2 }, { phrase: "khi nao", weight: 2 },
  { phrase: "bao gio", weight: 1.5 }, { phrase: "may gio", weight: 1 }, { phrase: "the nao", weight: 2 },
  { phrase: "ntn", weight: 2 }, { phrase: "lam sao", weight: 2 }, { phrase: "lsao", weight: 2 },
  { phrase: "lam gi", weight: 2 }, { phrase: "la gi", weight: 2 }, { phrase: "thi sao", weight: 2 },
  { phrase: "tai sao", weight: 2 }, { phrase: "vi sao", weight: 2 }, { phrase: "co phai", weight: 1.5 },
  { phrase: "phai khong", weight: 2 }, { phrase: "duoc khong", weight: 2 }, { phrase: "dc ko", weight: 2 },
  { phrase: "co nen", weight: 1.5 }, { phrase: "cho hoi", weight: 3 }, { phrase: "xin hoi", weight: 3 },
  { phrase: "muon hoi", weight: 3 }, { phrase: "hoi chut", weight: 3 }, { phrase: "cach nao", weight: 1.5 },
  { phrase: "cach", weight: 1 }, { phrase: "thu tuc", weight: 1.5 }, { phrase: "huong dan", weight: 1.5 },
  { phrase: "muon biet", weight: 1.5 }, { phrase: "can gi", weight: 2 }, { phrase: "giay to gi", weight: 2 },
  { phrase: "sao", weight: 1 }, { phrase: "gi", weight: 1 }, { phrase: "j", weight: 1 }, { phrase: "ai", weight: 1 },
  { phrase: "co that khong", weight: 2 }, { phrase: "co sao khong", weight: 2 },
];
const QUESTION_EXACT: Signal[] = [{ phrase: "hỏi", weight: 2 }, { phrase: "gì", weight: 0.5 }];
/** A message ending in one of these (before polite particles) asks something: typed with marks… */
const CLOSING_WORDS_MARKED = new Set(["không", "chưa", "sao", "nào", "gì", "đâu", "chi", "hả", "hông"]);
/** …or typed without ("dau" then stands for "đâu"; with marks "đầu" would not ask anything). */
const CLOSING_WORDS_BARE = new Set(["khong", "ko", "k", "kg", "khg", "hok", "hong", "hem", "khum", "chua", "chx", "sao", "nao", "gi", "j", "dau", "chi", "ha"]);
const POLITE_PARTICLES = new Set(["a", "ah", "vay", "z", "v", "nhi", "nhe", "oi", "ad", "admin", "ban", "shop", "voi"]);

const TIP_FOLDED: Signal[] = [
  { phrase: "co nguoi", weight: 2 }, { phrase: "co nhom", weight: 2 }, { phrase: "co bon", weight: 2 },
  { phrase: "co dam", weight: 2 }, { phrase: "co thang", weight: 2 }, { phrase: "co ke", weight: 2 },
  { phrase: "co doi tuong", weight: 2.5 }, { phrase: "doi tuong", weight: 1.5 }, { phrase: "bon no", weight: 1.5 },
  { phrase: "ban ma tuy", weight: 2 }, { phrase: "choi ma tuy", weight: 2 },
  { phrase: "su dung ma tuy", weight: 1.5 }, { phrase: "hut chich", weight: 1.5 },
  { phrase: "chich hut", weight: 1.5 }, { phrase: "giat", weight: 1.5 }, { phrase: "bi mat", weight: 1 }, { phrase: "trom", weight: 1.5 },
  { phrase: "cuop", weight: 1.5 }, { phrase: "danh nhau", weight: 2 }, { phrase: "danh nguoi", weight: 2 },
  { phrase: "chem", weight: 2 }, { phrase: "tu tap", weight: 1.5 }, { phrase: "gay roi", weight: 1.5 },
  { phrase: "so de", weight: 1.5 }, { phrase: "lo de", weight: 1.5 }, { phrase: "danh bac", weight: 1.5 },
  { phrase: "danh bai", weight: 1.5 }, { phrase: "ca do", weight: 1.5 }, { phrase: "da ga", weight: 1.5 },
  { phrase: "dua xe", weight: 1.5 }, { phrase: "boc dau", weight: 1.5 }, { phrase: "chat pha", weight: 1.5 },
  { phrase: "cua go", weight: 1.5 }, { phrase: "lua toi", weight: 2 }, { phrase: "lua em", weight: 2 },
  { phrase: "lua minh", weight: 2 }, { phrase: "lua tui", weight: 2 }, { phrase: "lua me toi", weight: 2 },
  { phrase: "chiem doat", weight: 1 }, { phrase: "thon", weight: 1.5 }, { phrase: "xom", weight: 1 },
  { phrase: "to dan pho", weight: 1 }, { phrase: "nha ong", weight: 1.5 }, { phrase: "nha ba", weight: 1.5 },
  { phrase: "nha thang", weight: 1.5 }, { phrase: "nha anh", weight: 1 }, { phrase: "so nha", weight: 1 },
  { phrase: "toi qua", weight: 1.5 }, { phrase: "hom qua", weight: 1.5 }, { phrase: "dem qua", weight: 1.5 },
  { phrase: "sang nay", weight: 1.5 }, { phrase: "trua nay", weight: 1.5 }, { phrase: "chieu nay", weight: 1.5 },
  { phrase: "toi nay", weight: 1 }, { phrase: "moi toi", weight: 1 }, { phrase: "moi dem", weight: 1 },
  { phrase: "hang dem", weight: 1 }, { phrase: "thuong xuyen", weight: 1 }, { phrase: "bien so", weight: 1.5 },
  { phrase: "ten la", weight: 1 }, { phrase: "khoang", weight: 0.5 },
];
const TIP_EXACT: Signal[] = [
  { phrase: "đang", weight: 2 }, { phrase: "bán", weight: 1 }, { phrase: "đánh", weight: 1 }, { phrase: "đâm", weight: 1.5 },
  { phrase: "quán", weight: 1 }, { phrase: "chợ", weight: 1 }, { phrase: "ngã ba", weight: 1 }, { phrase: "ngã tư", weight: 1 },
  { phrase: "gần", weight: 0.5 }, { phrase: "đường", weight: 0.5 }, { phrase: "nó", weight: 1 },
];
/** "lúc 9h", "21 giờ", "3 người", "2 thanh niên": times and head counts, on folded text. */
const TIP_PATTERNS: { pattern: RegExp; weight: number }[] = [
  { pattern: / (?:luc )?\d{1,2} ?(?:h|g|gio)(?: ?\d{1,2})? /, weight: 1.5 },
  { pattern: / \d+ ?(?:nguoi|thanh nien|dua|doi tuong|xe) /, weight: 1.5 },
];
/** Asking for the police's phone or address is short; a story that mentions a phone is not a question. */
const CONTACT_MAX_WORDS = 12;
/** A long message without a question mark is a narrative more often than a question. */
const LONG_MESSAGE_WORDS = 25;

export interface FreeTextExplanation {
  kind: FreeTextKind;
  questionScore: number;
  tipScore: number;
  /** The signals found, for logs and tests ("?" / "q:o dau" / "t:co nguoi"). */
  signals: string[];
}

const has = (padded: string, phrase: string) => padded.includes(` ${phrase} `);

/** Total weight of the phrases found in `padded`; each found phrase is noted in `signals`. */
function sum(list: readonly Signal[], padded: string, side: "q" | "t", signals: string[]): number {
  let total = 0;
  for (const s of list) {
    if (!has(padded, s.phrase)) continue;
    total += s.weight;
    signals.push(`${side}:${s.phrase}`);
  }
  return total;
}

/** The last word that is not a polite particle ("… không ạ" → "không"), as typed. */
function closingWord(words: readonly string[]): string | undefined {
  for (let i = words.length - 1; i >= 0; i--) {
    const w = words[i]!;
    if (!POLITE_PARTICLES.has(fold(w)) || i === 0) return w;
  }
  return undefined;
}

function asksAtTheEnd(word: string): boolean {
  return fold(word) === word ? CLOSING_WORDS_BARE.has(word) : CLOSING_WORDS_MARKED.has(word);
}

/** Scores and signals behind `classifyFreeText`. */
export function explainFreeText(text: string): FreeTextExplanation {
  const raw = (typeof text === "string" ? text : "").slice(0, MAX_CHARS * 2).normalize("NFC").slice(0, MAX_CHARS);
  const exactWords = raw.toLowerCase().split(/[^\p{L}\p{M}\p{N}]+/u).filter(Boolean);
  const foldedWords = exactWords.map((w) => fold(w));
  const exact = ` ${exactWords.join(" ")} `;
  const folded = ` ${foldedWords.join(" ")} `;
  const signals: string[] = [];
  let q = 0;
  let t = 0;

  const trimmed = raw.replace(/[\s\p{Extended_Pictographic}\uFE0F\u200D.!…]+$/u, "");
  if (trimmed.endsWith("?")) {
    q += 3;
    signals.push("?");
  } else if (raw.includes("?")) {
    q += 2;
    signals.push("?");
  }
  q += sum(QUESTION_FOLDED, folded, "q", signals) + sum(QUESTION_EXACT, exact, "q", signals);
  const closing = closingWord(exactWords);
  if (closing && exactWords.length > 1 && asksAtTheEnd(closing)) {
    q += 2;
    signals.push(`q:…${closing}`);
  }

  if (exactWords.length <= CONTACT_MAX_WORDS && readContactQuestion(raw)?.wants.length) {
    q += 3;
    signals.push("q:contact");
  }

  t += sum(TIP_FOLDED, folded, "t", signals) + sum(TIP_EXACT, exact, "t", signals);
  for (const s of TIP_PATTERNS) {
    if (!s.pattern.test(folded)) continue;
    t += s.weight;
    signals.push("t:time/count");
  }
  if (exactWords.length > LONG_MESSAGE_WORDS && !raw.includes("?")) {
    t += 1;
    signals.push("t:long");
  }

  const kind: FreeTextKind = q === 0 && t === 0 ? "unclear" : q - t >= LEAD ? "question" : t - q >= LEAD ? "tip" : "unclear";
  return { kind, questionScore: q, tipScore: t, signals };
}

/**
 * "tip", "question" or "unclear" for a free-text message. Pure and fast on any input (the first
 * 1,000 characters decide).
 */
export function classifyFreeText(text: string): FreeTextKind {
  return explainFreeText(text).kind;
}
