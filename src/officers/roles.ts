/**
 * Officer roles as data: what each may see. Permission functions (src/console/permissions.ts)
 * read this table; adding a role is one row here.
 *
 * `tipScope`: which tips the role reads. "province" = every tip; "unit" = the tips routed to the
 * officer's unit now (none without a unit); "none" = no tips at all. `canRoute`: may move a tip
 * it can see to another unit. `canAct`: may work the tips it sees (claim, assign, change status,
 * merge, extend, write to the reporter, add notes). `canRevealIdentity`: may open a named
 * reporter's identity (on an explicit, audited click; anonymous tips never). A viewer reads its
 * own unit's tips and changes nothing (a province-wide reader is a duty-desk account). The system
 * administrator runs accounts and units, not cases, so it cannot open identities.
 */
export const ROLES = {
  admin: { label: "Quản trị hệ thống", tipScope: "province", canRoute: true, canAct: true, canRevealIdentity: false },
  duty: { label: "Trực ban Công an tỉnh", tipScope: "province", canRoute: true, canAct: true, canRevealIdentity: true },
  officer: { label: "Cán bộ thụ lý", tipScope: "unit", canRoute: true, canAct: true, canRevealIdentity: true },
  outreach: { label: "Biên tập tuyên truyền", tipScope: "none", canRoute: false, canAct: false, canRevealIdentity: false },
  /** Leads outreach: writes like an editor, and approves what another editor wrote before it goes to residents. */
  outreach_lead: { label: "Trưởng nhóm tuyên truyền", tipScope: "none", canRoute: false, canAct: false, canRevealIdentity: false },
  /** Writes and records Hre/Co text in the translators' workbench, and reviews what another speaker wrote (issue 14). */
  translator: { label: "Người dịch tiếng dân tộc", tipScope: "none", canRoute: false, canAct: false, canRevealIdentity: false },
  viewer: { label: "Chỉ xem", tipScope: "unit", canRoute: false, canAct: false, canRevealIdentity: false },
} as const satisfies Record<
  string,
  { label: string; tipScope: "province" | "unit" | "none"; canRoute: boolean; canAct: boolean; canRevealIdentity: boolean }
>;

export type Role = keyof typeof ROLES;
export type TipScope = (typeof ROLES)[Role]["tipScope"];

export const ROLE_NAMES = Object.keys(ROLES) as [Role, ...Role[]];

export function isRole(value: string): value is Role {
  return Object.hasOwn(ROLES, value);
}

/** What the console and the permission functions know about a signed-in officer. */
export interface SignedInOfficer {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  unitId: string | null;
}

/** Narrows a database row to the signed-in shape; an unknown role (data edited by hand) gets the least: no tips. */
export function toSignedInOfficer(row: {
  id: string;
  username: string;
  displayName: string;
  role: string;
  unitId: string | null;
}): SignedInOfficer {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    role: isRole(row.role) ? row.role : "outreach",
    unitId: row.unitId,
  };
}
