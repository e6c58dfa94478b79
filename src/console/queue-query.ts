/**
 * Query pieces for the tip queue (list-tips.ts) that stay fast at a million tips; measured by
 * `npm run bench:queue` (bench/README.md, "Queue list and search").
 *
 * - `countAttachments`: the attachment count of one page of tips, in one grouped query over the page's ids.
 *   Prisma's `_count: { select: { attachments: true } }` inside `findMany` is compiled to
 *   `LEFT JOIN (SELECT tipId, COUNT(*) FROM Attachment GROUP BY tipId)`: it counts the attachments of EVERY tip
 *   on every queue request (SQLite materialises it and builds a temporary index on it; PostgreSQL hash-aggregates
 *   the whole table), which grows with the table, not with the page.
 * - `tipSearchWhere`: the search filter. A query shaped like a reference code ("QN-7K3P9", "qn 7k3p9") that
 *   names an existing tip is answered by the unique index on `reference` alone; written inside an OR with the
 *   text match (as before) it forced a scan of every tip the other filters allow (a code that names no tip keeps
 *   the old OR, so nothing that matched before is lost). Anything else: every folded word
 *   must appear in the description, the place or the thread with the reporter (unchanged: `contains`, which
 *   PostgreSQL's trigram indexes answer for words of 3+ characters; on SQLite, a search over closed tips too
 *   first looks for the few matching ids when there are few: see `fewMatches`).
 *
 * - `afterQueueCursor`: the keyset condition of page 2 and later, "after (urgent, dueAt, id)", with the
 *   redundant `dueAt >= cursor` term that lets both databases start the index range at the cursor. Written only as
 *   `dueAt > c OR (dueAt = c AND id > c)`, SQLite walked every tip from the start of the urgency group (all the
 *   closed ones, whose deadlines are older) to reach the cursor.
 *
 * @example
 *   const wide = !query.status && query.statusGroup !== "open";
 *   const where = { AND: [scope, ...filters, await tipSearchWhere(ctx.db, query.q, { dialect: ctx.config.dialect, wide })] };
 *   const rows = await ctx.db.tip.findMany({ where, select: { id: true, … } }); // no _count
 *   const attachments = await countAttachments(ctx.db, rows.map((t) => t.id));
 *   attachments.get(tip.id) ?? 0
 */
import type { Db, Tx } from "../db/client.ts";
import type { Prisma } from "../db/generated/sqlite/client.ts";
import { fold } from "../text/normalize.ts";
import { REFERENCE_PREFIX } from "../tips/reference-code.ts";

const MAX_SEARCH_WORDS = 8;
/** "QN-7K3P9", "qn 7k3p9", "QN7K3P9": the prefix is required, so a word like "matuy" is never taken for a code. */
const REFERENCE_SHAPE = new RegExp(`^\\s*${REFERENCE_PREFIX}[\\s-]*[a-z0-9]{5,8}\\s*$`, "i");

/** Attachments per tip id, for one page of tips (ids without attachments are absent: use `?? 0`). */
export async function countAttachments(db: Db | Tx, tipIds: string[]): Promise<Map<string, number>> {
  if (tipIds.length === 0) return new Map();
  // Files about who the reporter is (Attachment.identityStep) are not evidence: never counted, never listed.
  const rows = await db.attachment.groupBy({ by: ["tipId"], where: { tipId: { in: tipIds }, identityStep: null }, _count: { _all: true } });
  return new Map(rows.flatMap((r) => (r.tipId ? [[r.tipId, r._count._all] as const] : [])));
}

/**
 * The search filter for `q` (undefined or blank: no filter). A reference code of an existing tip matches that tip
 * only (an index lookup; the scope still applies, so a tip outside the officer's view gives an empty page, as
 * before). Otherwise every folded word must appear in the description, the place or the thread.
 */
export async function tipSearchWhere(db: Db | Tx, q: string | undefined, options: SearchOptions = {}): Promise<Prisma.TipWhereInput> {
  if (!q) return {};
  const words = fold(q).split(" ").filter(Boolean).slice(0, MAX_SEARCH_WORDS);
  if (words.length === 0) return {};
  const text: Prisma.TipWhereInput = {
    AND: words.map((word) => ({
      OR: [{ descriptionFolded: { contains: word } }, { placeFolded: { contains: word } }, { threadFolded: { contains: word } }],
    })),
  };
  if (!REFERENCE_SHAPE.test(q)) return options.dialect === "sqlite" && options.wide ? fewMatches(db, text) : text;
  const reference = canonicalReference(q);
  if (await db.tip.findUnique({ where: { reference }, select: { id: true } })) return { reference };
  // No such code: the text, or the code as typed (what the queue always did; rare, so its scan does not matter).
  return { OR: [{ reference: q.trim().toUpperCase() }, text] };
}

export interface SearchOptions {
  /** ctx.config.dialect. */
  dialect?: "sqlite" | "postgresql";
  /** The search is over closed tips too (statusGroup all or closed, no single status): most of the table. */
  wide?: boolean;
}

/** Above this many matching tips in the whole table, the queue's own ordered scan finds a page quickly. */
const FEW_MATCHES = 500;

/**
 * SQLite, searching closed tips too: a word few tips contain makes the queue's ordered index walk visit every tip
 * in index order (a random read per tip: ~9 s at a million on this machine). A plain table scan for the matching
 * ids, stopped as soon as there are more than FEW_MATCHES, reads the table in order instead (~1 s at a million for
 * no match; a few ms for a common word, which then keeps the ordered query). PostgreSQL has trigram indexes.
 */
async function fewMatches(db: Db | Tx, text: Prisma.TipWhereInput): Promise<Prisma.TipWhereInput> {
  const hits = await db.tip.findMany({ where: text, select: { id: true }, take: FEW_MATCHES + 1 });
  return hits.length <= FEW_MATCHES ? { id: { in: hits.map((h) => h.id) } } : text;
}

/** "qn 7k3p9" → "QN-7K3P9" (any letters and digits: older or imported codes need not use today's alphabet). */
function canonicalReference(q: string): string {
  const body = q.toUpperCase().replace(/[^A-Z0-9]/g, "").slice(REFERENCE_PREFIX.length);
  return `${REFERENCE_PREFIX}-${body}`;
}

/** Where a queue page starts: tips that sort after `c` in (urgent desc, dueAt asc, id asc). */
export function afterQueueCursor(c: { urgent: boolean; dueAt: Date; id: string }): Prisma.TipWhereInput {
  const sameUrgencyAfter: Prisma.TipWhereInput = {
    urgent: c.urgent,
    dueAt: { gte: c.dueAt },
    OR: [{ dueAt: { gt: c.dueAt } }, { id: { gt: c.id } }],
  };
  return c.urgent ? { OR: [sameUrgencyAfter, { urgent: false }] } : sameUrgencyAfter;
}
