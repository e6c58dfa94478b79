/**
 * POST /webhooks/:channel — verify → store the raw event (unique per delivery) → answer.
 * Never processes before storing; processing happens in the inbox worker.
 */
import express, { type Router } from "express";
import type { AppContext } from "../context.ts";
import type { ChannelName } from "../channels/types.ts";
import { AppError } from "../http/errors.ts";
import { storeInboundEvent } from "./store-event.ts";

export function createWebhookRouter(ctx: AppContext): Router {
  const router = express.Router();
  router.post("/:channel", express.raw({ type: () => true, limit: "1mb" }), async (req, res) => {
    const name = req.params.channel as ChannelName;
    const channel = ctx.channels.get(name);
    if (!channel?.verifyWebhook) throw new AppError("not_found", "No such webhook.");
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const verdict = channel.verifyWebhook(req.headers, raw);
    if (!verdict.ok) {
      ctx.log.warn({ channel: name, status: verdict.status, reason: verdict.reason, ip: req.ip }, "webhook rejected");
      const code = verdict.status === 400 ? "bad_request" : verdict.status === 403 ? "forbidden" : "unauthorized";
      res.status(verdict.status).json({ error: { code, message: verdict.reason } });
      return;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(raw.toString("utf8"));
    } catch {
      ctx.log.warn({ channel: name }, "webhook body is not JSON");
      throw new AppError("bad_request", "Malformed JSON body.");
    }
    const message = channel.receive(payload);
    if (!message) {
      ctx.log.debug({ channel: name }, "webhook payload ignored (not a kind we handle)");
      res.status(200).json({ ok: true, ignored: true });
      return;
    }
    const result = await storeInboundEvent(ctx, { channel: name, externalId: message.externalId, chatId: message.chatId, payload });
    res.status(200).json({ ok: true, duplicate: result === "duplicate" || undefined });
  });
  return router;
}
