/**
 * Creating and changing police units (admin only, checked by the route). Commune codes must
 * exist in the current administrative-unit data; every write is audited with what changed.
 *
 * @example await createPoliceUnit(ctx, { id: "CAX-BATO", name: "Công an xã Ba Tơ", kind: "commune", communes: ["21484"], categories: [], languages: ["vi", "hre"] }, { officerId, ip })
 */
import type { AppContext } from "../context.ts";
import type { Tx } from "../db/client.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { AppError } from "../http/errors.ts";
import { recordAudit } from "../officers/record-audit.ts";
import { HOME_PROVINCE } from "../units/home-province.ts";
import { currentUnitData } from "../units/unit-data.ts";
import { joinList, toPoliceUnit, type PoliceUnitChanges, type PoliceUnitInfo, type PoliceUnitInput } from "./police-unit.ts";

export interface Actor {
  officerId: string | null;
  ip?: string | null;
}

type Ctx = Pick<AppContext, "db" | "now">;

export async function createPoliceUnit(ctx: Ctx, input: PoliceUnitInput, actor: Actor): Promise<PoliceUnitInfo> {
  try {
    return await ctx.db.$transaction(async (tx) => {
      await checkCommunes(tx, input.communes);
      const row = await tx.policeUnit.create({
        data: {
          id: input.id,
          name: input.name,
          kind: input.kind,
          provinceCode: HOME_PROVINCE.code,
          communes: joinList(input.communes),
          categories: joinList(input.categories),
          languages: joinList(input.languages),
          phone: input.phone ?? null,
          address: input.address ?? null,
          hours: input.hours ?? null,
          contactSample: input.contactSample ?? false,
          dutyChatId: input.dutyChatId ?? null,
        },
      });
      await recordAudit(ctx, { officerId: actor.officerId, action: "unit.create", targetType: "unit", targetId: row.id, data: { ...input }, ip: actor.ip ?? null }, tx);
      return toPoliceUnit(row);
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError("conflict", `Đã có đơn vị mã ${input.id}.`);
    throw e;
  }
}

export async function updatePoliceUnit(ctx: Ctx, id: string, changes: PoliceUnitChanges, actor: Actor): Promise<PoliceUnitInfo> {
  return ctx.db.$transaction(async (tx) => {
    const before = await tx.policeUnit.findUnique({ where: { id } });
    if (!before) throw new AppError("not_found", `Không có đơn vị mã ${id}.`);
    if (changes.communes) await checkCommunes(tx, changes.communes);
    const row = await tx.policeUnit.update({
      where: { id },
      data: {
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.kind !== undefined ? { kind: changes.kind } : {}),
        ...(changes.communes !== undefined ? { communes: joinList(changes.communes) } : {}),
        ...(changes.categories !== undefined ? { categories: joinList(changes.categories) } : {}),
        ...(changes.languages !== undefined ? { languages: joinList(changes.languages) } : {}),
        ...(changes.phone !== undefined ? { phone: changes.phone } : {}),
        ...(changes.address !== undefined ? { address: changes.address } : {}),
        ...(changes.hours !== undefined ? { hours: changes.hours } : {}),
        ...(changes.contactSample !== undefined ? { contactSample: changes.contactSample } : {}),
        ...(changes.dutyChatId !== undefined ? { dutyChatId: changes.dutyChatId } : {}),
        ...(changes.disabled !== undefined ? { disabledAt: changes.disabled ? (before.disabledAt ?? ctx.now()) : null } : {}),
      },
    });
    const was = toPoliceUnit(before);
    const diff = Object.fromEntries(
      Object.entries(changes)
        .filter(([k, v]) => v !== undefined && JSON.stringify(v) !== JSON.stringify(was[k as keyof PoliceUnitInfo]))
        .map(([k, v]) => [k, { from: was[k as keyof PoliceUnitInfo], to: v }]),
    );
    await recordAudit(ctx, { officerId: actor.officerId, action: "unit.update", targetType: "unit", targetId: id, data: diff, ip: actor.ip ?? null }, tx);
    return toPoliceUnit(row);
  });
}

/** Refuses commune codes the current data version does not have (validation_failed, listing them). */
export async function checkCommunes(tx: Tx, codes: string[]): Promise<void> {
  if (codes.length === 0) return;
  const data = await currentUnitData(tx);
  if (!data) {
    throw new AppError("validation_failed", "Chưa có danh sách xã, phường: chạy npm run units:import trước khi giao địa bàn cho đơn vị.");
  }
  const unknown = codes.filter((c) => !data.units.has(c));
  if (unknown.length) {
    throw new AppError("validation_failed", `Không có xã, phường mã ${unknown.join(", ")} trong dữ liệu hành chính hiện hành (${data.version}).`, {
      unknownCommunes: unknown,
    });
  }
}
