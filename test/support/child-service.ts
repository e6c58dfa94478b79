/**
 * The service as a separate process (`node --import tsx src/main.ts`), for what an in-process test
 * cannot show: a SIGKILL in the middle of work, or the process's own memory.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

export interface ChildService {
  proc: ChildProcess;
  url: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Peak and current resident memory of the process, in bytes (from /proc). */
  memory(): { rss: number; peak: number };
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `src/main.ts` with `env` (plus PORT=0) and resolves once it logs that it is ready. */
export async function startChildService(env: Record<string, string>, timeoutMs = 60_000): Promise<ChildService> {
  const proc = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: { PATH: process.env.PATH ?? "", TZ: "Asia/Ho_Chi_Minh", LOG_LEVEL: "info", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout!.on("data", (b: Buffer) => (out += b.toString()));
  proc.stderr!.on("data", (b: Buffer) => (out += b.toString()));
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service not ready after ${timeoutMs} ms:\n${out.slice(-3000)}`)), timeoutMs);
    const look = () => {
      const line = out.split("\n").find((l) => l.includes('"msg":"Tin Báo is ready"'));
      if (!line) return;
      clearTimeout(timer);
      proc.stdout!.off("data", look);
      resolve((JSON.parse(line) as { url: string }).url);
    };
    proc.stdout!.on("data", look);
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`service exited (${code}) before it was ready:\n${out.slice(-3000)}`));
    });
  });
  return {
    proc,
    url,
    output: () => out,
    memory() {
      const status = readFileSync(`/proc/${proc.pid}/status`, "utf8");
      const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
      return { rss: kb("VmRSS"), peak: kb("VmHWM") };
    },
    async kill(signal = "SIGKILL") {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await exited;
    },
  };
}
