/** /healthz for load balancers and operators, /metrics for Prometheus. */
import express, { type Router } from "express";
import type { AppContext } from "../context.ts";

export interface HealthAlarm {
  code: string;
  message: string;
}

export function createOpsRouter(ctx: AppContext, alarms: () => HealthAlarm[] = () => []): Router {
  const router = express.Router();

  router.get("/healthz", async (_req, res) => {
    const checks: Record<string, unknown> = {};
    let ok = true;
    try {
      const [inboxPending, inboxFailed, outboxPending] = await Promise.all([
        ctx.db.inboundEvent.count({ where: { status: { in: ["pending", "processing"] } } }),
        ctx.db.inboundEvent.count({ where: { status: "failed" } }),
        ctx.db.outboxMessage.count({ where: { status: { in: ["pending", "sending"] } } }),
      ]);
      checks.database = "ok";
      checks.inbox = { pending: inboxPending, failed: inboxFailed };
      checks.outbox = { pending: outboxPending };
    } catch {
      ok = false;
      checks.database = "unreachable";
    }
    checks.channels = [...ctx.channels.keys()];
    const active = alarms();
    res.status(ok ? 200 : 503).json({ status: ok ? (active.length ? "degraded" : "ok") : "down", checks, alarms: active });
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
