/**
 * OutboundMessage → the customer-service messages that show it, without sending anything. Everything Zalo would
 * refuse is refused here first (SendError "invalid_message"), so a bad message sends nothing at all.
 *
 * - Text is NFC and split above 2,000 code points at paragraph, sentence, then word boundaries.
 * - Choices become `oa.query.hide` buttons whose payload is the prefix + the engine's payload: a click comes back
 *   as a user_send_text the channel turns into a button press (receive.ts), and "hide" keeps the id out of the chat.
 * - Emergency numbers become `oa.open.phone` buttons (one tap calls 113), listed first.
 * - Zalo shows a few buttons per message (5, UNCONFIRMED: configurable); more go in follow-up messages.
 * - The exact v3 wrapper of a text with buttons is UNCONFIRMED: "text_with_buttons" (the text on the message, the
 *   buttons in a template attachment, as most public clients do) or "button_template" (template_type "button"
 *   carrying the text). Configurable, default the first.
 * - An image goes first (uploaded, then a media template message), then a recorded prompt as a file attachment
 *   (see send.ts), then the text.
 */
import { SendError } from "../../outbox/send-error.ts";
import { splitText } from "../../text/split-text.ts";
import type { Button, OutboundMessage } from "../types.ts";
import { zaloCapabilities } from "./capabilities.ts";

export type ButtonShape = "text_with_buttons" | "button_template";

export interface PlanOptions {
  buttonPrefix: string;
  maxButtonsPerMessage: number;
  buttonShape: ButtonShape;
  sendAudio: boolean;
  /** Text of the follow-up messages carrying more buttons than fit on one. */
  moreChoicesText: string;
}

export type ZaloButton =
  | { type: "oa.query.hide"; title: string; payload: string }
  | { type: "oa.open.phone"; title: string; payload: { phone_code: string } }
  | { type: "oa.open.url"; title: string; payload: { url: string } };

/** The `message` object of POST /v3.0/oa/message/cs. */
export type CsMessage =
  | { text: string }
  | { text: string; attachment: { type: "template"; payload: { buttons: ZaloButton[] } } }
  | { attachment: { type: "template"; payload: { template_type: "button"; text: string; buttons: ZaloButton[] } } }
  | { attachment: { type: "file"; payload: { token: string } } }
  | { attachment: { type: "template"; payload: { template_type: "media"; elements: ImageElement[] } } };

export type ImageElement = { media_type: "image"; url: string } | { media_type: "image"; attachment_id: string };

export type PlannedStep =
  | { kind: "image"; file: string; mime: string }
  | { kind: "clip"; file: string; mime: string; label?: string }
  | { kind: "message"; message: CsMessage };

/**
 * @example planMessages({ text: "Bạn muốn làm gì?", buttons: [[{ label: "Báo tin", payload: "menu:report" }]] }, options)
 *   // → [{ kind: "message", message: { text: "Bạn muốn làm gì?", attachment: { type: "template", payload: { buttons: [{ type: "oa.query.hide", title: "Báo tin", payload: "#tb:menu:report" }] } } } }]
 */
export function planMessages(message: OutboundMessage, options: PlanOptions): PlannedStep[] {
  const buttons = [...(message.phones ?? []).map(phoneButton), ...(message.buttons ?? []).flat().map((b) => queryButton(b, options.buttonPrefix)),
    ...(message.links ?? []).map((l): ZaloButton => ({ type: "oa.open.url", title: title(l.label), payload: { url: l.url } })),
  ];
  const texts = splitText(message.text.normalize("NFC").trim(), zaloCapabilities.textMaxChars);
  const clip = message.audio && options.sendAudio ? message.audio : undefined;
  if (texts.length === 0 && buttons.length > 0) throw new SendError("invalid_message", "zalo: message has no text to show with its buttons");
  if (texts.length === 0 && !clip && !message.image) throw new SendError("invalid_message", "zalo: message is empty");

  const steps: PlannedStep[] = [];
  if (message.image) steps.push({ kind: "image", file: message.image.file, mime: message.image.mime });
  if (clip) steps.push({ kind: "clip", file: clip.file, mime: clip.mime, ...(clip.label ? { label: clip.label } : {}) });
  const groups = chunk(buttons, Math.max(1, options.maxButtonsPerMessage));
  texts.forEach((text, index) => {
    const isLast = index === texts.length - 1;
    const group = isLast ? groups[0] : undefined;
    steps.push({ kind: "message", message: group ? withButtons(text, group, options.buttonShape) : { text } });
  });
  for (const group of groups.slice(1)) steps.push({ kind: "message", message: withButtons(options.moreChoicesText, group, options.buttonShape) });
  return steps;
}

/** An image by public URL or by an attachment_id from /v2.0/oa/upload/image. */
export function imageMessage(image: { url: string } | { attachmentId: string }): CsMessage {
  const element: ImageElement = "url" in image ? { media_type: "image", url: image.url } : { media_type: "image", attachment_id: image.attachmentId };
  return { attachment: { type: "template", payload: { template_type: "media", elements: [element] } } };
}

export function fileMessage(token: string): CsMessage {
  return { attachment: { type: "file", payload: { token } } };
}

/**
 * A recorded clip as a link the resident taps to play it in Zalo's browser: a speaker and a play sign, words in no
 * language, since the resident may read none (the prompt's text follows in its own message).
 */
export function linkMessage(url: string, shape: ButtonShape): CsMessage {
  return withButtons("🔊", [{ type: "oa.open.url", title: "▶ 🔊", payload: { url } }], shape);
}

function withButtons(text: string, buttons: ZaloButton[], shape: ButtonShape): CsMessage {
  return shape === "button_template"
    ? { attachment: { type: "template", payload: { template_type: "button", text, buttons } } }
    : { text, attachment: { type: "template", payload: { buttons } } };
}

function queryButton(button: Button, prefix: string): ZaloButton {
  const caps = zaloCapabilities;
  const bytes = Buffer.byteLength(button.payload, "utf8");
  if (bytes < 1 || bytes > caps.buttonPayloadMaxBytes) {
    throw new SendError("invalid_message", `zalo: button payload must be 1-${caps.buttonPayloadMaxBytes} bytes of UTF-8, got ${bytes} (use a short id, not a label)`);
  }
  return { type: "oa.query.hide", title: title(button.label), payload: `${prefix}${button.payload}` };
}

function phoneButton(phone: { label: string; number: string }): ZaloButton {
  const number = phone.number.replace(/[\s.-]/g, "");
  if (!/^\+?\d{2,15}$/.test(number)) throw new SendError("invalid_message", `zalo: "${phone.number.slice(0, 20)}" is not a phone number`);
  return { type: "oa.open.phone", title: title(phone.label), payload: { phone_code: number } };
}

function title(label: string): string {
  const text = label.normalize("NFC").trim();
  const chars = Array.from(text).length;
  if (chars < 1 || chars > zaloCapabilities.buttonLabelMaxChars) {
    throw new SendError("invalid_message", `zalo: button title must be 1-${zaloCapabilities.buttonLabelMaxChars} characters, got ${chars}`);
  }
  return text;
}

function chunk<T>(items: T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < items.length; i += size) groups.push(items.slice(i, i + size));
  return groups;
}
