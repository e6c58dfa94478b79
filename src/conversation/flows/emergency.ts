/** The emergency numbers message, given at once when a message suggests danger now. */
import type { OutboundMessage } from "../../channels/types.ts";
import type { Turn } from "../types.ts";
import { say } from "../prompt.ts";

export function emergencyMessage(turn: Turn, child: boolean): OutboundMessage {
  const lines = [turn.t("emergency.message"), ...(child ? [turn.t("emergency.child")] : []), turn.t("emergency.urgent")];
  const phones = [
    { label: turn.t("emergency.call113"), number: "113" },
    { label: turn.t("emergency.call114"), number: "114" },
    { label: turn.t("emergency.call115"), number: "115" },
    ...(child ? [{ label: turn.t("emergency.call111"), number: "111" }] : []),
  ];
  return { ...say(turn, "emergency.message"), text: lines.join("\n"), phones };
}
