/**
 * Zalo webhook event → InboundMessage. What residents send (user_send_*), follows, shared contact info and
 * delivery receipts are mapped; the OA's own messages echoed back (oa_send_*) and events we do not handle map to
 * null (stored nowhere, answered 200).
 *
 * - A clicked `oa.query.hide` button comes back as an ordinary user_send_text carrying its payload: a text that
 *   starts with the button prefix ("#tb:") is a button press.
 * - A shared link is kept as text: a resident who shares a scam page or a post is giving evidence, and text goes
 *   into the tip's description like anything else they type.
 * - An unknown user_send_* (a business card…) is "unsupported", so the resident is told it cannot be read rather
 *   than getting no answer.
 * - externalId is Zalo's msg_id; events without one (follow, receipts) get `event:<keyed hash of user>:<timestamp>`,
 *   stable across Zalo's retries and without the resident's id in clear.
 */
import type { InboundContent, InboundMedia, InboundMessage, MediaKind } from "../types.ts";
import { eventSchema, type ZaloAttachment, type ZaloEvent } from "./event-schema.ts";
import { timestampMs } from "./webhook.ts";

export interface ReceiveOptions {
  /** Prefix of button payloads (see plan.ts). */
  buttonPrefix: string;
  /** Keyed, non-reversible form of a user id for externalIds (vault.hash). */
  keyOf: (userId: string) => string;
  now: () => Date;
}

const MEDIA_EVENTS: Record<string, { kind: MediaKind; what: string }> = {
  user_send_image: { kind: "photo", what: "image" },
  user_send_file: { kind: "document", what: "file" },
  user_send_audio: { kind: "voice", what: "voice message" },
  user_send_video: { kind: "video", what: "video" },
};

/**
 * @example receiveEvent({ app_id: "1", event_name: "user_send_text", timestamp: "1767225600000", sender: { id: "84" }, recipient: { id: "9" }, message: { msg_id: "m1", text: "#tb:menu:report" } }, options)
 *   // → { channel: "zalo", externalId: "m1", chatId: "84", content: { type: "button", payload: "menu:report" }, … }
 */
export function receiveEvent(payload: unknown, options: ReceiveOptions): InboundMessage | null {
  const parsed = eventSchema.safeParse(payload);
  if (!parsed.success) return null;
  const event = parsed.data;
  const name = event.event_name;
  if (name.startsWith("oa_send_")) return null;

  if (name === "follow" || name === "unfollow") {
    const user = event.follower?.id ?? event.sender?.id;
    return user ? inbound(event, user, { type: name }, options) : null;
  }
  if (name === "user_received_message" || name === "user_seen_message") {
    const ids = [...new Set([...(event.message?.msg_ids ?? []), ...(event.message?.msg_id ? [event.message.msg_id] : [])])];
    const user = receiptUser(event);
    if (!user || ids.length === 0) return null;
    return inbound(event, user, { type: "delivery", status: name === "user_seen_message" ? "seen" : "delivered", providerMessageIds: ids }, options);
  }
  const user = event.sender?.id;
  if (!user) return null;
  if (name === "user_submit_info") return inbound(event, user, submittedInfo(event), options);
  if (!name.startsWith("user_send_")) return null;
  return inbound(event, user, userContent(event, options.buttonPrefix), options);
}

function userContent(event: ZaloEvent, prefix: string): InboundContent {
  const name = event.event_name;
  const text = event.message?.text ?? "";
  const attachments = event.message?.attachments ?? [];
  switch (name) {
    case "user_send_text": {
      const typed = text.trim();
      if (prefix && typed.startsWith(prefix) && typed.length > prefix.length) return { type: "button", payload: typed.slice(prefix.length) };
      return text.trim() === "" ? { type: "unsupported", what: "empty text" } : { type: "text", text };
    }
    case "user_send_location":
      return location(attachments);
    case "user_send_sticker":
    case "user_send_gif":
      return { type: "sticker" };
    case "user_send_link": {
      const link = attachments.find((a) => a.payload?.url)?.payload?.url;
      const parts = [text.trim(), link && !text.includes(link) ? link : ""].filter((part) => part !== "");
      return parts.length ? { type: "text", text: parts.join("\n") } : { type: "unsupported", what: "link without an address" };
    }
  }
  const media = MEDIA_EVENTS[name];
  if (media) {
    const attachment = attachments.find((a) => isHttpUrl(a.payload?.url));
    if (!attachment) return { type: "unsupported", what: `${media.what} without a download link` };
    const caption = text.trim() === "" ? {} : { caption: text };
    return { type: "media", media: mediaOf(media.kind, attachment), ...caption };
  }
  return { type: "unsupported", what: name.slice("user_send_".length).replace(/_/g, " ") || "message" };
}

function mediaOf(kind: MediaKind, attachment: ZaloAttachment): InboundMedia {
  const payload = attachment.payload ?? {};
  const size = Number(payload.size);
  return {
    kind,
    ref: payload.url ?? "",
    ...(typeof payload.size !== "undefined" && Number.isSafeInteger(size) && size > 0 ? { size } : {}),
    ...(payload.name && payload.name.trim() !== "" ? { name: payload.name } : {}),
  };
}

/** Coordinates arrive as strings ("15.1214"); anything that is not a number in range is said so, never thrown. */
function location(attachments: ZaloAttachment[]): InboundContent {
  const coordinates = attachments.find((a) => a.payload?.coordinates)?.payload?.coordinates;
  if (!coordinates) return { type: "unsupported", what: "location without coordinates" };
  const latitude = coordinate(coordinates.latitude);
  const longitude = coordinate(coordinates.longitude);
  if (latitude === undefined || longitude === undefined || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) {
    return { type: "unsupported", what: "location with coordinates that are not numbers" };
  }
  return { type: "location", latitude, longitude };
}

function coordinate(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string") return undefined;
  const text = value.trim().replace(",", ".");
  if (!/^[-+]?\d{1,3}(\.\d+)?$/.test(text)) return undefined;
  return Number(text);
}

function submittedInfo(event: ZaloEvent): InboundContent {
  const phone = event.info?.phone === undefined ? "" : String(event.info.phone).trim();
  if (phone === "") return { type: "unsupported", what: "shared information without a phone number" };
  const name = event.info?.name?.trim();
  return { type: "contact", phone, ...(name ? { name } : {}), isOwn: true };
}

/**
 * Receipts are about the OA's messages; sources disagree on which of sender/recipient is the user. The OA is the
 * party whose id is `oa_id` when given; otherwise the sender is taken as the user.
 */
function receiptUser(event: ZaloEvent): string | undefined {
  const sender = event.sender?.id;
  const recipient = event.recipient?.id;
  if (event.oa_id && sender === event.oa_id) return recipient;
  return sender ?? recipient;
}

function inbound(event: ZaloEvent, user: string, content: InboundContent, options: ReceiveOptions): InboundMessage {
  const sent = timestampMs(event.timestamp);
  const msgId = event.message?.msg_id;
  const ownMessage = event.event_name.startsWith("user_send_") || event.event_name === "user_submit_info";
  return {
    channel: "zalo",
    externalId: ownMessage && msgId ? msgId : `${event.event_name}:${options.keyOf(user)}:${event.timestamp}`,
    chatId: user,
    contact: { platformId: user },
    content,
    sentAt: sent === undefined ? options.now() : new Date(sent),
  };
}

function isHttpUrl(value: string | undefined): boolean {
  return typeof value === "string" && /^https?:\/\//i.test(value);
}
