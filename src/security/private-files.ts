/**
 * Files only the service's own user may read: the database (and its -wal/-shm), the key file and the
 * evidence. Folders are created 0700 and files 0600, whatever the umask. Existing folders are left
 * as they are (a database in /srv/app must not make /srv/app private), existing files are tightened.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` (and missing parents) readable by the owner only. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Creates `file` empty if missing, and makes it (and the given companions, such as SQLite's -wal and
 * -shm, when they exist) readable by the owner only. SQLite gives new -wal/-shm files the mode of
 * the database file, so a private database keeps private companions.
 */
export function ensurePrivateFile(file: string, companions: string[] = []): void {
  closeSync(openSync(file, "a", PRIVATE_FILE_MODE));
  for (const f of [file, ...companions]) if (existsSync(f)) tightenFile(f);
}

/** Makes an existing file 0600 if this user may; a file it may not change is left for the operator. */
export function tightenFile(file: string): void {
  try {
    chmodSync(file, PRIVATE_FILE_MODE);
  } catch {
    // Owned by someone else or on a read-only disk: nothing this process can do about it.
  }
}

/** A SQLite database: its folder (when new) 0700, the file and its -wal/-shm/-journal 0600. */
export function ensurePrivateSqliteFile(file: string): void {
  ensurePrivateDir(path.dirname(path.resolve(file)));
  ensurePrivateFile(file, [`${file}-wal`, `${file}-shm`, `${file}-journal`]);
}
