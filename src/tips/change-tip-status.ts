/**
 * Moves a tip along its workflow (src/tips/workflow.ts): the move must be allowed from where the
 * tip is, closing needs an outcome, rejecting, forwarding and reopening need a reason. Optionally
 * the reporter is told the new status in their language ("shared with the reporter").
 *
 * @example await changeTipStatus(ctx, { tipId, version, officer, status: "closed", outcome: "administrative", note: "Đã xử phạt", share: true })
 */
import type { AppContext } from "../context.ts";
import { AppError } from "../http/errors.ts";
import { actOnTip, type TipActionInput } from "./act-on-tip.ts";
import { queueStatusNotice } from "./message-reporter.ts";
import { CLOSED_STATUSES, OUTCOMES, STATUS_LABELS, canMove, dueAtFor, isOpenStatus, requirementsOf, type Outcome, type TipStatus } from "./workflow.ts";

export interface StatusChangeInput extends TipActionInput {
  status: TipStatus;
  outcome?: Outcome | undefined;
  /** Why (reject, forward, reopen), or a note on the outcome. */
  reason?: string | undefined;
  /** Tell the reporter the new status. */
  share: boolean;
}

export async function changeTipStatus(ctx: Pick<AppContext, "db" | "now" | "bus" | "vault" | "channels">, input: StatusChangeInput): Promise<void> {
  await actOnTip(ctx, input, "status_changed", async (tip, tx, now) => {
    const to = input.status;
    if (to === "duplicate") throw new AppError("validation_failed", "Để đánh dấu trùng, hãy dùng “Gộp tin trùng” và chọn tin báo gốc.");
    if (!canMove(tip.status, to)) {
      const from = STATUS_LABELS[tip.status as TipStatus] ?? tip.status;
      throw new AppError("validation_failed", `Không chuyển được tin báo từ “${from}” sang “${STATUS_LABELS[to]}”.`);
    }
    const needs = requirementsOf(tip.status, to);
    if (needs.outcome && !input.outcome) throw new AppError("validation_failed", "Kết thúc tin báo cần chọn kết quả giải quyết.");
    if (needs.reason && !input.reason) throw new AppError("validation_failed", `Chuyển sang “${STATUS_LABELS[to]}” cần ghi lý do.`);
    const closing = CLOSED_STATUSES.includes(to);
    const reopening = !isOpenStatus(tip.status);
    if (input.share) await queueStatusNotice(tx, ctx, tip, to, tip.version + 1);
    return {
      data: {
        status: to,
        dueAt: dueAtFor(to, tip),
        ...(tip.status === "new" && !tip.acknowledgedAt ? { acknowledgedAt: now } : {}),
        ...(closing ? { closedAt: now } : reopening ? { closedAt: null } : {}),
        ...(to === "closed" ? { outcome: input.outcome } : reopening ? { outcome: null } : {}),
        ...(reopening && tip.status === "duplicate" ? { duplicateOfId: null } : {}),
      },
      event: {
        from: tip.status,
        to,
        ...(input.outcome && to === "closed" ? { outcome: input.outcome, outcomeLabel: OUTCOMES[input.outcome] } : {}),
        reason: input.reason ?? null,
        shared: input.share,
      },
      audit: { from: tip.status, to, shared: input.share },
    };
  });
  if (input.share) ctx.bus.emit("outbox:queued");
}
