/**
 * An administrator gives an officer a new generated password (forgotten, or possibly seen by
 * someone else): every session of that officer ends, and `passwordChangedAt` goes back to null
 * (the officer should choose their own). Audited as `officer.password_reset`, never the password.
 * Administrators change their own password with their current one instead (POST /api/auth/password),
 * so a session left open cannot take over its account.
 *
 * @example const { password } = await resetOfficerPassword(ctx, officerId, { officerId: admin.id, ip })
 */
import type { AppContext } from "../context.ts";
import { AppError } from "../http/errors.ts";
import { hashPassword } from "../security/passwords.ts";
import { generatePassword } from "./generate-password.ts";
import { recordAudit } from "./record-audit.ts";
import type { OfficerAdminActor } from "./register-officer.ts";
import { OFFICER_NOT_FOUND } from "./update-officer.ts";

export async function resetOfficerPassword(
  ctx: Pick<AppContext, "db" | "now">,
  id: string,
  actor: OfficerAdminActor,
): Promise<{ password: string }> {
  if (id === actor.officerId) {
    throw new AppError("forbidden", "Không tự cấp lại mật khẩu cho chính mình được: hãy dùng mục Đổi mật khẩu (cần mật khẩu hiện tại).");
  }
  const exists = await ctx.db.officer.findUnique({ where: { id }, select: { id: true } });
  if (!exists) throw new AppError("not_found", OFFICER_NOT_FOUND);
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  await ctx.db.$transaction(async (tx) => {
    await tx.officer.update({ where: { id }, data: { passwordHash, passwordChangedAt: null } });
    const ended = await tx.officerSession.deleteMany({ where: { officerId: id } });
    await recordAudit(
      ctx,
      { officerId: actor.officerId, action: "officer.password_reset", targetType: "officer", targetId: id, data: { sessionsEnded: ended.count }, ip: actor.ip },
      tx,
    );
  });
  return { password };
}
