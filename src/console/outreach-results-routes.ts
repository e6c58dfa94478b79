/**
 * Outreach results (issue 12, item 5): a campaign's figures (reach, receipts, what residents did within 48 h,
 * the quiz by commune) as JSON and as a Vietnamese CSV (audited: campaign.export), and the 19/8 peak period's
 * progress at the province's reporting days. Read by those who read campaigns: admin, duty desk, outreach
 * editors and leads. Never a resident's name, id or chat id.
 */
import { z } from "zod";
import { AppError } from "../http/errors.ts";
import { recordAudit } from "../officers/record-audit.ts";
import type { SignedInOfficer } from "../officers/roles.ts";
import { campaignResults, REACTION_WINDOW_HOURS } from "../outreach/campaigns/campaign-results.ts";
import { STATUS_LABELS, type CampaignStatus } from "../outreach/campaigns/manage-campaigns.ts";
import { campaignResultsCsv, CHANNEL_NAMES, LANGUAGE_NAMES, TOPIC_NAMES } from "../outreach/campaigns/results-csv.ts";
import { peakProgress, vietnamYear } from "../outreach/peak-progress.ts";
import type { AppContext } from "../context.ts";
import { canReadCampaigns } from "./permissions.ts";
import { defineRoute, type ApiRoute } from "./route.ts";

const idParams = z.object({ id: z.string().min(1).max(100) });
const int = () => z.number().int();
const group = { reach: int(), delivered: int(), seen: int(), optOuts: int() };

const resultsView = z
  .object({
    campaign: z.object({ id: z.string(), title: z.string(), topic: z.string(), topicName: z.string(), status: z.string(), statusLabel: z.string() }),
    windowHours: int().meta({ description: "Khoảng thời gian sau khi tin đến người nhận để tính phản hồi (giờ)" }),
    reach: int().meta({ description: "Số người đã được gửi ít nhất một tin" }),
    messagesSent: int().meta({ description: "Số tin đã gửi (chiến dịch lặp lại gửi nhiều tin cho một người)" }),
    delivered: int().meta({ description: "Số người nền tảng báo đã nhận tin (Zalo)" }),
    seen: int().meta({ description: "Số người đã xem tin (Zalo)" }),
    optOuts: int().meta({ description: "Số người hủy đăng ký trong 48 giờ sau khi nhận tin" }),
    blocked: int().meta({ description: "Số người chặn tài khoản trong 48 giờ sau khi nhận tin" }),
    blockedBeforeSending: int().meta({ description: "Số tin không gửi được vì người nhận đã chặn từ trước" }),
    reportTaps: int().meta({ description: "Số người đã bấm nút “Báo tin” trong tin của chiến dịch" }),
    quizTaps: int().meta({ description: "Số người đã bấm nút “Làm bài thi” trong tin của chiến dịch" }),
    tipsWithin48h: int().meta({ description: "Số tin báo gửi trong 48 giờ sau khi người báo nhận tin" }),
    tipReportersWithin48h: int().meta({ description: "Số người đã gửi những tin báo đó" }),
    quiz: z.object({
      participants: int(),
      finished: int(),
      averageScore: z.number(),
      byCommune: z.array(
        z.object({ communeCode: z.string().nullable(), communeName: z.string(), participants: int(), finished: int(), averageScore: z.number() }),
      ),
    }),
    byChannel: z.array(z.object({ channel: z.string(), channelName: z.string(), ...group })),
    byLanguage: z.array(z.object({ language: z.string(), languageName: z.string(), ...group })),
    firstSentAt: z.string().nullable(),
    lastSentAt: z.string().nullable(),
  })
  .meta({ id: "CampaignResults" });

const checkpointView = z.object({
  date: z.string().meta({ description: "Ngày báo cáo, YYYY-MM-DD" }),
  label: z.string().meta({ description: "Ngày báo cáo, dd/mm/yyyy" }),
  reached: z.boolean().meta({ description: "Đã hết ngày này: số liệu là số chốt" }),
  subscribers: int().meta({ description: "Số người đang đăng ký nhận tin vào cuối ngày" }),
  newSubscriptions: int().meta({ description: "Số người đăng ký mới từ đầu đợt" }),
  campaignsSent: int(),
  messagesSent: int(),
  reach: int(),
  optOuts: int(),
  quizParticipants: int(),
  quizFinished: int(),
  tips: int().meta({ description: "Số tin báo của người dân, mọi kênh" }),
});
const progressView = z
  .object({ year: int(), from: z.string(), to: z.string(), checkpoints: z.array(checkpointView) })
  .meta({ id: "PeakProgress" });

