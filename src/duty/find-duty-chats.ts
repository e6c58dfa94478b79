/**
 * Which Telegram duty chat hears about which tip: the chat of every unit the tip is routed to now
 * (primary and support rows), or the global TELEGRAM_DUTY_CHAT_ID for a unit without its own chat
 * and for a tip routed nowhere. A chat is named once per tip, however many of its units have the tip.
 *
 * @example chatsOfTip({ routings: [{ unit: { dutyChatId: "-1001" } }, { unit: { dutyChatId: null } }] }, "-1009") // ["-1001", "-1009"]
 */
import type { Db, Tx } from "../db/client.ts";

export interface RoutedTo {
  routings: { unit: { dutyChatId: string | null } }[];
}

export function chatsOfTip(tip: RoutedTo, fallback: string | undefined): string[] {
  const chats = tip.routings.length === 0 ? [fallback] : tip.routings.map((r) => r.unit.dutyChatId ?? fallback);
  return [...new Set(chats.filter((c): c is string => Boolean(c)))];
}

/** What one duty chat covers, for the digest: its units' tips, and for the global chat the tips routed nowhere. */
export interface DutyChatScope {
  chatId: string;
  unitIds: string[];
  unrouted: boolean;
}

export async function listDutyChats(db: Db | Tx, fallback: string | undefined): Promise<DutyChatScope[]> {
  // Disabled units too: the tips they still hold can be overdue.
  const units = await db.policeUnit.findMany({ select: { id: true, dutyChatId: true }, orderBy: { id: "asc" } });
  const scopes = new Map<string, DutyChatScope>();
  const scopeOf = (chatId: string) => {
    let scope = scopes.get(chatId);
    if (!scope) scopes.set(chatId, (scope = { chatId, unitIds: [], unrouted: false }));
    return scope;
  };
  if (fallback) scopeOf(fallback).unrouted = true;
  for (const unit of units) {
    const chat = unit.dutyChatId ?? fallback;
    if (chat) scopeOf(chat).unitIds.push(unit.id);
  }
  return [...scopes.values()];
}
