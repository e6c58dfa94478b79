// Generates the two Prisma clients (SQLite and PostgreSQL) after `npm install`.
// DATABASE_URL must be set for every Prisma CLI call, or it tries to download a native engine.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const prisma = "node_modules/.bin/prisma";
const targets = [
  { schema: "prisma/schema.prisma", url: "file:./data/tinbao.db" },
  { schema: "prisma/postgresql/schema.prisma", url: "postgresql://localhost:5432/unused" },
];
for (const { schema, url } of targets) {
  if (!existsSync(schema)) throw new Error(`missing ${schema}: run npm run prisma:sync`);
  execFileSync(prisma, ["generate", "--schema", schema], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
  });
}
console.log("prisma: generated clients for SQLite and PostgreSQL");
