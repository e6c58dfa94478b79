/**
 * Whether a password someone chooses is good enough, and if not, what to do instead, in plain
 * Vietnamese. At least 12 characters, and an estimated strength (zxcvbn: common-password list of
 * @zxcvbn-ts/language-common plus the shipped Vietnamese lists in content/security/, repeats,
 * sequences, keyboard rows, dates, the account's own names) of score 3 or more, i.e. more than
 * 10^8 guesses. Marks are stripped before estimating ("mậtkhẩu" is as weak as "matkhau").
 *
 * @example const problem = passwordWeakness("aaaaaaaaaaaa", { username: "ba.to" }); // "Mật khẩu này lặp lại…"
 */
import { readFileSync } from "node:fs";
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import { foldedWords } from "../text/normalize.ts";

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
/** zxcvbn score (0-4) a chosen password needs: 3 means more than 10^8 guesses. */
export const PASSWORD_MIN_SCORE = 3;

/** Who the password is for: their names make it weaker when it contains them. */
export interface PasswordOwner {
  username: string;
  displayName?: string | null;
}

export const PASSWORD_ADVICE =
  "Hãy ghép 4–5 từ ngẫu nhiên, không liên quan đến nhau, đến bạn hay đến đơn vị, thành một câu dễ nhớ; hoặc dùng mật khẩu ngẫu nhiên do trình quản lý mật khẩu tạo.";

/** What each zxcvbn warning means, said to the person choosing the password. */
const WARNINGS: Record<string, string> = {
  simpleRepeat: "Mật khẩu này lặp lại một ký tự (như “aaaa”), rất dễ đoán.",
  extendedRepeat: "Mật khẩu này lặp lại một cụm ký tự (như “abcabc”), rất dễ đoán.",
  sequences: "Mật khẩu này là dãy ký tự liên tiếp (như “123456”, “abcdef”), rất dễ đoán.",
  straightRow: "Mật khẩu này là các phím liền nhau trên bàn phím (như “qwerty”), rất dễ đoán.",
  keyPattern: "Mật khẩu này là các phím liền nhau trên bàn phím (như “qwerty”), rất dễ đoán.",
  recentYears: "Mật khẩu này dựa vào năm, rất dễ đoán.",
  dates: "Mật khẩu này dựa vào ngày tháng, rất dễ đoán.",
  topTen: "Mật khẩu này là một trong những mật khẩu phổ biến nhất: kẻ gian thử chúng đầu tiên.",
  topHundred: "Mật khẩu này là một mật khẩu rất phổ biến: kẻ gian thử chúng đầu tiên.",
  common: "Mật khẩu này là một mật khẩu phổ biến: kẻ gian thử chúng đầu tiên.",
  similarToCommon: "Mật khẩu này gần giống một mật khẩu phổ biến (như “matkhau123”), kẻ gian thử chúng đầu tiên.",
  pwned: "Mật khẩu này là một mật khẩu phổ biến: kẻ gian thử chúng đầu tiên.",
  wordByItself: "Mật khẩu này chỉ là một từ thông dụng.",
  namesByThemselves: "Mật khẩu này chỉ gồm họ, tên người, rất dễ đoán.",
  commonNames: "Mật khẩu này dựa vào họ, tên người thông dụng, rất dễ đoán.",
  userInputs: "Mật khẩu này chứa tên đăng nhập hoặc họ tên của bạn.",
};
const TOO_WEAK = "Mật khẩu này quá dễ đoán.";

let estimator: ZxcvbnFactory | undefined;

/** Built on first use: the dictionaries take ~100 ms to rank. */
function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, "passwords-vi": shippedList("common-passwords-vi.txt"), "names-vi": shippedList("common-names-vi.txt") },
    graphs: common.adjacencyGraphs,
    maxLength: PASSWORD_MAX_LENGTH,
  });
  return estimator;
}

function shippedList(file: string): string[] {
  const text = readFileSync(new URL(`../../content/security/${file}`, import.meta.url), "utf8");
  return text.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
}

/** Null when the password may be used; otherwise what is wrong and what to do, in Vietnamese. */
export function passwordWeakness(password: string, owner: PasswordOwner): string | null {
  const chosen = password.normalize("NFC");
  if ([...chosen].length < PASSWORD_MIN_LENGTH) {
    return `Mật khẩu cần ít nhất ${PASSWORD_MIN_LENGTH} ký tự. ${PASSWORD_ADVICE}`;
  }
  if ([...chosen].length > PASSWORD_MAX_LENGTH) {
    return `Mật khẩu dài quá ${PASSWORD_MAX_LENGTH} ký tự.`;
  }
  const names = ownerWords(owner);
  const compact = foldedWords(chosen).join("");
  if (ownNames(owner).some((name) => compact.includes(name))) {
    return `${WARNINGS.userInputs} ${PASSWORD_ADVICE}`;
  }
  const result = zxcvbn().check(withoutMarks(chosen), names);
  if (result.score >= PASSWORD_MIN_SCORE) return null;
  const warning = (result.feedback.warning && WARNINGS[result.feedback.warning]) || TOO_WEAK;
  return `${warning} ${PASSWORD_ADVICE}`;
}

/**
 * What a password must not contain: the whole username and display name, and the display name
 * from any word to its end when that is a full name ("Đ/c Nguyễn Văn Hà" → "nguyenvanha"), folded,
 * letters and digits only.
 */
function ownNames(owner: PasswordOwner): string[] {
  const words = foldedWords(owner.displayName ?? "");
  const tails = words.map((_, i) => words.slice(i).join("")).filter((tail, i) => words.length - i >= 2 && tail.length >= 8);
  return [foldedWords(owner.username).join(""), words.join(""), ...tails].filter((name) => name.length >= 4);
}

/**
 * The username and the display name, folded, letters and digits only, whole and as runs of
 * consecutive words ("Nguyễn Văn Hà" → "nguyenvanha", "nguyenvan", "vanha", "nguyen"…).
 */
function ownerWords(owner: PasswordOwner): string[] {
  const runs = (words: string[]) => words.flatMap((_, i) => words.slice(i).map((__, j) => words.slice(i, i + j + 1).join("")));
  const words = [...runs(foldedWords(owner.username)), ...runs(foldedWords(owner.displayName ?? ""))];
  return [...new Set(words)].filter((w) => w.length >= 2);
}

/** Marks off and đ→d, case kept: "Mậtkhẩu" → "Matkhau". */
function withoutMarks(text: string): string {
  return text.normalize("NFD").replace(/\p{M}+/gu, "").replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFC");
}
