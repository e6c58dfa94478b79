/**
 * Small real file systems for fault tests: a tmpfs that fills up, or one mounted read-only. Tests run
 * as root here and in CI; where mounting is impossible (a developer's laptop without root) the tests
 * that need it are skipped with this reason, and never under CI.
 */
import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import os from "node:os";
import path from "node:path";

function probeMount(): string | undefined {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tinbao-mount-probe-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir], { stdio: "pipe" });
    execFileSync("umount", [dir], { stdio: "pipe" });
    return undefined;
  } catch (err) {
    return `cannot mount a tmpfs here (${String((err as Error).message).split("\n")[0]}); these tests need root`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Why tmpfs tests cannot run here, or undefined when they can. Under CI, not being able to is an error. */
export const mountProblem = probeMount();
if (mountProblem && process.env.CI) throw new Error(`CI must run the file-system fault tests: ${mountProblem}`);
if (mountProblem) console.warn(`Skipping file-system fault tests: ${mountProblem}`);

export interface Mounted {
  dir: string;
  unmount(): void;
}

/** Mounts a fresh tmpfs of `sizeMb` on a new temporary folder (`readOnly`: nothing can be written to it). */
export function mountTmpfs(sizeMb: number, options: { readOnly?: boolean; at?: string } = {}): Mounted {
  const dir = options.at ?? mkdtempSync(path.join(os.tmpdir(), "tinbao-tmpfs-"));
  const flags = [`size=${sizeMb}m`, "mode=0700", ...(options.readOnly ? ["ro"] : [])].join(",");
  execFileSync("mount", ["-t", "tmpfs", "-o", flags, "tmpfs", dir], { stdio: "pipe" });
  return {
    dir,
    unmount() {
      try {
        execFileSync("umount", [dir], { stdio: "pipe" });
      } catch {
        execFileSync("umount", ["-l", dir], { stdio: "pipe" });
      }
      if (!options.at) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes `file` until the disk refuses another byte (ENOSPC); returns the bytes written. */
export function fillDisk(file: string): number {
  const fd = openSync(file, "w");
  let written = 0;
  try {
    for (const size of [1 << 20, 1 << 12, 1]) {
      const chunk = Buffer.alloc(size, 0x55);
      for (;;) {
        try {
          written += writeSync(fd, chunk);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}
