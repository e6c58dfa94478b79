/**
 * The morning digest of overdue tips for one duty chat, in Vietnamese: how many missed the
 * acknowledgement deadline and how many the settlement deadline, then the latest ones (the
 * longest overdue first) with reference, category, commune, how late, and a console link.
 * A day with nothing overdue still gets one line, so officers know the digest ran.
 *
 * @example composeOverdueDigest({ date: "2026-03-15", ack: 1, settle: 0, oldest: [...] }, publicUrl)
 */
import { placeOf, tipLink } from "./compose-duty-alert.ts";
import type { AlertTip } from "./load-alert-tips.ts";
import { vietnameseDate } from "./vietnam-time.ts";

export const DIGEST_LIST_MAX = 10;

export interface OverdueEntry {
  tip: AlertTip;
  kind: "ack" | "settle";
  lateMs: number;
}

export interface OverdueDigest {
  /** YYYY-MM-DD, Vietnam time. */
  date: string;
  ack: number;
  settle: number;
  /** Longest overdue first; up to DIGEST_LIST_MAX are listed. */
  oldest: OverdueEntry[];
}

const KIND_TEXT = { ack: "chưa tiếp nhận", settle: "chưa giải quyết xong" } as const;

/** 3 days 5 hours late → "3 ngày"; under a day → "5 giờ"; under an hour → "40 phút". */
export function howLate(ms: number): string {
  const minutes = Math.max(1, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes} phút`;
  const hours = Math.floor(minutes / 60);
  return hours < 24 ? `${hours} giờ` : `${Math.floor(hours / 24)} ngày`;
}

export function composeOverdueDigest(digest: OverdueDigest, publicUrl: string): string {
  const day = vietnameseDate(digest.date);
  const total = digest.ack + digest.settle;
  if (total === 0) return `📋 Tin quá hạn sáng ${day}: không có tin quá hạn.`;
  const listed = digest.oldest.slice(0, DIGEST_LIST_MAX).map((e, i) =>
    [`${i + 1}. ${e.tip.reference} · ${e.tip.category} · ${placeOf(e.tip)}`, `   trễ ${howLate(e.lateMs)}, ${KIND_TEXT[e.kind]}`, `   ${tipLink(publicUrl, e.tip.id)}`].join("\n"),
  );
  const more = total - listed.length;
  return [
    `📋 Tin quá hạn sáng ${day}: ${total} tin`,
    `Quá hạn tiếp nhận: ${digest.ack} · Quá hạn giải quyết: ${digest.settle}`,
    "Quá hạn lâu nhất:",
    ...listed,
    ...(more > 0 ? [`và ${more} tin khác.`] : []),
  ].join("\n");
}
