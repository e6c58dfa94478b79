/**
 * Prompts that name a button only some channels show (Bấm “Gửi vị trí”), and what is said instead on a channel
 * without that button. The channel's declared capabilities decide (src/channels/<name>/); `say` applies this to
 * every key, so no prompt sends a resident looking for a button their chat does not have.
 *
 * @example wordingFor("report.phonePrompt", zaloCapabilities) // "report.phonePromptTyped"
 */
import type { ChannelCapabilities } from "../channels/types.ts";

export type ButtonCapability = "requestsLocation" | "requestsContact";

/** The locale key of each such button's label (Telegram's reply keyboard shows the same words). */
export const CAPABILITY_BUTTON_LABEL_KEYS: Readonly<Record<ButtonCapability, string>> = Object.freeze({
  requestsLocation: "nav.sendLocation",
  requestsContact: "nav.sendPhone",
});

/** A key naming a capability's button → the key said where the channel lacks it. */
export const BUTTON_WORDING: Readonly<Record<string, { needs: ButtonCapability; otherwise: string }>> = Object.freeze({
  "report.locationPrompt": { needs: "requestsLocation", otherwise: "report.locationPromptTyped" },
  "report.phonePrompt": { needs: "requestsContact", otherwise: "report.phonePromptTyped" },
});

/** The key to say on a channel with these capabilities (unknown channel: as if it had no such buttons). */
export function wordingFor(key: string, capabilities: Pick<ChannelCapabilities, ButtonCapability> | undefined): string {
  const rule = BUTTON_WORDING[key];
  return rule && !capabilities?.[rule.needs] ? rule.otherwise : key;
}
