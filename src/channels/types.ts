/**
 * The contract every channel implements (one folder per channel under src/channels/).
 * Channels translate between a platform and these channel-independent shapes; they never decide
 * about retries (the outbox does) nor about conversations (the engine does).
 */
import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";

export type ChannelName = "telegram" | "webchat" | "zalo";
/** Every channel there is (rows of the queues carry one of these). */
export const CHANNEL_NAMES: readonly ChannelName[] = ["telegram", "webchat", "zalo"];

export interface InboundContact {
  /** The platform's user id (Telegram user id, Zalo user id, web chat visitor id). Secret: never logged. */
  platformId: string;
  displayName?: string;
  /** A platform hint for the first language guess (Telegram `language_code`). */
  languageHint?: string;
}

export type MediaKind = "photo" | "video" | "voice" | "audio" | "document";

export interface InboundMedia {
  kind: MediaKind;
  /** Channel-specific reference used by `download` (Telegram file_id, a URL, a stored upload key). */
  ref: string;
  mime?: string;
  size?: number;
  name?: string;
}

export type InboundContent =
  | { type: "text"; text: string }
  | { type: "button"; payload: string; label?: string }
  | { type: "command"; command: string; args: string }
  | { type: "location"; latitude: number; longitude: number }
  | { type: "contact"; phone: string; name?: string; isOwn: boolean }
  | { type: "media"; media: InboundMedia; caption?: string }
  | { type: "sticker" }
  | { type: "follow" }
  | { type: "unfollow" }
  /** The platform reports that messages we sent arrived or were seen (Zalo). */
  | { type: "delivery"; status: "delivered" | "seen"; providerMessageIds: string[] }
  | { type: "unsupported"; what: string };

export interface InboundMessage {
  channel: ChannelName;
  /** Unique per channel delivery (Telegram update_id, Zalo msg_id, web chat clientMessageId). */
  externalId: string;
  /** Where replies go (the platform chat id). Secret like the contact id. */
  chatId: string;
  contact: InboundContact;
  content: InboundContent;
  sentAt: Date;
  /** Telegram callback queries must be answered to stop the button spinner. */
  callbackQueryId?: string;
  /**
   * Where the message came from on the network, as a keyed hash (web chat: the client address), so limits on
   * guessing apply across every visitor from one address. Platforms do not tell: the contact stands for it.
   */
  origin?: string;
}

export interface Button {
  label: string;
  /** Short, language-independent id (Telegram limits callback_data to 64 bytes). */
  payload: string;
}

export interface OutboundMessage {
  text: string;
  /** Rows of choices. */
  buttons?: Button[][];
  /** Ask the resident to share a location (a keyboard button where the platform has one). */
  requestLocation?: boolean;
  /** Ask the resident to share their phone number. */
  requestContact?: boolean;
  /** Numbers the resident can call with one tap (113, 114, 115, 111). */
  phones?: { label: string; number: string }[];
  /** A recorded clip of this prompt in the resident's language. */
  audio?: { file: string; mime: string; label?: string };
  /** A picture shown before the text (a campaign's image): JPEG or PNG, at most 1 MB. */
  image?: { file: string; mime: string };
  /** Buttons that open a web page (a campaign's link), after the choices. */
  links?: { label: string; url: string }[];
  /** A campaign message on a bot allowed paid broadcasts (Telegram allow_paid_broadcast: above 30 messages/s). */
  paidBroadcast?: boolean;
  /** Ask the platform to prevent forwarding/saving (receipts with secrets). */
  protect?: boolean;
  /**
   * The two codes of a filed tip, when this message is its receipt. The codes are also in `text`, which stays
   * the whole message for channels that only show text (Telegram, Zalo); the web chat shows them as a card.
   */
  receipt?: { reference: string; secret: string };
  /**
   * How many of the platform messages this one becomes (a voice note, an image, the text in parts) already reached
   * the resident in an earlier attempt that failed part-way: a retry sends only the rest. Set by the senders from
   * SendError's `sentParts`, never by the code that writes the message.
   */
  sentParts?: number;
}

