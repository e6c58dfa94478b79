/** Shapes shared by the conversation engine and the flows (src/conversation/flows/). */
import type { AppContext } from "../context.ts";
import type { Tx } from "../db/client.ts";
import type { InboundMessage, OutboundMessage } from "../channels/types.ts";
import type { Translator } from "../i18n/index.ts";
import type { ZodType } from "zod";
import type { EmergencySignal } from "../tips/detect-emergency.ts";

/** Where a resident is. Persisted (encrypted) in Conversation; survives restarts. */
export interface Session<D = Record<string, unknown>> {
  flow: string;
  step: string;
  data: D;
  /** Steps visited in this flow, for "back". */
  history: string[];
}

/**
 * Why a file was not kept: too large, not a type we take, download failed for good, or the evidence
 * disk cannot take files now (below its free-space floor, full, or read-only).
 */
export type MediaRejection = "too_large" | "bad_type" | "failed" | "no_space" | "unwritable";

/** What became of a file the resident sent, decided before the transaction. */
export type MediaOutcome =
  | { status: "stored"; attachmentId: string; kind: string; size: number }
  | { status: "rejected"; attachmentId: string; reason: MediaRejection; size?: number; limit: number };

export interface Turn {
  tx: Tx;
  app: AppContext;
  i18n: Translator;
  /** The resident's language (Vietnamese until chosen). */
  lng: string;
  t(key: string, options?: Record<string, unknown>): string;
  contact: { id: string; channel: string; language: string | null };
  message: InboundMessage;
  media?: MediaOutcome;
  /** `<channel>:<externalId>`: idempotency key of this turn's side effects. */
  eventKey: string;
  now: Date;
  /** Tips filed during this turn (announced once the transaction commits). */
  filed: string[];
  /** Tips whose thread the resident added to during this turn (the console is told after commit). */
  touched: string[];
  /** Danger-now words in this message (read once, before any step): the flows mark the report urgent. */
  emergency?: EmergencySignal;
  /** Set when this turn gave the emergency numbers (kept in the session so they are not repeated at once). */
  emergencyShownAt?: string;
}

/**
 * Every flow and its steps, declared once: step targets are checked by the compiler, and a flow
 * must declare exactly these steps (defineFlow).
 */
export interface FlowSteps {
  menu: "main" | "kind";
  language: "choose";
  report: "category" | "description" | "facts" | "fix" | "evidence" | "location" | "commune" | "when" | "identity" | "name" | "phone" | "confirm";
  followUp: "list" | "code" | "secret" | "open";
  question: "ask" | "feedback" | "pick" | "commune";
  subscribe: "topics" | "commune" | "communePick";
  quiz: "commune" | "communePick" | "question";
}
export type FlowId = keyof FlowSteps;

/** A step of another flow (or this one), with data the new flow starts with. */
export type FlowTarget = { [F in FlowId]: { flow: F; step: FlowSteps[F]; with?: Record<string, unknown> } }[FlowId];
/** A step of the same flow by name, or any flow's step. */
export type Target<F extends FlowId = FlowId> = FlowSteps[F] | FlowTarget;

/** What a step decides. `Transition` alone (no flow) may only name steps absolutely, `{ flow, step }`. */
export interface Transition<F extends FlowId = never> {
  /** Messages before the next step's prompt. */
  say?: OutboundMessage[];
  /** The next step (in this flow, or another flow). Omit to stay and re-prompt only if `reprompt`. */
  to?: Target<F>;
  /** Stay on this step without repeating its prompt (the `say` messages are enough). */
  stay?: boolean;
  /** Save into this flow's session data (undefined deletes a key). Checked by the flow's zod schema when the turn ends. */
  set?: Record<string, unknown>;
  /** Leave the flow entirely (no prompt). */
  end?: boolean;
}

export interface Step<F extends FlowId = FlowId, D = Record<string, unknown>> {
  prompt(turn: Turn, session: Session<D>): OutboundMessage | Promise<OutboundMessage>;
  /** Returns undefined when the input does not fit this step (the engine then helps). */
  handle(turn: Turn, session: Session<D>): Transition<F> | undefined | Promise<Transition<F> | undefined>;
}

export interface Flow<F extends FlowId = FlowId, D = Record<string, unknown>> {
  id: F;
  start: FlowSteps[F];
  /** The flow's session data: validated on every save and on load (a stored session that no longer fits starts over at the menu). */
  data: ZodType<D>;
  steps: Record<FlowSteps[F], Step<F, D>>;
}
