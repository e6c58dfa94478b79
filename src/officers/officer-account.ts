/**
 * An officer account as the console's officer administration shows it: never the password hash.
 *
 * @example toOfficerAccount(await ctx.db.officer.findUniqueOrThrow({ where: { id } }))
 */
import { toSignedInOfficer, type Role } from "./roles.ts";

export interface OfficerAccount {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  unitId: string | null;
  disabled: boolean;
  createdAt: string;
  /** null while the officer still uses the password an administrator generated. */
  passwordChangedAt: string | null;
  /** Languages the officer speaks ("vi", "hre"…): a translator writes and reviews only these in the workbench. */
  languages: string[];
}

export interface OfficerRow {
  id: string;
  username: string;
  displayName: string;
  role: string;
  unitId: string | null;
  disabledAt: Date | null;
  createdAt: Date;
  passwordChangedAt: Date | null;
  languages: string;
}

export function toOfficerAccount(row: OfficerRow): OfficerAccount {
  return {
    ...toSignedInOfficer(row),
    disabled: row.disabledAt !== null,
    createdAt: row.createdAt.toISOString(),
    passwordChangedAt: row.passwordChangedAt?.toISOString() ?? null,
    languages: languagesOf(row.languages),
  };
}

/** "vi,hre" → ["vi", "hre"] (the column is comma-separated, like PoliceUnit.languages). */
export function languagesOf(column: string): string[] {
  return column.split(",").map((s) => s.trim()).filter(Boolean);
}

/** The columns toOfficerAccount reads (so a query never selects the password hash by accident). */
export const OFFICER_ACCOUNT_SELECT = {
  id: true,
  username: true,
  displayName: true,
  role: true,
  unitId: true,
  disabledAt: true,
  createdAt: true,
  passwordChangedAt: true,
  languages: true,
} as const;
