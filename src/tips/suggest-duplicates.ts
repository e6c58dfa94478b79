/**
 * Tips that may be the same case as this one, for merging: the same category in the same commune
 * within three days, or a description that shares most of its word pairs (folded, so "ma tuy" and
 * "ma túy" agree) within a month. Only tips the officer can see are considered.
 *
 * @example const items = await suggestDuplicates(ctx, { tipId, scope: visibleTipsWhere(officer) })
 */
import type { AppContext } from "../context.ts";
import type { Prisma } from "../db/generated/sqlite/client.ts";
import { communeNames } from "../console/commune-names.ts";

const SAME_PLACE_HOURS = 72;
const TEXT_WINDOW_DAYS = 30;
const MAX_CANDIDATES = 500;
const MIN_TEXT_SIMILARITY = 0.35;
const HOUR = 3600_000;

export interface DuplicateSuggestion {
  id: string;
  reference: string;
  category: string;
  status: string;
  createdAt: string;
  communeName: string | null;
  excerpt: string;
  why: "same_place_time" | "similar_text";
  /** 0..1, higher is more alike. */
  score: number;
}

export async function suggestDuplicates(
  ctx: Pick<AppContext, "db">,
  input: { tipId: string; scope: Prisma.TipWhereInput; limit?: number },
): Promise<DuplicateSuggestion[]> {
  const tip = await ctx.db.tip.findUniqueOrThrow({ where: { id: input.tipId }, select: { id: true, category: true, communeCode: true, createdAt: true, descriptionFolded: true } });
  const window = TEXT_WINDOW_DAYS * 24 * HOUR;
  const candidates = await ctx.db.tip.findMany({
    where: {
      AND: [
        input.scope,
        { id: { not: tip.id }, status: { not: "duplicate" } },
        { createdAt: { gte: new Date(tip.createdAt.getTime() - window), lte: new Date(tip.createdAt.getTime() + window) } },
      ],
    },
    orderBy: { createdAt: "desc" },
    take: MAX_CANDIDATES,
    select: { id: true, reference: true, category: true, status: true, createdAt: true, communeCode: true, adminDataVersion: true, description: true, descriptionFolded: true },
  });
  const words = wordSet(tip.descriptionFolded);
  const scored: (DuplicateSuggestion & { _tip: (typeof candidates)[number] })[] = [];
  for (const c of candidates) {
    const hours = Math.abs(c.createdAt.getTime() - tip.createdAt.getTime()) / HOUR;
    const samePlace = tip.communeCode !== null && c.communeCode === tip.communeCode && c.category === tip.category && hours <= SAME_PLACE_HOURS;
    const text = similarity(words, wordSet(c.descriptionFolded));
    if (!samePlace && text < MIN_TEXT_SIMILARITY) continue;
    const placeScore = samePlace ? 0.6 + 0.4 * (1 - hours / SAME_PLACE_HOURS) : 0;
    scored.push({
      id: c.id,
      reference: c.reference,
      category: c.category,
      status: c.status,
      createdAt: c.createdAt.toISOString(),
      communeName: null,
      excerpt: Array.from(c.description).slice(0, 140).join(""),
      why: samePlace && placeScore >= text ? "same_place_time" : "similar_text",
      score: Math.round(Math.max(placeScore, text) * 100) / 100,
      _tip: c,
    });
  }
  const top = scored.sort((a, b) => b.score - a.score).slice(0, input.limit ?? 10);
  const names = await communeNames(ctx.db, top.map((s) => s._tip));
  return top.map(({ _tip, ...s }) => ({ ...s, communeName: names.get(_tip) ?? null }));
}

/**
 * Pairs of neighbouring syllables: Vietnamese words are mostly two syllables ("ma túy", "xe máy"),
 * and single syllables ("có", "ở") say little about the case.
 */
function wordSet(folded: string): Set<string> {
  const syllables = folded.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const pairs = new Set<string>();
  for (let i = 1; i < syllables.length; i++) pairs.add(`${syllables[i - 1]} ${syllables[i]}`);
  return pairs;
}

/** Overlap relative to the smaller description, so a short tip inside a longer one still matches. */
function similarity(a: Set<string>, b: Set<string>): number {
  if (Math.min(a.size, b.size) < 3) return 0;
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  return shared / Math.min(a.size, b.size);
}
