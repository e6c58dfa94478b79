/**
 * Officer accounts for tests that are about something other than the first login: the password is
 * already the officer's own (`passwordChosen`), so every route answers at once. Tests of the forced
 * change create officers with createOfficer directly (a generated password, `passwordChangedAt` null).
 *
 * @example const { officer, password } = await createReadyOfficer(ctx, { username: "ba.to", displayName: "Đ/c Hà", role: "officer", unitId: "CAX-BATO" })
 */
import type { AppContext } from "../../src/context.ts";
import { createOfficer, type CreateOfficerInput } from "../../src/officers/create-officer.ts";
import { generatePassword } from "../../src/officers/generate-password.ts";

export function createReadyOfficer(ctx: Pick<AppContext, "db">, input: CreateOfficerInput) {
  return createOfficer(ctx, { ...input, password: input.password ?? generatePassword(), passwordChosen: true });
}
