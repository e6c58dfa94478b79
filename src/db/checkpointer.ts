/**
 * SQLite's WAL checkpoint (copying committed pages from the -wal file back into the database, then an fsync) runs
 * by default inside whichever commit takes the log past 1,000 pages: on the one connection, on the event loop. During
 * a burst of writes that was a 26 ms stall every second or so, and commits cost twice as much (410 against 203 µs a
 * turn batch's COMMIT in bench:quiz; issue 12).
 *
 * Here a worker thread with a connection of its own runs PASSIVE checkpoints every `intervalMs`: they copy what is
 * committed without blocking the writer or readers, so the event loop no longer does it. The service's connection
 * keeps an automatic checkpoint, at FALLBACK_CHECKPOINT_PAGES instead of 1,000: a passive checkpoint racing a steady
 * stream of commits may never catch up to the end of the log, and SQLite starts the log over only after a checkpoint
 * that did; the fallback runs between two commits, finds most pages already copied, and lets the log start over. If
 * the thread fails, the caller puts SQLite's default back (once, however the thread failed).
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

export interface Checkpointer {
  /** Runs a last checkpoint and ends the thread. */
  stop(): Promise<void>;
}

export interface CheckpointerOptions {
  intervalMs?: number;
  /** The thread could not run (or died): the caller puts SQLite's own automatic checkpoint back. */
  onFailure(error: Error): void;
}

/** The service connection's own automatic checkpoint while the thread runs (pages of 4 KiB: about 40 MiB of log). */
export const FALLBACK_CHECKPOINT_PAGES = 10_000;

const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true, timeout: 0 });
const checkpoint = () => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (e) {
    // Busy (another checkpoint is running) or a full disk: the next tick tries again.
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on("message", (message) => {
  if (message !== "stop") return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

export function startCheckpointer(file: string, options: CheckpointerOptions): Checkpointer {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(WORKER, { eval: true, workerData: { file, driver, intervalMs: options.intervalMs ?? 250 } });
  let stopping = false;
  let failed = false;
  const fail = (error: Error) => {
    if (stopping || failed) return;
    failed = true;
    options.onFailure(error);
  };
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  // A thread that throws also exits: one report, with the error rather than the exit code.
  worker.once("error", fail);
  worker.once("exit", (code) => fail(new Error(`the checkpoint thread stopped (exit code ${code})`)));
  // The thread must never keep the process alive on its own.
  worker.unref();
  return {
    async stop() {
      if (stopping) return exited;
      stopping = true;
      worker.postMessage("stop");
      const timer = setTimeout(() => void worker.terminate(), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
