/**
 * OutboundMessage → the Bot API requests that show it, without sending anything. Everything Telegram
 * would refuse is refused here first (SendError "invalid_message"), so a bad message sends nothing at all.
 */
import { SendError } from "../../outbox/send-error.ts";
import type { Button, OutboundMessage } from "../types.ts";
import { telegramCapabilities } from "./capabilities.ts";
import { splitText } from "../../text/split-text.ts";

export interface BotApiRequest {
  method: string;
  payload: Record<string, unknown>;
}

/** Labels of the reply-keyboard buttons and of the follow-up that carries inline choices (see planRequests). */
export interface KeyboardLabels {
  location: string;
  contact: string;
  /** Text of the extra message holding inline buttons when a reply keyboard takes the only text part. */
  choices: string;
}

export const DEFAULT_KEYBOARD_LABELS: Readonly<KeyboardLabels> = Object.freeze({
  location: "📍 Gửi vị trí",
  contact: "📞 Gửi số điện thoại",
  choices: "Hoặc chọn:",
});

/**
 * Plans the requests for one message, in order: the image, the voice/audio clip, then the text part(s).
 *
 * Keyboards:
 * - inline `buttons` go on the last text part;
 * - a location/contact request is a reply keyboard on the first text part; when the text is a single part that
 *   must also carry inline buttons, the buttons move to a short follow-up (`labels.choices`), since a message
 *   has one reply_markup;
 * - every other part carries `remove_keyboard`. Telegram keeps a reply keyboard until told otherwise, and
 *   removing one that is not there is harmless, so this needs no per-chat memory and survives restarts.
 *   A message with inline buttons cannot also remove it; the next plain message does.
 *
 * @example planRequests("42", { text: "Xin chào", buttons: [[{ label: "Báo tin", payload: "tip" }]] })
 */
export function planRequests(chatId: string, message: OutboundMessage, labels: KeyboardLabels = DEFAULT_KEYBOARD_LABELS): BotApiRequest[] {
  const caps = telegramCapabilities;
  const chat_id = /^-?\d+$/.test(chatId) && Number.isSafeInteger(Number(chatId)) ? Number(chatId) : chatId;
  const protect = message.protect ? { protect_content: true } : {};
  const hasChoices = (message.buttons?.some((row) => row.length > 0) ?? false) || (message.links?.length ?? 0) > 0;
  const inline = hasChoices ? inlineKeyboard(message.buttons ?? [], message.links ?? []) : undefined;
  const paid = message.paidBroadcast ? { allow_paid_broadcast: true } : {};
  const reply = message.requestLocation || message.requestContact ? replyKeyboard(message, labels) : undefined;

  const texts = splitText(composeText(message), caps.textMaxChars);
  if (texts.length === 0 && (inline || reply || (!message.audio && !message.image))) {
    throw new SendError("invalid_message", "telegram: message has no text to show with its buttons");
  }
  if (inline && reply && texts.length === 1) texts.push(labels.choices);

  const requests: BotApiRequest[] = [];
  // The picture first, without a caption (1,024 characters at most): the text follows with its buttons.
  if (message.image) requests.push({ method: "sendPhoto", payload: { chat_id, photo: { source: message.image.file }, ...protect, ...paid } });
  if (message.audio) requests.push(audioRequest(chat_id, message.audio, { ...protect, ...paid }));
  texts.forEach((text, index) => {
    const isLast = index === texts.length - 1;
    const reply_markup = isLast && inline ? inline : index === 0 && reply ? reply : reply ? undefined : { remove_keyboard: true };
    requests.push({ method: "sendMessage", payload: { chat_id, text, ...protect, ...paid, ...(reply_markup ? { reply_markup } : {}) } });
  });
  return requests;
}

/** The text with the emergency numbers as lines: Telegram has no tel: buttons. */
function composeText(message: OutboundMessage): string {
  const phones = (message.phones ?? []).map((phone) => `☎ ${phone.number} — ${phone.label}`);
  return [message.text.normalize("NFC").trim(), phones.join("\n")].filter((block) => block !== "").join("\n\n");
}

function inlineKeyboard(rows: Button[][], links: { label: string; url: string }[]): Record<string, unknown> {
  const caps = telegramCapabilities;
  for (const button of rows.flat()) {
    const bytes = Buffer.byteLength(button.payload, "utf8");
    if (bytes < 1 || bytes > caps.buttonPayloadMaxBytes) {
      throw new SendError(
        "invalid_message",
        `telegram: button payload must be 1-${caps.buttonPayloadMaxBytes} bytes of UTF-8, got ${bytes} (use a short id, not a label)`,
      );
    }
    const chars = Array.from(button.label.trim()).length;
    if (chars < 1 || chars > caps.buttonLabelMaxChars) {
      throw new SendError("invalid_message", `telegram: button label must be 1-${caps.buttonLabelMaxChars} characters, got ${chars}`);
    }
  }
  return {
    inline_keyboard: rows
      .filter((row) => row.length > 0)
      .map((row) => row.map((button) => ({ text: button.label.trim(), callback_data: button.payload as string | undefined, url: undefined as string | undefined })))
      .concat(links.map((link) => [{ text: link.label.trim().slice(0, caps.buttonLabelMaxChars), callback_data: undefined, url: link.url }]))
      .map((row) => row.map((b) => (b.url ? { text: b.text, url: b.url } : { text: b.text, callback_data: b.callback_data! }))),
  };
}

function replyKeyboard(message: OutboundMessage, labels: KeyboardLabels): Record<string, unknown> {
  const keyboard: Record<string, unknown>[][] = [];
  if (message.requestLocation) keyboard.push([{ text: labels.location, request_location: true }]);
  if (message.requestContact) keyboard.push([{ text: labels.contact, request_contact: true }]);
  return { keyboard, one_time_keyboard: true, resize_keyboard: true };
}

/** OGG/Opus clips play as voice notes (with a waveform); other formats as audio files. */
function audioRequest(chat_id: number | string, audio: NonNullable<OutboundMessage["audio"]>, protect: object): BotApiRequest {
  const isVoice = /ogg|opus/i.test(audio.mime);
  return isVoice
    ? { method: "sendVoice", payload: { chat_id, voice: { source: audio.file }, ...protect } }
    : { method: "sendAudio", payload: { chat_id, audio: { source: audio.file }, ...(audio.label ? { title: audio.label } : {}), ...protect } };
}
