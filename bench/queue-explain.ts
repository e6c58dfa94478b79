/**
 * `npm run bench:queue -- --explain`: the SQL the real listTips sends for each benchmark query (captured from
 * Prisma's query log, in-process, on the benchmark's database), its plan (SQLite EXPLAIN QUERY PLAN, PostgreSQL
 * EXPLAIN (ANALYZE, BUFFERS)) and its time when run alone (best of 3), so a slow query can be traced to a scan.
 */
import Database from "better-sqlite3";
import pg from "pg";
import type { AppContext } from "../src/context.ts";
import { listTips } from "../src/console/list-tips.ts";
import { visibleTipsWhere } from "../src/console/permissions.ts";
import { tipListQuery } from "../src/console/schemas.ts";
import type { SignedInOfficer } from "../src/officers/roles.ts";
import { SerializedSqliteFactory } from "../src/db/serialized-sqlite.ts";
import type { Db } from "../src/db/client.ts";
import { DUTY_UNIT } from "./queue-data.ts";
import type { Fixture, Page, QuerySpec as Spec } from "./queue.ts";


interface Captured {
  query: string;
  params: string;
}

export interface Explained {
  officer: string;
  query: string;
  statements: { sql: string; params: unknown[]; ms: number; plan: string[] }[];
}

async function openLogged(url: string): Promise<{ db: Db; captured: Captured[]; close(): Promise<void> }> {
  const captured: Captured[] = [];
  if (url.startsWith("file:")) {
    const { PrismaClient } = await import("../src/db/generated/sqlite/client.ts");
    const db = new PrismaClient({ adapter: new SerializedSqliteFactory(url), log: [{ emit: "event", level: "query" }] });
    db.$on("query", (e) => captured.push({ query: e.query, params: e.params }));
    return { db, captured, close: () => db.$disconnect() };
  }
  const { PrismaClient } = await import("../src/db/generated/postgresql/client.ts");
  const { PrismaPg } = await import("@prisma/adapter-pg");
  const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 2 }), log: [{ emit: "event", level: "query" }] });
  db.$on("query", (e) => captured.push({ query: e.query, params: e.params }));
  return { db: db as unknown as Db, captured, close: () => db.$disconnect() };
}

export async function explainQueries(
  url: string,
  fx: Fixture,
  logins: Record<string, { officerId: string }>,
  specs: Spec[],
): Promise<Explained[]> {
  const { db, captured, close } = await openLogged(url);
  const sqlite = url.startsWith("file:") ? new Database(url.slice("file:".length), { readonly: true }) : undefined;
  const client = sqlite ? undefined : new pg.Client({ connectionString: url });
  await client?.connect();
  const officers: Record<string, SignedInOfficer> = {
    duty: { id: logins.duty!.officerId, username: "bench.duty", displayName: "duty", role: "duty", unitId: DUTY_UNIT },
    commune: { id: logins.commune!.officerId, username: "bench.commune", displayName: "commune", role: "officer", unitId: fx.communeUnit },
  };
  const ctx = { db, now: () => new Date(), config: { dialect: sqlite ? "sqlite" : "postgresql" } } as unknown as AppContext;
  const out: Explained[] = [];
  try {
    for (const [me, officer] of Object.entries(officers)) {
      let first: Page | undefined;
      for (const spec of specs) {
        const params = spec.params({ me, fx, first });
        if (!params) continue;
        captured.length = 0;
        const query = tipListQuery.parse(params);
        // listTips takes the officer id (assignee=me); `officer` too in case a later version wants it.
        const input = { scope: visibleTipsWhere(officer), officerId: officer.id, query, officer } as Parameters<typeof listTips>[1];
        const page = await listTips(ctx, input);
        if (spec.name.startsWith("open queue")) first = page as never;
        const statements: Explained["statements"] = [];
        for (const c of captured) {
          if (!/FROM\s+[`"]?(main[`"]?\.)?[`"]?(public[`"]?\.)?[`"]?Tip[`"]?/i.test(c.query) && !c.query.includes('"Tip"')) continue;
          const values = JSON.parse(c.params) as unknown[];
          if (sqlite) {
            const bind = values.map((v) => (typeof v === "boolean" ? (v ? 1 : 0) : v));
            const plan = (sqlite.prepare(`EXPLAIN QUERY PLAN ${c.query}`).all(...bind) as { detail: string; parent: number; id: number }[]).map((r) => r.detail);
            const stmt = sqlite.prepare(c.query);
            let ms = Infinity;
            for (let k = 0; k < 3; k++) {
              const t0 = performance.now();
              stmt.all(...bind);
              ms = Math.min(ms, performance.now() - t0);
            }
            statements.push({ sql: c.query, params: values, ms: Math.round(ms * 100) / 100, plan });
          } else {
            const res = await client!.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${c.query}`, values);
            const plan = res.rows.map((r) => r["QUERY PLAN"]);
            const time = /Execution Time: ([\d.]+) ms/.exec(plan.join("\n"));
            statements.push({ sql: c.query, params: values, ms: time ? Number(time[1]) : NaN, plan });
          }
        }
        out.push({ officer: me, query: spec.name, statements });
        const slowest = [...statements].sort((a, b) => b.ms - a.ms)[0];
        console.log(`\n── ${me} · ${spec.name} · slowest statement ${slowest?.ms ?? "-"} ms`);
        if (slowest) {
          console.log(slowest.sql.length > 1200 ? `${slowest.sql.slice(0, 1200)}…` : slowest.sql);
          console.log(slowest.plan.map((l) => `   ${l}`).join("\n"));
        }
      }
    }
  } finally {
    sqlite?.close();
    await client?.end();
    await close();
  }
  return out;
}
