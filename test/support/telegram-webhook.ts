/**
 * A service that takes Telegram webhooks from a fake Bot API: its settings, and posting an update the
 * way Telegram does (JSON body, the secret header).
 *
 * @example const svc = await startTestService(telegramWebhookEnv(fake.url)); await postUpdate(svc.url, u.command("start"));
 */
export const TEST_BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
export const TEST_WEBHOOK_SECRET = "test-webhook_secret1";

/** Settings for webhook mode against the fake Bot API at `apiRoot`, plus `extra`. */
export function telegramWebhookEnv(apiRoot: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN,
    TELEGRAM_API_ROOT: apiRoot,
    TELEGRAM_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    TELEGRAM_MODE: "webhook",
    PUBLIC_URL: "https://tinbao.example.vn",
    ...extra,
  };
}

/** POSTs one update to the service's Telegram webhook, as Telegram would. */
export function postUpdate(baseUrl: string, update: unknown): Promise<Response> {
  return fetch(`${baseUrl}/webhooks/telegram`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": TEST_WEBHOOK_SECRET },
    body: JSON.stringify(update),
  });
}
