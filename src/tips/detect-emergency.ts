/**
 * Words that suggest danger now. Matched on folded text as whole words/phrases; phrases whose
 * folded form is ambiguous without diacritics ("đang" vs "đăng") are matched on the NFC text only.
 * Err towards urgent: a false alarm costs a duty officer a minute, a missed one can cost a life.
 */
import { containsPhrase, fold } from "../text/normalize.ts";

const DANGER_FOLDED = [
  "sung", "dam chem", "chem", "dam nguoi", "danh nhau", "danh chet", "giet", "an mang", "cuop", "bat coc",
  "chay nha", "dot nha", "hoa hoan", "phat no", "tieng no", "bom", "min", "luu dan", "thuoc no", "hiep dam",
  "xam hai", "tu tu", "ban nhau", "hanh hung", "de doa giet", "cam dao",
];
// "dao" (knife) is written without marks; its folded twins (đạo, dạo) are everyday words.
const DANGER_EXACT = ["dao", "súng", "cháy", "nổ", "máu", "đâm", "đánh"];
const NOW_EXACT = ["đang", "ngay bây giờ", "bây giờ", "ngay lúc này", "lúc này", "cứu", "cứu với", "khẩn cấp"];
const NOW_FOLDED = ["ngay bay gio", "ngay luc nay", "cuu voi", "khan cap", "dang xay ra"];
const CHILD_FOLDED = ["tre em", "tre con", "chau be", "be gai", "be trai", "hoc sinh", "em be", "con toi", "con nho"];

export interface EmergencySignal {
  urgent: boolean;
  /** A child may be at risk: also give 111. */
  child: boolean;
  /** The words that triggered it, for the officer. */
  reason?: string;
}

export function detectEmergency(text: string): EmergencySignal {
  const nfc = ` ${text.normalize("NFC").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ")} `;
  const folded = fold(text);
  const hits = [
    ...DANGER_FOLDED.filter((p) => containsPhrase(folded, p)),
    ...DANGER_EXACT.filter((p) => nfc.includes(` ${p} `)),
  ];
  const now = [...NOW_EXACT.filter((p) => nfc.includes(` ${p} `)), ...NOW_FOLDED.filter((p) => containsPhrase(folded, p))];
  // Weapons, violence or fire are urgent on their own; "happening now" makes any report urgent.
  const urgent = hits.length > 0 || now.length > 0;
  const child = urgent && CHILD_FOLDED.some((p) => containsPhrase(folded, p));
  const reason = [...new Set([...hits, ...now])].join(", ");
  return { urgent, child, reason: reason || undefined };
}
