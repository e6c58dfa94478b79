/**
 * The Vietnamese text of a bot key (locales/vi/*.json), for content entries whose preview shows the bot's own
 * buttons under them ("Dừng nhận tin" under a campaign, "Tạm dừng" under a quiz question).
 *
 * @example viBotText("outreach.campaign.stop") // "Dừng nhận tin"
 */
import { fileEntries } from "./translation-sources.ts";

let texts: Map<string, string> | undefined;

export function viBotText(key: string): string {
  texts ??= new Map(fileEntries().map((e) => [e.key, e.source]));
  return texts.get(key) ?? key;
}
