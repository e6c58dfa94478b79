/**
 * Long polling for when there is no public https address: getUpdates in a loop. Each update is handed to
 * `ingest` (which stores it) and only then is the offset moved past it, so Telegram forgets nothing we have
 * not stored. Errors back off (honouring 429's retry_after); stop() aborts the pending long poll.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../../log.ts";
import { SendError } from "../../outbox/send-error.ts";
import type { BotApi } from "./client.ts";
import { toSendError, UnexpectedAnswerError } from "./errors.ts";
import { ALLOWED_UPDATES } from "./setup.ts";

export interface PollingOptions {
  /** Long-poll wait in seconds (Telegram's `timeout`); whole seconds, at least 1. */
  timeoutSeconds: number;
  /** First retry delay after a failure; doubles up to `maxRetryDelayMs`. */
  retryDelayMs: number;
  maxRetryDelayMs: number;
}

export interface Poller {
  stop(): Promise<void>;
}

/**
 * @example const poller = startPolling(api, (update) => inbox.store(update), log, options); … await poller.stop()
 */
export function startPolling(api: BotApi, ingest: (update: unknown) => Promise<void>, log: Logger, options: PollingOptions): Poller {
  const stopping = new AbortController();
  const signal = stopping.signal;
  const timeout = Math.max(1, Math.round(options.timeoutSeconds));

  async function loop(): Promise<void> {
    let offset: number | undefined;
    let failures = 0;
    while (!signal.aborted) {
      let stage = "getUpdates";
      try {
        const updates = await api.call(
          "getUpdates",
          { ...(offset === undefined ? {} : { offset }), timeout, allowed_updates: [...ALLOWED_UPDATES] },
          { signal, timeoutMs: timeout * 1000 + api.callTimeoutMs },
        );
        for (const update of checkUpdates(updates, api)) {
          stage = "ingest";
          await ingest(update);
          offset = update.update_id + 1;
        }
        failures = 0;
      } catch (error) {
        if (signal.aborted) break;
        failures += 1;
        const delayMs = retryDelay(error, failures, options);
        // SendErrors are already scrubbed; ingest errors are ours (the logger scrubs tokens from err anyway).
        log.warn({ err: error, stage, delayMs, failures }, `telegram polling: ${stage} failed; retrying`);
        await sleep(delayMs, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  const running = loop();
  return {
    async stop() {
      stopping.abort();
      await running;
    },
  };
}

function checkUpdates(result: unknown, api: BotApi): { update_id: number }[] {
  const valid =
    Array.isArray(result) &&
    result.every((update: unknown) => typeof update === "object" && update !== null && Number.isSafeInteger((update as { update_id?: unknown }).update_id));
  if (!valid) throw toSendError(new UnexpectedAnswerError("getUpdates result is not a list of updates"), "getUpdates", api.redact);
  return result as { update_id: number }[];
}

function retryDelay(error: unknown, failures: number, options: PollingOptions): number {
  if (error instanceof SendError && error.kind === "throttled" && error.details.retryAfterMs !== undefined) return error.details.retryAfterMs;
  return Math.min(options.maxRetryDelayMs, options.retryDelayMs * 2 ** (failures - 1));
}
