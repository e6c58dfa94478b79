/**
 * The service as its own process (`node --import tsx src/main.ts`, what `npm start` runs), for what an
 * in-process test cannot show: its memory (read from /proc while strangers send it things) or a
 * SIGKILL in the middle of work followed by a restart on the same database.
 *
 * @example const child = await startChildService(); … child.memory().rss … await child.stop();
 * @example const a = await startChildService(env); await a.kill("SIGKILL"); const b = await startChildService(env);
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
  proc: ChildProcess;
  url: string;
  pid: number;
  /** The folder of the database and media this helper created (empty string when `env` named a database). */
  dir: string;
  /** Resident set now and its peak since start (or since `resetPeak`), in bytes. */
  memory(): { rss: number; peak: number };
  /** Makes the peak (VmHWM) the current resident set; false where the kernel does not allow it. */
  resetPeak(): boolean;
  /** What the process wrote on stdout and stderr (for a failing test's message). */
  output(): string;
  /** Ends the process with `signal` (SIGKILL: a crash) and keeps its database for a restart. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Stops the process (SIGTERM) and removes the database and folder this helper created. */
  stop(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts src/main.ts (of `root`, this tree by default). Without DATABASE_URL in `env`, on a fresh database
 * and folder of its own. Resolves once /healthz answers.
 */
export async function startChildService(env: Record<string, string> = {}, root = ROOT): Promise<ChildService> {
  const own = env.DATABASE_URL ? undefined : mkdtempSync(path.join(os.tmpdir(), "tinbao-child-"));
  const database = own ? await freshDatabaseUrl(own) : undefined;
  const port = await freePort();
  const proc: ChildProcess = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      TZ: "Asia/Ho_Chi_Minh",
      ...(own && database
        ? { DATABASE_URL: database.url, MEDIA_DIR: path.join(own, "media"), DATA_ENCRYPTION_KEY: randomBytes(32).toString("base64") }
        : {}),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      ...env,
      PORT: String(port),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout?.on("data", (c: Buffer) => (out += c.toString()));
  proc.stderr?.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  const running = () => proc.exitCode === null && proc.signalCode === null;
  const kill = async (signal: NodeJS.Signals = "SIGKILL") => {
    if (running()) proc.kill(signal);
    await exited;
  };
  const stop = async () => {
    if (running()) {
      const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
      await kill("SIGTERM");
      clearTimeout(timer);
    }
    await database?.drop();
    if (own) rmSync(own, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (!running()) throw new Error(`service exited with ${proc.exitCode ?? proc.signalCode}: ${out.slice(-3000)}`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.status > 0, () => false);
    if (ok) break;
    if (i > 600) {
      await stop();
      throw new Error(`service did not start within 60 s: ${out.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const pid = proc.pid!;
  const field = (text: string, name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? NaN) * 1024;
  return {
    proc,
    url,
    pid,
    dir: own ?? "",
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
    output: () => out,
    kill,
    stop,
  };
}
