/**
 * The built-in web chat: the same conversation in a browser, with no platform in between.
 * "Sending" writes the message to the visitor's stream (WebchatMessage), which the page reads by
 * SSE or polling. Inbound payloads are built by src/channels/webchat/routes.ts.
 */
import path from "node:path";
import { campaignImageUrl, IMAGE_ID } from "../../outreach/campaigns/campaign-image.ts";
import type { AppContext } from "../../context.ts";
import type { Channel, ChannelCapabilities, InboundContent, InboundMessage, OutboundMessage } from "../types.ts";
import { openStored } from "../../media/store.ts";
import { DEFAULT_LOCALES_DIR } from "../../i18n/index.ts";
import { clipOfFile, publicClipUrl } from "../../audio/clip-files.ts";

export const webchatCapabilities: ChannelCapabilities = {
  textMaxChars: 10_000,
  buttonPayloadMaxBytes: 200,
  buttonLabelMaxChars: 80,
  maxDownloadBytes: 2 * 1024 ** 3,
  rate: { perSecond: 500, perChatPerSecond: 50 },
  // A campaign message is written to the visitor's chat history and read the next time they open it.
  bulk: { perSecond: 500, needsWindow: false },
  sendsAudio: true,
  // The page puts a "Gửi vị trí" button under the question (the browser's geolocation, with a typed fallback).
  requestsLocation: true,
  // A web page has no verified number to share, as Telegram's contact button does: a form would only be typing the
  // number with extra steps (and asking the name twice). The resident types it, and the prompt says so.
  requestsContact: false,
};

/** What the page POSTs, after validation, plus the server-side visitor token. Stored raw in the inbox. */
export interface WebchatPayload {
  visitor: string;
  clientMessageId: string;
  sentAt: string;
  content: InboundContent;
  /** Keyed hash of the client address (never the address itself). */
  origin?: string;
}

/** A message as the page renders it (see public/chat/chat.js). */
export interface WebchatView {
  id: string;
  direction: "in" | "out";
  clientMessageId?: string;
  text?: string;
  buttons?: { label: string; payload: string }[][];
  requestLocation?: boolean;
  phones?: { label: string; number: string }[];
  /** A campaign's links (https only). */
  links?: { label: string; url: string }[];
  /** `url` plays in every browser with Opus; `sources` (OGG/Opus, then M4A for Safari) when the clip has both copies. */
  audio?: { url: string; label?: string; sources?: { url: string; type: string }[] };
  /** A campaign's image, shown before the text. */
  image?: { url: string };
  attachment?: { name: string; kind: string; size?: number; status?: string };
  location?: { latitude: number; longitude: number };
  /** A receipt's two codes, shown as a card with a copy button; `text` still holds the whole message. */
  receipt?: { reference: string; secret: string };
  createdAt: string;
}

export function visitorKeyOf(ctx: Pick<AppContext, "vault">, visitor: string): string {
  return ctx.vault.hash(`chat:webchat:${visitor}`);
}

export function createWebchatChannel(ctx: AppContext, localesDir = DEFAULT_LOCALES_DIR): Channel {
  /** A translator's clip from the database is served by its checksum; a clip of the locales folder by its path there. */
  function audioView(audio: NonNullable<OutboundMessage["audio"]>): WebchatView["audio"] {
    const clip = clipOfFile(ctx.config.mediaDir, audio.file);
    if (!clip) return { url: `/chat/audio/${path.relative(localesDir, audio.file).split(path.sep).join("/")}`, label: audio.label };
    const sources = [
      { url: publicClipUrl(clip.sha256, "ogg"), type: "audio/ogg; codecs=opus" },
      { url: publicClipUrl(clip.sha256, "m4a"), type: "audio/mp4" },
    ];
    return { url: sources[0]!.url, label: audio.label, sources };
  }

  return {
    name: "webchat",
    capabilities: webchatCapabilities,
    receive(payload): InboundMessage | null {
      const p = payload as WebchatPayload;
      if (!p || typeof p.visitor !== "string" || typeof p.clientMessageId !== "string" || !p.content) return null;
      return {
        channel: "webchat",
        externalId: `${visitorKeyOf(ctx, p.visitor).slice(0, 16)}:${p.clientMessageId}`,
        chatId: p.visitor,
        contact: { platformId: p.visitor },
        content: p.content,
        sentAt: new Date(p.sentAt),
        origin: typeof p.origin === "string" ? p.origin : undefined,
      };
    },
    async send(chatId, message: OutboundMessage) {
      const visitorKey = visitorKeyOf(ctx, chatId);
      const view: Omit<WebchatView, "id" | "createdAt"> = {
        direction: "out",
        ...(message.image && IMAGE_ID.test(path.basename(message.image.file)) ? { image: { url: campaignImageUrl(path.basename(message.image.file)) } } : {}),
        text: message.text,
        buttons: message.buttons,
        requestLocation: message.requestLocation,
        phones: message.phones,
        links: message.links,
        receipt: message.receipt,
        audio: message.audio ? audioView(message.audio) : undefined,
      };
      const row = await ctx.db.webchatMessage.create({
        data: { visitorKey, direction: "out", body: ctx.vault.encrypt(JSON.stringify(view)) },
        select: { id: true },
      });
      ctx.bus.emit("webchat:message", visitorKey);
      return { providerMessageId: String(row.id) };
    },
    async download(media) {
      return openStored(ctx.config.mediaDir, media.ref);
    },
  };
}
