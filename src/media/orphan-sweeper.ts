/**
 * Runs the housekeeping of what strangers leave behind, periodically, in every process: the
 * orphan evidence sweep (sweep-orphans.ts) and the pruning of stale rate-limit counters. With
 * several processes, one of them does each period's sweep: the first to insert the period's
 * JobRun row (`media-sweep:<period start>`); the others skip it.
 *
 * @example const sweeper = createOrphanSweeper(ctx); sweeper.start(); … await sweeper.stop();
 */
import type { AppContext } from "../context.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { pruneLimits } from "../security/rate-limit.ts";
import { sweepOrphans, type SweepResult } from "./sweep-orphans.ts";

export interface OrphanSweeper {
  start(): void;
  /** This period's sweep, unless another process did it; resolves with what was removed (null when skipped). */
  tick(): Promise<SweepResult | null>;
  stop(): Promise<void>;
}

const PREFIX = "media-sweep:";
const DAY_MS = 24 * 3600_000;

/** `intervalMs`: how often (default hourly); `firstDelayMs`: the first run after start (default 30 s). */
export function createOrphanSweeper(ctx: AppContext, options: { intervalMs?: number; firstDelayMs?: number } = {}): OrphanSweeper {
  const intervalMs = options.intervalMs ?? 3600_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;

  async function tick(): Promise<SweepResult | null> {
    const now = ctx.now();
    const period = new Date(Math.floor(now.getTime() / intervalMs) * intervalMs);
    try {
      await ctx.db.jobRun.create({ data: { id: `${PREFIX}${period.toISOString()}`, startedAt: now } });
    } catch (err) {
      if (isUniqueViolation(err)) return null;
      throw err;
    }
    const result = await sweepOrphans(ctx);
    const pruned = await pruneLimits(ctx);
    await ctx.db.jobRun.update({ where: { id: `${PREFIX}${period.toISOString()}` }, data: { finishedAt: ctx.now(), data: JSON.stringify({ ...result, pruned }) } });
    await ctx.db.jobRun.deleteMany({ where: { id: { startsWith: PREFIX }, startedAt: { lt: new Date(now.getTime() - 7 * DAY_MS) } } });
    if (result.rows || result.files || result.tmp || result.campaignImages || result.clips) ctx.log.info({ ...result, pruned }, "orphan evidence swept");
    return result;
  }

  function schedule(delayMs: number): void {
    timer = setTimeout(() => {
      running = tick()
        .catch((err) => ctx.log.error({ err }, "orphan sweep failed; will retry next period"))
        .finally(() => {
          running = undefined;
          if (timer) schedule(intervalMs);
        });
    }, delayMs);
    timer.unref();
  }

  return {
    start() {
      if (!timer) schedule(options.firstDelayMs ?? 30_000);
    },
    tick,
    async stop() {
      clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
