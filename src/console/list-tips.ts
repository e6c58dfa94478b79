/**
 * The tip queue: urgent first, then newest, filtered and searched without regard to diacritics
 * ("ma tuy" finds "ma túy"). Pages with an opaque keyset cursor, stable while new tips arrive.
 *
 * @example const page = await listTips(ctx, { scope: visibleTipsWhere(officer), query: { limit: 50 } })
 */
import type { AppContext } from "../context.ts";
import type { Prisma } from "../db/generated/sqlite/client.ts";
import { AppError } from "../http/errors.ts";
import { fold } from "../text/normalize.ts";
import type { TipListItem, TipListQuery } from "./schemas.ts";

export const EXCERPT_CHARS = 140;
const MAX_SEARCH_WORDS = 8;

export interface ListTipsInput {
  /** Which tips the officer may see (from permissions.ts). */
  scope: Prisma.TipWhereInput;
  query: TipListQuery;
}

export async function listTips(
  ctx: Pick<AppContext, "db">,
  { scope, query }: ListTipsInput,
): Promise<{ items: TipListItem[]; nextCursor: string | null }> {
  const where: Prisma.TipWhereInput = {
    AND: [
      scope,
      query.status ? { status: query.status } : {},
      query.category ? { category: query.category } : {},
      query.channel ? { channel: query.channel } : {},
      query.urgent !== undefined ? { urgent: query.urgent } : {},
      query.q ? searchWhere(query.q) : {},
      query.cursor ? afterCursor(decodeCursor(query.cursor)) : {},
    ],
  };
  const rows = await ctx.db.tip.findMany({
    where,
    orderBy: [{ urgent: "desc" }, { createdAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
    select: {
      id: true,
      reference: true,
      category: true,
      status: true,
      urgent: true,
      channel: true,
      language: true,
      createdAt: true,
      ackDueAt: true,
      settleDueAt: true,
      communeCode: true,
      placeText: true,
      unitId: true,
      unit: { select: { name: true } },
      routeRule: true,
      needsConfirmation: true,
      description: true,
      _count: { select: { attachments: true } },
    },
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map(({ description, _count, createdAt, ackDueAt, settleDueAt, unit, ...tip }) => ({
      ...tip,
      unitName: unit?.name ?? null,
      createdAt: createdAt.toISOString(),
      ackDueAt: ackDueAt.toISOString(),
      settleDueAt: settleDueAt.toISOString(),
      excerpt: Array.from(description).slice(0, EXCERPT_CHARS).join(""),
      attachments: _count.attachments,
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null,
  };
}

/** Every folded word must appear in the description or the place; a reference code matches itself. */
function searchWhere(q: string): Prisma.TipWhereInput {
  const words = fold(q).split(" ").filter(Boolean).slice(0, MAX_SEARCH_WORDS);
  if (words.length === 0) return {};
  const reference = q.trim().toUpperCase();
  return {
    OR: [
      { reference },
      {
        AND: words.map((word) => ({
          OR: [{ descriptionFolded: { contains: word } }, { placeFolded: { contains: word } }],
        })),
      },
    ],
  };
}

interface Cursor {
  urgent: boolean;
  createdAt: Date;
  id: string;
}

function encodeCursor(tip: Cursor): string {
  return Buffer.from(JSON.stringify([tip.urgent ? 1 : 0, tip.createdAt.toISOString(), tip.id])).toString("base64url");
}

function decodeCursor(cursor: string): Cursor {
  try {
    const [urgent, createdAt, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    const at = new Date(String(createdAt));
    if ((urgent === 0 || urgent === 1) && typeof id === "string" && !Number.isNaN(at.getTime())) {
      return { urgent: urgent === 1, createdAt: at, id };
    }
  } catch {
    // fall through
  }
  throw new AppError("bad_request", "Tham số cursor không hợp lệ. Hãy tải lại danh sách từ đầu.");
}

/** Tips that sort after the cursor in (urgent desc, createdAt desc, id desc). */
function afterCursor(c: Cursor): Prisma.TipWhereInput {
  const sameUrgencyAfter: Prisma.TipWhereInput = {
    urgent: c.urgent,
    OR: [{ createdAt: { lt: c.createdAt } }, { createdAt: c.createdAt, id: { lt: c.id } }],
  };
  return c.urgent ? { OR: [sameUrgencyAfter, { urgent: false }] } : sameUrgencyAfter;
}
