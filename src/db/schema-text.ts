/** Derives the PostgreSQL schema text from the SQLite source schema (see prisma/schema.prisma). */
export function postgresSchemaFrom(sqliteSchema: string): string {
  const header =
    "// GENERATED from prisma/schema.prisma by `npm run prisma:sync`. Do not edit by hand.\n";
  const body = sqliteSchema
    .replace(/^\/\/ Source schema[\s\S]*?\n\n/, "")
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace('output          = "../src/db/generated/sqlite"', 'output          = "../../src/db/generated/postgresql"');
  return header + body;
}
