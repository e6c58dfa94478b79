/**
 * What the bot registers with Telegram at start: the webhook (with its secret and the update types we
 * handle) and the command menu residents see next to the text box.
 */
import type { BotApi } from "./client.ts";

/** Update types we handle; everything else Telegram keeps to itself. */
export const ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"] as const;

export const WEBHOOK_PATH = "/webhooks/telegram";

export const BOT_COMMANDS = [
  { command: "start", description: "Bắt đầu báo tin cho công an" },
  { command: "menu", description: "Mở menu chính" },
  { command: "cancel", description: "Hủy tin đang soạn" },
] as const;

/**
 * @example await registerWebhook(api, "https://tinbao.example.vn", secret) // Telegram now POSTs to …/webhooks/telegram
 */
export async function registerWebhook(api: BotApi, publicUrl: string, secret: string): Promise<void> {
  await api.call("setWebhook", {
    url: `${publicUrl.replace(/\/+$/, "")}${WEBHOOK_PATH}`,
    secret_token: secret,
    allowed_updates: [...ALLOWED_UPDATES],
  });
}

/** @example await registerCommands(api) */
export async function registerCommands(api: BotApi): Promise<void> {
  await api.call("setMyCommands", { commands: BOT_COMMANDS.map((command) => ({ ...command })) });
}
