/**
 * The facts a duty chat may read about tips: reference, category label, place, urgency and a short
 * excerpt. Never the reporter's identity: the select below does not even read the identity columns
 * (contactId, reporterNameEnc, reporterPhoneEnc) nor the secrets.
 *
 * @example const [tip] = await loadAlertTips(db, [tipId], (c) => labels[c])
 */
import type { Db, Tx } from "../db/client.ts";
import { excerptOf } from "./compose-duty-alert.ts";

export interface AlertTip {
  id: string;
  reference: string;
  /** The category's Vietnamese label ("Ma túy"). */
  category: string;
  /** The commune's name in the tip's data version, else the place as the resident typed it. */
  place: string | null;
  /** True when `place` is the resident's own words (no commune found). */
  placeTyped: boolean;
  /** True when the commune is a guess from the typed place that an officer must confirm. */
  placeGuessed: boolean;
  urgent: boolean;
  urgentReason: string | null;
  excerpt: string;
  createdAt: Date;
}

export async function loadAlertTips(db: Db | Tx, ids: string[], categoryLabel: (code: string) => string): Promise<AlertTip[]> {
  if (ids.length === 0) return [];
  const tips = await db.tip.findMany({
    where: { id: { in: ids } },
    select: {
      id: true,
      reference: true,
      category: true,
      description: true,
      communeCode: true,
      adminDataVersion: true,
      placeText: true,
      needsConfirmation: true,
      urgent: true,
      urgentReason: true,
      createdAt: true,
    },
  });
  // The commune's name as it was in the data version the tip was filed under (as the tip file shows it).
  const wanted = tips.filter((t) => t.communeCode && t.adminDataVersion).map((t) => ({ version: t.adminDataVersion!, code: t.communeCode! }));
  const communes = wanted.length ? await db.adminUnit.findMany({ where: { OR: wanted }, select: { version: true, code: true, fullName: true } }) : [];
  const names = new Map(communes.map((c) => [`${c.version}:${c.code}`, c.fullName]));
  const byId = new Map(
    tips.map((t) => {
      const commune = names.get(`${t.adminDataVersion}:${t.communeCode}`);
      const tip: AlertTip = {
        id: t.id,
        reference: t.reference,
        category: categoryLabel(t.category),
        place: commune ?? t.placeText ?? null,
        placeTyped: !commune && Boolean(t.placeText),
        placeGuessed: Boolean(commune) && t.needsConfirmation,
        urgent: t.urgent,
        urgentReason: t.urgentReason,
        excerpt: excerptOf(t.description),
        createdAt: t.createdAt,
      };
      return [t.id, tip];
    }),
  );
  return ids.map((id) => byId.get(id)).filter((t): t is AlertTip => t !== undefined);
}
