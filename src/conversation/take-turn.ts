/**
 * One turn of a conversation inside the caller's transaction: the contact's session is loaded,
 * the engine runs, the session is saved. The inbox handler (handle-inbound.ts) wraps it with the
 * stored event, the evidence download and the outbox; the turn harness (test/support/turns.ts)
 * calls it directly, without HTTP, for hundreds of scripted cases.
 */
import type { AppContext } from "../context.ts";
import type { Tx } from "../db/client.ts";
import type { InboundMessage } from "../channels/types.ts";
import type { Translator } from "../i18n/index.ts";
import { converse, type TurnOutcome } from "./engine.ts";
import type { MediaOutcome, Turn } from "./types.ts";
import { loadSession, saveSession } from "./session-store.ts";
import { reportQuotaKeys } from "../media/upload-quota.ts";

export interface TurnInput {
  app: AppContext;
  i18n: Translator;
  tx: Tx;
  contact: { id: string; channel: string; language: string | null };
  message: InboundMessage;
  media?: MediaOutcome | undefined;
  eventKey: string;
  /** Filled with the tips filed and touched in this turn (announced after commit). */
  filed: string[];
  touched: string[];
}

export async function takeTurn(input: TurnInput): Promise<TurnOutcome> {
  const { app, i18n, tx, contact } = input;
  const lng = i18n.isLanguage(contact.language ?? undefined) ? contact.language! : "vi";
  const turn: Turn = {
    tx,
    app,
    i18n,
    lng,
    t: (key, options) => i18n.t(turn.lng, key, options),
    contact: { id: contact.id, channel: contact.channel, language: contact.language },
    message: input.message,
    media: input.media,
    eventKey: input.eventKey,
    now: app.now(),
    filed: input.filed,
    touched: input.touched,
  };
  const before = await loadSession(app, tx, contact.id);
  const outcome = await converse(turn, before);
  await saveSession(app, tx, contact.id, outcome.session);
  // A new draft report starts with its whole file quota (filing the tip clears it too).
  if (outcome.session?.flow === "report" && before?.flow !== "report") {
    await tx.rateLimit.deleteMany({ where: { key: { in: reportQuotaKeys(app, contact.id) } } });
  }
  return outcome;
}
