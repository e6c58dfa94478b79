/**
 * The unit rule for officer accounts made in the console: roles that see their unit's tips
 * (officer, viewer) need a unit, and a unit given must exist and still take tips. Answers
 * validation_failed naming the field, like a schema error, so the form can show it in place.
 *
 * @example await checkOfficerUnit(tx, { role: "officer", unitId: "CAX-BATO", unitChanged: true })
 */
import type { Tx } from "../db/client.ts";
import { AppError } from "../http/errors.ts";
import { ROLES, isRole } from "./roles.ts";

export async function checkOfficerUnit(db: Tx, input: { role: string; unitId: string | null; unitChanged: boolean }): Promise<void> {
  const { role, unitId } = input;
  if (!unitId) {
    if (isRole(role) && ROLES[role].tipScope === "unit") {
      refuse(
        `Vai trò «${ROLES[role].label}» chỉ xem được tin của đơn vị mình, nên tài khoản phải có đơn vị: ` +
          "hãy chọn đơn vị cho tài khoản này (không có đơn vị, cán bộ sẽ thấy danh sách tin báo trống).",
      );
    }
    return;
  }
  if (!input.unitChanged) return;
  const unit = await db.policeUnit.findUnique({ where: { id: unitId }, select: { disabledAt: true } });
  if (!unit) refuse(`Không có đơn vị mã ${unitId}. Hãy chọn một đơn vị trong danh sách đơn vị, hoặc thêm đơn vị đó trước.`);
  if (unit.disabledAt) refuse(`Đơn vị ${unitId} đã ngừng nhận tin. Hãy chọn đơn vị khác.`);
}

function refuse(message: string): never {
  throw new AppError("validation_failed", message, [{ path: "unitId", message }]);
}
