/**
 * Who a campaign reaches: residents subscribed now (consent given and not withdrawn, the bot not blocked)
 * to one of the audience's topics (the campaign's own topic when none are listed), narrowed by language,
 * commune and channel when those are listed. The same function counts the audience for the editor and
 * lists the recipients when a run starts, so the count shown is the count sent to.
 */
import type { Tx } from "../../db/client.ts";
import type { Audience } from "./campaign-input.ts";

export interface Recipient {
  contactId: string;
  channel: string;
  language: string;
}

export async function findAudience(tx: Tx, topic: string, audience: Audience): Promise<Recipient[]> {
  const topics = audience.topics?.length ? audience.topics : [topic];
  const rows = await tx.subscription.findMany({
    where: {
      stoppedAt: null,
      ...(audience.communes?.length ? { communeCode: { in: audience.communes } } : {}),
      contact: { stoppedAt: null, ...(audience.channels?.length ? { channel: { in: audience.channels } } : {}) },
    },
    select: { contactId: true, topics: true, contact: { select: { channel: true, language: true } } },
    orderBy: { contactId: "asc" },
  });
  const languages = audience.languages?.length ? new Set<string>(audience.languages) : null;
  const out: Recipient[] = [];
  for (const row of rows) {
    const chosen = row.topics.split(",");
    if (!topics.some((t) => chosen.includes(t))) continue;
    const language = row.contact.language ?? "vi";
    if (languages && !languages.has(language)) continue;
    out.push({ contactId: row.contactId, channel: row.contact.channel, language });
  }
  return out;
}

/** Is this contact still in the audience right now (consent, topics, not blocked)? Checked before each send. */
export function stillConsents(
  sub: { topics: string; stoppedAt: Date | null } | null,
  contact: { stoppedAt: Date | null } | null,
  topic: string,
  audience: Audience,
): "ok" | "opted_out" | "blocked" {
  if (!contact || contact.stoppedAt) return "blocked";
  if (!sub || sub.stoppedAt) return "opted_out";
  const topics = audience.topics?.length ? audience.topics : [topic];
  const chosen = sub.topics.split(",");
  return topics.some((t) => chosen.includes(t)) ? "ok" : "opted_out";
}
