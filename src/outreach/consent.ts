/**
 * Consent to outreach, given and taken back by the resident only, inside the turn's transaction so
 * it takes effect before the next message. Every change is kept as a ConsentEvent (when, how,
 * which topics).
 *
 * @example await subscribe(tx, contactId, ["scam", "drugs"], { source: "link", sourceCode: "ba-to-cho" }, now)
 */
import type { Tx } from "../db/client.ts";
import type { Topic } from "./topics.ts";

export interface ConsentSource {
  /** menu | link | keyword */
  source: string;
  sourceCode?: string | undefined;
}

export async function activeSubscription(tx: Tx, contactId: string) {
  const row = await tx.subscription.findUnique({ where: { contactId } });
  return row && !row.stoppedAt ? row : null;
}

export async function subscribe(tx: Tx, contactId: string, topics: Topic[], from: ConsentSource, at: Date): Promise<"subscribed" | "topics_changed"> {
  const before = await activeSubscription(tx, contactId);
  const action = before ? "topics_changed" : "subscribed";
  const data = { topics: topics.join(","), source: before?.source ?? from.source, sourceCode: before ? before.sourceCode : (from.sourceCode ?? null), stoppedAt: null };
  await tx.subscription.upsert({
    where: { contactId },
    create: { contactId, ...data, consentedAt: at },
    update: { ...data, ...(before ? {} : { consentedAt: at, source: from.source, sourceCode: from.sourceCode ?? null }) },
  });
  await tx.consentEvent.create({ data: { contactId, action, topics: topics.join(","), source: from.source, sourceCode: from.sourceCode ?? null, at } });
  return action;
}

/** Stops every outreach message to the contact; false when there was nothing to stop. */
export async function unsubscribe(tx: Tx, contactId: string, action: "unsubscribed" | "blocked", from: ConsentSource, at: Date): Promise<boolean> {
  const active = await activeSubscription(tx, contactId);
  if (!active) return false;
  await tx.subscription.update({ where: { contactId }, data: { stoppedAt: at } });
  await tx.consentEvent.create({ data: { contactId, action, topics: active.topics, source: from.source, sourceCode: from.sourceCode ?? null, at } });
  return true;
}
