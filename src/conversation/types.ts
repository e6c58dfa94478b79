/** Shapes shared by the conversation engine and the flows (src/conversation/flows/). */
import type { AppContext } from "../context.ts";
import type { Tx } from "../db/client.ts";
import type { InboundMessage, OutboundMessage } from "../channels/types.ts";
import type { Translator } from "../i18n/index.ts";

/** Where a resident is. Persisted (encrypted) in Conversation; survives restarts. */
export interface Session {
  flow: string;
  step: string;
  data: Record<string, unknown>;
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
}

export type Target = string | { flow: string; step: string };

export interface Transition {
  /** Messages before the next step's prompt. */
  say?: OutboundMessage[];
  /** The next step (in this flow, or another flow). Omit to stay and re-prompt only if `reprompt`. */
  to?: Target;
  /** Stay on this step without repeating its prompt (the `say` messages are enough). */
  stay?: boolean;
  /** Save into the session data. */
  set?: Record<string, unknown>;
  /** Leave the flow entirely (no prompt). */
  end?: boolean;
}

export interface Step {
  prompt(turn: Turn, session: Session): OutboundMessage | Promise<OutboundMessage>;
  /** Returns undefined when the input does not fit this step (the engine then helps). */
  handle(turn: Turn, session: Session): Transition | undefined | Promise<Transition | undefined>;
}

export interface Flow {
  id: string;
  start: string;
  steps: Record<string, Step>;
}
