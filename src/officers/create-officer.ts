/**
 * Creates an officer account. Without a password, a strong random one is generated; a password
 * given must pass passwordWeakness (validation_failed otherwise, in Vietnamese). Either way the
 * plain password is returned once and only its scrypt hash is stored. The officer must change it
 * at first login (`passwordChangedAt` null) unless `passwordChosen` says it is already their own
 * choice (tests, or an operator making their own account). `alsoInTransaction`
 * runs in the same transaction as the insert (the console audits the creation there), so an
 * account never exists without its audit row.
 *
 * @example const { officer, password } = await createOfficer(ctx, { username: "ba.to", displayName: "Đ/c Hà", role: "officer", unitId: "CAX-BATO" })
 */
import { z } from "zod";
import type { AppContext } from "../context.ts";
import type { Tx } from "../db/client.ts";
import { AppError } from "../http/errors.ts";
import { passwordWeakness, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "../security/password-strength.ts";
import { hashPassword } from "../security/passwords.ts";
import { normalizeText } from "../text/normalize.ts";
import { generatePassword } from "./generate-password.ts";
import { ROLE_NAMES, toSignedInOfficer, type Role, type SignedInOfficer } from "./roles.ts";
import { loadLanguages } from "../i18n/index.ts";

export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{1,31}$/, "2-32 ký tự: chữ thường không dấu, số, dấu chấm, gạch ngang, gạch dưới");

const LANGUAGE_CODES = loadLanguages().map((l) => l.code);

/** Languages an officer speaks: codes of locales/languages.json, each once ("vi", "hre", "cua"). */
export const officerLanguagesSchema = z
  .array(z.string().refine((code) => LANGUAGE_CODES.includes(code), `Chỉ chọn trong các tiếng: ${LANGUAGE_CODES.join(", ")}`))
  .min(1, "Chọn ít nhất một tiếng")
  .max(LANGUAGE_CODES.length)
  .transform((codes) => [...new Set(codes)]);

export const createOfficerSchema = z.object({
  username: usernameSchema,
  displayName: z.string().transform(normalizeText).pipe(z.string().min(1).max(100)),
  role: z.enum(ROLE_NAMES),
  /** PoliceUnit.id ("CAX-BATO"); unit codes are upper case. */
  unitId: z.string().trim().toUpperCase().min(1).max(64).nullish(),
  /** Languages the officer speaks; Vietnamese when left out. */
  languages: officerLanguagesSchema.optional(),
  password: z.string().min(PASSWORD_MIN_LENGTH, `Mật khẩu cần ít nhất ${PASSWORD_MIN_LENGTH} ký tự`).max(PASSWORD_MAX_LENGTH).optional(),
});

export interface CreateOfficerInput {
  username: string;
  displayName: string;
  role: Role;
  unitId?: string | null;
  languages?: string[];
  password?: string;
  /** The password given is the officer's own choice: no change asked at first login. */
  passwordChosen?: boolean;
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
  const weakness = data.password === undefined ? null : passwordWeakness(data.password, data);
  if (weakness) throw new AppError("validation_failed", weakness, [{ path: "password", message: weakness }]);
  const password = data.password ?? generatePassword();
  const passwordChangedAt = data.password !== undefined && input.passwordChosen ? new Date() : null;
  // Hashed before any transaction opens: scrypt takes tens of milliseconds.
  const passwordHash = await hashPassword(password);
  const insert = (db: Tx) =>
    db.officer.create({
      data: {
        username: data.username,
        displayName: data.displayName,
        role: data.role,
        unitId: data.unitId ?? null,
        ...(data.languages ? { languages: data.languages.join(",") } : {}),
        passwordHash,
        passwordChangedAt,
      },
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
