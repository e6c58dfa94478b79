/**
 * The text of a new-tip alert in a police duty chat, in Vietnamese: one tip (urgent tips, or a
 * batch of one) or a list of the tips filed in one batch window. Pure functions over AlertTip,
 * which carries no identity of the reporter.
 *
 * @example composeDutyAlert(tip, "https://tinbao.example.vn")
 */
import { hidePhoneNumbers } from "../text/hide-phone-numbers.ts";
import type { AlertTip } from "./load-alert-tips.ts";

/** A batch lists this many tips, then "và X tin khác". */
export const BATCH_LIST_MAX = 10;
export const EXCERPT_MAX_CHARS = 120;

/** The first ~120 characters of a story, cut at a word, on one line, phone numbers hidden. */
export function excerptOf(text: string, max = EXCERPT_MAX_CHARS): string {
  const flat = hidePhoneNumbers(text).replace(/\s+/g, " ").trim();
  const chars = Array.from(flat);
  if (chars.length <= max) return flat;
  const head = chars.slice(0, max).join("");
  const cut = head.lastIndexOf(" ");
  return `${(cut > max / 2 ? head.slice(0, cut) : head).replace(/[\s,.;:!?-]+$/, "")}…`;
}

export function tipLink(publicUrl: string, tipId: string): string {
  return `${publicUrl}/console/tips/${tipId}`;
}

export function placeOf(tip: Pick<AlertTip, "place" | "placeTyped" | "placeGuessed">): string {
  if (!tip.place) return "chưa rõ";
  if (tip.placeTyped) return `${tip.place} (người báo ghi, chưa xác định xã)`;
  return tip.placeGuessed ? `${tip.place} (đoán từ chữ người báo, cần xác nhận)` : tip.place;
}

/** One tip, with every field on its own line. */
export function composeDutyAlert(tip: AlertTip, publicUrl: string): string {
  const head = tip.urgent ? `🚨 TIN KHẨN — ${tip.reference}` : `🔔 Tin báo mới — ${tip.reference}`;
  return [
    head,
    `Loại việc: ${tip.category}`,
    `Nơi xảy ra: ${placeOf(tip)}`,
    `Mức độ: ${tip.urgent ? `KHẨN${tip.urgentReason ? ` (${tip.urgentReason})` : ""}` : "thường"}`,
    `Nội dung: ${tip.excerpt || "(không có chữ)"}`,
    `Xem tin: ${tipLink(publicUrl, tip.id)}`,
  ].join("\n");
}

/** The tips of one batch window for one chat (a batch of one reads like a single alert). */
export function composeDutyBatch(tips: AlertTip[], publicUrl: string): string {
  if (tips.length === 1) return composeDutyAlert(tips[0]!, publicUrl);
  const listed = tips.slice(0, BATCH_LIST_MAX).map((tip, i) =>
    [`${i + 1}. ${tip.reference} · ${tip.category} · ${placeOf(tip)}`, `   ${tip.excerpt || "(không có chữ)"}`, `   ${tipLink(publicUrl, tip.id)}`].join("\n"),
  );
  const more = tips.length - listed.length;
  return [`🔔 ${tips.length} tin báo mới`, ...listed, ...(more > 0 ? [`và ${more} tin khác.`] : [])].join("\n");
}
