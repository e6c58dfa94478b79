/**
 * First start: when no officer exists, creates `admin` (role admin) with a random password and
 * returns the credentials so start-up can print them once. The password is a generated one
 * (`passwordChangedAt` null), so the first login must replace it before anything else: a copy left
 * in a log is useless afterwards. Returns null otherwise, also when another process created the
 * first officer at the same moment.
 *
 * @example const first = await ensureFirstOfficer(ctx); if (first) console.log(first.username, first.password)
 */
import type { AppContext } from "../context.ts";
import { AppError } from "../http/errors.ts";
import { createOfficer } from "./create-officer.ts";

export interface FirstOfficerCredentials {
  username: string;
  password: string;
}

export async function ensureFirstOfficer(ctx: Pick<AppContext, "db">): Promise<FirstOfficerCredentials | null> {
  if ((await ctx.db.officer.count()) > 0) return null;
  try {
    const { officer, password } = await createOfficer(ctx, {
      username: "admin",
      displayName: "Quản trị hệ thống",
      role: "admin",
    });
    return { username: officer.username, password };
  } catch (e) {
    if (e instanceof AppError && e.code === "conflict") return null;
    throw e;
  }
}
