/**
 * Recorded clips no translation uses any more (a translator recorded the string again, or the save that would have
 * used the clip failed) are removed once older than UPLOAD_ORPHAN_HOURS, row and files, with the partial files a
 * crash left in `clips/`. Run by the orphan sweep (src/media/sweep-orphans.ts); idempotent, so two processes sweeping
 * at once do no harm.
 *
 * @example const removed = await sweepUnusedClips(ctx, cutoff) // 2
 */
import { readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { AppContext } from "../context.ts";
import { CLIP_DIR } from "./clip-files.ts";

type Ctx = Pick<AppContext, "db" | "config">;

const BATCH = 500;

/** Clips made before `cutoff` that no Translation row names; returns how many were removed. */
export async function sweepUnusedClips(ctx: Ctx, cutoff: Date): Promise<number> {
  const dir = path.join(ctx.config.mediaDir, CLIP_DIR);
  let removed = 0;
  let after: string | undefined;
  for (;;) {
    const batch = await ctx.db.audioClip.findMany({
      where: { createdAt: { lt: cutoff }, ...(after ? { id: { gt: after } } : {}) },
      select: { id: true, sha256: true },
      orderBy: { id: "asc" },
      take: BATCH,
    });
    if (batch.length === 0) break;
    after = batch.at(-1)!.id;
    const used = new Set(
      (await ctx.db.translation.findMany({ where: { clipId: { in: batch.map((c) => c.id) } }, select: { clipId: true } })).map((t) => t.clipId),
    );
    for (const clip of batch) {
      if (used.has(clip.id)) continue;
      // Asked again just before removing: a translator may have saved the same recording a moment ago.
      if (await ctx.db.translation.findFirst({ where: { clipId: clip.id }, select: { id: true } })) continue;
      const { count } = await ctx.db.audioClip.deleteMany({ where: { id: clip.id } });
      if (count === 0) continue;
      removed++;
      for (const name of await entries(dir)) {
        if (name.startsWith(`${clip.sha256}.`)) await rm(path.join(dir, name), { force: true });
      }
    }
    if (batch.length < BATCH) break;
  }
  // Partial files of a conversion that never finished (a crash): `.<uuid>.part`, `.<uuid>.ogg.part`…
  for (const name of await entries(dir)) {
    if (!name.startsWith(".") || !name.endsWith(".part")) continue;
    const info = await stat(path.join(dir, name)).catch(() => null);
    if (info?.isFile() && info.mtime < cutoff) await rm(path.join(dir, name), { force: true });
  }
  return removed;
}

async function entries(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}
