/**
 * The service as its own process (`node --import tsx src/main.ts`, what `npm start` runs), so a
 * test can read its memory from /proc/<pid>/status while strangers send it things.
 *
 * @example const child = await startChildService(); … child.memory().rss … await child.stop();
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freshDatabaseUrl } from "./context.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface ChildService {
  url: string;
  pid: number;
  dir: string;
  /** Resident set now and its peak since start (or since `resetPeak`), in bytes. */
  memory(): { rss: number; peak: number };
  /** Makes the peak (VmHWM) the current resident set; false where the kernel does not allow it. */
  resetPeak(): boolean;
  /** What the process wrote on stderr (for a failing test's message). */
  stderr(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts src/main.ts (of `root`, this tree by default) on a fresh database; resolves once /healthz answers. */
export async function startChildService(env: Record<string, string> = {}, root = ROOT): Promise<ChildService> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tinbao-child-"));
  const database = await freshDatabaseUrl(dir);
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      DATABASE_URL: database.url,
      MEDIA_DIR: path.join(dir, "media"),
      DATA_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}: ${stderr}`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.status > 0, () => false);
    if (ok) break;
    if (i > 300) {
      await stop();
      throw new Error(`service did not start within 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const pid = child.pid!;
  const field = (text: string, name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? NaN) * 1024;
  return {
    url,
    pid,
    dir,
    memory() {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      return { rss: field(status, "VmRSS"), peak: field(status, "VmHWM") };
    },
    resetPeak() {
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, "5");
        return true;
      } catch {
        return false;
      }
    },
    stderr: () => stderr,
    stop,
  };
}
