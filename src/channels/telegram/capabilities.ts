/**
 * What Telegram allows, as data: the outbox paces and the conversation engine shapes messages from this,
 * so no other module needs to know Telegram's numbers.
 */
import type { ChannelCapabilities } from "../types.ts";

/** getFile refuses files above 20 MB ("Bad Request: file is too big"). */
export const TELEGRAM_MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

export const telegramCapabilities: Readonly<ChannelCapabilities> = Object.freeze({
  textMaxChars: 4096,
  buttonPayloadMaxBytes: 64,
  buttonLabelMaxChars: 64,
  maxDownloadBytes: TELEGRAM_MAX_DOWNLOAD_BYTES,
  // ~30 messages/s per bot in bulk, ~1 message/s per chat; beyond that Telegram answers 429.
  rate: Object.freeze({ perSecond: 30, perChatPerSecond: 1 }),
  // Campaigns share the bot's ~30/s (TELEGRAM_BROADCAST_RATE raises it for paid broadcasts); no window, no quiet hours.
  bulk: Object.freeze({ perSecond: 30, needsWindow: false }),
  sendsAudio: true,
  // A voice note that Telegram refuses fails the whole message (retried), so a clip may go without its text.
  sendsClipAlone: true,
  requestsLocation: true,
  requestsContact: true,
});
