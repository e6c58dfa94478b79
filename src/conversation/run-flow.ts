/**
 * Running a step of a flow: its handler's transition applied to the session (data merged and
 * checked against the flow's schema, history kept for "back"), the next step's prompt added to the
 * replies. Used by the engine and by the global interceptors (interceptors.ts).
 */
import type { OutboundMessage } from "../channels/types.ts";
import type { Flow, FlowId, FlowTarget, Session, Step, Target, Transition, Turn } from "./types.ts";
import { say, textOf } from "./prompt.ts";
import { menuFlow, languageFlow } from "./flows/menu.ts";
import { reportFlow } from "./flows/report.ts";
import { followUpFlow } from "./flows/follow-up.ts";
import { questionFlow } from "./flows/question.ts";
import { subscribeFlow } from "./flows/subscribe.ts";
import { quizFlow } from "./flows/quiz.ts";
import { answerAside } from "./answer-aside.ts";
import { expectsEvidence } from "./expects-evidence.ts";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each flow has its own data type
export const FLOWS: { [F in FlowId]: Flow<F, any> } = {
  menu: menuFlow,
  language: languageFlow,
  report: reportFlow,
  followUp: followUpFlow,
  question: questionFlow,
  subscribe: subscribeFlow,
  quiz: quizFlow,
};

export interface TurnOutcome {
  replies: OutboundMessage[];
  session: Session | null;
}

interface AnyFlow {
  data: Flow["data"];
  steps: Record<string, Step<FlowId>>;
}
const flowOf = (id: string): AnyFlow | undefined => (FLOWS as unknown as Record<string, AnyFlow>)[id];

/** Only the "_" keys (kept across flows). */
function globals(data: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data ?? {}).filter(([k, v]) => k.startsWith("_") && v !== undefined));
}

export function blank(flow: FlowId, step: string, previous?: Session | null): Session {
  return { flow, step, data: globals(previous?.data), history: [] };
}

/**
 * A stored session that still fits its flow, or the main menu (keeping the global keys) when a
 * change of the flows made it obsolete: the resident starts over instead of getting stuck.
 */
export function restore(turn: Turn, stored: Session | null): Session | null {
  if (!stored) return null;
  const flow = flowOf(stored.flow);
  if (flow && stored.step in flow.steps && flow.data.safeParse(stored.data).success) return stored;
  turn.app.log.warn({ flow: stored.flow, step: stored.step }, "stored conversation no longer fits its flow: starting over at the menu");
  const kept = blank("menu", "main", stored);
  return { ...kept, data: Object.fromEntries(Object.entries(kept.data).filter(([k]) => flowOf("menu")!.data.safeParse({ [k]: kept.data[k] }).success)) };
}

/** Throws when a flow wrote data its schema does not allow (a programming error: the turn fails and is retried, tests see it). */
export function checkSession(session: Session | null): Session | null {
  if (!session) return null;
  const flow = flowOf(session.flow);
  if (!flow) throw new Error(`unknown flow ${session.flow}`);
  const parsed = flow.data.safeParse(session.data);
  if (!parsed.success) throw new Error(`session data of flow ${session.flow} at ${session.step} is invalid: ${parsed.error.message}`);
  return session;
}

export async function run(turn: Turn, session: Session): Promise<Transition<FlowId> | undefined> {
  const step = flowOf(session.flow)?.steps[session.step];
  if (!step) return { to: { flow: "menu", step: "main" } };
  return step.handle(turn, session);
}

export async function finish(turn: Turn, replies: OutboundMessage[], session: Session, transition: Transition<FlowId> | undefined): Promise<TurnOutcome> {
  if (!transition) {
    const aside = session.flow === "report" ? await answerAside(turn, session.data) : undefined;
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
  return enter(turn, replies, move({ ...session, data }, transition.to));
}

function helpKey(turn: Turn, session: Session): string {
  const c = turn.message.content;
  // A file where the step takes none (or takes only a voice message): say when files are taken.
  if (c.type === "media") return expectsEvidence(session) === "voice" && session.flow === "report" ? "help.voiceOnly" : "help.fileNotExpected";
  if (c.type === "sticker") return "help.sticker";
  if (c.type === "unsupported") return "help.unsupported";
  if (c.type === "button") return "help.oldButton";
  return "help.notUnderstood";
}

/** Moves to a step; a new flow starts with fresh data (the "_" keys, plus what the target brings). */
function move(session: Session, to: Target<FlowId>): Session {
  if (typeof to === "string") return { ...session, step: to, history: [...session.history, session.step] };
  if (to.flow === session.flow) return { ...session, step: to.step, history: [...session.history, session.step], data: { ...session.data, ...(to.with ?? {}) } };
  return startFlow(session, to);
}

export function startFlow(previous: Session | null, to: FlowTarget): Session {
  const carried = Object.fromEntries(Object.entries(to.with ?? {}).filter(([, v]) => v !== undefined));
  return { flow: to.flow, step: to.step, data: { ...globals(previous?.data), ...carried }, history: [] };
}

export async function enter(turn: Turn, replies: OutboundMessage[], session: Session): Promise<TurnOutcome> {
  const step = flowOf(session.flow)?.steps[session.step];
  if (!step) return enter(turn, replies, blank("menu", "main"));
  replies.push(await step.prompt(turn, session));
  return { replies, session };
}
