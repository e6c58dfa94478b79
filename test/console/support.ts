/**
 * The console API over real HTTP: the Express app on 127.0.0.1 (random port), a fresh database,
 * and helpers to add officers, sign in and insert tips the way intake would store them.
 */
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import { createTestContext, type TestContext } from "../support/context.ts";
import { buildApp } from "../../src/http/app.ts";
import { createApiRouter } from "../../src/console/router.ts";
import { createOfficer } from "../../src/officers/create-officer.ts";
import { createReadyOfficer } from "../support/officers.ts";
import type { Role } from "../../src/officers/roles.ts";
import { fold, normalizeText } from "../../src/text/normalize.ts";

export interface ApiHarness {
  ctx: TestContext;
  base: string;
  close(): Promise<void>;
}

/** `env` overrides settings (e.g. LOGIN_MAX_FAILURES_PER_ADDRESS), as in .env. */
export async function startApi(env: Record<string, string> = {}): Promise<ApiHarness> {
  const ctx = await createTestContext(env);
  const app = buildApp(ctx, { api: createApiRouter(ctx) });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    ctx,
    base: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await ctx.close();
    },
  };
}

export const PASSWORD = "mat-khau-du-dai-2024";

/**
 * An officer who signs in with PASSWORD, already their own choice (no forced change); with
 * `generatedPassword`, one still on an administrator's password, which must be changed first.
 */
export async function addOfficer(
  ctx: TestContext,
  username: string,
  role: Role = "officer",
  extra: { unitId?: string; disabled?: boolean; generatedPassword?: boolean } = {},
) {
  const input = { username, displayName: `Cán bộ ${username}`, role, unitId: extra.unitId ?? null, password: PASSWORD };
  const { officer } = extra.generatedPassword ? await createOfficer(ctx, input) : await createReadyOfficer(ctx, input);
  if (extra.disabled) await ctx.db.officer.update({ where: { id: officer.id }, data: { disabledAt: new Date() } });
  return officer;
}

export interface SignedIn {
  token: string;
  csrfToken: string;
  /** Headers for a cookie-authenticated request (add the CSRF header for POST). */
  cookie: { cookie: string };
}

export function postJson(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

export async function signIn(base: string, username: string, password = PASSWORD): Promise<SignedIn> {
  const res = await postJson(base, "/api/auth/login", { username, password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const token = sessionCookie(res);
  const body = (await res.json()) as { csrfToken: string };
  return { token, csrfToken: body.csrfToken, cookie: { cookie: `tb_session=${token}` } };
}

export function sessionCookie(res: Response): string {
  const line = res.headers.getSetCookie().find((c) => c.startsWith("tb_session="));
  if (!line) throw new Error("no tb_session cookie");
  return line.slice("tb_session=".length).split(";")[0]!;
}

export interface TipFixture {
  description: string;
  category?: string;
  status?: string;
  urgent?: boolean;
  urgentReason?: string;
  channel?: string;
  placeText?: string;
  communeCode?: string;
  /** Route the tip to this police unit (created if missing), as intake would. */
  unitId?: string;
  createdAt?: Date;
  anonymous?: boolean;
  reporterName?: string;
  reporterPhone?: string;
  contactId?: string;
}

/** A police unit for tests, created once. */
export async function ensureUnit(ctx: TestContext, id: string, extra: { kind?: string; communes?: string[]; languages?: string[] } = {}) {
  return ctx.db.policeUnit.upsert({
    where: { id },
    update: {},
    create: {
      id,
      name: `Đơn vị ${id}`,
      kind: extra.kind ?? "commune",
      provinceCode: "51",
      communes: (extra.communes ?? []).join(","),
      languages: (extra.languages ?? ["vi"]).join(","),
    },
  });
}

export async function insertTip(ctx: TestContext, t: TipFixture) {
  const createdAt = t.createdAt ?? new Date();
  const description = normalizeText(t.description);
  if (t.unitId) await ensureUnit(ctx, t.unitId);
  return ctx.db.tip.create({
    data: {
      reference: `QN-${randomBytes(4).toString("hex").toUpperCase()}`,
      secretHash: "scrypt$test",
      sourceKey: `test:${randomBytes(8).toString("hex")}`,
      channel: t.channel ?? "telegram",
      language: "vi",
      category: t.category ?? "drugs",
      description,
      descriptionFolded: fold(description),
      placeText: t.placeText ?? null,
      placeFolded: t.placeText ? fold(t.placeText) : null,
      communeCode: t.communeCode ?? null,
      urgent: t.urgent ?? false,
      urgentReason: t.urgentReason ?? null,
      status: t.status ?? "new",
      anonymous: t.anonymous ?? true,
      reporterNameEnc: t.reporterName ? ctx.vault.encrypt(t.reporterName) : null,
      reporterPhoneEnc: t.reporterPhone ? ctx.vault.encrypt(t.reporterPhone) : null,
      contactId: t.contactId ?? null,
      ...(t.unitId ? { unitId: t.unitId, routeRule: "typed_commune", routings: { create: { unitId: t.unitId, role: "primary", rule: "typed_commune" } } } : {}),
      ackDueAt: new Date(createdAt.getTime() + 24 * 3600_000),
      dueAt: new Date(createdAt.getTime() + (t.status && t.status !== "new" ? 20 * 24 : 24) * 3600_000),
      settleDueAt: new Date(createdAt.getTime() + 20 * 24 * 3600_000),
      createdAt,
    },
  });
}
