/**
 * Does a resident's message ask how to reach the commune police — where it is, its phone, its
 * hours — and which words could name the commune? Pure, on the words as typed (folded: residents
 * mostly type without marks; "sdt", "ca" = công an, "dt" = điện thoại).
 *
 * A contact question has a police word ("công an", "ca"), a contact word ("ở đâu", "số điện
 * thoại", "địa chỉ", "giờ làm việc", "trụ sở"…) and something local: a commune kind word ("xã",
 * "phường"), "gần nhất", "địa phương" — or a commune's name, which the caller looks for (src/routing/police-contacts.ts).
 * "số điện thoại công an là bao nhiêu" has nothing local: it is the emergency-number question (113),
 * left to the knowledge base. So are the procedures done at the commune police ("làm căn cước ở
 * công an xã nào", "đăng ký tạm trú ở đâu"), unless the message asks for a phone, an address or
 * hours outright.
 *
 * @example readContactQuestion("cong an xa ba to o dau") // { wants: ["address"], local: true, placeWords: ["xa", "ba", "to"] }
 * @example readContactQuestion("so dien thoai cong an la bao nhieu") // { wants: ["phone"], local: false, placeWords: ["la", "bao", "nhieu"] }: not about a commune unless one is named
 * @example readContactQuestion("lam cccd o dau") // null
 */
import { fold } from "../text/normalize.ts";

export type ContactWant = "address" | "phone" | "hours";

export interface ContactQuestion {
  /** What the message asks for (the answer gives all three anyway); empty for a bare "công an xã Tây Trà Bồng". */
  wants: ContactWant[];
  /** A commune kind word or "nearest"/"local": the resident means their commune's police, named or not. */
  local: boolean;
  /** The message's words without the police and contact words, as typed: a commune's name may be among them. */
  placeWords: string[];
}

interface Phrase {
  words: string[];
  /** A strong phrase asks for contact data outright; a weak one ("ở đâu") gives way to a procedure word. */
  strong: boolean;
  want?: ContactWant;
}

const phrases = (want: ContactWant | undefined, strong: boolean, list: string[]): Phrase[] =>
  list.map((p) => ({ words: p.split(" "), strong, ...(want ? { want } : {}) }));

const CONTACT: Phrase[] = [
  ...phrases("phone", true, [
    "so dien thoai", "sdt", "so dt", "so đt", "dien thoai", "dt", "dthoai", "sodt", "hotline", "duong day nong", "so truc ban",
    "so lien he", "so lien lac", "so zalo", "zalo", "so may", "so nao", "so bao nhieu", "so goi",
  ]),
  ...phrases("phone", false, ["lien he", "lien lac", "goi", "goi dien", "alo", "so cong an", "so ca"]),
  ...phrases("address", true, ["dia chi", "tru so", "vi tri", "chi duong", "ban do", "duong nao", "nam o dau", "nam cho nao"]),
  ...phrases("address", false, [
    "o dau", "cho nao", "o cho nao", "dau vay", "nam o", "o duong", "di the nao", "den the nao", "di sao", "dia diem", "den dau", "di dau",
    "tim o dau", "gap truc tiep",
  ]),
  ...phrases("hours", true, ["gio lam viec", "gio hanh chinh", "mo cua", "dong cua", "may gio", "lam viec", "thu bay", "thu 7", "t7", "chu nhat", "ngay nghi", "nghi trua", "truc dem", "24 24"]),
];

