/**
 * How much evidence one resident and one address may send (UPLOAD_* settings), counted in the
 * shared RateLimit table so that every process sees the same totals:
 * - per draft report: files and bytes from the report's start to its filing (the transaction that
 *   files the tip, or starts a new report, clears them: `reportQuotaKeys`);
 * - per opened tip thread: the same amounts per day;
 * - per client address: bytes per hour.
 *
 * @example
 *   const room = await checkUploadQuota(ctx, scope, declaredBytes); // before reading the body
 *   … store at most room.maxBytes …
 *   const charged = await chargeUpload(ctx, scope, stored.size);     // after
 */
import type { AppContext } from "../context.ts";
import { hitLimit, limitKey, peekLimit, type LimitRule } from "../security/rate-limit.ts";

type Ctx = Pick<AppContext, "db" | "vault" | "now" | "config">;

export interface UploadScope {
  contactId: string;
  /** The opened tip the file goes to (follow-up); otherwise the contact's draft report. */
  tipId?: string;
  ip: string;
}

export type QuotaRefusal = { reason: "files" | "bytes"; limit: number; tip: boolean } | { reason: "address"; retryAt: Date | undefined };

export type QuotaCheck = { allowed: true; maxBytes: number; binding: "report" | "address" } | ({ allowed: false } & QuotaRefusal);

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

/** The report counters of a contact (cleared when the report is filed or a new one starts). */
export function reportQuotaKeys(ctx: Pick<AppContext, "vault">, contactId: string): string[] {
  return [limitKey(ctx, "upload:report-files", contactId), limitKey(ctx, "upload:report-bytes", contactId)];
}

function rules(ctx: Ctx, scope: UploadScope) {
  const { uploads } = ctx.config;
  // A draft lives at most as long as its files are kept; a tip thread gets the same amounts each day.
  const windowMs = scope.tipId ? DAY_MS : uploads.orphanHours * HOUR_MS;
  const [files, bytes] = scope.tipId
    ? [limitKey(ctx, "upload:tip-files", scope.tipId), limitKey(ctx, "upload:tip-bytes", scope.tipId)]
    : reportQuotaKeys(ctx, scope.contactId);
  return {
    files: { key: files!, rule: { limit: uploads.maxFilesPerReport, windowMs } satisfies LimitRule },
    bytes: { key: bytes!, rule: { limit: uploads.maxBytesPerReport, windowMs } satisfies LimitRule },
    address: { key: limitKey(ctx, "upload:address", scope.ip), rule: { limit: uploads.maxBytesPerAddressHour, windowMs: HOUR_MS } satisfies LimitRule },
  };
}

/**
 * Whether one more file (of `bytes`, when the request says) fits, without counting it; when it
 * does, the most bytes it may have and which quota sets that bound.
 */
export async function checkUploadQuota(ctx: Ctx, scope: UploadScope, bytes = 1): Promise<QuotaCheck> {
  const r = rules(ctx, scope);
  const tip = Boolean(scope.tipId);
  const files = await peekLimit(ctx, r.files.key, r.files.rule);
  if (!files.allowed) return { allowed: false, reason: "files", limit: r.files.rule.limit, tip };
  const report = await peekLimit(ctx, r.bytes.key, r.bytes.rule, bytes);
  if (!report.allowed) return { allowed: false, reason: "bytes", limit: r.bytes.rule.limit, tip };
  const address = await peekLimit(ctx, r.address.key, r.address.rule, bytes);
  if (!address.allowed) return { allowed: false, reason: "address", retryAt: address.retryAt };
  return report.remaining <= address.remaining
    ? { allowed: true, maxBytes: report.remaining, binding: "report" }
    : { allowed: true, maxBytes: address.remaining, binding: "address" };
}

/** Counts a stored file against every quota; refused when another upload used the room meanwhile. */
export async function chargeUpload(ctx: Ctx, scope: UploadScope, bytes: number): Promise<{ allowed: true } | ({ allowed: false } & QuotaRefusal)> {
  const r = rules(ctx, scope);
  const tip = Boolean(scope.tipId);
  if (!(await hitLimit(ctx, r.files.key, r.files.rule)).allowed) return { allowed: false, reason: "files", limit: r.files.rule.limit, tip };
  if (!(await hitLimit(ctx, r.bytes.key, r.bytes.rule, bytes)).allowed) return { allowed: false, reason: "bytes", limit: r.bytes.rule.limit, tip };
  const address = await hitLimit(ctx, r.address.key, r.address.rule, bytes);
  if (!address.allowed) return { allowed: false, reason: "address", retryAt: address.retryAt };
  return { allowed: true };
}

/** The refusal for a file that outgrew the room `checkUploadQuota` gave it (with when the address may send again). */
export async function refusalFor(ctx: Ctx, scope: UploadScope, binding: "report" | "address"): Promise<QuotaRefusal> {
  const r = rules(ctx, scope);
  if (binding === "report") return { reason: "bytes", limit: r.bytes.rule.limit, tip: Boolean(scope.tipId) };
  const row = await ctx.db.rateLimit.findUnique({ where: { key: r.address.key }, select: { windowStart: true } });
  return { reason: "address", retryAt: row ? new Date(row.windowStart.getTime() + r.address.rule.windowMs) : undefined };
}
