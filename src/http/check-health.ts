/**
 * What /healthz reports: each check bounded in time (one that does not answer is a reason itself),
 * all run together, so the answer comes within ~1.5 s whatever is wrong. A reason makes it 503;
 * channel alarms (an operator must act, the service still works) make it "degraded".
 */
import { randomUUID } from "node:crypto";
import { mkdir, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { AppContext } from "../context.ts";
import { sqlitePath } from "../config.ts";
import type { DbFaultMonitor } from "../db/fault-monitor.ts";
import { freeBytes } from "../media/disk-space.ts";
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from "../security/private-files.ts";

/** Each check gets this long; the whole answer is sent well within the 2 s load balancers allow. */
export const CHECK_TIMEOUT_MS = 1_500;

export interface HealthAlarm {
  code: string;
  message: string;
}

export interface HealthReason {
  code: string;
  message: string;
  /** outbox_stalled: the channels whose oldest due message has waited too long. */
  channels?: { channel: string; oldestWaitingSeconds: number }[];
}

export interface HealthReport {
  httpStatus: 200 | 503;
  body: { status: "ok" | "degraded" | "down"; checks: Record<string, unknown>; reasons: HealthReason[]; alarms: HealthAlarm[] };
}

class CheckTimeout extends Error {}

function within<T>(promise: Promise<T>, ms = CHECK_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new CheckTimeout()), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

const timedOut = (check: string): HealthReason => ({ code: `${check}_timeout`, message: `Kiểm tra "${check}" không trả lời trong ${CHECK_TIMEOUT_MS / 1000} giây.` });

/** Runs every check and says what is wrong, if anything. */
export async function checkHealth(ctx: AppContext, faults: DbFaultMonitor, alarms: HealthAlarm[]): Promise<HealthReport> {
  const checks: Record<string, unknown> = { channels: [...ctx.channels.keys()] };
  const reasons: HealthReason[] = [];
  const run = async (name: string, check: () => Promise<void>) => {
    try {
      await within(check());
    } catch (err) {
      if (err instanceof CheckTimeout) reasons.push(timedOut(name));
      else {
        ctx.log.warn({ err, check: name }, "/healthz: a check failed");
        reasons.push({ code: `${name}_failed`, message: `Kiểm tra "${name}" bị lỗi.` });
      }
    }
  };
  await Promise.all([
    run("database", () => checkQueues(ctx, checks, reasons)),
    run("disk", () => checkDisks(ctx, checks, reasons)),
    run("media", () => checkMediaWritable(ctx, checks, reasons)),
    run("lock", () => checkLock(faults)),
  ]);
  for (const fault of faults.current()) {
    if (reasons.some((r) => r.code === fault)) continue;
    reasons.push(
      fault === "disk_full"
        ? { code: "disk_full", message: "Cơ sở dữ liệu vừa báo ổ đĩa đầy (SQLITE_FULL): tin mới chưa lưu được." }
        : { code: "database_locked", message: `Cơ sở dữ liệu bị tiến trình khác khóa ghi từ ${faults.lockedForSeconds() ?? 0} giây nay: tin mới chưa lưu được.` },
    );
  }
  if (checks.database === undefined) checks.database = "timeout";
  const unique = reasons.filter((r, i) => reasons.findIndex((o) => o.code === r.code) === i);
  reasons.splice(0, reasons.length, ...unique);
  const status = reasons.length ? "down" : alarms.length ? "degraded" : "ok";
  return { httpStatus: reasons.length ? 503 : 200, body: { status, checks, reasons, alarms } };
}

/** Queue sizes, and per channel how long the oldest message that is due has been waiting. */
async function checkQueues(ctx: AppContext, checks: Record<string, unknown>, reasons: HealthReason[]): Promise<void> {
  const now = ctx.now();
  try {
    const [inboxPending, inboxFailed, outboxPending, due] = await Promise.all([
      ctx.db.inboundEvent.count({ where: { status: { in: ["pending", "processing"] } } }),
      ctx.db.inboundEvent.count({ where: { status: "failed" } }),
      ctx.db.outboxMessage.count({ where: { status: { in: ["pending", "sending"] } } }),
      ctx.db.outboxMessage.groupBy({
        by: ["channel"],
        where: { status: { in: ["pending", "sending"] }, nextAttemptAt: { lte: now } },
        _min: { nextAttemptAt: true },
      }),
    ]);
    const waiting = due
      .filter((g) => g._min.nextAttemptAt)
      .map((g) => ({ channel: g.channel, oldestWaitingSeconds: Math.max(0, Math.floor((now.getTime() - g._min.nextAttemptAt!.getTime()) / 1000)) }))
      .sort((a, b) => a.channel.localeCompare(b.channel));
    checks.database = "ok";
    checks.inbox = { pending: inboxPending, failed: inboxFailed };
    checks.outbox = { pending: outboxPending, waiting };
    const stalled = waiting.filter((w) => w.oldestWaitingSeconds > ctx.config.outboxStallSeconds);
    if (stalled.length) {
      reasons.push({
        code: "outbox_stalled",
        message: `Tin trả lời chờ gửi quá ${ctx.config.outboxStallSeconds} giây: ${stalled.map((s) => `${s.channel} ${s.oldestWaitingSeconds} giây`).join(", ")}.`,
        channels: stalled,
      });
    }
  } catch (err) {
    ctx.log.warn({ err }, "/healthz: the database did not answer");
    checks.database = "unreachable";
    reasons.push({ code: "database_unreachable", message: "Không đọc được cơ sở dữ liệu." });
  }
}

/** Free space where the database (SQLite) and the evidence live, against MEDIA_MIN_FREE_MB. */
async function checkDisks(ctx: AppContext, checks: Record<string, unknown>, reasons: HealthReason[]): Promise<void> {
  const floor = ctx.config.mediaMinFreeBytes;
  const dirs: Record<string, string> = { media: ctx.config.mediaDir };
  if (ctx.config.dialect === "sqlite") dirs.database = path.dirname(path.resolve(sqlitePath(ctx.config.databaseUrl)));
  const disk: Record<string, number | string> = { minFreeBytes: floor };
  const low: string[] = [];
  await Promise.all(
    Object.entries(dirs).map(async ([name, dir]) => {
      try {
        const free = await freeBytes(dir);
        disk[`${name}FreeBytes`] = free;
        if (free < floor) low.push(name);
      } catch (err) {
        disk[`${name}FreeBytes`] = "unknown";
        ctx.log.warn({ err, disk: name }, "/healthz: free space unknown");
      }
    }),
  );
  checks.disk = disk;
  if (low.length) {
    const mb = (n: number) => `${Math.floor(n / 1024 / 1024)} MB`;
    reasons.push({ code: "disk_full", message: `Ổ đĩa ${low.map((n) => (n === "media" ? "lưu tệp" : "cơ sở dữ liệu")).join(" và ")} còn dưới ${mb(floor)} trống (MEDIA_MIN_FREE_MB): tệp mới bị từ chối.` });
  }
}

/** Writes and removes a small file where evidence is stored: the only test that holds for root too. */
async function checkMediaWritable(ctx: AppContext, checks: Record<string, unknown>, reasons: HealthReason[]): Promise<void> {
  const dir = path.join(ctx.config.mediaDir, "tmp");
  const probe = path.join(dir, `healthz-${randomUUID()}`);
  try {
    await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    await writeFile(probe, "ok", { mode: PRIVATE_FILE_MODE });
    await unlink(probe);
    checks.media = "writable";
  } catch (err) {
    const code = (err as { code?: string }).code ?? "error";
    checks.media = `unwritable (${code})`;
    if (code === "ENOSPC" || code === "EDQUOT") {
      reasons.push({ code: "disk_full", message: "Ổ đĩa lưu tệp đã đầy: tệp mới không lưu được." });
      return;
    }
    reasons.push({ code: "media_unwritable", message: `Không ghi được vào thư mục lưu tệp (${code}): ảnh, video người dân gửi không lưu được.` });
  }
}

/** SQLite: whether another process holds the write lock now (noted in the fault monitor). */
async function checkLock(faults: DbFaultMonitor): Promise<void> {
  await faults.probeWrite?.();
}
