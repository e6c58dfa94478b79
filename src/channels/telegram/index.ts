/**
 * The Telegram channel: one object implementing the Channel contract (src/channels/types.ts).
 * telegraf is used only inside this folder, as a plain Bot API client (no Telegraf bot, no middleware).
 *
 *   const telegram = createTelegramChannel({ ...config.telegram, webhookSecret, publicUrl: config.publicUrl }, { log });
 *   await telegram.start(ingest);            // setWebhook + setMyCommands, or long polling
 *   telegram.verifyWebhook(headers, rawBody); telegram.receive(update); await telegram.send(chatId, message);
 */
import { createHash } from "node:crypto";
import type { TelegramConfig } from "../../config.ts";
import type { Logger } from "../../log.ts";
import type { Channel } from "../types.ts";
import { telegramCapabilities } from "./capabilities.ts";
import { createBotApi } from "./client.ts";
import { downloadMedia } from "./download.ts";
import { DEFAULT_KEYBOARD_LABELS, planRequests, type KeyboardLabels } from "./plan.ts";
import { startPolling, type Poller } from "./polling.ts";
import { receiveUpdate } from "./receive.ts";
import { createPhotoCache, sendMessage } from "./send.ts";
import { registerCommands, registerWebhook } from "./setup.ts";
import { verifyTelegramWebhook } from "./webhook.ts";

export { telegramCapabilities } from "./capabilities.ts";
export { DEFAULT_KEYBOARD_LABELS, type KeyboardLabels } from "./plan.ts";
export { ALLOWED_UPDATES, BOT_COMMANDS, WEBHOOK_PATH } from "./setup.ts";
export { SECRET_HEADER } from "./webhook.ts";

export type TelegramChannelConfig = TelegramConfig & { webhookSecret: string; publicUrl: string };

export interface TelegramChannelOptions {
  /** Timeout of each Bot API call (default 10 s, well under Telegram's 60 s webhook patience). */
  callTimeoutMs?: number;
  /** Timeout of a whole file download (default 2 min). */
  downloadTimeoutMs?: number;
  /** Long-poll wait in seconds in polling mode (default 25). Tests use 1. */
  pollTimeoutSeconds?: number;
  /** First delay after a polling failure (default 1 s, doubling up to `pollMaxRetryDelayMs`, default 30 s). */
  pollRetryDelayMs?: number;
  pollMaxRetryDelayMs?: number;
  /** Reply-keyboard labels (default Vietnamese). */
  keyboardLabels?: Partial<KeyboardLabels>;
}

/**
 * @example createTelegramChannel({ token, apiRoot, mode: "webhook", webhookSecret, publicUrl }, { log })
 */
export function createTelegramChannel(
  config: TelegramChannelConfig,
  deps: { log: Logger },
  options: TelegramChannelOptions = {},
): Channel {
  const log = deps.log.child({ channel: "telegram" });
  const api = createBotApi({ token: config.token, apiRoot: config.apiRoot, callTimeoutMs: options.callTimeoutMs ?? 10_000 });
  const labels: KeyboardLabels = { ...DEFAULT_KEYBOARD_LABELS, ...options.keyboardLabels };
  let poller: Poller | undefined;

  const photos = createPhotoCache();
  return {
    name: "telegram",
    capabilities: telegramCapabilities,
    // The bot, as Telegram counts its messages (hashed: the token is a secret).
    rateKey: createHash("sha256").update(`${config.apiRoot}\u0000${config.token}`).digest("hex"),

    verifyWebhook: (headers, rawBody) => verifyTelegramWebhook(headers, rawBody, config.webhookSecret),

    receive: (payload) => receiveUpdate(payload),

    send: (chatId, message) => sendMessage(api, chatId, message, labels, photos),

    // The plan is the calls `send` makes; a message it refuses makes none, and fails when sent.
    messagesIn(message) {
      try {
        return Math.max(1, planRequests("0", message, labels).length);
      } catch {
        return 1;
      }
    },

    download: (media, maxBytes) => downloadMedia(api, media, maxBytes, options.downloadTimeoutMs ?? 120_000),

    async acknowledge(message) {
      if (!message.callbackQueryId) return;
      try {
        await api.call("answerCallbackQuery", { callback_query_id: message.callbackQueryId });
      } catch (error) {
        // Best effort: the spinner stops by itself; an old query ("query is too old") cannot be answered anyway.
        log.warn({ err: error, eventId: message.externalId }, "telegram answerCallbackQuery failed");
      }
    },

    async start(ingest) {
      if (config.mode === "webhook") {
        await registerWebhook(api, config.publicUrl, config.webhookSecret);
        await registerCommands(api);
        log.info("telegram webhook registered");
        return;
      }
      // getUpdates and a webhook exclude each other (409): remove the webhook but keep its pending updates.
      await api.call("deleteWebhook", { drop_pending_updates: false });
      await registerCommands(api);
      poller = startPolling(api, ingest, log, {
        timeoutSeconds: options.pollTimeoutSeconds ?? 25,
        retryDelayMs: options.pollRetryDelayMs ?? 1_000,
        maxRetryDelayMs: options.pollMaxRetryDelayMs ?? 30_000,
      });
      log.info("telegram long polling started");
    },

    async stop() {
      const running = poller;
      poller = undefined;
      await running?.stop();
    },
  };
}
