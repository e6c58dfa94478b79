/**
 * Communes whose name matches what a resident typed, with or without diacritics ("ba to",
 * "Xã Ba Tơ"), in the current administrative-unit data version. Exact-accent matches first.
 */
import type { Tx } from "../db/client.ts";
import { fold } from "../text/normalize.ts";

const PREFIXES = /^(xa|phuong|thi tran|dac khu|thon|to dan pho|tinh|quang ngai)\s+/;

export function communeQuery(typed: string): string {
  let q = fold(typed).replace(/[^\p{L}\p{N} ]/gu, " ").replace(/\s+/g, " ").trim();
  for (let i = 0; i < 3 && PREFIXES.test(q); i++) q = q.replace(PREFIXES, "");
  return q.replace(/\s*,?\s*(tinh )?quang ngai$/, "").trim();
}

export async function findCommunes(tx: Tx, typed: string, limit: number): Promise<{ code: string; name: string }[]> {
  const q = communeQuery(typed);
  if (q.length < 2) return [];
  const latest = await tx.adminUnit.findFirst({ orderBy: { version: "desc" }, select: { version: true } });
  if (!latest) return [];
  const rows = await tx.adminUnit.findMany({
    where: { version: latest.version, folded: { contains: q } },
    take: 50,
    select: { code: true, name: true, fullName: true, folded: true },
  });
  const nfc = typed.normalize("NFC").toLowerCase();
  const score = (r: (typeof rows)[number]) =>
    (r.folded === q ? 0 : 2) + (r.name.toLowerCase() === nfc || r.fullName.toLowerCase() === nfc ? -1 : 0) + r.folded.length / 1000;
  return rows
    .sort((a, b) => score(a) - score(b))
    .slice(0, limit)
    .map((r) => ({ code: r.code, name: r.fullName }));
}
