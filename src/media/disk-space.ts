/**
 * Free space on the disk that holds evidence (and, by default, the database). New files are refused
 * below `MEDIA_MIN_FREE_MB`, so uploads can never fill the disk the database needs to go on.
 */
import { mkdir, statfs } from "node:fs/promises";

/** Bytes an unprivileged process may still write under `dir` (created if missing). */
export async function freeBytes(dir: string): Promise<number> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const s = await statfs(dir);
  return Number(s.bavail) * Number(s.bsize);
}

/** Whether `bytes` more can be written under `dir` and still leave `floorBytes` free. */
export async function hasRoomFor(dir: string, bytes: number, floorBytes: number): Promise<boolean> {
  return (await freeBytes(dir)) - bytes >= floorBytes;
}
