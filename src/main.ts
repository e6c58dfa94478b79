/**
 * Start-up: config → database → channels → workers → HTTP. Prints where the console and web
 * chat are, and the first officer account (once, on an empty database).
 */
import { existsSync } from "node:fs";
import { ConfigError, loadConfig } from "./config.ts";
import { createLogger } from "./log.ts";
import { startService } from "./service.ts";
import { ensureFirstOfficer } from "./officers/ensure-first-officer.ts";
import { ensureDemoSetup } from "./routing/ensure-demo-setup.ts";

const started = performance.now();
// A .env file beside package.json is read if present (see .env.example); real env vars win.
if (existsSync(".env")) process.loadEnvFile(".env");
let config;
try {
  config = loadConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(78);
  }
  throw e;
}
const log = createLogger(config.logLevel);
const service = await startService(config, { logger: log });
const first = await ensureFirstOfficer(service.ctx);
// First start on an empty database: demo police units (and demo communes) so tips route at once.
const demo = first ? await ensureDemoSetup(service.ctx) : null;
const readyMs = Math.round(performance.now() - started);
log.info({ url: service.url, channels: [...service.ctx.channels.keys()], readyMs, dialect: config.dialect }, "Tin Báo is ready");

const lines = [
  "",
  `  Tin Báo is running (${config.dialect === "sqlite" ? `SQLite ${config.databaseUrl}` : "PostgreSQL"}) — ready in ${readyMs} ms`,
  `  Web chat:  ${config.publicUrl}/chat`,
  `  Console:   ${config.publicUrl}/console`,
  `  Officers:  ${config.publicUrl}/api   (JSON API, described at ${config.publicUrl}/api/openapi.json)`,
  `  Channels:  ${[...service.ctx.channels.keys()].join(", ")}`,
];
if (first) {
  lines.push(
    "",
    "  First officer account (shown only this once):",
    `    username: ${first.username}`,
    `    password: ${first.password}`,
    "  This password only opens the console to choose a new one: the first login asks for your own password",
    "  before anything else, so this copy (in this terminal or any log that captured it) is useless afterwards.",
  );
}
if (demo) {
  lines.push(
    "",
    `  Demo police units ([DEMO] …): ${demo.units.join(", ")}. Load the real ones with npm run units:police -- <file>.`,
    "  Communes and boundaries: npm run units:import -- <file> (see README, \"Jurisdictions and routing\").",
  );
}
process.stdout.write(lines.join("\n") + "\n\n");

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "stopping");
    await service.stop().catch((err) => log.error({ err }, "stop failed"));
    process.exit(0);
  });
}
