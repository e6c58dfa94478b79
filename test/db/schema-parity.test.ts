import { readFileSync } from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { postgresSchemaFrom } from "../../src/db/schema-text.ts";
import { migrate } from "../../src/db/migrate.ts";
import { freshDatabaseUrl } from "../support/context.ts";

type Columns = Record<string, Record<string, { nullable: boolean }>>;

async function sqliteColumns(): Promise<Columns> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tinbao-parity-"));
  const file = path.join(dir, "p.db");
  await migrate(`file:${file}`);
  const db = new Database(file);
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations'`).pluck().all() as string[];
  const out: Columns = {};
  for (const t of tables) {
    out[t] = {};
    for (const c of db.prepare(`PRAGMA table_info("${t}")`).all() as { name: string; notnull: number; pk: number }[]) {
      out[t][c.name] = { nullable: c.notnull === 0 && c.pk === 0 };
    }
  }
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return out;
}

async function postgresColumns(): Promise<Columns> {
  const database = await freshDatabaseUrl(os.tmpdir(), true);
  try {
    await migrate(database.url);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query<{ table_name: string; column_name: string; is_nullable: string }>(
      `SELECT table_name, column_name, is_nullable FROM information_schema.columns WHERE table_schema='public' AND table_name <> '_prisma_migrations'`,
    );
    await client.end();
    const out: Columns = {};
    for (const r of rows) (out[r.table_name] ??= {})[r.column_name] = { nullable: r.is_nullable === "YES" };
    return out;
  } finally {
    await database.drop();
  }
}

describe("the SQLite and PostgreSQL schemas", () => {
  it("are generated from one source: the PostgreSQL schema file is up to date (npm run prisma:sync)", () => {
    const source = readFileSync("prisma/schema.prisma", "utf8");
    expect(readFileSync("prisma/postgresql/schema.prisma", "utf8")).toBe(postgresSchemaFrom(source));
  });

  it("declare the same models in both generated clients", async () => {
    const sqlite = await import("../../src/db/generated/sqlite/client.ts");
    const postgres = await import("../../src/db/generated/postgresql/client.ts");
    const models = (m: { Prisma: { ModelName: Record<string, string> } }) => Object.keys(m.Prisma.ModelName).sort();
    expect(models(postgres as never)).toEqual(models(sqlite as never));
    expect(models(sqlite as never)).toContain("Tip");
  });

  it("migrate to the same tables, columns and nullability on both databases", async () => {
    const [lite, postgres] = await Promise.all([sqliteColumns(), postgresColumns()]);
    expect(Object.keys(postgres).sort()).toEqual(Object.keys(lite).sort());
    for (const table of Object.keys(lite)) expect(postgres[table], table).toEqual(lite[table]);
  });
});

describe("start-up migrations", () => {
  it("create the SQLite file's folders when they do not exist yet, and apply once", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "tinbao-migrate-"));
    const url = `file:${path.join(dir, "nested", "deeper", "tinbao.db")}`;
    expect((await migrate(url)).length).toBeGreaterThan(0);
    expect(await migrate(url)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });
});
