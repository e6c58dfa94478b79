/**
 * The embedded default's encryption key: generated once into the data folder (file 0600, a new folder 0700) so that
 * `npm start` works with no configuration. Production sets DATA_ENCRYPTION_KEY instead.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ensurePrivateDir, PRIVATE_FILE_MODE, tightenFile } from "./private-files.ts";

export function loadOrCreateKeyFile(dataDir: string): { key: Buffer; created: boolean; file: string } {
  const file = path.join(dataDir, "encryption.key");
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, "utf8").trim(), "base64");
    if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
    tightenFile(file);
    return { key, created: false, file };
  }
  ensurePrivateDir(dataDir);
  const key = randomBytes(32);
  writeFileSync(file, key.toString("base64") + "\n", { mode: PRIVATE_FILE_MODE, flag: "wx" });
  return { key, created: true, file };
}
