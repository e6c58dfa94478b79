import { describe, expect, it } from "vitest";
import { decideRouting, type RoutingFacts } from "../../src/routing/decide-routing.ts";
import type { PoliceUnitInfo } from "../../src/routing/police-unit.ts";

function unit(id: string, extra: Partial<PoliceUnitInfo> = {}): PoliceUnitInfo {
  return { id, name: id, kind: "commune", provinceCode: "51", communes: [], categories: [], languages: ["vi"], phone: null, demo: false, disabled: false, ...extra };
}

const UNITS = [
  unit("TRUCBAN", { kind: "duty_desk" }),
  unit("CAX-BATO", { communes: ["21484"], languages: ["vi", "hre"] }),
  unit("CAX-BATO2", { communes: ["21523"] }),
  unit("CAX-TRABONG", { communes: ["21115"], languages: ["vi", "cua"] }),
  unit("PC04", { kind: "specialised", categories: ["drugs"] }),
  unit("PC04-KONTUM", { kind: "specialised", categories: ["drugs"], communes: ["23293"] }),
  unit("CO-MOBILE", { kind: "specialised", languages: ["vi", "cua"] }),
  unit("DEMO-CAX-BATO2", { communes: ["21523"], demo: true }),
  unit("OLD-TRUCBAN", { kind: "duty_desk", disabled: true }),
];
const base: RoutingFacts = { category: "theft", language: "vi", urgent: false, place: "no_location" };

describe("deciding where a tip goes", () => {
  it.each([
    ["a confirmed pin in Ba Tơ", "CAX-BATO", "pin", { place: "pin", communeCode: "21484" }],
    ["a typed and confirmed commune", "CAX-BATO2", "typed_commune", { place: "typed_commune", communeCode: "21523" }],
    ["a commune guessed from free text", "CAX-BATO", "place_guess", { place: "place_guess", communeCode: "21484" }],
    ["a commune no unit covers", "TRUCBAN", "uncovered_commune", { place: "pin", communeCode: "99999" }],
    ["a commune only a specialised unit lists", "TRUCBAN", "uncovered_commune", { place: "pin", communeCode: "23293" }],
    ["a pin outside the province", "TRUCBAN", "pin_outside", { place: "pin_outside" }],
    ["free text naming no commune", "TRUCBAN", "place_unmatched", { place: "place_unmatched" }],
    ["no place at all", "TRUCBAN", "no_location", { place: "no_location" }],
  ] as const)("sends %s to %s (rule %s)", (_what, unitId, rule, facts) => {
    const d = decideRouting({ ...base, ...facts }, UNITS);
    expect(d.primary).toEqual({ unitId, rule });
    expect(d.rule).toBe(rule);
  });

  it("flags a guessed or unmatched place for an officer to confirm, and nothing else", () => {
    expect(decideRouting({ ...base, place: "place_guess", communeCode: "21484" }, UNITS).needsConfirmation).toBe(true);
    expect(decideRouting({ ...base, place: "place_unmatched" }, UNITS).needsConfirmation).toBe(true);
    expect(decideRouting({ ...base, place: "pin", communeCode: "21484" }, UNITS).needsConfirmation).toBe(false);
  });

  it("prefers a real unit to a demo one, and never picks a disabled unit", () => {
    expect(decideRouting({ ...base, place: "pin", communeCode: "21523" }, UNITS).primary?.unitId).toBe("CAX-BATO2");
    expect(decideRouting(base, UNITS).primary?.unitId).toBe("TRUCBAN");
    expect(decideRouting(base, UNITS.filter((u) => u.id !== "TRUCBAN"))).toMatchObject({ primary: null, rule: "no_unit" });
  });

  it("adds the specialised drugs unit to a drugs tip, province-wide units always and local ones in their communes", () => {
    const d = decideRouting({ ...base, category: "drugs", place: "pin", communeCode: "21484" }, UNITS);
    expect(d.primary?.unitId).toBe("CAX-BATO");
    expect(d.support).toEqual([{ unitId: "PC04", rule: "category" }]);
    const kontum = decideRouting({ ...base, category: "drugs", place: "pin", communeCode: "23293" }, UNITS);
    expect(kontum.support.map((s) => s.unitId)).toEqual(["PC04", "PC04-KONTUM"]);
  });

  it("adds a unit whose officers speak Co to a Co tip whose commune police do not", () => {
    const d = decideRouting({ ...base, language: "cua", place: "pin", communeCode: "21523" }, UNITS);
    expect(d.primary?.unitId).toBe("CAX-BATO2");
    expect(d.support).toEqual([{ unitId: "CAX-TRABONG", rule: "language" }]);
  });

  it("adds nothing when the commune police speak the tip's language, and names the officers who do", () => {
    const officers = [
      { id: "o1", unitId: "CAX-BATO", languages: ["vi", "hre"] },
      { id: "o2", unitId: "CAX-BATO", languages: ["vi"] },
      { id: "o3", unitId: "CAX-BATO2", languages: ["hre"] },
    ];
    const d = decideRouting({ ...base, language: "hre", place: "pin", communeCode: "21484" }, UNITS, officers);
    expect(d.support).toEqual([]);
    expect(d.speakers).toEqual(["o1"]);
    // A unit that does not list Hre but has an officer who speaks it needs no help either.
    expect(decideRouting({ ...base, language: "hre", place: "pin", communeCode: "21523" }, UNITS, officers)).toMatchObject({ support: [], speakers: ["o3"] });
  });

  it("tells the duty desk about an urgent tip handled by commune police", () => {
    const d = decideRouting({ ...base, urgent: true, place: "pin", communeCode: "21484" }, UNITS);
    expect(d.support).toEqual([{ unitId: "TRUCBAN", rule: "urgent" }]);
    expect(decideRouting({ ...base, urgent: true }, UNITS).support).toEqual([]);
  });
});