function permitRead(officer: SignedInOfficer): void {
  if (!canReadCampaigns(officer)) throw new AppError("forbidden", "Tài khoản này không xem được kết quả tuyên truyền.");
}

async function resultsOf(ctx: AppContext, id: string) {
  const row = await ctx.db.campaign.findUnique({ where: { id }, select: { id: true, title: true, topic: true, status: true } });
  if (!row) throw new AppError("not_found", "Không tìm thấy chiến dịch này.");
  const campaign = {
    ...row,
    topicName: TOPIC_NAMES[row.topic] ?? row.topic,
    statusLabel: STATUS_LABELS[row.status as CampaignStatus] ?? row.status,
  };
  return { campaign, results: await campaignResults(ctx.db, id) };
}

export const outreachResultsRoutes: ApiRoute[] = [
  defineRoute({
    method: "get",
    path: "/campaigns/:id/results",
    tag: "campaigns",
    summary: "Kết quả một chiến dịch",
    description:
      "Số người đã nhận, đã nhận/đã xem (Zalo báo), và những gì người nhận làm trong 48 giờ sau khi tin đến: hủy đăng ký, chặn, gửi tin báo, dự thi 19/8 (theo xã, phường). Tính theo số người, không có tên hay mã người dân.",
    auth: true,
    params: idParams,
    response: { status: 200, description: "Kết quả", schema: resultsView },
    errors: ["unauthorized", "forbidden", "not_found"],
    async run({ ctx, params, auth }) {
      permitRead(auth.officer);
      const { campaign, results: r } = await resultsOf(ctx, params.id);
      return {
        campaign,
        windowHours: REACTION_WINDOW_HOURS,
        ...r,
        byChannel: r.byChannel.map((g) => ({ ...g, channelName: CHANNEL_NAMES[g.channel] ?? g.channel })),
        byLanguage: r.byLanguage.map((g) => ({ ...g, languageName: LANGUAGE_NAMES[g.language] ?? g.language })),
        firstSentAt: r.firstSentAt?.toISOString() ?? null,
        lastSentAt: r.lastSentAt?.toISOString() ?? null,
      };
    },
  }),
  defineRoute({
    method: "get",
    path: "/campaigns/:id/results.csv",
    tag: "campaigns",
    summary: "Tải kết quả chiến dịch (CSV)",
    description: "Cùng số liệu như trang kết quả, bằng tiếng Việt. Tệp CSV UTF-8 có BOM, mở thẳng bằng Excel; ngày dạng dd/mm/yyyy. Ghi nhật ký (campaign.export).",
    auth: true,
    params: idParams,
    response: { status: 200, description: "Tệp CSV", mediaType: "text/csv" },
    errors: ["unauthorized", "forbidden", "not_found"],
    async run({ ctx, req, res, params, auth }) {
      permitRead(auth.officer);
      const { campaign, results } = await resultsOf(ctx, params.id);
      await recordAudit(ctx, { officerId: auth.officer.id, action: "campaign.export", targetType: "campaign", targetId: campaign.id, ip: req.ip ?? null });
      res.status(200);
      res.setHeader("Content-Type", "text/csv; charset=utf-8");
      res.setHeader("Content-Disposition", `attachment; filename="ket-qua-chien-dich-${campaign.id.slice(0, 8)}.csv"`);
      res.end(campaignResultsCsv(campaign, results, ctx.now()));
    },
  }),
  defineRoute({
    method: "get",
    path: "/outreach/progress",
    tag: "campaigns",
    summary: "Tiến độ đợt cao điểm 19/8",
    description:
      "Số liệu từ 01/08 đến hết các ngày báo cáo 15/08, 31/08, 15/09 và 30/09 (giờ Việt Nam): người đang đăng ký, đăng ký mới, chiến dịch và tin đã gửi, số người nhận, hủy đăng ký, người dự thi và đã làm xong, tin báo của người dân.",
    auth: true,
    query: z.object({ year: z.coerce.number().int().min(2020).max(2100).optional().meta({ description: "Năm, mặc định năm nay (giờ Việt Nam)" }) }).strict(),
    response: { status: 200, description: "Số liệu theo ngày báo cáo", schema: progressView },
    errors: ["unauthorized", "forbidden", "validation_failed"],
    async run({ ctx, query, auth }) {
      permitRead(auth.officer);
      return peakProgress(ctx.db, query.year ?? vietnamYear(ctx.now()), ctx.now());
    },
  }),
];
