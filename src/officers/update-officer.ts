/**
 * An administrator changes an officer account: name, role, unit, or disables it. Disabling ends
 * every session of that officer in the same transaction. The province never loses its last active
 * administrator: that change is refused (conflict). Audited as `officer.update` with each changed
 * field's old and new value.
 *
 * @example await updateOfficer(ctx, officerId, { role: "duty", unitId: null }, { officerId: admin.id, ip })
 */
import type { AppContext } from "../context.ts";
import { AppError } from "../http/errors.ts";
import { checkOfficerUnit } from "./check-officer-unit.ts";
import { OFFICER_ACCOUNT_SELECT, toOfficerAccount, type OfficerAccount } from "./officer-account.ts";
import { recordAudit } from "./record-audit.ts";
import type { OfficerAdminActor } from "./register-officer.ts";
import type { Role } from "./roles.ts";

export interface OfficerChanges {
  displayName?: string;
  role?: Role;
  unitId?: string | null;
  languages?: string[];
  disabled?: boolean;
}

export const OFFICER_NOT_FOUND = "Không tìm thấy tài khoản cán bộ này (có thể mã tài khoản đã sai).";

export async function updateOfficer(
  ctx: Pick<AppContext, "db" | "now">,
  id: string,
  changes: OfficerChanges,
  actor: OfficerAdminActor,
): Promise<OfficerAccount> {
  return ctx.db.$transaction(async (tx) => {
    const before = await tx.officer.findUnique({ where: { id }, select: OFFICER_ACCOUNT_SELECT });
    if (!before) throw new AppError("not_found", OFFICER_NOT_FOUND);
    const was = toOfficerAccount(before);
    const role = changes.role ?? before.role;
    const unitId = changes.unitId !== undefined ? changes.unitId : before.unitId;
    const disabled = changes.disabled ?? was.disabled;
    await checkOfficerUnit(tx, { role, unitId, unitChanged: unitId !== before.unitId });

    const losesAdmin = before.role === "admin" && !was.disabled && (role !== "admin" || disabled);
    if (losesAdmin) {
      const otherAdmins = await tx.officer.count({ where: { role: "admin", disabledAt: null, id: { not: id } } });
      if (otherAdmins === 0) throw new AppError("conflict", lastAdminMessage(id === actor.officerId));
    }

    const row = await tx.officer.update({
      where: { id },
      data: {
        ...(changes.displayName !== undefined ? { displayName: changes.displayName } : {}),
        ...(changes.role !== undefined ? { role: changes.role } : {}),
        ...(changes.unitId !== undefined ? { unitId: changes.unitId } : {}),
        ...(changes.languages !== undefined ? { languages: changes.languages.join(",") } : {}),
        ...(changes.disabled !== undefined ? { disabledAt: changes.disabled ? (before.disabledAt ?? ctx.now()) : null } : {}),
      },
      select: OFFICER_ACCOUNT_SELECT,
    });
    const after = toOfficerAccount(row);
    const diff = changedFields(was, after);
    if (after.disabled && !was.disabled) {
      const ended = await tx.officerSession.deleteMany({ where: { officerId: id } });
      diff.sessionsEnded = ended.count;
    }
    if (Object.keys(diff).length > 0) {
      await recordAudit(ctx, { officerId: actor.officerId, action: "officer.update", targetType: "officer", targetId: id, data: diff, ip: actor.ip }, tx);
    }
    return after;
  });
}

function changedFields(was: OfficerAccount, now: OfficerAccount): Record<string, unknown> {
  const fields = ["displayName", "role", "unitId", "languages", "disabled"] as const;
  const same = (a: unknown, b: unknown) => (Array.isArray(a) && Array.isArray(b) ? a.join(",") === b.join(",") : a === b);
  return Object.fromEntries(fields.filter((f) => !same(was[f], now[f])).map((f) => [f, { from: was[f], to: now[f] }]));
}

function lastAdminMessage(self: boolean): string {
  return self
    ? "Bạn là quản trị hệ thống duy nhất còn hoạt động: hãy cấp vai trò quản trị cho một cán bộ khác trước khi tự khóa tài khoản hoặc đổi vai trò của mình."
    : "Đây là quản trị hệ thống duy nhất còn hoạt động: hãy cấp vai trò quản trị cho một cán bộ khác trước.";
}
