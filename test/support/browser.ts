/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser). Tests that need it
 * skip with a message when it is missing, and fail under CI (where .ci/run installs it).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";

export function chromiumPath(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync("which", ["chromium"], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export const browserAvailable = Boolean(chromiumPath());
if (!browserAvailable && process.env.CI) throw new Error("Chromium not found: .ci/run installs Debian's chromium package");
if (!browserAvailable) console.warn("Browser tests skipped: install Debian's chromium (apt-get install -y chromium) to run them.");

/** `extraArgs`: more Chromium switches, e.g. `--host-resolver-rules` to reach the service under a non-local name. */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync", ...extraArgs],
  });
}

export const SCREENSHOTS = path.resolve("test/screenshots");
mkdirSync(SCREENSHOTS, { recursive: true });
