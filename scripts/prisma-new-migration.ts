/**
 * Writes a new migration for BOTH databases from the change to prisma/schema.prisma since the last
 * commit: `npm run db:migration -- add_zalo_tokens`. (Prisma's shadow-database diff does not run
 * with the offline WASM engine, so the committed schema is the "before".) Then `npm run prisma:sync`
 * is done for you, and `npm install` or `node scripts/prisma-generate.mjs` regenerates the clients.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { postgresSchemaFrom } from "../src/db/schema-text.ts";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:migration -- <name_in_snake_case>");
  process.exit(2);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const tmp = mkdtempSync(path.join(os.tmpdir(), "tinbao-migration-"));
const current = readFileSync("prisma/schema.prisma", "utf8");
const before = execFileSync("git", ["show", "HEAD:prisma/schema.prisma"], { encoding: "utf8" });
writeFileSync("prisma/postgresql/schema.prisma", postgresSchemaFrom(current));

const targets = [
  { dir: "prisma/migrations", from: before, to: current, url: `file:${path.join(tmp, "x.db")}` },
  { dir: "prisma/postgresql/migrations", from: postgresSchemaFrom(before), to: postgresSchemaFrom(current), url: process.env.TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
];
for (const t of targets) {
  const fromFile = path.join(tmp, `from-${path.basename(path.dirname(t.dir))}.prisma`);
  const toFile = path.join(tmp, `to-${path.basename(path.dirname(t.dir))}.prisma`);
  writeFileSync(fromFile, t.from);
  writeFileSync(toFile, t.to);
  const sql = execFileSync(
    "node_modules/.bin/prisma",
    ["migrate", "diff", "--from-schema-datamodel", fromFile, "--to-schema-datamodel", toFile, "--script"],
    { encoding: "utf8", env: { ...process.env, DATABASE_URL: t.url }, stdio: ["ignore", "pipe", "inherit"] },
  );
  const out = path.join(t.dir, `${stamp}_${name}`);
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, "migration.sql"), sql);
  console.log(`wrote ${out}/migration.sql`);
}
