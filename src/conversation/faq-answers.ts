/**
 * The knowledge base as the conversation uses it: the index over the FaqEntry rows (cached, and
 * rebuilt when entries change: src/faq/faq-store.ts), answers in the resident's language, and the
 * handoff of a question no entry answers into the officers' questions list.
 */
import type { OutboundMessage } from "../channels/types.ts";
import type { Turn } from "./types.ts";
import { say } from "./prompt.ts";
import { fold, normalizeText } from "../text/normalize.ts";
import { matchFaq, pickAnswer, type FaqDecision, type FaqEntry } from "../faq/index.ts";
import { currentFaqIndex } from "../faq/faq-store.ts";

export async function matchQuestion(turn: Turn, text: string): Promise<FaqDecision> {
  return matchFaq(await currentFaqIndex(turn.tx), text);
}

export async function faqEntry(turn: Turn, id: string): Promise<FaqEntry | undefined> {
  return (await currentFaqIndex(turn.tx)).byId.get(id);
}

/** Languages whose answers are sent in Vietnamese until a native speaker writes them are told so once per session. */
const NOTE_FLAG = "_faqFallbackNoted";

/**
 * The entry's answer in the resident's language; `set` marks the fallback note as said. The answer is counted
 * (a BotAnswer row, once per inbound message) for the report's "answered by the bot".
 */
export async function answerMessages(turn: Turn, entry: FaqEntry, data: Record<string, unknown>): Promise<{ say: OutboundMessage[]; set: Record<string, unknown> }> {
  // Keyed by a keyed hash of the event: once per message, and no chat or visitor id (web chat event keys carry one) kept.
  const sourceKey = turn.app.vault.hash(`bot-answer:${turn.eventKey}`);
  await turn.tx.botAnswer.upsert({
    where: { sourceKey },
    update: {},
    create: { sourceKey, faqEntryId: entry.id, channel: turn.contact.channel, language: turn.lng, createdAt: turn.now },
  });
  const picked = pickAnswer(entry, turn.lng);
  const links = (entry.links ?? []).map((l) => `${l.label}: ${l.url}`);
  const text = [picked.text, ...links].join("\n");
  // The answer recorded on the translators' workbench ("faq:<id>"), approved by a second speaker, goes with it.
  const clip = turn.i18n.audio(turn.lng, `faq:${entry.id}`);
  const answer: OutboundMessage = { text, ...(clip ? { audio: { file: clip.path, mime: clip.mime, label: picked.text.slice(0, 60) } } : {}) };
  if (picked.fallback && !data[NOTE_FLAG]) {
    return { say: [say(turn, "question.fallbackNote"), answer], set: { [NOTE_FLAG]: true } };
  }
  return { say: [answer], set: {} };
}

/** Files a question for an officer (once per inbound event) and returns the message telling the resident. */
export async function handOff(turn: Turn, text: string): Promise<OutboundMessage> {
  const clean = normalizeText(text).slice(0, 2_000);
  await turn.tx.question.upsert({
    where: { sourceKey: turn.eventKey },
    update: {},
    create: {
      sourceKey: turn.eventKey,
      contactId: turn.contact.id,
      channel: turn.contact.channel,
      chatIdEnc: turn.app.vault.encrypt(turn.message.chatId),
      language: turn.lng,
      text: clean,
      textFolded: fold(clean),
    },
  });
  return say(turn, "question.handoff");
}
