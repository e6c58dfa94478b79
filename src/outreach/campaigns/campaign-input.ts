/**
 * What an outreach editor writes: the campaign's texts per language, buttons, audience and schedule,
 * checked before anything is stored. Vietnamese is required; Hre and Co only where a speaker wrote them
 * (a resident of those languages otherwise gets the Vietnamese text).
 */
import { z } from "zod";
import { TOPICS } from "../topics.ts";
import { IMAGE_ID } from "./campaign-image.ts";
import { articleSchema, CAMPAIGN_KINDS } from "./zalo-article.ts";

export const CAMPAIGN_LANGUAGES = ["vi", "hre", "cua"] as const;
export const CAMPAIGN_CHANNELS = ["telegram", "zalo", "webchat"] as const;
/** Longest text of one campaign message: two Zalo messages at most (2,000 characters each). */
export const CAMPAIGN_TEXT_MAX = 3_000;

const text = z
  .string()
  .transform((s) => s.normalize("NFC").trim())
  .pipe(z.string().min(1, "Nội dung không được để trống.").max(CAMPAIGN_TEXT_MAX, `Nội dung dài quá ${CAMPAIGN_TEXT_MAX} ký tự.`));

const variant = z.object({ text }).strict();

export const variantsSchema = z
  .object({ vi: variant, hre: variant.optional(), cua: variant.optional() })
  .strict()
  .meta({ description: "Nội dung theo ngôn ngữ: vi bắt buộc; hre, cua do Bàn dịch ghi khi bản dịch được duyệt: bỏ qua (giữ nguyên), gửi chữ khác thì bị từ chối" });

const linkButton = z
  .object({
    kind: z.literal("link"),
    label: z.string().trim().min(1).max(40),
    url: z
      .string()
      .url()
      .max(500)
      .refine((u) => u.startsWith("https://"), "Liên kết phải bắt đầu bằng https://"),
  })
  .strict();
export const campaignButtonSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("report") }).strict(),
  z.object({ kind: z.literal("quiz") }).strict(),
  linkButton,
]);
export type CampaignButton = z.infer<typeof campaignButtonSchema>;

export const audienceSchema = z
  .object({
    topics: z.array(z.enum(TOPICS)).max(TOPICS.length).optional(),
    languages: z.array(z.enum(CAMPAIGN_LANGUAGES)).max(3).optional(),
    communes: z.array(z.string().regex(/^\d{5}$/, "Mã xã gồm 5 chữ số.")).max(200).optional(),
    channels: z.array(z.enum(CAMPAIGN_CHANNELS)).max(3).optional(),
  })
  .strict()
  .meta({ id: "CampaignAudience", description: "Mỗi danh sách có mặt thu hẹp người nhận; bỏ trống = không lọc theo mục đó" });
export type Audience = z.infer<typeof audienceSchema>;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Ngày theo dạng YYYY-MM-DD.");
export const recurrenceSchema = z
  .object({
    /** 1 = Monday … 7 = Sunday. */
    weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7),
    from: isoDate,
    to: isoDate,
    /** HH:MM, Vietnam time. */
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Giờ theo dạng HH:MM."),
  })
  .strict()
  .refine((r) => r.from <= r.to, "Ngày kết thúc phải sau ngày bắt đầu.")
  .meta({ id: "CampaignRecurrence", description: "Nhắc lại theo tuần trong một khoảng ngày (giờ Việt Nam); 1 = thứ Hai … 7 = Chủ nhật" });
export type Recurrence = z.infer<typeof recurrenceSchema>;

export const campaignInputSchema = z
  .object({
    title: z.string().trim().min(1).max(200),
    topic: z.enum(TOPICS),
    variants: variantsSchema,
    buttons: z.array(campaignButtonSchema).max(3).optional(),
    image: z
      .object({ id: z.string().regex(IMAGE_ID, "Mã ảnh không đúng. Hãy tải ảnh lên lại.") })
      .strict()
      .optional()
      .nullable()
      .meta({ description: "Ảnh đã tải lên bằng POST /api/campaigns/images (imageId); bỏ trống hoặc null = không có ảnh" }),
    audience: audienceSchema.optional(),
    scheduledAt: z.iso.datetime({ offset: true }).optional().nullable(),
    recurrence: recurrenceSchema.optional().nullable(),
    kind: z
      .enum(CAMPAIGN_KINDS)
      .optional()
      .meta({
        description:
          "message (mặc định): một tin tới mỗi người đăng ký. zalo_article: «Bài viết Zalo gửi người quan tâm», một lệnh gửi bài viết tới người quan tâm Zalo OA theo bộ lọc của Zalo (cần article; variants.vi là tóm tắt cho người duyệt, không gửi đi; không có buttons, image, audience, recurrence)",
      }),
    article: articleSchema.optional().nullable(),
  })
  .strict()
  .meta({ id: "CampaignInput" });
export type CampaignInput = z.infer<typeof campaignInputSchema>;
export type Variants = z.infer<typeof variantsSchema>;
