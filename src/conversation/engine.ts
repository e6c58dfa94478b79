/**
 * The conversation engine: runs one resident message through the flows (declared as data in
 * src/conversation/flows/) and returns the replies. Global words work at every step: cancel,
 * back, menu, in the resident's language and in Vietnamese. Input a step cannot use gets a
 * friendly explanation and the step's question again; nothing moves on by accident.
 */
import type { OutboundMessage } from "../channels/types.ts";
import type { Flow, Session, Target, Transition, Turn } from "./types.ts";
import { buttons, say } from "./prompt.ts";
import { fold } from "../text/normalize.ts";
import { menuFlow, languageFlow } from "./flows/menu.ts";
import { reportFlow } from "./flows/report.ts";
import { followUpFlow } from "./flows/follow-up.ts";
import { questionFlow } from "./flows/question.ts";
import { textOf } from "./prompt.ts";
import { answerMessages, faqEntry, handOff, matchQuestion } from "./faq-answers.ts";
import { classifyFreeText } from "../faq/index.ts";
import { REPLY_PAYLOAD_PREFIX } from "../tips/message-reporter.ts";
import { expectsEvidence } from "./expects-evidence.ts";

export const FLOWS: Record<string, Flow> = Object.fromEntries(
  [menuFlow, languageFlow, reportFlow, followUpFlow, questionFlow].map((f) => [f.id, f]),
);

type Nav = "cancel" | "menu" | "back" | "start";

function navOf(turn: Turn): Nav | undefined {
  const c = turn.message.content;
  if (c.type === "command") {
    if (c.command === "start") return "start";
    if (c.command === "cancel" || c.command === "huy") return "cancel";
    if (c.command === "menu") return "menu";
    return undefined;
  }
  if (c.type === "button" && c.payload.startsWith("nav:")) {
    const nav = c.payload.slice(4);
    return nav === "cancel" || nav === "menu" || nav === "back" ? nav : undefined;
  }
  if (c.type !== "text") return undefined;
  // Typed with marks, compare with marks ("đúng" is yes, not "dừng"); typed without, compare folded.
  const typed = c.text.normalize("NFC").toLowerCase().replace(/[^\p{L}\p{N} ]/gu, "").replace(/\s+/g, " ").trim();
  const plain = fold(typed) === typed;
  const key = (w: string) => (plain ? fold(w) : w.normalize("NFC").toLowerCase());
  for (const nav of ["cancel", "menu", "back"] as const) {
    const words = new Set([turn.t(`nav.words.${nav}`), turn.i18n.t("vi", `nav.words.${nav}`)].flatMap((w) => w.split("|").map(key)));
    if (words.has(typed)) return nav;
  }
  return undefined;
}

function isGreeting(turn: Turn): boolean {
  const c = turn.message.content;
  if (c.type !== "text") return false;
  const typed = fold(c.text).replace(/[^\p{L}\p{N} ]/gu, "").trim();
  return typed.length < 3 || turn.i18n.t("vi", "welcome.greetingWords").split("|").map(fold).includes(typed);
}

export interface TurnOutcome {
  replies: OutboundMessage[];
  session: Session | null;
}

export async function converse(turn: Turn, current: Session | null): Promise<TurnOutcome> {
  const replies: OutboundMessage[] = [];
  const kind = turn.message.content.type;
  // A follow is a greeting the first time and nothing afterwards; delivery receipts are not messages.
  if (kind === "delivery" || kind === "unfollow" || (kind === "follow" && (current || turn.contact.language))) {
    return { replies, session: current };
  }
  const nav = navOf(turn);
  const firstContact = !current && !turn.contact.language;

  if (nav === "start") {
    replies.push(say(turn, "welcome.greeting"));
    return enter(turn, replies, turn.contact.language ? blank("menu", "main") : blank("language", "choose"));
  }
  if (firstContact) {
    replies.push(say(turn, "welcome.greeting"));
    const c = turn.message.content;
    // A first message that already tells a story is offered as a report, not asked to wait.
    if (!isGreeting(turn) && (c.type === "text" || c.type === "media")) {
      const session = blank("menu", "main");
      return finish(turn, replies, session, await run(turn, session));
    }
    // A language button pressed first (an old page, a shared link) is simply taken.
    const choose = blank("language", "choose");
    const picked = await run(turn, choose);
    return picked ? finish(turn, replies, choose, picked) : enter(turn, replies, choose);
  }
  const reply = await replyToOfficer(turn, current);
  if (reply) return reply;
  if (nav === "cancel") {
    if (current?.flow === "report") replies.push(say(turn, "report.cancelled"));
    return enter(turn, replies, blank("menu", "main", current));
  }
  if (nav === "menu" || !current) return enter(turn, replies, blank("menu", "main", current));
  if (nav === "back") {
    const previous = current.history.at(-1);
    if (!previous) return enter(turn, replies, blank("menu", "main", current));
    return enter(turn, replies, { ...current, step: previous, history: current.history.slice(0, -1) });
  }
  return finish(turn, replies, current, await run(turn, current));
}

