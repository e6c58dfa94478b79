/**
 * Loads the few facts a permission check needs, or answers 404. Never selects the reporter's
 * identity columns.
 *
 * @example const tip = await findTip(ctx, params.id); if (!canViewTip(officer, tip)) throw …
 */
import type { AppContext } from "../context.ts";
import { AppError } from "../http/errors.ts";

export interface TipRef {
  id: string;
  reference: string;
  /** The units the tip is routed to now (responsible and added). */
  unitIds: string[];
  /** The reporter chose to stay anonymous (their identity is never shown). */
  anonymous: boolean;
}

export const TIP_NOT_FOUND = "Không tìm thấy tin báo.";

export async function findTip(ctx: Pick<AppContext, "db">, id: string): Promise<TipRef> {
  const tip = await ctx.db.tip.findUnique({
    where: { id },
    select: { id: true, reference: true, anonymous: true, routings: { where: { active: true }, select: { unitId: true } } },
  });
  if (!tip) throw new AppError("not_found", TIP_NOT_FOUND);
  return { id: tip.id, reference: tip.reference, anonymous: tip.anonymous, unitIds: tip.routings.map((r) => r.unitId) };
}
