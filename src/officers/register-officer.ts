/**
 * An administrator adds an officer account in the console: the unit rule is checked, the account
 * is created with a generated password (returned once) and the creation audited in the same
 * transaction (`officer.create`, never the password).
 *
 * @example const { officer, password } = await registerOfficer(ctx, { username: "ba.to", displayName: "Đ/c Hà", role: "officer", unitId: "CAX-BATO" }, { officerId: admin.id, ip })
 */
import type { AppContext } from "../context.ts";
import { checkOfficerUnit } from "./check-officer-unit.ts";
import { createOfficer } from "./create-officer.ts";
import { OFFICER_ACCOUNT_SELECT, toOfficerAccount, type OfficerAccount } from "./officer-account.ts";
import { recordAudit } from "./record-audit.ts";
import type { Role } from "./roles.ts";

export interface OfficerAdminActor {
  officerId: string;
  ip: string | null;
}

export interface NewOfficer {
  username: string;
  displayName: string;
  role: Role;
  unitId?: string | null;
  languages?: string[];
}

export async function registerOfficer(
  ctx: Pick<AppContext, "db" | "now">,
  input: NewOfficer,
  actor: OfficerAdminActor,
): Promise<{ officer: OfficerAccount; password: string }> {
  const unitId = input.unitId ?? null;
  await checkOfficerUnit(ctx.db, { role: input.role, unitId, unitChanged: true });
  const { officer, password } = await createOfficer(ctx, { ...input, unitId }, (tx, created) =>
    recordAudit(
      ctx,
      {
        officerId: actor.officerId,
        action: "officer.create",
        targetType: "officer",
        targetId: created.id,
        data: { username: created.username, displayName: created.displayName, role: created.role, unitId: created.unitId, ...(input.languages ? { languages: input.languages } : {}) },
        ip: actor.ip,
      },
      tx,
    ),
  );
  const row = await ctx.db.officer.findUniqueOrThrow({ where: { id: officer.id }, select: OFFICER_ACCOUNT_SELECT });
  return { officer: toOfficerAccount(row), password };
}
