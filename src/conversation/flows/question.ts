/**
 * Questions (issue 6): the resident types a question, the knowledge base answers it in their
 * language (Vietnamese until a translation exists, said once), offers the closest entries as
 * buttons when unsure, or passes the question to the commune police (a Question row).
 */
import { z } from "zod";
import type { Session, Transition, Turn } from "../types.ts";
import { defineFlow, flowData } from "../define-flow.ts";
import { buttons, pickChoice, say, textOf, type Choice } from "../prompt.ts";
import { answerMessages, faqEntry, handOff, matchQuestion } from "../faq-answers.ts";
import { contactReply, contactReplyForCommune, type ContactReply } from "../police-contact-answers.ts";
import { classifyFreeText } from "../../faq/index.ts";

const FEEDBACK_CHOICES: Choice[] = [
  { payload: "question:yes", labelKey: "question.yes" },
  { payload: "question:police", labelKey: "question.askPolice" },
  { payload: "nav:menu", labelKey: "nav.menu" },
];
const NONE: Choice = { payload: "faq:none", labelKey: "question.notThese" };
const MENU = { flow: "menu", step: "main" } as const;

const QuestionData = flowData({
  lastQuestion: z.string().optional(),
  candidates: z.array(z.string()).optional(),
});

const data = (session: Session) => session.data as z.output<typeof QuestionData>;

async function answerWith(turn: Turn, session: Session, entryId: string, question: string): Promise<Transition | undefined> {
  const entry = await faqEntry(turn, entryId);
  if (!entry) return undefined;
  const answered = await answerMessages(turn, entry, session.data);
  return { say: answered.say, set: { ...answered.set, lastQuestion: question, candidates: undefined }, to: { flow: "question", step: "feedback" } };
}

/** Where the commune police is, its phone, its hours: answered, or "which commune?" asked (its own step). */
function contactTransition(reply: ContactReply, question: string): Transition {
  if (reply.kind === "ask-commune") return { set: { lastQuestion: question, candidates: undefined }, to: { flow: "question", step: "commune" } };
  return { say: reply.say, set: { lastQuestion: question, candidates: undefined }, to: { flow: "question", step: "feedback" } };
}

/** What the bot does with a typed question, from any step (targets are absolute so the menu can use it too). */
export async function respondToQuestion(turn: Turn, session: Session, text: string): Promise<Transition> {
  const contact = await contactReply(turn, text);
  if (contact) return contactTransition(contact, text);
  const decision = await matchQuestion(turn, text);
  if (decision.kind === "answer") {
    const t = await answerWith(turn, session, decision.candidates[0]!.entryId, text);
    if (t) return t;
  }
  if (decision.kind === "clarify") {
    if (decision.candidates.length === 0) return { say: [say(turn, "question.rephrase")], to: { flow: "question", step: "ask" } };
    return { set: { lastQuestion: text, candidates: decision.candidates.map((c) => c.entryId) }, to: { flow: "question", step: "pick" } };
  }
  return { say: [await handOff(turn, text)], to: MENU };
}

export const questionFlow = defineFlow({
  id: "question",
  start: "ask",
  data: QuestionData,
  steps: {
    ask: {
      prompt: (turn) => say(turn, "question.ask", {}, { buttons: buttons(turn, [{ payload: "nav:menu", labelKey: "nav.menu" }]) }),
      handle(turn, session) {
        const text = textOf(turn);
        // Blank, emoji-only and punctuation-only messages come back as "rephrase" from the matcher.
        return text === undefined ? undefined : respondToQuestion(turn, session, text);
      },
    },
    feedback: {
      prompt: (turn) => say(turn, "question.helpful", {}, { buttons: buttons(turn, FEEDBACK_CHOICES, 3) }),
      async handle(turn, session) {
        const choice = pickChoice(turn, FEEDBACK_CHOICES);
        if (choice?.payload === "question:yes") return { say: [say(turn, "question.thanks")], to: MENU };
        if (choice?.payload === "question:police") {
          return { say: [await handOff(turn, data(session).lastQuestion ?? "")], to: MENU };
        }
        const text = textOf(turn);
        return text?.trim() ? respondToQuestion(turn, session, text) : undefined;
      },
    },
    commune: {
      prompt: (turn) => say(turn, "question.contact.askCommune", {}, { buttons: buttons(turn, [{ payload: "nav:menu", labelKey: "nav.menu" }]) }),
      async handle(turn, session) {
        const text = textOf(turn)?.trim();
        if (!text) return undefined;
        const reply = await contactReplyForCommune(turn, text);
        if (reply) return contactTransition(reply, `${data(session).lastQuestion ?? ""} — ${text}`);
        if (classifyFreeText(text) === "question") return respondToQuestion(turn, session, text);
        return { say: [say(turn, "question.contact.notFound", { typed: text.slice(0, 60) })], stay: true };
      },
    },
    pick: {
      async prompt(turn, session) {
        const rows = [];
        for (const id of data(session).candidates ?? []) {
          const entry = await faqEntry(turn, id);
          if (entry) rows.push([{ label: entry.questions[0]!, payload: `faq:${id}` }]);
        }
        return say(turn, "question.pick", {}, { buttons: [...rows, ...buttons(turn, [NONE], 1)] });
      },
      async handle(turn, session) {
        const c = turn.message.content;
        const question = data(session).lastQuestion ?? "";
        if (c.type === "button" && c.payload === NONE.payload) return { say: [await handOff(turn, question)], to: MENU };
        if (c.type === "button" && c.payload.startsWith("faq:")) {
          const id = c.payload.slice(4);
          return (data(session).candidates ?? []).includes(id) ? answerWith(turn, session, id, question) : undefined;
        }
        if (pickChoice(turn, [NONE])) return { say: [await handOff(turn, question)], to: MENU };
        const text = textOf(turn);
        return text?.trim() ? respondToQuestion(turn, session, text) : undefined;
      },
    },
  },
});
