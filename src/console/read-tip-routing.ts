/**
 * Where a tip is and why: the responsible unit, the rule, whether the place still needs an
 * officer's confirmation, and every unit it has been with (ended rows kept).
 *
 * @example const routing = await readTipRouting(ctx, tip.id)
 */
import type { AppContext } from "../context.ts";
import type { Tx } from "../db/client.ts";
import { ROUTE_RULES, type RouteRule } from "../routing/rules.ts";
import type { TipRoutingView } from "./schemas.ts";

export async function readTipRouting(ctx: Pick<AppContext, "db">, tipId: string, tx: Tx = ctx.db): Promise<TipRoutingView> {
  const tip = await tx.tip.findUniqueOrThrow({
    where: { id: tipId },
    select: {
      unitId: true,
      routeRule: true,
      needsConfirmation: true,
      unit: { select: { name: true } },
      routings: { orderBy: [{ createdAt: "asc" }, { id: "asc" }], include: { unit: { select: { name: true } } } },
    },
  });
  return {
    unitId: tip.unitId,
    unitName: tip.unit?.name ?? null,
    rule: tip.routeRule,
    ruleText: tip.routeRule && tip.routeRule in ROUTE_RULES ? ROUTE_RULES[tip.routeRule as RouteRule] : null,
    needsConfirmation: tip.needsConfirmation,
    units: tip.routings.map((r) => ({
      unitId: r.unitId,
      unitName: r.unit.name,
      role: r.role === "support" ? "support" : "primary",
      rule: (r.rule in ROUTE_RULES ? r.rule : "manual") as RouteRule,
      active: r.active,
      since: r.createdAt.toISOString(),
      until: r.endedAt?.toISOString() ?? null,
    })),
  };
}
