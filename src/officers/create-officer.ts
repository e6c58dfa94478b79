/**
 * Creates an officer account. Without a password, a strong random one is generated; either way
 * the plain password is returned once and only its scrypt hash is stored. `alsoInTransaction`
 * runs in the same transaction as the insert (the console audits the creation there), so an
 * account never exists without its audit row.
 *
 * @example const { officer, password } = await createOfficer(ctx, { username: "ba.to", displayName: "Đ/c Hà", role: "officer", unitId: "CAX-BATO" })
 */
import { z } from "zod";
import type { AppContext } from "../context.ts";
import type { Tx } from "../db/client.ts";
import { AppError } from "../http/errors.ts";
import { hashPassword } from "../security/passwords.ts";
import { normalizeText } from "../text/normalize.ts";
import { generatePassword } from "./generate-password.ts";
import { ROLE_NAMES, toSignedInOfficer, type Role, type SignedInOfficer } from "./roles.ts";

export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{1,31}$/, "2-32 ký tự: chữ thường không dấu, số, dấu chấm, gạch ngang, gạch dưới");

export const createOfficerSchema = z.object({
  username: usernameSchema,
  displayName: z.string().transform(normalizeText).pipe(z.string().min(1).max(100)),
  role: z.enum(ROLE_NAMES),
  /** PoliceUnit.id ("CAX-BATO"); unit codes are upper case. */
  unitId: z.string().trim().toUpperCase().min(1).max(64).nullish(),
  password: z.string().min(12, "Mật khẩu cần ít nhất 12 ký tự").max(256).optional(),
});

export interface CreateOfficerInput {
  username: string;
  displayName: string;
  role: Role;
  unitId?: string | null;
  password?: string;
}

export interface CreatedOfficer {
  officer: SignedInOfficer;
  /** The plain password: show it once, never store or log it. */
  password: string;
  generated: boolean;
}

export async function createOfficer(
  ctx: Pick<AppContext, "db">,
  input: CreateOfficerInput,
  alsoInTransaction?: (tx: Tx, officer: SignedInOfficer) => Promise<void>,
): Promise<CreatedOfficer> {
  const data = createOfficerSchema.parse(input);
  const password = data.password ?? generatePassword();
  // Hashed before any transaction opens: scrypt takes tens of milliseconds.
  const passwordHash = await hashPassword(password);
  const insert = (db: Tx) =>
    db.officer.create({
      data: { username: data.username, displayName: data.displayName, role: data.role, unitId: data.unitId ?? null, passwordHash },
    });
  try {
    const row = alsoInTransaction
      ? await ctx.db.$transaction(async (tx) => {
          const created = await insert(tx);
          await alsoInTransaction(tx, toSignedInOfficer(created));
          return created;
        })
      : await insert(ctx.db);
    return { officer: toSignedInOfficer(row), password, generated: data.password === undefined };
  } catch (e) {
    if ((e as { code?: string }).code === "P2002") {
      throw new AppError("conflict", `Tên đăng nhập "${data.username}" đã có người dùng.`);
    }
    throw e;
  }
}
