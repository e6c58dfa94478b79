/**
 * Officer roles as data: what each may see. Permission functions (src/console/permissions.ts)
 * read this table; adding a role is one row here.
 *
 * `tipScope`: which tips the role reads. "province" = every tip; "unit" = tips of the officer's
 * unit (today every tip too, until tips carry an assigned unit); "none" = no tips at all.
 */
export const ROLES = {
  admin: { label: "Quản trị hệ thống", tipScope: "province" },
  duty: { label: "Trực ban Công an tỉnh", tipScope: "province" },
  officer: { label: "Cán bộ thụ lý", tipScope: "unit" },
  outreach: { label: "Biên tập tuyên truyền", tipScope: "none" },
  viewer: { label: "Chỉ xem", tipScope: "province" },
} as const satisfies Record<string, { label: string; tipScope: "province" | "unit" | "none" }>;

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
