/** /healthz for load balancers and operators, /metrics for Prometheus. */
import express, { type Router } from "express";
import type { AppContext } from "../context.ts";
import { DbFaultMonitor } from "../db/fault-monitor.ts";
import { checkHealth, type HealthAlarm, type HealthReport } from "./check-health.ts";

export type { HealthAlarm };

export interface OpsOptions {
  /** Conditions an operator must act on (channel alarms): "degraded", still 200. */
  alarms?: () => HealthAlarm[];
  /** What the database adapter saw (full disk, foreign lock). */
  faults?: DbFaultMonitor;
}

export function createOpsRouter(ctx: AppContext, options: OpsOptions = {}): Router {
  const router = express.Router();
  const faults = options.faults ?? new DbFaultMonitor();

  // Anyone can call /healthz: callers arriving while a check runs share its answer, so a flood of
  // requests costs one check at a time (each writes a probe file and takes the write lock briefly).
  let running: Promise<HealthReport> | undefined;
  router.get("/healthz", async (_req, res) => {
    running ??= checkHealth(ctx, faults, options.alarms?.() ?? []).finally(() => (running = undefined));
    const report = await running;
    res.setHeader("Cache-Control", "no-store");
    res.status(report.httpStatus).json(report.body);
  });

  router.get("/metrics", async (_req, res) => {
    const [inbound, outbound, resent, tips] = await Promise.all([
      ctx.db.inboundEvent.groupBy({ by: ["channel", "status"], _count: { _all: true } }),
      ctx.db.outboxMessage.groupBy({ by: ["channel", "status"], _count: { _all: true } }),
      ctx.db.outboxMessage.groupBy({ by: ["channel"], where: { resends: { gt: 0 } }, _sum: { resends: true } }),
      ctx.db.tip.groupBy({ by: ["channel", "urgent"], _count: { _all: true } }),
    ]);
    const lines = [
      "# HELP tinbao_inbound_events Inbound events by channel and status.",
      "# TYPE tinbao_inbound_events gauge",
      ...inbound.map((r) => `tinbao_inbound_events{channel="${r.channel}",status="${r.status}"} ${r._count._all}`),
      "# HELP tinbao_outbox_messages Outbox messages by channel and status.",
      "# TYPE tinbao_outbox_messages gauge",
      ...outbound.map((r) => `tinbao_outbox_messages{channel="${r.channel}",status="${r.status}"} ${r._count._all}`),
      "# HELP tinbao_outbox_resent_total Messages sent again because the process sending them died mid-send (the resident may have them twice).",
      "# TYPE tinbao_outbox_resent_total counter",
      ...resent.map((r) => `tinbao_outbox_resent_total{channel="${r.channel}"} ${r._sum.resends ?? 0}`),
      "# HELP tinbao_tips Tips filed, by channel and urgency.",
      "# TYPE tinbao_tips gauge",
      ...tips.map((r) => `tinbao_tips{channel="${r.channel}",urgent="${r.urgent}"} ${r._count._all}`),
      "# HELP process_resident_memory_bytes Resident memory size in bytes.",
      "# TYPE process_resident_memory_bytes gauge",
      `process_resident_memory_bytes ${process.memoryUsage().rss}`,
      "# HELP process_uptime_seconds Seconds since the process started.",
      "# TYPE process_uptime_seconds gauge",
      `process_uptime_seconds ${Math.round(process.uptime())}`,
    ];
    res.type("text/plain; version=0.0.4").send(lines.join("\n") + "\n");
  });

  return router;
}
