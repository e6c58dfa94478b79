/**
 * Runs the duty-chat jobs: new-tip alerts (post-duty-alerts.ts) and the daily overdue digest
 * (post-overdue-digests.ts). Scans every few seconds, so tips filed by another process or left
 * by a crash are found; `kick()` (on the in-process `tip:created` event) scans at once, so an
 * urgent tip goes out within a second. Safe with several processes: every claim is conditional.
 *
 * @example const duty = createDutyWorker(ctx, i18n); duty.start(); … await duty.stop();
 */
import type { AppContext } from "../context.ts";
import type { Translator } from "../i18n/index.ts";
import { dutyAlertsSince, postDutyAlerts } from "./post-duty-alerts.ts";
import { postOverdueDigests } from "./post-overdue-digests.ts";

export interface DutyWorkerOptions {
  /** The worker's clock (tests move it); default ctx.now. */
  now?: () => Date;
  /** Scan interval; default a quarter of the batch window, between 0.25 and 5 s. */
  pollMs?: number;
}

export interface DutyWorker {
  start(): void;
  /** Scan now (coalesced with a scan already running). */
  kick(): void;
  /** One scan, awaited (tests). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export function createDutyWorker(ctx: AppContext, i18n: Pick<Translator, "t">, options: DutyWorkerOptions = {}): DutyWorker {
  const now = options.now ?? (() => ctx.now());
  const pollMs = options.pollMs ?? Math.min(5_000, Math.max(250, ctx.config.duty.alertBatchSeconds * 250));
  const categoryLabel = (code: string) => {
    const key = `report.categories.${code}`;
    const label = i18n.t("vi", key);
    return label && label !== key ? label : code;
  };
  const done = new Set<string>();
  let since: Date | undefined;
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;
  let again = false;

  async function tick(): Promise<void> {
    const at = now();
    let queued = 0;
    try {
      since ??= await dutyAlertsSince(ctx, at);
      queued += await postDutyAlerts(ctx, { categoryLabel, now: at, since });
    } catch (err) {
      ctx.log.error({ err }, "duty alerts scan failed; will retry");
    }
    try {
      queued += await postOverdueDigests(ctx, { categoryLabel, now: at, done });
    } catch (err) {
      ctx.log.error({ err }, "overdue digest failed; will retry");
    }
    if (queued > 0) ctx.bus.emit("outbox:queued");
  }

  function kick(): void {
    if (!running) return;
    if (ticking) {
      again = true;
      return;
    }
    clearTimeout(timer);
    ticking = tick().finally(() => {
      ticking = undefined;
      if (!running) return;
      if (again) {
        again = false;
        kick();
      } else timer = setTimeout(kick, pollMs);
    });
  }

  return {
    start() {
      running = true;
      kick();
    },
    kick,
    tick,
    async stop() {
      running = false;
      clearTimeout(timer);
      await ticking;
    },
  };
}
