import type { OutboundMessage } from "../channels/types.ts";
import type { Turn } from "./types.ts";
import { say, textOf } from "./prompt.ts";
import { answerMessages, faqEntry, handOff, matchQuestion } from "./faq-answers.ts";
import { classifyFreeText } from "../faq/index.ts";
import { contactReply } from "./police-contact-answers.ts";

/**
 * A question typed during a report, at a step that cannot use the text: answered from the
 * knowledge base (or passed to an officer), and the report goes on where it was.
 */
export async function answerAside(turn: Turn, data: Record<string, unknown>, { answersOnly = false } = {}): Promise<{ say: OutboundMessage[]; set: Record<string, unknown> } | undefined> {
  const text = turn.message.content.type === "text" ? textOf(turn) : undefined;
  if (!text || classifyFreeText(text) !== "question") return undefined;
  // "Công an xã Ba Tơ ở đâu?" mid-report: the unit's contact data (or the duty desk), and the report goes on.
  const contact = await contactReply(turn, text);
  if (contact) return { say: contact.kind === "answer" ? contact.say : [say(turn, "question.contact.askCommuneAside")], set: {} };
  const decision = await matchQuestion(turn, text);
  const entry = decision.kind === "answer" ? await faqEntry(turn, decision.candidates[0]!.entryId) : undefined;
  if (entry) return await answerMessages(turn, entry, data);
  // Where the text may as well be the story (the "what happened" step), nothing is passed on as a question.
  if (answersOnly) return undefined;
  if (decision.kind === "clarify" && decision.candidates.length === 0) return undefined;
  return { say: [await handOff(turn, text)], set: {} };
}

