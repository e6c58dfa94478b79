/**
 * Marks a tip as a duplicate of another (the original keeps the case; the duplicate is closed
 * with a pointer to it, and both timelines say so). The original must be one the officer can see,
 * not the tip itself, and not itself a duplicate (point at its original instead).
 *
 * @example await mergeTip(ctx, { tipId, version, officer, original: { id, reference }, reason })
 */
import type { AppContext } from "../context.ts";
import { AppError } from "../http/errors.ts";
import { actOnTip, type TipActionInput } from "./act-on-tip.ts";

export interface MergeInput extends TipActionInput {
  original: { id: string; reference: string };
  reason?: string | undefined;
}

export async function mergeTip(ctx: Pick<AppContext, "db" | "now" | "bus">, input: MergeInput): Promise<void> {
  await actOnTip(ctx, input, "merged", async (tip, tx, now) => {
    if (input.original.id === tip.id) throw new AppError("validation_failed", "Không gộp được một tin báo vào chính nó.");
    if (tip.status === "duplicate") throw new AppError("conflict", "Tin báo này đã được gộp vào tin khác. Mở lại trước nếu muốn gộp vào tin khác.");
    const original = await tx.tip.findUnique({ where: { id: input.original.id }, select: { status: true, duplicateOfId: true } });
    if (!original) throw new AppError("not_found", "Không tìm thấy tin báo gốc.");
    if (original.status === "duplicate") {
      throw new AppError("validation_failed", `Tin ${input.original.reference} cũng là tin trùng; hãy gộp vào tin báo gốc của nó.`);
    }
    await tx.tipEvent.create({
      data: {
        tipId: input.original.id,
        type: "duplicate_added",
        actor: `officer:${input.officer.id}`,
        createdAt: now,
        data: JSON.stringify({ duplicateId: tip.id, duplicateReference: tip.reference, by: input.officer.displayName }),
      },
    });
    return {
      data: { status: "duplicate", duplicateOfId: input.original.id, closedAt: now },
      event: { from: tip.status, originalId: input.original.id, originalReference: input.original.reference, reason: input.reason ?? null },
      audit: { original: input.original.id },
    };
  });
  ctx.bus.emit("tip:changed", input.original.id);
}
