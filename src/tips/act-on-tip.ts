/**
 * The one way an officer changes a tip: in one transaction, load it, refuse a stale form (the
 * officer's `version` is not the tip's any more), apply the change, raise the version with a
 * conditional update (so two officers saving at once cannot both win), write the timeline event
 * and the audit row. The console's live queue is told afterwards.
 *
 * @example await actOnTip(ctx, { tipId, version, officer, ip }, "claim", async (tip) => ({ data: { assignedOfficerId: officer.id }, event: {} }))
 */
import type { AppContext } from "../context.ts";
import type { Prisma } from "../db/generated/sqlite/client.ts";
import type { Tx } from "../db/client.ts";
import { AppError } from "../http/errors.ts";
import { recordAudit } from "../officers/record-audit.ts";
import type { SignedInOfficer } from "../officers/roles.ts";

export interface TipActionInput {
  tipId: string;
  /** TipDetail.version the officer's form was loaded with. */
  version: number;
  officer: SignedInOfficer;
  ip?: string | null;
}

/** The facts an action decides on. */
export const actionTipSelect = {
  id: true,
  reference: true,
  status: true,
  version: true,
  urgent: true,
  category: true,
  communeCode: true,
  unitId: true,
  assignedOfficerId: true,
  ackDueAt: true,
  settleDueAt: true,
  acknowledgedAt: true,
  settleExtensions: true,
  duplicateOfId: true,
  outcome: true,
  contactId: true,
  language: true,
  channel: true,
  anonymous: true,
  createdAt: true,
} as const;

export type ActionTip = Prisma.TipGetPayload<{ select: typeof actionTipSelect }>;

export interface TipChange {
  /** Columns to set on the tip (the version is raised for you). */
  data: Prisma.TipUncheckedUpdateManyInput;
  /** The timeline event's data (the officer's name is added). */
  event: Record<string, unknown>;
  /** Extra audit data (the reference is added). */
  audit?: Record<string, unknown>;
}

/** Action names: the timeline event type and the audit action `tip.<name>`. */
export type TipActionName = "claimed" | "assigned" | "status_changed" | "merged" | "deadline_extended";

export async function actOnTip(
  ctx: Pick<AppContext, "db" | "now" | "bus">,
  input: TipActionInput,
  name: TipActionName,
  decide: (tip: ActionTip, tx: Tx, now: Date) => Promise<TipChange>,
): Promise<void> {
  const now = ctx.now();
  await ctx.db.$transaction(async (tx) => {
    const tip = await tx.tip.findUnique({ where: { id: input.tipId }, select: actionTipSelect });
    if (!tip) throw new AppError("not_found", "Không tìm thấy tin báo.");
    if (tip.version !== input.version) throw await staleError(tx, tip.id);
    const change = await decide(tip, tx, now);
    const updated = await tx.tip.updateMany({
      where: { id: tip.id, version: input.version },
      data: { ...change.data, version: { increment: 1 }, updatedAt: now },
    });
    if (updated.count !== 1) throw await staleError(tx, tip.id);
    await tx.tipEvent.create({
      data: {
        tipId: tip.id,
        type: name,
        actor: `officer:${input.officer.id}`,
        createdAt: now,
        data: JSON.stringify({ ...change.event, by: input.officer.displayName }),
      },
    });
    await recordAudit(
      ctx,
      { officerId: input.officer.id, action: `tip.${name}`, targetType: "tip", targetId: tip.id, data: { reference: tip.reference, ...change.audit }, ip: input.ip ?? null },
      tx,
    );
  });
  ctx.bus.emit("tip:changed", input.tipId);
}

/** "Tin báo vừa được Cán bộ Lan thay đổi lúc 09:42 (đổi trạng thái). Hãy xem lại rồi làm lại nếu vẫn cần." */
export async function staleError(tx: Tx, tipId: string): Promise<AppError> {
  const last = await tx.tipEvent.findFirst({
    where: { tipId, actor: { startsWith: "officer:" } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { type: true, data: true, createdAt: true },
  });
  let who = "một cán bộ khác";
  try {
    const by = (JSON.parse(last?.data ?? "{}") as { by?: unknown }).by;
    if (typeof by === "string" && by) who = by;
  } catch {
    // keep the generic wording
  }
  const when = last
    ? ` lúc ${new Intl.DateTimeFormat("vi-VN", { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: "Asia/Ho_Chi_Minh" }).format(last.createdAt)}`
    : "";
  const what = last ? ` (${EVENT_WORDS[last.type] ?? "cập nhật"})` : "";
  return new AppError(
    "stale",
    `Tin báo vừa được ${who} thay đổi${when}${what} trong khi bạn đang xem. Thay đổi của bạn chưa được lưu: hãy xem lại tin báo rồi làm lại nếu vẫn cần.`,
  );
}

const EVENT_WORDS: Record<string, string> = {
  claimed: "nhận xử lý",
  assigned: "giao cán bộ",
  status_changed: "đổi trạng thái",
  merged: "gộp tin trùng",
  deadline_extended: "gia hạn",
  rerouted: "chuyển đơn vị",
};
