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
}

export async function findTip(ctx: Pick<AppContext, "db">, id: string): Promise<TipRef> {
  const tip = await ctx.db.tip.findUnique({ where: { id }, select: { id: true, reference: true } });
  if (!tip) throw new AppError("not_found", "Không tìm thấy tin báo.");
  return tip;
}
