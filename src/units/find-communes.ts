/**
 * What the resident's location step asks of the unit data: communes matching a typed name (see
 * commune-names.ts for the ranking) and the commune under a shared pin, both in the current
 * data version of the home province, with the words to confirm them back.
 *
 * @example await findCommunes(tx, "xa ba cung", 4) // [{ code: "21484", name: "Xã Ba Tơ", oldName: "Xã Ba Cung", … }]
 */
import type { Tx } from "../db/client.ts";
import { currentUnitData } from "./unit-data.ts";

export interface CommuneCandidate {
  code: string;
  /** Today's full name, "Xã Ba Tơ". */
  name: string;
  /** "Tỉnh Quảng Ngãi" */
  province: string;
  /** The pre-2025 name the resident typed, when that is how it matched. */
  oldName?: string;
  /** The data version the code belongs to (the tip keeps it). */
  version: string;
}

export async function findCommunes(tx: Tx, typed: string, limit: number): Promise<CommuneCandidate[]> {
  const data = await currentUnitData(tx);
  if (!data) return [];
  return data.names.match(typed, limit).map((m) => ({
    code: m.code,
    name: m.fullName,
    province: data.units.get(m.code)?.provinceName ?? data.provinceName,
    ...(m.oldName ? { oldName: m.oldName } : {}),
    version: data.version,
  }));
}

export type PinPlace =
  | { status: "commune"; commune: CommuneCandidate; onBorder: boolean }
  /** Boundaries are loaded and the pin is in none of them. */
  | { status: "outside" }
  /** No boundaries in the current data version: nothing to say about the pin. */
  | { status: "unknown" };

export async function locatePin(tx: Tx, latitude: number, longitude: number): Promise<PinPlace> {
  const data = await currentUnitData(tx);
  if (!data?.polygons) return { status: "unknown" };
  const hit = data.polygons.locate(longitude, latitude);
  const unit = hit && data.units.get(hit.code);
  if (!hit || !unit) return { status: "outside" };
  return {
    status: "commune",
    commune: { code: unit.code, name: unit.fullName, province: unit.provinceName, version: data.version },
    onBorder: hit.onBorder,
  };
}