export interface ChannelCapabilities {
  /** Maximum text length in code points after NFC; longer texts are split by the sender. */
  textMaxChars: number;
  buttonPayloadMaxBytes: number;
  buttonLabelMaxChars: number;
  /** Largest inbound file the platform lets us download. */
  maxDownloadBytes: number;
  /** Pacing the outbox applies to this channel. */
  rate: { perSecond: number; perChatPerSecond: number };
  /** Hours after the resident's last message during which we may reply (Zalo: 7 days). */
  replyWindowHours?: number;
  /**
   * Campaign (bulk) traffic: its rate, shared by every process; whether it may reach only residents inside the
   * reply window (others by an approved template, or skipped); Vietnam-time hours when promotion is refused
   * (held until `to`).
   */
  bulk: { perSecond: number; needsWindow: boolean; quietHours?: { from: number; to: number }; reportsReceipts?: boolean };
  sendsAudio: boolean;
  /**
   * A clip sent always arrives playable, or the whole message fails and is retried: a prompt may then go out as its
   * clip alone, without text the resident may not read (voice first, src/conversation/prompt.ts). False where a clip
   * can be skipped while the message goes on (Zalo): there the text always follows the clip.
   */
  sendsClipAlone: boolean;
  requestsLocation: boolean;
  requestsContact: boolean;
}

export type WebhookVerdict = { ok: true } | { ok: false; status: number; reason: string };

export interface SentReceipt {
  providerMessageId?: string;
}

export interface Channel {
  readonly name: ChannelName;
  readonly capabilities: ChannelCapabilities;
  /**
   * The account the platform counts messages against (a bot: its API address and token), for channel instances of
   * one process that may be the same account (two services in one test process): those share one send window
   * (src/channels/send-window.ts). Without it, each instance has its own.
   */
  readonly rateKey?: string;
  /** Checks a webhook request before anything is stored (secret header, signature). */
  verifyWebhook?(headers: IncomingHttpHeaders, rawBody: Buffer): WebhookVerdict;
  /** Maps a verified raw payload to a message, or null for payloads we ignore (unknown update types). */
  receive(payload: unknown): InboundMessage | null;
  /** Sends one message; throws SendError (see src/outbox/send-error.ts) on failure. */
  send(chatId: string, message: OutboundMessage): Promise<SentReceipt>;
  /**
   * How many platform messages `send` makes of this message (an image or a clip sent on its own counts, so does each
   * part of a split text): each one is a message against the platform's rate, which the campaign lanes reserve.
   * Channels that show a message as one bubble whatever it carries leave it out (1).
   */
  messagesIn?(message: OutboundMessage): number;
  /**
   * Sends an approved template message by user id (Zalo ZBS), for campaigns outside the reply window. Channels
   * without templates leave it out.
   */
  sendTemplate?(chatId: string, templateId: string, data: Record<string, string>): Promise<SentReceipt>;
  /**
   * Zalo OA only: one broadcast of an Article to the OA's followers by Zalo's own filters (the "zalo_article"
   * campaign kind). `body` is the request as built by broadcastBody (src/channels/zalo/broadcast.ts).
   */
  broadcastArticle?(body: object): Promise<SentReceipt>;
  /** Opens a download of inbound media; must reject sizes over `maxBytes` with a MediaTooLargeError. */
  download(media: InboundMedia, maxBytes: number): Promise<Readable>;
  /** Best-effort acknowledgement after processing (e.g. answerCallbackQuery). */
  acknowledge?(message: InboundMessage): Promise<void>;
  /** Conditions an operator must act on (e.g. a dead Zalo refresh token), shown in /healthz and logged. */
  alarms?(): { code: string; message: string }[];
  /** Starts background work (register webhook, long polling); `ingest` stores a raw payload like a webhook would. */
  start?(ingest: (payload: unknown) => Promise<void>): Promise<void>;
  stop?(): Promise<void>;
}

export class MediaTooLargeError extends Error {
  override name = "MediaTooLargeError";
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`file of ${size} bytes exceeds the ${limit}-byte limit`);
  }
}
