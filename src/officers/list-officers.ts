/**
 * The officer accounts a signed-in officer may list, sorted by name the Vietnamese way. `scope`
 * comes from permissions.ts (visibleOfficersWhere); `unitId` narrows it further (the officers of
 * the unit a tip is with, for the assign form).
 *
 * @example await listOfficers(ctx, { scope: visibleOfficersWhere(officer)!, unitId: "CAX-BATO" })
 */
import type { AppContext } from "../context.ts";
import type { Prisma } from "../db/generated/sqlite/client.ts";
import { OFFICER_ACCOUNT_SELECT, toOfficerAccount, type OfficerAccount } from "./officer-account.ts";

const byName = new Intl.Collator("vi", { sensitivity: "base", numeric: true });

export async function listOfficers(
  ctx: Pick<AppContext, "db">,
  input: { scope: Prisma.OfficerWhereInput; unitId?: string },
): Promise<{ items: OfficerAccount[] }> {
  const rows = await ctx.db.officer.findMany({
    where: { AND: [input.scope, input.unitId ? { unitId: input.unitId } : {}] },
    select: OFFICER_ACCOUNT_SELECT,
  });
  const items = rows.map(toOfficerAccount);
  items.sort((a, b) => byName.compare(a.displayName, b.displayName) || a.username.localeCompare(b.username));
  return { items };
}
