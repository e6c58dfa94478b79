/**
 * The campaign kind "Bài viết Zalo gửi người quan tâm" (issue 12): ONE broadcast of an Article to the Zalo OA's
 * followers, filtered by Zalo's own follower groups (age, gender, city, phone system), instead of one message per
 * subscriber. Available only where configured (ZALO_ARTICLE_BROADCAST=on and a Zalo OA connected): the OA needs
 * Zalo's broadcast permission, which we cannot check in advance.
 *
 * The article is made by the OA admin in Zalo OA Manager and named here by its id. We do not create articles
 * through Zalo's article API (/v2.0/article/create, then /v2.0/article/verify): the only public description is
 * Zalo's old Java SDK samples; creation answers a token and the article id comes later from verify, after Zalo
 * processes it (asynchronous, no documented wait); a cover needs a public photo URL; and a police article should
 * be laid out and checked where it will be seen. An id typed by the editor is one field the approver can open.
 *
 * Sending, approval, pause and cancel are the campaign's own (manage-campaigns.ts, campaign-sender.ts); the one
 * call per run is a CampaignBroadcast row (see campaign-sender.ts, "broadcasts").
 */
import { z } from "zod";
import type { Config } from "../../config.ts";
import type { AppContext } from "../../context.ts";
import { ZALO_AGE_CODES, ZALO_GENDER_CODES, ZALO_PLATFORM_CODES, type ArticleTarget } from "../../channels/zalo/broadcast.ts";

export const CAMPAIGN_KINDS = ["message", "zalo_article"] as const;
export type CampaignKind = (typeof CAMPAIGN_KINDS)[number];

export const KIND_LABELS: Record<CampaignKind, string> = {
  message: "Tin nhắn tới người đăng ký",
  zalo_article: "Bài viết Zalo gửi người quan tâm",
};

export const AGE_LABELS: Record<keyof typeof ZALO_AGE_CODES, string> = {
  "0-12": "Dưới 13 tuổi",
  "13-17": "Từ 13 đến 17 tuổi",
  "18-24": "Từ 18 đến 24 tuổi",
  "25-34": "Từ 25 đến 34 tuổi",
  "35-44": "Từ 35 đến 44 tuổi",
  "45-54": "Từ 45 đến 54 tuổi",
  "55-64": "Từ 55 đến 64 tuổi",
  "65+": "Từ 65 tuổi trở lên",
};
export const GENDER_LABELS: Record<keyof typeof ZALO_GENDER_CODES, string> = { male: "Nam", female: "Nữ" };
export const PLATFORM_LABELS: Record<keyof typeof ZALO_PLATFORM_CODES, string> = { ios: "iPhone (iOS)", android: "Android", windows_phone: "Windows Phone" };

const keys = <T extends Record<string, unknown>>(o: T) => Object.keys(o) as [keyof T & string, ...(keyof T & string)[]];

export const articleSchema = z
  .object({
    articleId: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{6,64}$/, "Mã bài viết gồm chữ và số (6–64 ký tự), chép từ Zalo OA Manager."),
    target: z
      .object({
        ages: z.array(z.enum(keys(ZALO_AGE_CODES))).max(8).optional(),
        genders: z.array(z.enum(keys(ZALO_GENDER_CODES))).max(2).optional(),
        cities: z.array(z.string().trim().min(1).max(60)).max(70).optional(),
        platforms: z.array(z.enum(keys(ZALO_PLATFORM_CODES))).max(3).optional(),
      })
      .strict()
      .default({}),
  })
  .strict()
  .meta({
    id: "CampaignZaloArticle",
    description: "Chỉ với kind = zalo_article: mã bài viết trong Zalo OA Manager và bộ lọc người quan tâm của Zalo (bỏ trống = mọi người quan tâm)",
  });
export type ArticleInput = z.infer<typeof articleSchema>;

export interface Availability {
  available: boolean;
  /** Why not, for the editor (Vietnamese). */
  reason?: string;
}

