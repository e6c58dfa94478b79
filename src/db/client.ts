/**
 * Opens the database: SQLite (embedded default) or PostgreSQL, chosen by DATABASE_URL.
 * Both generated clients have the same model shapes; the rest of the code sees one `Db` type.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { PrismaClient as SqliteClient } from "./generated/sqlite/client.ts";
import { sqlitePath, type Dialect } from "../config.ts";
import { SerializedSqliteFactory } from "./serialized-sqlite.ts";

export type Db = SqliteClient;
export type Tx = Omit<Db, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

export interface Database {
  db: Db;
  dialect: Dialect;
  close(): Promise<void>;
}

export async function openDatabase(url: string): Promise<Database> {
  if (url.startsWith("file:")) {
    const file = sqlitePath(url);
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const { PrismaClient } = await import("./generated/sqlite/client.ts");
    const db = new PrismaClient({ adapter: new SerializedSqliteFactory(`file:${file}`) });
    await db.$connect();
    return { db, dialect: "sqlite", close: () => db.$disconnect() };
  }
  const { PrismaClient } = await import("./generated/postgresql/client.ts");
  const { PrismaPg } = await import("@prisma/adapter-pg");
  const adapter = new PrismaPg({ connectionString: url, max: 10 });
  const db = new PrismaClient({ adapter }) as unknown as Db;
  await db.$connect();
  return { db, dialect: "postgresql", close: () => db.$disconnect() };
}