/** "công an", "ca", "CAX"; "đồn"/"trụ sở" only with "công an" (a commune's People's Committee has a "trụ sở" too). */
const POLICE: string[][] = [["cong", "an"], ["congan"], ["ca"], ["cax"], ["c", "a"]];
const LOCAL: string[][] = [
  ["xa"], ["phuong"], ["thi", "tran"], ["tt"], ["dac", "khu"], ["dia", "phuong"], ["gan", "nhat"], ["gan", "day"], ["gan", "nha"],
  ["cho", "minh"], ["noi", "minh"], ["khu", "vuc"], ["que", "minh"],
];
/** A procedure or a report: the knowledge base answers it, unless a strong contact word is there too. */
const PROCEDURES: string[][] = [
  ["can", "cuoc"], ["cccd"], ["cmnd"], ["cc"], ["tam", "tru"], ["thuong", "tru"], ["ho", "khau"], ["vneid"], ["dinh", "danh"],
  ["luu", "tru"], ["giay", "to"], ["ho", "so"], ["bao", "tin"], ["to", "giac"], ["bao", "an"], ["trinh", "bao"], ["nop"],
  ["dang", "ky"], ["dk"], ["khai", "bao"], ["lam", "the"], ["xac", "nhan"], ["vu", "khi"], ["sung"], ["phao"], ["bom"], ["min"],
  ["ma", "tuy"], ["lua"], ["mat", "trom"], ["bi", "trom"], ["tai", "nan"], ["ngay", "hoi"],
];
interface Token {
  typed: string;
  folded: string;
}

function tokens(text: string): Token[] {
  return text
    .normalize("NFC")
    .split(/[^\p{L}\p{M}\p{N}]+/u)
    .filter(Boolean)
    .map((typed) => ({ typed, folded: fold(typed) }));
}

/** Start positions of `phrase` in the folded words. */
function findAll(words: readonly string[], phrase: readonly string[]): number[] {
  const at: number[] = [];
  for (let i = 0; i + phrase.length <= words.length; i++) if (phrase.every((w, k) => words[i + k] === w)) at.push(i);
  return at;
}

const MAX_CHARS = 300;
const BARE_MAX_WORDS = 7;

function bare(toks: readonly Token[], police: readonly (readonly [number, number])[]): ContactQuestion {
  const removed = new Set(police.flatMap(([i, n]) => Array.from({ length: n }, (_, k) => i + k)));
  return { wants: [], local: false, placeWords: toks.filter((_, i) => !removed.has(i)).map((t) => t.typed) };
}

export function readContactQuestion(text: string): ContactQuestion | null {
  if (typeof text !== "string") return null;
  const toks = tokens(text.slice(0, MAX_CHARS));
  const words = toks.map((t) => t.folded);
  const police = POLICE.flatMap((p) => findAll(words, p).map((i) => [i, p.length] as const));
  if (police.length === 0) return null;
  // Strong phrases first; a weak one inside a strong one is not another question ("trụ sở công an" is not "số công an").
  const covered = new Set<number>();
  const found: { p: Phrase; i: number }[] = [];
  for (const p of [...CONTACT].sort((a, b) => Number(b.strong) - Number(a.strong) || b.words.length - a.words.length)) {
    for (const i of findAll(words, p.words)) {
      const span = p.words.map((_, k) => i + k);
      if (!p.strong && span.some((k) => covered.has(k))) continue;
      // "gọi", "liên hệ" ask for the police only right before them ("gọi cho công an xã"); in a story
      // ("gọi điện giả danh công an đòi chuyển tiền") they are what someone did.
      if (!p.strong && p.want === "phone" && !police.some(([at]) => at >= i + p.words.length && at <= i + p.words.length + 1)) continue;
      found.push({ p, i });
      for (const k of span) covered.add(k);
    }
  }
  // "cong an xa tay tra bong" alone: the unit named, nothing else said — a contact question if the rest is a commune's name.
  if (found.length === 0) return words.length <= BARE_MAX_WORDS ? bare(toks, police) : null;
  const strong = found.some((f) => f.p.strong);
  if (!strong && PROCEDURES.some((p) => findAll(words, p).length > 0)) return null;
  const local = LOCAL.some((p) => findAll(words, p).length > 0);
  const removed = new Set<number>();
  for (const [i, n] of police) for (let k = 0; k < n; k++) removed.add(i + k);
  for (const f of found) for (let k = 0; k < f.p.words.length; k++) removed.add(f.i + k);
  const wants = [...new Set(found.map((f) => f.p.want).filter((w): w is ContactWant => w !== undefined))];
  return { wants, local, placeWords: toks.filter((_, i) => !removed.has(i)).map((t) => t.typed) };
}

