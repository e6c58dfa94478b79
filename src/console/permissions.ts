/**
 * Who may see and do what, as plain functions of the officer (and the tip). Routes call these
 * between parsing and the service call; services never decide permissions.
 *
 * Tips: "province" roles (admin, duty desk) see every tip; "unit" roles (officer, viewer) see
 * the tips their unit is routed to now (the responsible unit, or a unit a rule added: drugs,
 * language, urgent); an officer with no unit sees none. A tip moved to another unit leaves the
 * old unit's view. A tip outside an officer's view answers 404, as if it did not exist.
 */
import type { Prisma } from "../db/generated/sqlite/client.ts";
import { ROLES, ROLE_NAMES, type SignedInOfficer } from "../officers/roles.ts";

/** May this officer open the tip queue at all? */
export function canListTips(officer: SignedInOfficer): boolean {
  return ROLES[officer.role].tipScope !== "none";
}

/** May this officer read this tip? `unitIds`: the units the tip is routed to now. */
export function canViewTip(officer: SignedInOfficer, tip: { unitIds: string[] }): boolean {
  const scope = ROLES[officer.role].tipScope;
  if (scope === "province") return true;
  if (scope === "unit") return officer.unitId !== null && tip.unitIds.includes(officer.unitId);
  return false;
}

/** The same rule as a database filter for the queue, so lists never show what canViewTip refuses. */
export function visibleTipsWhere(officer: SignedInOfficer): Prisma.TipWhereInput {
  const scope = ROLES[officer.role].tipScope;
  if (scope === "province") return {};
  if (scope === "unit" && officer.unitId) return { routings: { some: { unitId: officer.unitId, active: true } } };
  return { id: { in: [] } };
}

/** May this officer move the tip to another unit (or confirm its commune)? Those who handle it, and the duty desk. */
export function canRouteTip(officer: SignedInOfficer, tip: { unitIds: string[] }): boolean {
  return ROLES[officer.role].canRoute && canViewTip(officer, tip);
}

/** May this officer work this tip (claim, assign, status, merge, extend, message the reporter, notes)? */
export function canActOnTip(officer: SignedInOfficer, tip: { unitIds: string[] }): boolean {
  return ROLES[officer.role].canAct && canViewTip(officer, tip);
}

/** May this officer open the identity of this tip's reporter? Never for an anonymous tip. */
export function canRevealIdentity(officer: SignedInOfficer, tip: { unitIds: string[]; anonymous: boolean }): boolean {
  return !tip.anonymous && ROLES[officer.role].canRevealIdentity && canViewTip(officer, tip);
}

/** May `assignee` be given this tip? They must be able to see and work it themselves. */
export function canBeAssigned(assignee: SignedInOfficer, tip: { unitIds: string[] }): boolean {
  return canActOnTip(assignee, tip);
}

/** May this officer create and change police units? */
export function canManageUnits(officer: SignedInOfficer): boolean {
  return officer.role === "admin";
}

/**
 * May this officer read residents' questions? Every police account; not translators, who work on the bot's own words
 * and need no resident's message to do it.
 */
export function canReadQuestions(officer: SignedInOfficer): boolean {
  return officer.role !== "translator";
}

/**
 * May this officer answer residents' questions? Everyone but read-only accounts and translators (everyone reads the
 * list): a translator's words reach residents only after a second speaker's review, and an answer goes out at once.
 */
export function canAnswerQuestions(officer: SignedInOfficer): boolean {
  return officer.role !== "viewer" && officer.role !== "translator";
}

/** May this officer write knowledge-base entries (create, edit, import, save an answer as an entry)? Everyone reads them. */
export function canEditFaq(officer: SignedInOfficer): boolean {
  return officer.role === "admin" || officer.role === "outreach" || officer.role === "outreach_lead";
}

/** May this officer write outreach campaigns and submit them for approval? */
export function canWriteCampaigns(officer: SignedInOfficer): boolean {
  return officer.role === "admin" || officer.role === "outreach" || officer.role === "outreach_lead";
}

/** May this officer read campaigns and their results (the duty desk reads them too)? */
export function canReadCampaigns(officer: SignedInOfficer): boolean {
  return canWriteCampaigns(officer) || officer.role === "duty";
}

/** May this officer approve a campaign another person wrote (never their own: the rule is in manage-campaigns)? */
export function canApproveCampaigns(officer: SignedInOfficer): boolean {
  return officer.role === "admin" || officer.role === "outreach_lead";
}

/** May this officer approve quiz questions for residents (issue 12)? Administrators and the outreach lead. */
export function canApproveQuiz(officer: SignedInOfficer): boolean {
  return officer.role === "admin" || officer.role === "outreach_lead";
}

/**
 * May this officer open the translators' workbench (issue 14)? Translators and administrators; writing and approving a
 * language also needs the language in the account's languages (checked by the translation store).
 */
export function canTranslate(officer: SignedInOfficer): boolean {
  return officer.role === "translator" || officer.role === "admin";
}

/** May this officer create officer accounts, change them, disable them and reset their passwords? */
export function canManageOfficers(officer: SignedInOfficer): boolean {
  return officer.role === "admin";
}

/**
 * May this officer read period reports (issue 13)? Every account that reads tips: the province accounts for the
 * province or any unit, unit accounts for their own unit (reportUnitOf). Outreach accounts read no tip figures.
 */
export function canReadReports(officer: SignedInOfficer): boolean {
  return canListTips(officer);
}

/**
 * The unit a report asked for `unitId` is about: null = the whole province (province accounts only), a unit id,
 * or undefined when refused (a unit account asking for another unit, or one with no unit).
 */
export function reportUnitOf(officer: SignedInOfficer, unitId: string | undefined): string | null | undefined {
  const scope = ROLES[officer.role].tipScope;
  if (scope === "province") return unitId ?? null;
  if (scope === "unit" && officer.unitId && (unitId === undefined || unitId === officer.unitId)) return officer.unitId;
  return undefined;
}

/** May this officer browse and export the audit log? */
export function canReadAudit(officer: SignedInOfficer): boolean {
  return officer.role === "admin";
}

/**
 * Which officer accounts this officer may list (null: none, 403). Administrators: every account,
 * disabled ones too. Those who assign tips see whom they can assign to: the duty desk every active
 * account that works tips, a unit officer those of their own unit. Read-only and outreach accounts
 * (and an officer without a unit) assign nothing, so they list nothing.
 */
export function visibleOfficersWhere(officer: SignedInOfficer): Prisma.OfficerWhereInput | null {
  if (canManageOfficers(officer)) return {};
  const role = ROLES[officer.role];
  if (!role.canAct) return null;
  const assignable = { disabledAt: null, role: { in: ROLE_NAMES.filter((r) => ROLES[r].canAct) } };
  if (role.tipScope === "province") return assignable;
  if (role.tipScope === "unit" && officer.unitId) return { ...assignable, unitId: officer.unitId };
  return null;
}
