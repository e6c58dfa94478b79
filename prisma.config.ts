// Prisma CLI configuration: the bundled WASM schema engine through a driver adapter, so every
// CLI command works offline (see README, "Database"). The schema and migrations follow DATABASE_URL.
import path from "node:path";
import { defineConfig } from "prisma/config";

const url = process.env.DATABASE_URL ?? "file:./data/tinbao.db";
const isPostgres = /^postgres(ql)?:\/\//.test(url);
const dir = isPostgres ? "prisma/postgresql" : "prisma";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join(dir, "schema.prisma"),
  migrations: { path: path.join(dir, "migrations") },
  async adapter() {
    if (isPostgres) {
      const { PrismaPg } = await import("@prisma/adapter-pg");
      return new PrismaPg({ connectionString: url });
    }
    const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
    return new PrismaBetterSQLite3({ url });
  },
});
