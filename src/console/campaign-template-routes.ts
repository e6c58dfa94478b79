/**
 * GET /api/campaigns/templates: the ready 19/8 Festival campaign templates, their weekly reminders dated
 * for the festival year asked for, and the "[…]" placeholders the editor must replace. Read by whoever
 * reads campaigns; nothing is stored (the editor saves a campaign through POST /api/campaigns).
 */
import { z } from "zod";
import { AppError } from "../http/errors.ts";
import { campaignInputSchema } from "../outreach/campaigns/campaign-input.ts";
import { festivalYear, loadCampaignTemplates, resolveTemplate, type CampaignTemplate } from "../outreach/campaigns/templates.ts";
import { canReadCampaigns } from "./permissions.ts";
import { defineRoute } from "./route.ts";

const templateView = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    reviewedBy: z.string().meta({ description: "Ai viết và đã duyệt hay chưa" }),
    placeholders: z.array(z.string()).meta({ description: "Những chỗ trong ngoặc vuông phải thay bằng thông tin thật trước khi lưu, ví dụ [địa điểm]" }),
    campaign: campaignInputSchema,
  })
  .meta({ id: "CampaignTemplate" });

let templates: CampaignTemplate[] | undefined;

export const campaignTemplatesRoute = defineRoute({
  method: "get",
  path: "/campaigns/templates",
  tag: "campaigns",
  summary: "Mẫu chiến dịch Ngày hội 19/8",
  description:
    "Các mẫu soạn sẵn cho đợt cao điểm (01/08 – 30/09). Lịch nhắc lại hằng tuần được ghi ngày theo năm Ngày hội yêu cầu " +
    "(mặc định: năm nay nếu chưa qua 30/09 giờ Việt Nam, sau đó là năm sau). Người soạn phải thay các chỗ trong ngoặc vuông.",
  auth: true,
  query: z.object({ year: z.coerce.number().int().min(2020).max(2100).optional().meta({ description: "Năm tổ chức Ngày hội" }) }).strict(),
  response: {
    status: 200,
    description: "Các mẫu",
    schema: z.object({ year: z.number().int(), templates: z.array(templateView) }).meta({ id: "CampaignTemplateList" }),
  },
  errors: ["unauthorized", "forbidden", "validation_failed"],
  async run({ ctx, query, auth }) {
    if (!canReadCampaigns(auth.officer)) throw new AppError("forbidden", "Tài khoản này không xem được chiến dịch tuyên truyền.");
    const year = query.year ?? festivalYear(ctx.now());
    templates ??= loadCampaignTemplates();
    return { year, templates: templates.map((t) => resolveTemplate(t, year)) };
  },
});
