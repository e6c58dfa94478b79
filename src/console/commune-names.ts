/**
 * Commune names as they were in the administrative-unit version each tip was filed under (names
 * and codes change between versions), in one query for a page of tips.
 *
 * @example const names = await communeNames(ctx.db, tips); names.get(tip) // "Xã Ba Tơ"
 */
import type { Db, Tx } from "../db/client.ts";

interface Placed {
  communeCode: string | null;
  adminDataVersion: string | null;
}

export interface CommuneNames {
  get(tip: Placed): string | undefined;
}

export async function communeNames(db: Db | Tx, tips: Placed[]): Promise<CommuneNames> {
  const key = (version: string, code: string) => `${version}\u0000${code}`;
  const wanted = new Map<string, { version: string; code: string }>();
  for (const t of tips) {
    if (t.communeCode && t.adminDataVersion) wanted.set(key(t.adminDataVersion, t.communeCode), { version: t.adminDataVersion, code: t.communeCode });
  }
  const rows = wanted.size
    ? await db.adminUnit.findMany({ where: { OR: [...wanted.values()] }, select: { version: true, code: true, fullName: true } })
    : [];
  const names = new Map(rows.map((r) => [key(r.version, r.code), r.fullName]));
  return {
    get: (t) => (t.communeCode && t.adminDataVersion ? names.get(key(t.adminDataVersion, t.communeCode)) : undefined),
  };
}
