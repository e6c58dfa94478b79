/**
 * Where a resident is in a conversation, read and written as one encrypted row per contact
 * (Conversation). The inbox handler writes it in the turn's transaction; the web chat upload route
 * reads it to know whether the current step expects a file.
 */
import type { AppContext } from "../context.ts";
import type { Tx } from "../db/client.ts";
import type { Session } from "./types.ts";

/** The contact's session, or null when they are at no step (a first contact, or after a flow ended). */
export async function loadSession(app: Pick<AppContext, "vault">, tx: Tx, contactId: string): Promise<Session | null> {
  const row = await tx.conversation.findUnique({ where: { contactId } });
  if (!row) return null;
  const stored = JSON.parse(app.vault.decrypt(row.dataEnc)) as Pick<Session, "data" | "history">;
  return { flow: row.flow, step: row.step, data: stored.data, history: stored.history };
}

/** Saves the session (null deletes it), in the caller's transaction. */
export async function saveSession(app: Pick<AppContext, "vault">, tx: Tx, contactId: string, session: Session | null): Promise<void> {
  if (!session) {
    await tx.conversation.deleteMany({ where: { contactId } });
    return;
  }
  const dataEnc = app.vault.encrypt(JSON.stringify({ data: session.data, history: session.history }));
  await tx.conversation.upsert({
    where: { contactId },
    create: { contactId, flow: session.flow, step: session.step, dataEnc },
    update: { flow: session.flow, step: session.step, dataEnc, version: { increment: 1 } },
  });
}
