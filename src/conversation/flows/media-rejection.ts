/** What a resident reads when a file they sent was not kept, shared by the report and follow-up flows. */
import type { MediaRejection } from "../types.ts";

/** The bot.json key for a refused file (other than too large, whose message gives the sizes). */
export function rejectionKey(reason: MediaRejection): string {
  if (reason === "bad_type") return "report.fileBadType";
  // The server cannot take files now: say so kindly, and that what they told us is kept.
  if (reason === "no_space" || reason === "unwritable") return "report.fileNoSpace";
  return "report.fileFailed";
}
