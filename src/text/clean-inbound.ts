/**
 * Every resident text, whatever the channel, cleaned once at intake: typed text, captions, file
 * names, contact and display names, button labels. The flows, the tips officers read and the
 * folded search copies then never hold a direction override or a zero-width character.
 *
 * @example cleanInbound(message).content // { type: "media", media: { name: "photogpj.exe", … }, caption: "…" }
 */
import type { InboundContent, InboundMessage } from "../channels/types.ts";
import { cleanFileName, normalizeText } from "./normalize.ts";

/** The message with its resident-written parts normalised (ids, payloads and numbers untouched). */
export function cleanInbound(message: InboundMessage): InboundMessage {
  const displayName = message.contact.displayName === undefined ? undefined : normalizeText(message.contact.displayName) || undefined;
  return { ...message, contact: { ...message.contact, displayName }, content: cleanContent(message.content) };
}

function cleanContent(content: InboundContent): InboundContent {
  switch (content.type) {
    case "text":
      return { ...content, text: normalizeText(content.text) };
    case "button":
      return content.label === undefined ? content : { ...content, label: normalizeText(content.label) };
    case "contact":
      return content.name === undefined ? content : { ...content, name: normalizeText(content.name) || undefined };
    case "media": {
      const caption = content.caption === undefined ? undefined : normalizeText(content.caption) || undefined;
      const name = content.media.name === undefined ? undefined : cleanFileName(content.media.name);
      return { ...content, caption, media: { ...content.media, name } };
    }
    default:
      return content;
  }
}
