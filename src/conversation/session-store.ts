/**
 * Conversation state, read and written here only: one encrypted row per contact (Conversation),
 * and the chats that follow a tip (TipFollower). The inbox handler writes the session in the turn's
 * transaction; the web chat upload route reads it to know whether the current step expects a file;
 * the officers' messages (src/tips/message-reporter.ts) put an idle resident into the tip's thread.
 */
import type { AppContext } from "../context.ts";
import type { Tx } from "../db/client.ts";
import { execute, query, sql } from "../db/sql.ts";
import type { Vault } from "../security/crypto.ts";
import type { Session } from "./types.ts";

/** The contact's session, or null when they are at no step (a first contact, or after a flow ended). */
export async function loadSession(app: Pick<AppContext, "vault">, tx: Tx, contactId: string): Promise<Session | null> {
  // Raw, as saveSession: every turn reads and writes the session (src/db/sql.ts says why).
  const [row] = await query<{ flow: string; step: string; dataEnc: string }>(tx, sql`
    SELECT "flow", "step", "dataEnc" FROM "Conversation" WHERE "contactId" = ${contactId}`);
  if (!row) return null;
  const stored = JSON.parse(app.vault.decrypt(row.dataEnc)) as Pick<Session, "data" | "history">;
  return { flow: row.flow, step: row.step, data: stored.data ?? {}, history: stored.history ?? [] };
}

/** Saves the session (null deletes it), in the caller's transaction. */
export async function saveSession(app: Pick<AppContext, "vault">, tx: Tx, contactId: string, session: Session | null): Promise<void> {
  if (!session) {
    await execute(tx, sql`DELETE FROM "Conversation" WHERE "contactId" = ${contactId}`);
    return;
  }
  const dataEnc = app.vault.encrypt(JSON.stringify({ data: session.data, history: session.history }));
  await execute(tx, sql`
    INSERT INTO "Conversation" ("contactId", "flow", "step", "dataEnc", "version", "updatedAt")
    VALUES (${contactId}, ${session.flow}, ${session.step}, ${dataEnc}, 0, ${new Date()})
    ON CONFLICT ("contactId") DO UPDATE SET "flow" = excluded."flow", "step" = excluded."step", "dataEnc" = excluded."dataEnc",
      "version" = "Conversation"."version" + 1, "updatedAt" = excluded."updatedAt"`);
}

/**
 * A resident at the main menu, with no conversation, or already in a tip's thread is put into this
 * tip's thread, so a plain reply reaches the officer. Someone in the middle of a report or a
 * question is left there (the "Trả lời" button still opens the thread).
 */
export async function openThreadIfIdle(vault: Vault, tx: Tx, contactId: string, tipId: string): Promise<void> {
  const current = await loadSession({ vault }, tx, contactId);
  const idle = !current || (current.flow === "menu" && current.step === "main") || (current.flow === "followUp" && current.step === "open");
  if (!idle) return;
  const kept = Object.fromEntries(Object.entries(current?.data ?? {}).filter(([k]) => k.startsWith("_")));
  await saveSession({ vault }, tx, contactId, { flow: "followUp", step: "open", data: { ...kept, tipId }, history: [] });
}

/** The tip, if this contact filed it or opened it with its codes. */
export async function tipsFollowedBy(tx: Tx, contactId: string, tipId: string): Promise<{ id: string; reference: string } | null> {
  return tx.tip.findFirst({
    where: { id: tipId, OR: [{ contactId }, { followers: { some: { contactId } } }] },
    select: { id: true, reference: true },
  });
}

/** Records that a chat opened the tip with its codes (again: the time is renewed). */
export async function addFollower(tx: Tx, tipId: string, contactId: string, at: Date): Promise<void> {
  await tx.tipFollower.upsert({
    where: { tipId_contactId: { tipId, contactId } },
    create: { tipId, contactId, verifiedAt: at },
    update: { verifiedAt: at },
  });
}

/** Every chat a tip's messages go to: the one that filed it, then those that opened it with its codes (oldest first). */
export async function followersOf(tx: Tx, tip: { id: string; contactId: string | null }): Promise<string[]> {
  const rows = await tx.tipFollower.findMany({ where: { tipId: tip.id }, orderBy: { verifiedAt: "asc" }, select: { contactId: true } });
  return [...new Set([...(tip.contactId ? [tip.contactId] : []), ...rows.map((r) => r.contactId)])];
}
