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
  /** Languages the officer speaks ("vi", "hre", "cua"): routing of Hre/Co tips, and what a translator may translate. */
  languages: string[];
  disabled: boolean;
  createdAt: string;
  /** null while the officer still uses the password an administrator generated. */
  passwordChangedAt: string | null;
}

export interface OfficerRow {
  id: string;
  username: string;
  displayName: string;
  role: string;
  unitId: string | null;
  languages: string;
  disabledAt: Date | null;
  createdAt: Date;
  passwordChangedAt: Date | null;
}

export function toOfficerAccount(row: OfficerRow): OfficerAccount {
  return {
    ...toSignedInOfficer(row),
    languages: languageList(row.languages),
    disabled: row.disabledAt !== null,
    createdAt: row.createdAt.toISOString(),
    passwordChangedAt: row.passwordChangedAt?.toISOString() ?? null,
  };
}

/** "vi,hre" → ["vi", "hre"]. */
export function languageList(text: string): string[] {
  return text.split(",").map((s) => s.trim()).filter(Boolean);
}

/** The columns toOfficerAccount reads (so a query never selects the password hash by accident). */
export const OFFICER_ACCOUNT_SELECT = {
  id: true,
  username: true,
  displayName: true,
  role: true,
  unitId: true,
  languages: true,
  disabledAt: true,
  createdAt: true,
  passwordChangedAt: true,
} as const;
