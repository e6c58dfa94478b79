/**
 * An officer moves a tip to another unit, or confirms (corrects) the commune where it happened,
 * with a reason. The old routing row is ended, not deleted, and the timeline gets a "rerouted"
 * event beside the original "routed" one; the action is audited. A commune given without a unit
 * sends the tip to the unit covering it; a tip that moves leaves its officer (the new unit assigns
 * its own). Two officers moving the same tip at once: the second gets `stale`.
 *
 * @example await rerouteTip(ctx, { tipId, unitId: "CAX-BATO", reason: "Địa bàn xã Ba Tơ", officer, ip })
 */
import type { AppContext } from "../context.ts";
import { AppError } from "../http/errors.ts";
import { staleError } from "../tips/act-on-tip.ts";
import { recordAudit } from "../officers/record-audit.ts";
import type { SignedInOfficer } from "../officers/roles.ts";
import { currentUnitData } from "../units/unit-data.ts";
import { decideRouting } from "./decide-routing.ts";
import { toPoliceUnit } from "./police-unit.ts";

export interface RerouteInput {
  tipId: string;
  unitId?: string;
  communeCode?: string;
  reason: string;
  /** TipDetail.version the officer's form was loaded with; a tip changed since is refused as stale. */
  version?: number | undefined;
  officer: SignedInOfficer;
  ip?: string | null;
}

export async function rerouteTip(ctx: Pick<AppContext, "db" | "now">, input: RerouteInput): Promise<void> {
  const now = ctx.now();
  await ctx.db.$transaction(async (tx) => {
    const tip = await tx.tip.findUnique({
      where: { id: input.tipId },
      select: { id: true, reference: true, version: true, unitId: true, communeCode: true, adminDataVersion: true, needsConfirmation: true, category: true, language: true, urgent: true },
    });
    if (!tip) throw new AppError("not_found", "Không tìm thấy tin báo.");
    if (input.version !== undefined && input.version !== tip.version) throw await staleError(tx, tip.id);
    const units = (await tx.policeUnit.findMany()).map(toPoliceUnit);
    const byId = new Map(units.map((u) => [u.id, u]));

    let communeCode = tip.communeCode;
    let adminDataVersion = tip.adminDataVersion;
    let communeName: string | null = null;
    if (input.communeCode) {
      const data = await currentUnitData(tx);
      const unit = data?.units.get(input.communeCode);
      if (!data || !unit) throw new AppError("validation_failed", `Không có xã, phường mã ${input.communeCode} trong dữ liệu hành chính hiện hành.`);
      communeCode = input.communeCode;
      adminDataVersion = data.version;
      communeName = unit.fullName;
    }

    let target = input.unitId ? byId.get(input.unitId) : undefined;
    if (input.unitId && !target) throw new AppError("validation_failed", `Không có đơn vị mã ${input.unitId}.`);
    if (target?.disabled) throw new AppError("validation_failed", `Đơn vị ${target.name} đã ngừng nhận tin.`);
    if (!target) {
      const decision = decideRouting(
        { category: tip.category, language: tip.language, urgent: tip.urgent, place: "typed_commune", ...(communeCode ? { communeCode } : {}) },
        units,
      );
      target = decision.primary ? byId.get(decision.primary.unitId) : undefined;
      if (!target) throw new AppError("validation_failed", "Không tìm được đơn vị phụ trách xã, phường này; hãy chọn đơn vị.");
    }
    const moves = target.id !== tip.unitId;
    if (!moves && communeCode === tip.communeCode && !tip.needsConfirmation) {
      throw new AppError("conflict", `Tin báo đã ở đơn vị ${target.name}.`);
    }

    const claimed = await tx.tip.updateMany({
      where: { id: tip.id, unitId: tip.unitId, version: tip.version },
      data: { unitId: target.id, routeRule: "manual", needsConfirmation: false, communeCode, adminDataVersion, version: { increment: 1 }, ...(moves ? { assignedOfficerId: null } : {}) },
    });
    if (claimed.count !== 1) throw new AppError("stale", "Tin báo vừa được người khác chuyển. Hãy tải lại.");
    if (moves) {
      await tx.tipRouting.updateMany({ where: { tipId: tip.id, role: "primary", active: true }, data: { active: false, endedAt: now } });
      await tx.tipRouting.create({ data: { tipId: tip.id, unitId: target.id, role: "primary", rule: "manual", createdAt: now } });
    }
    const from = tip.unitId ? { unitId: tip.unitId, unitName: byId.get(tip.unitId)?.name ?? null } : null;
    const to = { unitId: target.id, unitName: target.name };
    await tx.tipEvent.create({
      data: {
        tipId: tip.id,
        type: "rerouted",
        actor: `officer:${input.officer.id}`,
        createdAt: now,
        data: JSON.stringify({
          from,
          to,
          reason: input.reason,
          by: input.officer.displayName,
          ...(input.communeCode ? { communeCode, communeName, previousCommuneCode: tip.communeCode, adminDataVersion } : {}),
        }),
      },
    });
    await recordAudit(
      ctx,
      {
        officerId: input.officer.id,
        action: "tip.route",
        targetType: "tip",
        targetId: tip.id,
        data: { reference: tip.reference, from: from?.unitId ?? null, to: target.id, communeCode, reason: input.reason },
        ip: input.ip ?? null,
      },
      tx,
    );
  });
}
