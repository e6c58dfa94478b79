/**
 * The message a campaign sends to one resident: the text in their language where a speaker wrote it (else
 * Vietnamese), the campaign's image (shown before the text), its buttons, and always a button to stop receiving. The same function builds the
 * editor's preview, so the preview is what is sent.
 *
 * A Hre or Co resident also gets the campaign's recording in their language when a speaker recorded it on the
 * translators' workbench and a second speaker approved it (translation entry "campaign:<id>"; the translator only
 * ever knows reviewed clips, never a draft's). Each channel sends it by its own rules, as it sends the quiz's clips
 * (`OutboundMessage.audio`: Telegram a voice note, Zalo a file or a "▶ 🔊" link, web chat a player).
 */
import type { OutboundMessage } from "../../channels/types.ts";
import type { Translator } from "../../i18n/index.ts";
import { STOP_PAYLOAD } from "../../conversation/flows/subscribe.ts";
import type { CampaignButton, Variants } from "./campaign-input.ts";
import { imageMime, imagePath } from "./campaign-image.ts";

/** Payloads the conversation engine answers from any state. */
export const BUTTON_PAYLOADS = { report: "menu:report", quiz: "quiz:start" } as const;

/**
 * A sent message's buttons name their delivery ("cmp:<id>:report"), so a tap is counted for the campaign; the
 * engine then treats it as the plain payload (see the campaign-tap interceptor).
 */
export const TAP_PAYLOAD = /^cmp:(\d{1,15}):(report|quiz)$/;

export function composeCampaignMessage(
  i18n: Translator,
  c: { variants: Variants; buttons: CampaignButton[]; imageId?: string | null; row?: { id: string } },
  language: string,
  options: { paidBroadcast?: boolean; deliveryId?: number; mediaDir: string },
): OutboundMessage {
  const variant = (language === "hre" || language === "cua" ? c.variants[language] : undefined) ?? c.variants.vi;
  const lng = variant === c.variants.vi ? "vi" : language;
  const choices = c.buttons.filter((b) => b.kind !== "link").map((b) => ({ label: i18n.t(lng, `outreach.campaign.${b.kind}`), payload: options.deliveryId ? `cmp:${options.deliveryId}:${b.kind}` : BUTTON_PAYLOADS[b.kind as "report" | "quiz"] }));
  const links = c.buttons.flatMap((b) => (b.kind === "link" ? [{ label: b.label, url: b.url }] : []));
  const clip = c.row && (language === "hre" || language === "cua") ? campaignClip(i18n, c.row.id, language) : undefined;
  return {
    ...(c.imageId ? { image: { file: imagePath(options.mediaDir, c.imageId), mime: imageMime(c.imageId) } } : {}),
    ...(clip ? { audio: { file: clip.path, mime: clip.mime } } : {}),
    text: variant.text,
    buttons: [...choices.map((b) => [b]), [{ label: i18n.t(lng, "outreach.campaign.stop"), payload: STOP_PAYLOAD }]],
    ...(links.length ? { links } : {}),
    ...(options.paidBroadcast ? { paidBroadcast: true } : {}),
  };
}

/** The translation entry of a campaign's text (and of its recording) on the workbench. */
export const campaignEntryKey = (campaignId: string) => `campaign:${campaignId}`;

/** The reviewed recording of a campaign in a language, if a speaker recorded it and another approved it. */
export function campaignClip(i18n: Translator, campaignId: string, language: string) {
  return i18n.audio(language, campaignEntryKey(campaignId));
}
