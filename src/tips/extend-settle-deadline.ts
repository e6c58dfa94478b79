/**
 * Extends the settlement deadline of an open tip by some days, with a reason (criminal procedure
 * allows extending the 20 days for complicated cases). Each extension is counted and kept in the
 * timeline with the old and new dates.
 *
 * @example await extendSettleDeadline(ctx, { tipId, version, officer, days: 20, reason: "Cần giám định" })
 */
import type { AppContext } from "../context.ts";
import { AppError } from "../http/errors.ts";
import { actOnTip, type TipActionInput } from "./act-on-tip.ts";
import { dueAtFor, isOpenStatus } from "./workflow.ts";

export const MAX_EXTENSION_DAYS = 60;

export interface ExtendInput extends TipActionInput {
  days: number;
  reason: string;
}

export async function extendSettleDeadline(ctx: Pick<AppContext, "db" | "now" | "bus">, input: ExtendInput): Promise<void> {
  await actOnTip(ctx, input, "deadline_extended", async (tip) => {
    if (!isOpenStatus(tip.status)) throw new AppError("validation_failed", "Tin báo đã kết thúc: không cần gia hạn. Mở lại trước nếu cần.");
    const settleDueAt = new Date(tip.settleDueAt.getTime() + input.days * 24 * 3600_000);
    return {
      data: { settleDueAt, settleExtensions: tip.settleExtensions + 1, dueAt: dueAtFor(tip.status, { ackDueAt: tip.ackDueAt, settleDueAt }) },
      event: { days: input.days, from: tip.settleDueAt.toISOString(), to: settleDueAt.toISOString(), reason: input.reason, extension: tip.settleExtensions + 1 },
      audit: { days: input.days },
    };
  });
}
