/**
 * A real, isolated environment per test file: a fresh SQLite file (or, with
 * TEST_DATABASE=postgresql, a fresh PostgreSQL database on 127.0.0.1:5432), migrated, with a
 * random encryption key and logs captured in memory (tests scan them for personal data).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import pg from "pg";
import { loadConfig, type Config } from "../../src/config.ts";
import { openDatabase, type Database } from "../../src/db/client.ts";
import { migrate } from "../../src/db/migrate.ts";
import { createVault } from "../../src/security/crypto.ts";
import { createLogger } from "../../src/log.ts";
import { Bus, type AppContext } from "../../src/context.ts";

export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
export const usePostgres = process.env.TEST_DATABASE === "postgresql";

export interface TestContext extends AppContext {
  dir: string;
  /** Every log line written so far, raw JSON text. */
  logs(): string;
  close(): Promise<void>;
}

/** Creates a database URL for a brand-new empty database and a function that drops it. */
export async function freshDatabaseUrl(dir: string, postgres = usePostgres): Promise<{ url: string; drop(): Promise<void> }> {
  if (!postgres) return { url: `file:${path.join(dir, "tinbao.db")}`, drop: async () => {} };
  const name = `tb_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  return {
    url,
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A migrated database of its own (SQLite file, or a PostgreSQL database under TEST_DATABASE=postgresql), opened. */
export async function openFreshDatabase(prefix = "tinbao-db-"): Promise<{ database: Database; cleanUp(): Promise<void> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const fresh = await freshDatabaseUrl(dir);
  await migrate(fresh.url);
  const database = await openDatabase(fresh.url);
  return {
    database,
    async cleanUp() {
      await database.close();
      await fresh.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function createTestContext(env: Record<string, string> = {}): Promise<TestContext> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tinbao-test-"));
  const database = await freshDatabaseUrl(dir);
  const key = randomBytes(32);
  const config: Config = loadConfig({
    DATABASE_URL: database.url,
    MEDIA_DIR: path.join(dir, "media"),
    DATA_ENCRYPTION_KEY: key.toString("base64"),
    LOG_LEVEL: "debug",
    PORT: "0",
    ...env,
  });
  await migrate(config.databaseUrl);
  const { db, close } = await openDatabase(config.databaseUrl);
  let captured = "";
  const sink = new Writable({
    write(chunk, _enc, cb) {
      captured += chunk.toString();
      cb();
    },
  });
  return {
    config,
    db,
    vault: createVault(key),
    log: createLogger("debug", sink),
    bus: new Bus(),
    channels: new Map(),
    now: () => new Date(),
    dir,
    logs: () => captured,
    async close() {
      await close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