export function articleAvailability(config: Config, zaloConnected: boolean): Availability {
  if (!config.zalo || !zaloConnected) return { available: false, reason: "Chưa kết nối Zalo OA của đơn vị với Tin Báo, nên chưa gửi được bài viết Zalo." };
  if (!config.zalo.articleBroadcast?.enabled) {
    return {
      available: false,
      reason: "Chức năng gửi bài viết tới người quan tâm Zalo chưa được bật. Người quản trị hệ thống chỉ bật khi Zalo đã cấp quyền gửi bài viết cho Zalo OA của đơn vị.",
    };
  }
  return { available: true };
}

/** Whether this service can send the kind now (the flag, a Zalo OA connected whose channel can broadcast). */
export function articleAvailabilityOf(ctx: Pick<AppContext, "config" | "channels">): Availability {
  return articleAvailability(ctx.config, !!ctx.channels.get("zalo")?.broadcastArticle);
}

/** The city names the editor may choose (configured with their Zalo codes). */
export function articleCities(config: Config): string[] {
  return Object.keys(config.zalo?.articleBroadcast?.cities ?? {});
}

/** The filter in plain Vietnamese: "Nữ · Từ 18 đến 24 tuổi · Android", or "Mọi người quan tâm Zalo OA". */
export function describeTarget(target: ArticleTarget): string {
  const parts = [
    (target.genders ?? []).map((g) => GENDER_LABELS[g]).join(", "),
    (target.ages ?? []).map((a) => AGE_LABELS[a]).join(", "),
    (target.cities ?? []).join(", "),
    (target.platforms ?? []).map((p) => PLATFORM_LABELS[p]).join(", "),
  ].filter(Boolean);
  return parts.length ? parts.join(" · ") : "Mọi người quan tâm Zalo OA";
}

export const BROADCAST_STATES = ["queued", "sending", "sent", "failed", "uncertain", "skipped"] as const;
export type BroadcastState = (typeof BROADCAST_STATES)[number];

export const BROADCAST_STATE_LABELS: Record<BroadcastState, string> = {
  queued: "Chờ gửi",
  sending: "Đang gửi",
  sent: "Zalo đã nhận lệnh gửi",
  failed: "Không gửi được",
  uncertain: "Không rõ đã gửi hay chưa",
  skipped: "Không gửi (chiến dịch đã hủy)",
};

/** What happened, in words an officer can act on (never Zalo's raw error text). */
export function broadcastReasonLabel(state: string, reason: string | null, heldReason: string | null): string | null {
  if (state === "queued" && heldReason === "night") return "Zalo không cho gửi từ 22:00 đến 06:00: bài viết được giữ lại, gửi lúc 06:00.";
  if (state === "queued" && reason === "throttled") return "Zalo đang giới hạn số lệnh gửi: sẽ thử lại sau ít phút.";
  if (state === "uncertain") {
    return "Tin Báo không nhận được trả lời của Zalo (mất kết nối hoặc dừng giữa chừng), nên không biết Zalo đã gửi hay chưa. Tin Báo không tự gửi lại để tránh gửi hai lần: hãy xem trong Zalo OA Manager trước khi tạo chiến dịch mới.";
  }
  if (state !== "failed") return null;
  switch (reason) {
    case "not_configured":
      return "Chức năng gửi bài viết Zalo đã bị tắt hoặc Zalo OA chưa kết nối khi đến giờ gửi.";
    case "config":
      return "Zalo từ chối: Zalo OA chưa có quyền gửi bài viết tới người quan tâm, hoặc cần cấp quyền truy cập lại.";
    case "invalid_message":
      return "Zalo từ chối: mã bài viết hoặc bộ lọc không đúng. Hãy kiểm tra mã bài viết trong Zalo OA Manager.";
    case "throttled":
      return "Zalo giới hạn quá nhiều lần liên tiếp; chưa gửi được.";
    default:
      return "Zalo từ chối lệnh gửi bài viết.";
  }
}
