/**
 * The server under test, alone in its own process so the RSS it reports is its own (not the load generator's).
 * bench/webhook-ingest.ts starts it with child_process.fork (an IPC channel); it is not meant to be run by hand.
 *
 *   BENCH_TARGET=tinbao    the real service: startService(loadConfig(env), { workers: BENCH_WORKERS === "on" });
 *                          BENCH_WORKERS=later starts it without workers, then starts them (as startService does)
 *                          when the parent sends {type:"startWorkers"}
 *   BENCH_TARGET=baseline  bare Express 5 + telegraf `webhookCallback` with a no-op message handler (answers 200)
 *
 * Protocol (IPC messages): the child sends {type:"ready"} once listening; the parent asks {type:"mark"} (start a
 * new phase: reset the phase peak RSS), {type:"stats"} (RSS now, peaks, and for Tin Báo the inbox/outbox counts)
 * and {type:"stop"}. If the parent goes away, the child stops by itself.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";

export type ToChild = { type: "mark" } | { type: "stats"; id: number } | { type: "startWorkers" } | { type: "stop" };

export type FromChild =
  | { type: "ready"; url: string; pid: number; startMs: number; at: number; stats: ChildStats }
  | { type: "stats"; id: number; stats: ChildStats }
  | { type: "failed"; message: string };

export interface ChildStats {
  /** Date.now() in the child when measured. */
  at: number;
  rss: number;
  /** Highest sampled RSS (every 10 ms) since the last "mark". */
  phasePeakRss: number;
  /** Highest sampled RSS since the process started. */
  peakRss: number;
  /** The kernel's high-water mark of this process's RSS (getrusage ru_maxrss), in bytes: the exact peak. */
  maxRss: number;
  heapUsed: number;
  /** Longest event-loop stall since the last "mark" (monitorEventLoopDelay, 10 ms resolution), in ms. */
  eventLoopDelayMaxMs: number;
  /** CPU time this process used since it started (process.cpuUsage), in ms. */
  cpuMs: number;
  /** Tin Báo only: InboundEvent rows by status. */
  inbox?: Record<string, number>;
  /** Tin Báo only: OutboxMessage rows by status. */
  outbox?: Record<string, number>;
}

const SAMPLE_MS = 10;

if (process.send) {
  await main().catch((error: unknown) => {
    send({ type: "failed", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    setTimeout(() => process.exit(1), 100);
  });
} else {
  console.error("bench/serve.ts is started by bench/webhook-ingest.ts (npm run bench:ingest), not by hand.");
  process.exit(2);
}

function send(message: FromChild): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  let peakRss = process.memoryUsage.rss();
  let phasePeakRss = peakRss;
  const sampler = setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss > peakRss) peakRss = rss;
    if (rss > phasePeakRss) phasePeakRss = rss;
  }, SAMPLE_MS);
  sampler.unref();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();

  const target = process.env.BENCH_TARGET;
  const running = target === "tinbao" ? await startTinBao() : target === "baseline" ? await startBaseline() : undefined;
  if (!running) throw new Error(`BENCH_TARGET must be tinbao or baseline, not ${target}`);

  const stats = async (): Promise<ChildStats> => {
    const rss = process.memoryUsage.rss();
    if (rss > peakRss) peakRss = rss;
    if (rss > phasePeakRss) phasePeakRss = rss;
    return {
      at: Date.now(),
      rss,
      phasePeakRss,
      peakRss,
      maxRss: process.resourceUsage().maxRSS * 1024,
      heapUsed: process.memoryUsage().heapUsed,
      eventLoopDelayMaxMs: Math.round(loopDelay.max / 1e6),
      cpuMs: (({ user, system }) => (user + system) / 1000)(process.cpuUsage()),
      ...(await running.counts()),
    };
  };

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    clearInterval(sampler);
    // Whatever happens, this process ends within 10 s.
    setTimeout(() => process.exit(1), 10_000).unref();
    await running.stop().catch(() => {});
    process.exit(0);
  };

  process.on("message", (raw: ToChild) => {
    if (raw.type === "mark") {
      phasePeakRss = process.memoryUsage.rss();
      loopDelay.reset();
    } else if (raw.type === "startWorkers") {
      running.startWorkers?.();
    } else if (raw.type === "stats") {
      stats().then(
        (s) => send({ type: "stats", id: raw.id, stats: s }),
        (error: unknown) => send({ type: "failed", message: String(error) }),
      );
    } else if (raw.type === "stop") {
      void stop();
    }
  });
  // The parent died or closed the channel: never outlive it.
  process.on("disconnect", () => void stop());
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());

  send({ type: "ready", url: running.url, pid: process.pid, startMs: performance.now() - startedAt, at: Date.now(), stats: await stats() });
}

interface Running {
  url: string;
  startWorkers?(): void;
  counts(): Promise<Pick<ChildStats, "inbox" | "outbox">>;
  stop(): Promise<void>;
}

async function startTinBao(): Promise<Running> {
  const { loadConfig } = await import("../src/config.ts");
  const { createLogger } = await import("../src/log.ts");
  const { startService } = await import("../src/service.ts");
  const config = loadConfig(process.env);
  const workers = process.env.BENCH_WORKERS ?? "off";
  const service = await startService(config, { logger: createLogger(config.logLevel), workers: workers === "on" });
  const byStatus = (rows: { status: string; _count: { _all: number } }[]): Record<string, number> =>
    Object.fromEntries(rows.map((r) => [r.status, r._count._all]));
  return {
    url: service.url,
    async counts() {
      const [inbox, outbox] = await Promise.all([
        service.ctx.db.inboundEvent.groupBy({ by: ["status"], _count: { _all: true } }),
        service.ctx.db.outboxMessage.groupBy({ by: ["status"], _count: { _all: true } }),
      ]);
      return { inbox: byStatus(inbox), outbox: byStatus(outbox) };
    },
    // What startService does when workers are on, done after start-up instead of before the channels start.
    startWorkers:
      workers === "later"
        ? () => {
            service.ctx.bus.on("inbox:stored", () => service.inbox.kick());
            service.ctx.bus.on("outbox:queued", () => service.outbox.kick());
            service.inbox.start();
            service.outbox.start();
          }
        : undefined,
    stop: () => service.stop(),
  };
}

async function startBaseline(): Promise<Running> {
  const { default: express } = await import("express");
  const { Telegraf } = await import("telegraf");
  const token = required("TELEGRAM_BOT_TOKEN");
  const bot = new Telegraf(token, { telegram: { apiRoot: required("TELEGRAM_API_ROOT"), webhookReply: false } });
  // Preset, so handleUpdate never calls getMe.
  bot.botInfo = {
    id: Number(token.split(":")[0]),
    is_bot: true,
    first_name: "Baseline",
    username: "baseline_bench_bot",
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
  };
  bot.on("message", () => {});
  const app = express();
  app.use(bot.webhookCallback("/webhooks/telegram", { secretToken: required("TELEGRAM_WEBHOOK_SECRET") }));
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
    s.once("error", reject);
  });
  // Same keep-alive as Tin Báo's server, so neither side closes idle load-generator connections.
  server.keepAliveTimeout = 65_000;
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts: async () => ({}),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}