/**
 * "Trả lời" under an officer's message, pressed at any step: the resident's next words go to that
 * tip's thread. Only the tip's own reporter can open it this way; anyone else gets the usual help.
 */
async function replyToOfficer(turn: Turn, current: Session | null): Promise<TurnOutcome | undefined> {
  const c = turn.message.content;
  if (c.type !== "button" || !c.payload.startsWith(REPLY_PAYLOAD_PREFIX)) return undefined;
  const tip = await turn.tx.tip.findFirst({
    where: { id: c.payload.slice(REPLY_PAYLOAD_PREFIX.length), contactId: turn.contact.id },
    select: { id: true, reference: true },
  });
  if (!tip) return undefined;
  const session = blank("followUp", "open", current);
  session.data.tipId = tip.id;
  const done = buttons(turn, [{ payload: "nav:done", labelKey: "nav.done" }]);
  return { replies: [say(turn, "followUp.replyPrompt", { reference: tip.reference }, { buttons: done })], session };
}

async function run(turn: Turn, session: Session): Promise<Transition | undefined> {
  const step = FLOWS[session.flow]?.steps[session.step];
  if (!step) return { to: { flow: "menu", step: "main" } };
  return step.handle(turn, session);
}

async function finish(turn: Turn, replies: OutboundMessage[], session: Session, transition: Transition | undefined): Promise<TurnOutcome> {
  if (!transition) {
    const aside = session.flow === "report" ? await answerAside(turn, session) : undefined;
    if (aside) {
      replies.push(...aside.say);
      return enter(turn, replies, { ...session, data: { ...session.data, ...aside.set } });
    }
    replies.push(say(turn, helpKey(turn, session)));
    return enter(turn, replies, session);
  }
  replies.push(...(transition.say ?? []));
  const data = { ...session.data };
  for (const [k, v] of Object.entries(transition.set ?? {})) {
    if (v === undefined) delete data[k];
    else data[k] = v;
  }
  if (transition.end) return { replies, session: null };
  if (transition.stay || !transition.to) return { replies, session: { ...session, data } };
  return enter(turn, replies, move({ ...session, data }, transition.to, transition.set ?? {}));
}

/**
 * A question typed during a report, at a step that cannot use the text: answered from the
 * knowledge base (or passed to an officer), and the report goes on where it was.
 */
async function answerAside(turn: Turn, session: Session): Promise<{ say: OutboundMessage[]; set: Record<string, unknown> } | undefined> {
  const text = turn.message.content.type === "text" ? textOf(turn) : undefined;
  if (!text || classifyFreeText(text) !== "question") return undefined;
  const decision = await matchQuestion(turn, text);
  const entry = decision.kind === "answer" ? await faqEntry(turn, decision.candidates[0]!.entryId) : undefined;
  if (entry) return answerMessages(turn, entry, session.data);
  if (decision.kind === "clarify" && decision.candidates.length === 0) return undefined;
  return { say: [await handOff(turn, text)], set: {} };
}

function helpKey(turn: Turn, session: Session): string {
  const c = turn.message.content;
  // A file where the step takes none (or takes only a voice message): say when files are taken.
  if (c.type === "media") return expectsEvidence(session) === "voice" ? "help.voiceOnly" : "help.fileNotExpected";
  if (c.type === "sticker") return "help.sticker";
  if (c.type === "unsupported") return "help.unsupported";
  if (c.type === "button") return "help.oldButton";
  return "help.notUnderstood";
}

/** Moves to a step; a new flow starts with fresh data (plus what the transition set and "_" keys). */
function move(session: Session, to: Target, set: Record<string, unknown>): Session {
  if (typeof to === "string") return { ...session, step: to, history: [...session.history, session.step] };
  if (to.flow === session.flow) return { ...session, step: to.step, history: [...session.history, session.step] };
  const kept = Object.fromEntries(Object.entries(session.data).filter(([k]) => k.startsWith("_")));
  const carried = Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined));
  return { flow: to.flow, step: to.step, data: { ...kept, ...carried }, history: [] };
}

function blank(flow: string, step: string, previous?: Session | null): Session {
  const kept = Object.fromEntries(Object.entries(previous?.data ?? {}).filter(([k]) => k.startsWith("_")));
  return { flow, step, data: kept, history: [] };
}

async function enter(turn: Turn, replies: OutboundMessage[], session: Session): Promise<TurnOutcome> {
  const step = FLOWS[session.flow]?.steps[session.step];
  if (!step) return enter(turn, replies, blank("menu", "main"));
  replies.push(await step.prompt(turn, session));
  return { replies, session };
}
