/**
 * Removes evidence nobody will ever read: attachments never tied to a tip within
 * UPLOAD_ORPHAN_HOURS (a draft abandoned, a file sent where no step took it), files in the media
 * folder that no row names, partial files left in media/tmp by a crash, and campaign images no
 * campaign names. A file is removed only
 * when no attachment row names its content-addressed key and it has not been written for that long
 * (storing the same content again renews it), so a sweep in one process cannot take a file another
 * process has just stored. Translators' clips no translation uses go the same way. Every step is idempotent: two
 * processes sweeping at once do no harm.
 *
 * @example const swept = await sweepOrphans(ctx); // { rows: 3, files: 2, tmp: 1, campaignImages: 0, clips: 0 }
 */
import { readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { AppContext } from "../context.ts";
import { IMAGE_DIR, IMAGE_ID } from "../outreach/campaigns/campaign-image.ts";
import { sweepUnusedClips } from "../audio/sweep-clips.ts";

export interface SweepResult {
  /** Attachment rows removed. */
  rows: number;
  /** Stored files removed (no row names them). */
  files: number;
  /** Partial files removed from media/tmp. */
  tmp: number;
  /** Campaign images uploaded but named by no campaign (an editor picked another, or never saved). */
  campaignImages: number;
  /** Translators' recorded clips no translation uses any more (src/audio/sweep-clips.ts). */
  clips: number;
}

type Ctx = Pick<AppContext, "db" | "now" | "config">;

const BATCH = 500;
const HEX2 = /^[0-9a-f]{2}$/;
const SHA256 = /^[0-9a-f]{64}$/;

/** One sweep at `ctx.now()`. */
export async function sweepOrphans(ctx: Ctx): Promise<SweepResult> {
  const cutoff = new Date(ctx.now().getTime() - ctx.config.uploads.orphanHours * 3600_000);
  const rows = await removeOrphanRows(ctx, cutoff);
  const files = await removeUnnamedFiles(ctx, cutoff);
  const tmp = await removeOld(path.join(ctx.config.mediaDir, "tmp"), cutoff);
  const campaignImages = await removeUnusedCampaignImages(ctx, cutoff);
  const clips = await sweepUnusedClips(ctx, cutoff);
  return { rows, files, tmp, campaignImages, clips };
}

async function removeOrphanRows(ctx: Ctx, cutoff: Date): Promise<number> {
  let removed = 0;
  for (;;) {
    const batch = await ctx.db.attachment.findMany({ where: { tipId: null, createdAt: { lt: cutoff } }, select: { id: true }, take: BATCH });
    if (batch.length === 0) return removed;
    // Still untied: a tip filed meanwhile keeps its files.
    const { count } = await ctx.db.attachment.deleteMany({ where: { id: { in: batch.map((a) => a.id) }, tipId: null } });
    removed += count;
    if (batch.length < BATCH) return removed;
  }
}

/** Files under `ab/cd/<sha256>` not written since `cutoff` and named by no attachment row. */
async function removeUnnamedFiles(ctx: Ctx, cutoff: Date): Promise<number> {
  const root = ctx.config.mediaDir;
  let removed = 0;
  let pending: string[] = [];
  const flush = async () => {
    const keys = pending;
    pending = [];
    if (keys.length === 0) return;
    const named = await ctx.db.attachment.findMany({ where: { storageKey: { in: keys } }, select: { storageKey: true }, distinct: ["storageKey"] });
    const keep = new Set(named.map((a) => a.storageKey));
    for (const key of keys) {
      if (keep.has(key)) continue;
      const file = path.join(root, key);
      // Checked again just before removing: the same content may have been stored a moment ago.
      const info = await stat(file).catch(() => null);
      if (!info || info.mtime >= cutoff) continue;
      await rm(file, { force: true });
      removed++;
    }
  };
  for (const a of await entries(root)) {
    if (!HEX2.test(a)) continue;
    for (const b of await entries(path.join(root, a))) {
      if (!HEX2.test(b)) continue;
      for (const name of await entries(path.join(root, a, b))) {
        if (!SHA256.test(name) || !name.startsWith(a + b)) continue;
        const info = await stat(path.join(root, a, b, name)).catch(() => null);
        if (!info?.isFile() || info.mtime >= cutoff) continue;
        pending.push(`${a}/${b}/${name}`);
        if (pending.length >= BATCH) await flush();
      }
    }
  }
  await flush();
  return removed;
}

/** Campaign images not uploaded since `cutoff` that no campaign (of any status) names. */
async function removeUnusedCampaignImages(ctx: Ctx, cutoff: Date): Promise<number> {
  const dir = path.join(ctx.config.mediaDir, IMAGE_DIR);
  const old: string[] = [];
  for (const name of await entries(dir)) {
    if (!IMAGE_ID.test(name)) continue;
    const info = await stat(path.join(dir, name)).catch(() => null);
    if (info?.isFile() && info.mtime < cutoff) old.push(name);
  }
  if (old.length === 0) return 0;
  let removed = 0;
  for (let i = 0; i < old.length; i += BATCH) {
    const names = old.slice(i, i + BATCH);
    const used = new Set((await ctx.db.campaign.findMany({ where: { imageId: { in: names } }, select: { imageId: true } })).map((c) => c.imageId));
    for (const name of names) {
      if (used.has(name)) continue;
      // Checked again just before removing: the same image may have been uploaded again a moment ago.
      const info = await stat(path.join(dir, name)).catch(() => null);
      if (!info || info.mtime >= cutoff) continue;
      await rm(path.join(dir, name), { force: true });
      removed++;
    }
  }
  return removed;
}

/** Files directly in `dir` not written since `cutoff`. */
async function removeOld(dir: string, cutoff: Date): Promise<number> {
  let removed = 0;
  for (const name of await entries(dir)) {
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => null);
    if (!info?.isFile() || info.mtime >= cutoff) continue;
    await rm(file, { force: true });
    removed++;
  }
  return removed;
}

async function entries(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}
