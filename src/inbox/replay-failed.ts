/** Puts inbound events that failed for good back in the queue (after the cause is fixed). */
import type { Db } from "../db/client.ts";

export async function replayFailedEvents(db: Db, ids: number[] | "all", now = new Date()): Promise<number> {
  const { count } = await db.inboundEvent.updateMany({
    where: { status: "failed", ...(ids === "all" ? {} : { id: { in: ids } }) },
    data: { status: "pending", attempts: 0, nextAttemptAt: now, lockedBy: null, lockedUntil: null },
  });
  return count;
}
