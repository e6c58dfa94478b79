/**
 * Update → InboundMessage. Only private chats with residents count; group chats, edits, channel posts
 * and update types we did not ask for map to null (stored, acknowledged, ignored).
 */
import type { InboundContact, InboundContent, InboundMedia, InboundMessage } from "../types.ts";
import { updateSchema, type TelegramMessage, type TelegramUser } from "./update-schema.ts";

/**
 * @example receiveUpdate({ update_id: 1, message: { message_id: 5, date: 1767225600, chat: { id: 42, type: "private" }, from: { id: 42, first_name: "Lan" }, text: "/start" } })
 *   // → { channel: "telegram", externalId: "1", chatId: "42", content: { type: "command", command: "start", args: "" }, … }
 */
export function receiveUpdate(payload: unknown): InboundMessage | null {
  const parsed = updateSchema.safeParse(payload);
  if (!parsed.success) return null;
  const update = parsed.data;
  const externalId = String(update.update_id);

  if (update.message) {
    const message = update.message;
    if (message.chat.type !== "private") return null;
    const from = message.from ?? { id: message.chat.id, first_name: "" };
    return inbound(externalId, message.chat.id, from, messageContent(message), message.date);
  }

  if (update.callback_query) {
    const query = update.callback_query;
    const chat = query.message?.chat;
    if (chat && chat.type !== "private") return null;
    const content: InboundContent =
      query.data === undefined ? { type: "unsupported", what: "callback_game" } : { type: "button", payload: query.data };
    // A callback query has no date of its own (message.date is when *we* sent the buttons): use now.
    return { ...inbound(externalId, chat?.id ?? query.from.id, query.from, content), callbackQueryId: query.id };
  }

  if (update.my_chat_member) {
    const change = update.my_chat_member;
    if (change.chat.type !== "private") return null;
    const status = change.new_chat_member.status;
    if (status !== "kicked" && status !== "member") return null;
    return inbound(externalId, change.chat.id, change.from, { type: status === "kicked" ? "unfollow" : "follow" }, change.date);
  }

  return null;
}

function inbound(externalId: string, chatId: number, from: TelegramUser, content: InboundContent, date?: number): InboundMessage {
  return {
    channel: "telegram",
    externalId,
    chatId: String(chatId),
    contact: contactOf(from),
    content,
    sentAt: date === undefined ? new Date() : new Date(date * 1000),
  };
}

function contactOf(from: TelegramUser): InboundContact {
  const displayName = [from.first_name, from.last_name].filter((part) => part && part.trim() !== "").join(" ");
  return {
    platformId: String(from.id),
    ...(displayName ? { displayName } : {}),
    ...(from.language_code ? { languageHint: from.language_code } : {}),
  };
}

const COMMAND = /^\/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]+)?(?:\s+([\s\S]*))?$/;

/** Content keys that say what a message is, checked before the generic "unsupported" fallback. */
const UNSUPPORTED_FIRST = ["animation", "poll", "dice", "game", "story", "invoice", "paid_media", "checklist", "giveaway"];

/** Keys every message may carry that say nothing about its content. */
const METADATA = new Set([
  "message_id", "message_thread_id", "direct_messages_topic", "from", "sender_chat", "sender_boost_count",
  "sender_business_bot", "sender_tag", "date", "business_connection_id", "chat", "forward_origin", "is_topic_message",
  "is_automatic_forward", "reply_to_message", "external_reply", "quote", "reply_to_story", "reply_to_checklist_task_id",
  "via_bot", "edit_date", "has_protected_content", "is_from_offline", "is_paid_post", "media_group_id",
  "author_signature", "paid_star_count", "entities", "caption_entities", "link_preview_options", "suggested_post_info",
  "effect_id", "show_caption_above_media", "has_media_spoiler", "reply_markup", "caption",
]);

function messageContent(message: TelegramMessage): InboundContent {
  const caption = message.caption === undefined ? {} : { caption: message.caption };
  // animation messages also carry `document`, and venues carry `location`: order matters.
  if (message.animation !== undefined) return { type: "unsupported", what: "animation" };
  if (message.text !== undefined) return textContent(message.text);
  if (message.photo) {
    const largest = message.photo.reduce((best, size) =>
      (size.file_size ?? size.width * size.height) > (best.file_size ?? best.width * best.height) ? size : best,
    );
    return { type: "media", media: media("photo", largest, { mime_type: "image/jpeg" }), ...caption };
  }
  if (message.video) return { type: "media", media: media("video", message.video), ...caption };
  if (message.video_note) return { type: "media", media: media("video", message.video_note, { mime_type: "video/mp4" }), ...caption };
  if (message.voice) return { type: "media", media: media("voice", message.voice, { mime_type: "audio/ogg" }), ...caption };
  if (message.audio) return { type: "media", media: media("audio", message.audio), ...caption };
  if (message.document) return { type: "media", media: media("document", message.document), ...caption };
  if (message.location) return { type: "location", latitude: message.location.latitude, longitude: message.location.longitude };
  if (message.contact) {
    const contact = message.contact;
    const name = [contact.first_name, contact.last_name].filter((part) => part && part.trim() !== "").join(" ");
    return {
      type: "contact",
      phone: contact.phone_number,
      ...(name ? { name } : {}),
      isOwn: contact.user_id !== undefined && contact.user_id === message.from?.id,
    };
  }
  if (message.sticker !== undefined) return { type: "sticker" };
  const what = UNSUPPORTED_FIRST.find((key) => message[key] !== undefined) ?? Object.keys(message).find((key) => !METADATA.has(key));
  return { type: "unsupported", what: what ?? "message" };
}

function textContent(text: string): InboundContent {
  const command = COMMAND.exec(text.trim());
  if (command) return { type: "command", command: (command[1] ?? "").toLowerCase(), args: (command[2] ?? "").trim() };
  return { type: "text", text };
}

interface FileFields {
  file_id: string;
  file_size?: number | undefined;
  mime_type?: string | undefined;
  file_name?: string | undefined;
}

function media(kind: InboundMedia["kind"], file: FileFields, defaults: { mime_type?: string } = {}): InboundMedia {
  const mime = file.mime_type ?? defaults.mime_type;
  return {
    kind,
    ref: file.file_id,
    ...(mime ? { mime } : {}),
    ...(file.file_size !== undefined ? { size: file.file_size } : {}),
    ...(file.file_name ? { name: file.file_name } : {}),
  };
}
