// Writes prisma/postgresql/schema.prisma from prisma/schema.prisma (the source of truth).
// Only the datasource provider and the generated client's folder differ.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { postgresSchemaFrom } from "../src/db/schema-text.ts";

const source = readFileSync("prisma/schema.prisma", "utf8");
mkdirSync("prisma/postgresql", { recursive: true });
writeFileSync("prisma/postgresql/schema.prisma", postgresSchemaFrom(source));
console.log("wrote prisma/postgresql/schema.prisma");
