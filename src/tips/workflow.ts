/**
 * The life of a tip as data: its statuses, which move to which, what each move requires, and the
 * outcomes a closed tip records (the leaders' review counts them). The console, the API and the
 * permission checks all read this table.
 *
 * new → received → verifying → handled | forwarded → closed (with an outcome);
 * rejected (with a reason) from any open status; duplicate only by merging into another tip;
 * a closed, rejected or duplicate tip can be reopened (to verifying) with a reason.
 *
 * @example canMove("new", "received") // true
 */
export const TIP_STATUSES = ["new", "received", "verifying", "handled", "forwarded", "closed", "rejected", "duplicate"] as const;
export type TipStatus = (typeof TIP_STATUSES)[number];

/** Statuses that still need police work (the queue shows these by default; their clocks run). */
export const OPEN_STATUSES: readonly TipStatus[] = ["new", "received", "verifying", "handled", "forwarded"];
export const CLOSED_STATUSES: readonly TipStatus[] = ["closed", "rejected", "duplicate"];

export const STATUS_LABELS: Record<TipStatus, string> = {
  new: "Mới",
  received: "Đã tiếp nhận",
  verifying: "Đang xác minh",
  handled: "Đã xử lý",
  forwarded: "Đã chuyển xử lý",
  closed: "Đã kết thúc",
  rejected: "Không thụ lý",
  duplicate: "Trùng tin khác",
};

/** Moves an officer may make with POST /api/tips/:id/status ("duplicate" is reached by merging). */
export const TRANSITIONS: Record<TipStatus, readonly TipStatus[]> = {
  new: ["received", "verifying", "forwarded", "rejected"],
  received: ["verifying", "handled", "forwarded", "rejected"],
  verifying: ["handled", "forwarded", "rejected"],
  handled: ["closed", "verifying"],
  forwarded: ["closed", "verifying"],
  closed: ["verifying"],
  rejected: ["verifying"],
  duplicate: ["verifying"],
};

/** How a settled tip ended, for the review "in concrete numbers". */
export const OUTCOMES = {
  prosecuted: "Khởi tố vụ án hình sự",
  not_prosecuted: "Không khởi tố vụ án hình sự",
  administrative: "Xử lý vi phạm hành chính",
  suspended: "Tạm đình chỉ giải quyết",
  transferred: "Chuyển cơ quan có thẩm quyền",
  resolved_other: "Giải quyết bằng biện pháp khác (hòa giải, nhắc nhở…)",
  no_violation: "Không có vi phạm",
} as const;
export type Outcome = keyof typeof OUTCOMES;
export const OUTCOME_CODES = Object.keys(OUTCOMES) as [Outcome, ...Outcome[]];

export function isTipStatus(value: string): value is TipStatus {
  return (TIP_STATUSES as readonly string[]).includes(value);
}

export function isOpenStatus(status: string): boolean {
  return (OPEN_STATUSES as readonly string[]).includes(status);
}

export function canMove(from: string, to: TipStatus): boolean {
  return isTipStatus(from) && TRANSITIONS[from].includes(to);
}

/** What a move must carry: an outcome to close, a reason to reject, forward or reopen. */
export function requirementsOf(from: string, to: TipStatus): { outcome: boolean; reason: boolean } {
  const reopening = !isOpenStatus(from);
  return { outcome: to === "closed", reason: to === "rejected" || to === "forwarded" || reopening };
}

/**
 * The deadline the queue sorts by: acknowledgement while the tip is new, settlement while it is
 * open; a finished tip keeps its last one (it no longer runs: the queue shows no clock).
 */
export function dueAtFor(status: string, tip: { ackDueAt: Date; settleDueAt: Date }): Date {
  return status === "new" ? tip.ackDueAt : tip.settleDueAt;
}

/** Which deadline is missed now, if any ("ack": not yet received in time; "settle": not settled in time). */
export function overdueKind(tip: { status: string; ackDueAt: Date; settleDueAt: Date }, now: Date): "ack" | "settle" | null {
  if (!isOpenStatus(tip.status)) return null;
  if (tip.status === "new" && tip.ackDueAt <= now) return "ack";
  if (tip.settleDueAt <= now) return "settle";
  return null;
}
