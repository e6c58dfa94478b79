/**
 * "Where is my commune police, what is its number?": the commune a resident's message names (read
 * like a typed place in a report: without marks, old names too) and the public contact data of the
 * police unit covering it (PoliceUnit phone, address, hours), or of the provincial duty desk when
 * the commune has none.
 *
 * @example
 * const asked = await findPoliceContacts(tx, "sdt cong an ba to");
 * // { kind: "communes", communes: [{ name: "Xã Ba Tơ", units: [{ name: "Công an xã Ba Tơ", phone: "…", … }] }, …], dutyDesk }
 */
import type { Tx } from "../db/client.ts";
import type { CommuneNames } from "../units/commune-names.ts";
import { currentUnitData } from "../units/unit-data.ts";
import { DEMO_PREFIX } from "./ensure-demo-setup.ts";
import { splitList } from "./police-unit.ts";
import { readContactQuestion } from "./read-contact-question.ts";

export interface UnitContact {
  unitId: string;
  /** As residents should read it ("[DEMO] " taken off: `sample` says it). */
  name: string;
  phone: string | null;
  address: string | null;
  hours: string | null;
  /** Sample data (a demo unit, or flagged `contactSample`): shown with "(dữ liệu mẫu)". */
  sample: boolean;
}

export interface CommuneContacts {
  code: string;
  /** "Xã Ba Tơ" */
  name: string;
  /** The active commune units covering it that have contact data (usually one). */
  units: UnitContact[];
}

export type PoliceContactAnswer =
  /** One commune named, or a few that the words fit equally ("ba to": Ba Tơ and Ba Tô). */
  | { kind: "communes"; communes: CommuneContacts[]; dutyDesk: UnitContact | null }
  /** A contact question about "my commune" that names none: ask which. */
  | { kind: "ask-commune" };

/** At most this many communes in one answer (the names the words fit equally). */
const MAX_COMMUNES = 3;
/** A commune name inside a sentence, as whole words (commune-names.ts scores those 70 and up). */
const IN_SENTENCE = 70;
/** A few words on their own: a close spelling or the start of a name is enough (the matcher's own floor is 55). */
const ON_ITS_OWN = 55;
const MAX_WINDOW = 4;
/** The words are the name itself, with or without marks or a kind word (commune-names.ts: 85 and up). */
const WHOLE_NAME = 85;

/** The communes `words` name, best first; only those tied with the best. */
function bestCommunes(names: CommuneNames, text: string, floor: number): { code: string; fullName: string }[] {
  const found = names.match(text, 8).filter((m) => m.score >= floor);
  const top = found[0]?.score;
  return top === undefined ? [] : found.filter((m) => m.score === top);
}

/**
 * The communes a message names. First a whole name inside the sentence ("cong an xa ba to o dau");
 * then a few words left once the police and contact words are out ("sdt ca xa batơ" → "xa batơ"),
 * where a run-together name or a kind word before it decides.
 */
export function communesNamedIn(names: CommuneNames, text: string, placeWords: readonly string[]): { code: string; fullName: string }[] {
  const inSentence = bestCommunes(names, text, IN_SENTENCE);
  if (inSentence.length) return inSentence;
  let best: { score: number; list: { code: string; fullName: string }[] } = { score: 0, list: [] };
  for (let size = Math.min(MAX_WINDOW, placeWords.length); size >= 1; size--) {
    for (let i = 0; i + size <= placeWords.length; i++) {
      const window = placeWords.slice(i, i + size).join(" ");
      const found = names.match(window, 8);
      const top = found[0];
      // A lone short word ("minh", "ha") must be a whole name, not the start of one.
      if (!top || top.score < (size === 1 && window.length < 5 ? 85 : 80) || top.score <= best.score) continue;
      best = { score: top.score, list: found.filter((m) => m.score === top.score) };
    }
  }
  return best.list;
}

function toContact(row: { id: string; name: string; phone: string | null; address: string | null; hours: string | null; contactSample: boolean; demo: boolean }): UnitContact {
  return {
    unitId: row.id,
    name: row.name.startsWith(DEMO_PREFIX) ? row.name.slice(DEMO_PREFIX.length) : row.name,
    phone: row.phone,
    address: row.address,
    hours: row.hours,
    sample: row.contactSample || row.demo,
  };
}

const hasContact = (u: UnitContact) => Boolean(u.phone || u.address || u.hours);

/** Contact data of the units covering each commune, and of the duty desk (real before demo). */
export async function contactsOf(tx: Tx, communes: readonly { code: string; fullName: string }[]): Promise<PoliceContactAnswer> {
  const rows = await tx.policeUnit.findMany({ where: { disabledAt: null, kind: { in: ["commune", "duty_desk"] } }, orderBy: [{ demo: "asc" }, { id: "asc" }] });
  const desk = rows.find((r) => r.kind === "duty_desk");
  return {
    kind: "communes",
    communes: communes.slice(0, MAX_COMMUNES).map((c) => ({
      code: c.code,
      name: c.fullName,
      units: rows.filter((r) => r.kind === "commune" && splitList(r.communes).includes(c.code)).map(toContact).filter(hasContact),
    })),
    dutyDesk: desk && hasContact(toContact(desk)) ? toContact(desk) : null,
  };
}

/** The answer to a contact question, or null when the message is not one (the knowledge base takes it). */
export async function findPoliceContacts(tx: Tx, text: string): Promise<PoliceContactAnswer | null> {
  const asked = readContactQuestion(text);
  if (!asked) return null;
  const data = await currentUnitData(tx);
  if (!data) return asked.local ? { kind: "ask-commune" } : null;
  // A bare "công an xã Tây Trà Bồng": only when everything but the police words is the commune's name.
  const communes = asked.wants.length ? communesNamedIn(data.names, text, asked.placeWords) : bestCommunes(data.names, asked.placeWords.join(" "), WHOLE_NAME);
  if (communes.length) return contactsOf(tx, communes);
  return asked.local ? { kind: "ask-commune" } : null;
}

/** The reply to "which commune?": the communes the text names on its own ("ba to", "xã Sơn Hà"), or none. */
export async function communesTyped(tx: Tx, text: string): Promise<{ code: string; fullName: string }[]> {
  const data = await currentUnitData(tx);
  if (!data) return [];
  const asked = readContactQuestion(text);
  if (asked) return communesNamedIn(data.names, text, asked.placeWords);
  return bestCommunes(data.names, text, ON_ITS_OWN);
}
