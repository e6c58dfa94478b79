/**
 * Routes a tip as it is filed, in the filing transaction: works out where it happened (the
 * commune the resident confirmed, the commune under an unconfirmed pin, a best guess from the
 * typed place), decides the units (decide-routing.ts) and records it all: the tip's unit, rule,
 * commune and administrative-unit data version, one TipRouting row per unit, and a "routed"
 * event on the timeline.
 *
 * @example await routeNewTip(tx, tip, { communeCode: "21484", communeSource: "pin", version }, now)
 */
import type { Tx } from "../db/client.ts";
import { currentUnitData, unitDataOf, type UnitData } from "../units/unit-data.ts";
import { decideRouting, type RoutingDecision, type RoutingFacts } from "./decide-routing.ts";
import { splitList, toPoliceUnit } from "./police-unit.ts";

export interface TipPlace {
  communeCode?: string;
  /** How the resident gave the commune: a pin they confirmed, or a name they typed and confirmed. */
  communeSource?: "pin" | "typed";
  /** The administrative-unit data version `communeCode` was found in. */
  version?: string;
  latitude?: number;
  longitude?: number;
  placeText?: string;
  /** Communes the resident said were not the place. */
  rejectedCodes?: string[];
}

export interface TipToRoute {
  id: string;
  category: string;
  language: string;
  urgent: boolean;
  voice: boolean;
}

export interface RoutedTip extends RoutingDecision {
  communeCode: string | null;
  adminDataVersion: string | null;
}

export async function routeNewTip(tx: Tx, tip: TipToRoute, place: TipPlace, now: Date): Promise<RoutedTip> {
  const current = await currentUnitData(tx);
  const located = await locate(tx, current, place);
  const facts: RoutingFacts = { category: tip.category, language: tip.language, urgent: tip.urgent, place: located.place, ...(located.communeCode ? { communeCode: located.communeCode } : {}) };

  const units = (await tx.policeUnit.findMany({ where: { disabledAt: null } })).map(toPoliceUnit);
  const officers =
    tip.language === "vi"
      ? []
      : (await tx.officer.findMany({ where: { disabledAt: null, unitId: { not: null } }, select: { id: true, unitId: true, languages: true } })).map((o) => ({
          ...o,
          languages: splitList(o.languages),
        }));
  const decision = decideRouting(facts, units, officers);
  const names = new Map(units.map((u) => [u.id, u.name]));
  const adminDataVersion = located.data?.version ?? null;

  await tx.tip.update({
    where: { id: tip.id },
    data: {
      unitId: decision.primary?.unitId ?? null,
      routeRule: decision.rule,
      needsConfirmation: decision.needsConfirmation,
      communeCode: located.communeCode ?? null,
      adminDataVersion,
    },
  });
  const rows = [...(decision.primary ? [{ ...decision.primary, role: "primary" }] : []), ...decision.support.map((s) => ({ ...s, role: "support" }))];
  if (rows.length) {
    await tx.tipRouting.createMany({ data: rows.map((r) => ({ tipId: tip.id, unitId: r.unitId, role: r.role, rule: r.rule, createdAt: now })) });
  }
  await tx.tipEvent.create({
    data: {
      tipId: tip.id,
      type: "routed",
      actor: "system",
      createdAt: now,
      data: JSON.stringify({
        unitId: decision.primary?.unitId ?? null,
        unitName: decision.primary ? names.get(decision.primary.unitId) : null,
        rule: decision.rule,
        communeCode: located.communeCode ?? null,
        communeName: located.communeCode ? (located.data?.units.get(located.communeCode)?.fullName ?? null) : null,
        adminDataVersion,
        needsConfirmation: decision.needsConfirmation,
        ...(located.onBorder ? { onBorder: true } : {}),
        support: decision.support.map((s) => ({ unitId: s.unitId, unitName: names.get(s.unitId), rule: s.rule })),
        ...(decision.speakers.length ? { speakers: decision.speakers } : {}),
        ...(tip.voice ? { voice: true } : {}),
      }),
    },
  });
  return { ...decision, communeCode: located.communeCode ?? null, adminDataVersion };
}

async function locate(
  tx: Tx,
  current: UnitData | null,
  place: TipPlace,
): Promise<{ place: RoutingFacts["place"]; communeCode?: string; data: UnitData | null; onBorder?: boolean }> {
  if (place.communeCode) {
    const data = (place.version && (await unitDataOf(tx, place.version))) || current;
    return { place: place.communeSource === "pin" ? "pin" : "typed_commune", communeCode: place.communeCode, data };
  }
  if (place.latitude !== undefined && place.longitude !== undefined) {
    const hit = current?.polygons?.locate(place.longitude, place.latitude);
    if (hit && current?.units.has(hit.code)) return { place: "pin", communeCode: hit.code, data: current, onBorder: hit.onBorder };
    return { place: "pin_outside", data: current };
  }
  if (place.placeText) {
    const guess = current?.names.guess(place.placeText, place.rejectedCodes ?? []);
    if (guess) return { place: "place_guess", communeCode: guess.code, data: current };
    return { place: "place_unmatched", data: current };
  }
  return { place: "no_location", data: current };
}
