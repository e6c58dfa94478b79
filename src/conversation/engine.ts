/**
 * The conversation engine: runs one resident message through the global interceptors
 * (interceptors.ts: /start, emergencies, codes, cancel, back, menu…) and then the resident's step
 * (flows as data in src/conversation/flows/, typed with defineFlow), and returns the replies and
 * the next session. Input a step cannot use gets a friendly explanation and the step's question
 * again; nothing moves on by accident.
 */
import type { OutboundMessage } from "../channels/types.ts";
import type { Session, Turn } from "./types.ts";
import { INTERCEPTORS } from "./interceptors.ts";
import { checkSession, finish, restore, run, type TurnOutcome } from "./run-flow.ts";

export { FLOWS, type TurnOutcome } from "./run-flow.ts";

export async function converse(turn: Turn, stored: Session | null): Promise<TurnOutcome> {
  const current = restore(turn, stored);
  const replies: OutboundMessage[] = [];
  for (const interceptor of INTERCEPTORS) {
    const outcome = await interceptor.intercept(turn, current, replies);
    if (outcome) return seal(turn, outcome);
  }
  return seal(turn, await finish(turn, replies, current!, await run(turn, current!)));
}

/** Remembers what this turn said once per conversation, and checks the session against its flow. */
function seal(turn: Turn, outcome: TurnOutcome): TurnOutcome {
  const session = outcome.session && turn.emergencyShownAt ? { ...outcome.session, data: { ...outcome.session.data, _emergencyAt: turn.emergencyShownAt } } : outcome.session;
  return { replies: outcome.replies, session: checkSession(session) };
}
