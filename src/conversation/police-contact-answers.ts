/**
 * "Công an xã Ba Tơ ở đâu, số mấy?" in the conversation: the contact data of the unit covering the
 * commune the resident named (src/routing/police-contacts.ts) as one message per commune, or the
 * question "which commune?" when none is named, or — for a commune with no unit with contact
 * data — 113 and the provincial duty desk.
 */
import type { OutboundMessage } from "../channels/types.ts";
import type { Turn } from "./types.ts";
import { say } from "./prompt.ts";
import { communesTyped, contactsOf, findPoliceContacts, type CommuneContacts, type PoliceContactAnswer, type UnitContact } from "../routing/police-contacts.ts";

/** The messages answering, or "ask which commune" (the question flow's `commune` step asks it). */
export type ContactReply = { kind: "answer"; say: OutboundMessage[] } | { kind: "ask-commune" };

function unitLines(turn: Turn, unit: UnitContact): string[] {
  return [
    unit.sample ? `${unit.name} ${turn.t("question.contact.sample")}` : unit.name,
    ...(unit.address ? [turn.t("question.contact.address", { address: unit.address })] : []),
    ...(unit.phone ? [turn.t("question.contact.phone", { phone: unit.phone })] : []),
    ...(unit.hours ? [turn.t("question.contact.hours", { hours: unit.hours })] : []),
  ];
}

/** "Xã Ba Tô" → "xã Ba Tô", to read inside a sentence. */
const inSentence = (name: string) => name.charAt(0).toLocaleLowerCase("vi") + name.slice(1);

function communeMessage(turn: Turn, commune: CommuneContacts, dutyDesk: UnitContact | null): OutboundMessage {
  if (commune.units.length) {
    const blocks = commune.units.map((u) => unitLines(turn, u).join("\n"));
    return { text: [...blocks, turn.t("question.contact.emergency")].join("\n\n") };
  }
  const lines = [turn.t("question.contact.none", { commune: inSentence(commune.name) })];
  if (dutyDesk) lines.push([turn.t("question.contact.dutyDesk", { name: dutyDesk.name }), ...unitLines(turn, dutyDesk).slice(1)].join("\n"));
  lines.push(turn.t("question.contact.askLocal"));
  return { text: lines.join("\n\n") };
}

function replyOf(turn: Turn, answer: PoliceContactAnswer): ContactReply {
  if (answer.kind === "ask-commune") return { kind: "ask-commune" };
  const messages = answer.communes.map((c) => communeMessage(turn, c, answer.dutyDesk));
  return { kind: "answer", say: answer.communes.length > 1 ? [say(turn, "question.contact.several"), ...messages] : messages };
}

/** The reply to a message that asks how to reach the commune police; undefined when it does not. */
export async function contactReply(turn: Turn, text: string): Promise<ContactReply | undefined> {
  const answer = await findPoliceContacts(turn.tx, text);
  return answer ? replyOf(turn, answer) : undefined;
}

/** The reply to the commune named after "which commune?"; undefined when the text names none. */
export async function contactReplyForCommune(turn: Turn, text: string): Promise<ContactReply | undefined> {
  const communes = await communesTyped(turn.tx, text);
  return communes.length ? replyOf(turn, await contactsOf(turn.tx, communes)) : undefined;
}
