/**
 * Taking a tip: an officer claims it for themself, or a colleague (or the duty desk) assigns it to
 * an officer who can work it. A tip still "new" becomes "received": someone has it now, and the
 * acknowledgement clock stops.
 *
 * @example await claimTip(ctx, { tipId, version, officer, ip })
 */
import type { AppContext } from "../context.ts";
import { AppError } from "../http/errors.ts";
import type { SignedInOfficer } from "../officers/roles.ts";
import { actOnTip, type ActionTip, type TipActionInput, type TipChange } from "./act-on-tip.ts";
import { dueAtFor } from "./workflow.ts";

type Ctx = Pick<AppContext, "db" | "now" | "bus">;

function takeData(tip: ActionTip, assignee: SignedInOfficer, now: Date): TipChange["data"] {
  const receiving = tip.status === "new";
  return {
    assignedOfficerId: assignee.id,
    ...(receiving ? { status: "received", acknowledgedAt: now, dueAt: dueAtFor("received", tip) } : {}),
  };
}

export async function claimTip(ctx: Ctx, input: TipActionInput): Promise<void> {
  await actOnTip(ctx, input, "claimed", async (tip, _tx, now) => {
    if (tip.assignedOfficerId === input.officer.id) throw new AppError("conflict", "Bạn đã nhận xử lý tin báo này rồi.");
    return {
      data: takeData(tip, input.officer, now),
      event: { officerId: input.officer.id, from: tip.status, to: tip.status === "new" ? "received" : tip.status, previousOfficerId: tip.assignedOfficerId },
    };
  });
}

export interface AssignInput extends TipActionInput {
  /** Who gets the tip; the route has checked they can work it. */
  assignee: SignedInOfficer;
  reason?: string | undefined;
}

export async function assignTip(ctx: Ctx, input: AssignInput): Promise<void> {
  await actOnTip(ctx, input, "assigned", async (tip, _tx, now) => {
    if (tip.assignedOfficerId === input.assignee.id) throw new AppError("conflict", `Tin báo đã giao cho ${input.assignee.displayName}.`);
    return {
      data: takeData(tip, input.assignee, now),
      event: { officerId: input.assignee.id, officerName: input.assignee.displayName, previousOfficerId: tip.assignedOfficerId, reason: input.reason ?? null },
      audit: { assignee: input.assignee.id },
    };
  });
}
