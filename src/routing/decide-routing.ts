/**
 * Which units a new tip goes to, and why: a pure decision over the facts of the tip and the
 * active units, so every rule is testable without a database.
 *
 * Responsible ("primary") unit:
 * 1. a commune the resident confirmed (from a pin: `pin`; typed: `typed_commune`), or a commune
 *    guessed from free text (`place_guess`, flagged for an officer to confirm) → the unit
 *    covering that commune (commune police before other kinds, real units before demo ones,
 *    then one speaking the tip's language, then the lowest id); none covers it → the duty desk
 *    (`uncovered_commune`);
 * 2. a pin outside every commune (`pin_outside`), free text naming no commune
 *    (`place_unmatched`), no place at all (`no_location`) → the provincial duty desk.
 *
 * Added ("support") units: specialised units taking the tip's category (`category`); for a
 * tip in a language other than Vietnamese whose responsible unit does not list it, a unit that
 * does (`language`: one covering the commune first, then the duty desk); for an urgent tip, the
 * duty desk (`urgent`). Officers of the responsible unit who speak the language are named
 * (`speakers`) so the console can suggest them: a voice tip in Hre or Co can only be heard by them.
 *
 * @example decideRouting({ category: "drugs", language: "hre", urgent: false, communeCode: "21484", place: "pin" }, units, officers)
 */
import type { PoliceUnitInfo } from "./police-unit.ts";
import type { RouteRule } from "./rules.ts";

export interface RoutingFacts {
  category: string;
  /** The resident's language; a voice tip is in it too. */
  language: string;
  urgent: boolean;
  /** The commune, when one is known. */
  communeCode?: string;
  /** How the place is known. */
  place: "pin" | "typed_commune" | "place_guess" | "place_unmatched" | "pin_outside" | "no_location";
}

export interface OfficerLanguages {
  id: string;
  unitId: string | null;
  languages: string[];
}

export interface Assignment {
  unitId: string;
  rule: RouteRule;
}

export interface RoutingDecision {
  /** The responsible unit; null only when there is no duty desk at all. */
  primary: Assignment | null;
  /** The rule behind the primary choice (also when no unit could be found). */
  rule: RouteRule;
  support: Assignment[];
  needsConfirmation: boolean;
  /** Officers of the responsible unit who speak the tip's language (non-Vietnamese tips). */
  speakers: string[];
}

export function decideRouting(facts: RoutingFacts, allUnits: PoliceUnitInfo[], officers: OfficerLanguages[] = []): RoutingDecision {
  const units = allUnits.filter((u) => !u.disabled);
  const language = facts.language;
  const foreign = language !== "vi";
  const byPreference = (a: PoliceUnitInfo, b: PoliceUnitInfo) =>
    Number(a.demo) - Number(b.demo) ||
    (foreign ? Number(!a.languages.includes(language)) - Number(!b.languages.includes(language)) : 0) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const dutyDesk = units.filter((u) => u.kind === "duty_desk").sort(byPreference)[0];

  let primary: PoliceUnitInfo | undefined;
  let rule: RouteRule = facts.place;
  if (facts.communeCode && (facts.place === "pin" || facts.place === "typed_commune" || facts.place === "place_guess")) {
    // A specialised unit's communes limit where it takes its categories; it is never the commune's police.
    const covering = units.filter((u) => u.kind !== "specialised" && u.communes.includes(facts.communeCode!));
    primary = covering.sort((a, b) => Number(a.kind !== "commune") - Number(b.kind !== "commune") || byPreference(a, b))[0];
    if (!primary) rule = "uncovered_commune";
  }
  primary ??= dutyDesk;
  if (!primary) rule = "no_unit";

  const support: Assignment[] = [];
  const add = (unit: PoliceUnitInfo | undefined, why: RouteRule) => {
    if (unit && unit.id !== primary?.id && !support.some((s) => s.unitId === unit.id)) support.push({ unitId: unit.id, rule: why });
  };
  for (const unit of units.filter((u) => u.kind === "specialised" && u.categories.includes(facts.category)).sort(byPreference)) {
    if (unit.communes.length === 0 || (facts.communeCode && unit.communes.includes(facts.communeCode))) add(unit, "category");
  }

  const speaks = (unitId: string) => officers.filter((o) => o.unitId === unitId && o.languages.includes(language)).map((o) => o.id);
  if (foreign && primary && !primary.languages.includes(language) && speaks(primary.id).length === 0) {
    const speakers = units
      .filter((u) => u.languages.includes(language) || speaks(u.id).length > 0)
      .sort(
        (a, b) =>
          Number(!(facts.communeCode && a.communes.includes(facts.communeCode))) - Number(!(facts.communeCode && b.communes.includes(facts.communeCode))) ||
          Number(a.kind !== "duty_desk") - Number(b.kind !== "duty_desk") ||
          byPreference(a, b),
      );
    add(speakers[0], "language");
  }
  if (facts.urgent && primary?.kind !== "duty_desk") add(dutyDesk, "urgent");

  return {
    primary: primary ? { unitId: primary.id, rule } : null,
    rule,
    support,
    needsConfirmation: facts.place === "place_guess" || facts.place === "place_unmatched",
    speakers: foreign && primary ? speaks(primary.id) : [],
  };
}
