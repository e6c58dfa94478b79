/**
 * Who may see what, as plain functions of the officer (and the tip). Routes call these between
 * parsing and the service call; services never decide permissions.
 */
import type { Prisma } from "../db/generated/sqlite/client.ts";
import { ROLES, type SignedInOfficer } from "../officers/roles.ts";

/** May this officer open the tip queue at all? */
export function canListTips(officer: SignedInOfficer): boolean {
  return ROLES[officer.role].tipScope !== "none";
}

/**
 * May this officer read this tip? Unit-scoped roles read every tip until tips carry an assigned
 * unit (routing); then this compares `tip.unitId` with `officer.unitId`.
 */
export function canViewTip(officer: SignedInOfficer, _tip: { id: string }): boolean {
  return canListTips(officer);
}

/** The same rule as a database filter for the queue, so lists never show what canViewTip refuses. */
export function visibleTipsWhere(officer: SignedInOfficer): Prisma.TipWhereInput {
  return canListTips(officer) ? {} : { id: { in: [] } };
}
