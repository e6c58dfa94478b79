/**
 * Outreach campaigns: outreach editors (and admin) write and submit them; another person whose role may
 * approve (admin, outreach_lead) approves; the duty desk reads them and their figures. Every step audited.
 */
import { z } from "zod";
import { planRequests } from "../channels/telegram/plan.ts";
import { planMessages } from "../channels/zalo/plan.ts";
import { endRefusedBody } from "../http/end-refused-body.ts";
import { AppError } from "../http/errors.ts";
import type { Translator } from "../i18n/index.ts";
import { createTranslator } from "../i18n/index.ts";
import type { SignedInOfficer } from "../officers/roles.ts";
import { audienceSchema, CAMPAIGN_CHANNELS, CAMPAIGN_LANGUAGES, campaignInputSchema, type Audience } from "../outreach/campaigns/campaign-input.ts";
import { CAMPAIGN_IMAGE_MAX_BYTES, campaignImageUrl, imageMime, NOT_AN_IMAGE_MESSAGE, readBoundedBody, storeCampaignImage } from "../outreach/campaigns/campaign-image.ts";
import { campaignClip, composeCampaignMessage } from "../outreach/campaigns/compose.ts";
import { recordingView, reviewedRecordings } from "../outreach/campaigns/campaign-recordings.ts";
import { clipOfFile, publicClipUrl } from "../audio/clip-files.ts";
import { recordAudit } from "../officers/record-audit.ts";
import {
  CAMPAIGN_STATUSES,
  countAudience,
  countDeliveries,
  createCampaign,
  moveCampaign,
  parseCampaign,
  STATUS_LABELS,
  updateCampaign,
  type CampaignCounts,
  type CampaignStatus,
} from "../outreach/campaigns/manage-campaigns.ts";
import { occurrences } from "../outreach/campaigns/schedule.ts";
import { newTestLinkCode, testSend } from "../outreach/campaigns/test-send.ts";
import { TOPICS } from "../outreach/topics.ts";
import { broadcastBody, ZALO_AGE_CODES, ZALO_GENDER_CODES, ZALO_PLATFORM_CODES } from "../channels/zalo/broadcast.ts";
import {
  AGE_LABELS,
  articleAvailabilityOf,
  articleCities,
  articleSchema,
  BROADCAST_STATE_LABELS,
  broadcastReasonLabel,
  CAMPAIGN_KINDS,
  describeTarget,
  GENDER_LABELS,
  KIND_LABELS,
  PLATFORM_LABELS,
  type BroadcastState,
} from "../outreach/campaigns/zalo-article.ts";
import type { AppContext } from "../context.ts";
import { campaignTemplatesRoute } from "./campaign-template-routes.ts";
import { canApproveCampaigns, canWriteCampaigns } from "./permissions.ts";
import { defineRoute, type ApiRoute } from "./route.ts";

const countsView = z
  .object({
    total: z.number().int(),
    queued: z.number().int(),
    sending: z.number().int(),
    sent: z.number().int(),
    delivered: z.number().int(),
    seen: z.number().int(),
    failed: z.number().int(),
    skipped: z.number().int(),
    held: z.number().int().meta({ description: "Đang giữ lại theo quy định của nền tảng (Zalo: không gửi từ 22:00 đến 06:00)" }),
    byReason: z.record(z.string(), z.number().int()).meta({ description: "Số tin bỏ qua/không gửi được theo lý do: opted_out, blocked, window_closed, interrupted, cancelled…" }),
  })
  .meta({ id: "CampaignCounts" });

const personView = z.object({ id: z.string(), displayName: z.string() }).nullable();

const recordingSchema = z
  .object({
    durationMs: z.number().int(),
    sources: z.array(z.object({ url: z.string(), type: z.string() })).meta({ description: "Địa chỉ nghe bản ghi (OGG/Opus, rồi M4A cho Safari)" }),
  })
  .meta({ id: "CampaignRecording" });
const broadcastView = z
  .object({
    run: z.number().int(),
    state: z.enum(["queued", "sending", "sent", "failed", "uncertain", "skipped"]),
    stateLabel: z.string(),
    note: z.string().nullable().meta({ description: "Điều cán bộ cần biết (giữ lại ban đêm, không rõ đã gửi, Zalo từ chối…)" }),
    messageId: z.string().nullable().meta({ description: "Mã tin Zalo trả về khi nhận lệnh gửi" }),
    sentAt: z.string().nullable(),
    nextAttemptAt: z.string().nullable(),
    reach: z.null().meta({ description: "Số người nhận được: Zalo không cho biết, luôn null" }),
  })
  .meta({ id: "CampaignBroadcast" });

export const campaignView = z
  .object({
    id: z.string(),
    title: z.string(),
    topic: z.string(),
    variants: z.record(z.string(), z.object({ text: z.string() })),
    buttons: z.array(z.record(z.string(), z.string())),
    image: z.object({ id: z.string(), url: z.string() }).nullable().meta({ description: "Ảnh gửi trước nội dung; url xem được không cần đăng nhập" }),
    recordings: z
      .object({ hre: recordingSchema.nullable(), cua: recordingSchema.nullable() })
      .meta({ description: "Bản ghi âm tiếng Hrê / tiếng Co đã duyệt trên Bàn dịch, gửi kèm tin cho người dùng tiếng đó; null: chưa có" }),
    audience: audienceSchema,
    scheduledAt: z.string().nullable(),
    recurrence: z.record(z.string(), z.unknown()).nullable(),
    status: z.enum(CAMPAIGN_STATUSES),
    statusLabel: z.string(),
    createdBy: personView,
    approvedBy: personView,
    submittedAt: z.string().nullable(),
    approvedAt: z.string().nullable(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    nextRunAt: z.string().nullable(),
    runsStarted: z.number().int(),
    version: z.number().int(),
    createdAt: z.string(),
    counts: countsView,
    kind: z.enum(CAMPAIGN_KINDS),
    kindLabel: z.string(),
    article: articleSchema.extend({ targetLabel: z.string() }).nullable().meta({ description: "Chỉ với kind = zalo_article" }),
    broadcasts: z.array(broadcastView).meta({ description: "Chỉ với kind = zalo_article: mỗi lần gửi là một lệnh gửi tới Zalo" }),
  })
  .meta({ id: "Campaign" });

const idParams = z.object({ id: z.string().min(1).max(100) });
const list = <T extends z.ZodType<string, string>>(item: T) =>
  z
    .string()
    .optional()
    .transform((s) => (s ? s.split(",").map((x) => x.trim()).filter(Boolean) : undefined))
    .pipe(z.array(item).max(200).optional());
const audienceQuery = z
  .object({
    topic: z.enum(TOPICS).optional(),
    topics: list(z.enum(TOPICS)),
    languages: list(z.enum(CAMPAIGN_LANGUAGES)),
    communes: list(z.string().regex(/^\d{5}$/)),
    channels: list(z.enum(CAMPAIGN_CHANNELS)),
  })
  .strict();

const WRITE_ERRORS = ["validation_failed", "bad_request", "unsupported_media_type", "unauthorized", "forbidden", "csrf_failed", "not_found", "conflict", "stale"] as const;

function permitRead(officer: SignedInOfficer): void {
  if (!canWriteCampaigns(officer) && officer.role !== "duty") throw new AppError("forbidden", "Tài khoản này không xem được chiến dịch tuyên truyền.");
}
function permitWrite(officer: SignedInOfficer): void {
  if (!canWriteCampaigns(officer)) throw new AppError("forbidden", "Chỉ biên tập tuyên truyền, trưởng nhóm tuyên truyền và quản trị được soạn chiến dịch.");
}

type Row = NonNullable<Awaited<ReturnType<AppContext["db"]["campaign"]["findUnique"]>>>;

async function views(ctx: AppContext, rows: Row[]): Promise<z.input<typeof campaignView>[]> {
  const counts = await countDeliveries(ctx.db, rows.map((r) => r.id));
  const recordings = await reviewedRecordings(ctx.db, rows.map((r) => r.id));
  const articleIds = rows.filter((r) => r.kind === "zalo_article").map((r) => r.id);
  const broadcasts = articleIds.length ? await ctx.db.campaignBroadcast.findMany({ where: { campaignId: { in: articleIds } }, orderBy: [{ campaignId: "asc" }, { run: "asc" }] }) : [];
  const people = await ctx.db.officer.findMany({
    where: { id: { in: [...new Set(rows.flatMap((r) => [r.createdById, r.approvedById].filter((x): x is string => !!x)))] } },
    select: { id: true, displayName: true },
  });
  const person = (id: string | null) => (id ? (people.find((p) => p.id === id) ?? { id, displayName: "(tài khoản đã xóa)" }) : null);
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return rows.map((row) => {
    const c = parseCampaign(row);
    return {
      id: row.id,
      title: row.title,
      topic: row.topic,
      variants: c.variants,
      buttons: c.buttons,
      image: row.imageId ? { id: row.imageId, url: campaignImageUrl(row.imageId) } : null,
      recordings: { hre: recordings.get(row.id)?.hre ?? null, cua: recordings.get(row.id)?.cua ?? null },
      audience: c.audience,
      scheduledAt: iso(row.scheduledAt),
      recurrence: c.recurrence,
      status: row.status as CampaignStatus,
      statusLabel: STATUS_LABELS[row.status as CampaignStatus] ?? row.status,
      createdBy: person(row.createdById),
      approvedBy: person(row.approvedById),
      submittedAt: iso(row.submittedAt),
      approvedAt: iso(row.approvedAt),
      startedAt: iso(row.startedAt),
      finishedAt: iso(row.finishedAt),
      nextRunAt: iso(row.nextRunAt),
      runsStarted: row.nextRun,
      version: row.version,
      createdAt: row.createdAt.toISOString(),
      counts: counts.get(row.id) as CampaignCounts,
      kind: c.kind,
      kindLabel: KIND_LABELS[c.kind],
      article: c.article ? { ...c.article, targetLabel: describeTarget(c.article.target) } : null,
      broadcasts: broadcasts
        .filter((b) => b.campaignId === row.id)
        .map((b) => ({
          run: b.run,
          state: b.state as BroadcastState,
          stateLabel: BROADCAST_STATE_LABELS[b.state as BroadcastState] ?? b.state,
          note: broadcastReasonLabel(b.state, b.reason, b.heldReason),
          messageId: b.providerMessageId,
          sentAt: iso(b.sentAt),
          nextAttemptAt: b.state === "queued" ? iso(b.nextAttemptAt) : null,
          reach: null,
        })),
    };
  });
}

async function one(ctx: AppContext, id: string) {
  const row = await ctx.db.campaign.findUnique({ where: { id } });
  if (!row) throw new AppError("not_found", "Không tìm thấy chiến dịch này.");
  return (await views(ctx, [row]))[0]!;
}

let translator: Promise<Translator> | undefined;
/** The preview and the test send show what residents get: the files plus the reviewed workbench translations. */
async function liveTranslator(ctx: AppContext): Promise<Translator> {
  const i18n = await (translator ??= createTranslator());
  await i18n.refresh?.(ctx.db, { mediaDir: ctx.config.mediaDir });
  return i18n;
}

const previewView = z
  .object({
    channels: z.array(
      z.object({
        channel: z.enum(CAMPAIGN_CHANNELS),
        language: z.enum(CAMPAIGN_LANGUAGES),
        /** True when no text was written in this language and residents get the Vietnamese one. */
        fallback: z.boolean(),
        /** The platform calls exactly as they will be made (Telegram Bot API, Zalo OA), or the web chat bubble. */
        requests: z.array(z.unknown()),
        /** Messages the resident receives (the recording on its own where the channel sends it so, each text part). */
        messages: z.number().int(),
        /** The reviewed recording sent with the message in this language, or null (none yet, or Vietnamese). */
        audio: recordingSchema.nullable(),
        error: z.string().optional(),
      }),
    ),
    broadcast: z
      .object({ channel: z.literal("zalo"), request: z.unknown(), targetLabel: z.string() })
      .optional()
      .meta({ description: "Chỉ với kind = zalo_article: lệnh gửi tới Zalo đúng như sẽ gửi (mã bài viết, bộ lọc)" }),
    runs: z.array(z.string()).meta({ description: "Các lần gửi theo lịch (ISO), tối đa 100" }),
  })
  .meta({ id: "CampaignPreview" });

const move = (name: "submit" | "approve" | "pause" | "resume" | "cancel", summary: string, description: string) =>
  defineRoute({
    method: "post",
    path: `/campaigns/:id/${name}`,
    tag: "campaigns",
    summary,
    description,
    auth: true,
    params: idParams,
    response: { status: 200, description: "Chiến dịch sau thao tác", schema: campaignView },
    errors: [...WRITE_ERRORS],
    async run({ ctx, req, params, auth }) {
      if (name === "approve") {
        if (!canApproveCampaigns(auth.officer)) throw new AppError("forbidden", "Chỉ quản trị và trưởng nhóm tuyên truyền được duyệt chiến dịch.");
      } else permitWrite(auth.officer);
      await moveCampaign(ctx, auth.officer, params.id, name, req.ip ?? null);
      if (name !== "submit") ctx.bus.emit("campaign:changed", params.id);
      return one(ctx, params.id);
    },
  });

export const campaignRoutes: ApiRoute[] = [
  defineRoute({
    method: "post",
    path: "/campaigns/test-chat/code",
    tag: "campaigns",
    summary: "Lấy mã liên kết máy của mình để nhận tin gửi thử",
    description: "Mã dùng một lần trong 15 phút: gõ mã vào Tin Báo trên Telegram, Zalo hoặc khung chat web; máy đó nhận tin gửi thử của chiến dịch.",
    auth: true,
    response: { status: 200, description: "Mã liên kết", schema: z.object({ code: z.string(), expiresAt: z.string() }).meta({ id: "TestChatCode" }) },
    errors: ["unauthorized", "forbidden", "csrf_failed"],
    async run({ ctx, req, auth }) {
      permitWrite(auth.officer);
      const { code, expiresAt } = await newTestLinkCode(ctx, auth.officer, req.ip ?? null);
      return { code, expiresAt: expiresAt.toISOString() };
    },
  }),
  defineRoute({
    method: "get",
    path: "/campaigns",
    tag: "campaigns",
    summary: "Các chiến dịch tuyên truyền",
    description: "Mới nhất trước, mỗi chiến dịch kèm số tin theo trạng thái gửi.",
    auth: true,
    response: { status: 200, description: "Các chiến dịch", schema: z.object({ campaigns: z.array(campaignView) }).meta({ id: "CampaignList" }) },
    errors: ["unauthorized", "forbidden"],
    async run({ ctx, auth }) {
      permitRead(auth.officer);
      const rows = await ctx.db.campaign.findMany({ orderBy: { createdAt: "desc" }, take: 200 });
      return { campaigns: await views(ctx, rows) };
    },
  }),
  defineRoute({
    method: "get",
    path: "/campaigns/zalo-article/options",
    tag: "campaigns",
    summary: "Gửi bài viết Zalo: có dùng được không, và các bộ lọc của Zalo",
    description:
      "Loại chiến dịch «Bài viết Zalo gửi người quan tâm» chỉ dùng được khi Zalo OA đã kết nối và chức năng được bật; nếu không, reason nói vì sao. " +
      "Các bộ lọc (tuổi, giới tính, tỉnh thành, hệ điều hành) là nhóm người quan tâm của chính Zalo; tỉnh thành chỉ có những nơi đã cài mã.",
    auth: true,
    response: {
      status: 200,
      description: "Có dùng được không và các lựa chọn",
      schema: z
        .object({
          available: z.boolean(),
          reason: z.string().nullable(),
          ages: z.array(z.object({ value: z.enum(Object.keys(ZALO_AGE_CODES) as [keyof typeof ZALO_AGE_CODES]), label: z.string() })),
          genders: z.array(z.object({ value: z.enum(Object.keys(ZALO_GENDER_CODES) as [keyof typeof ZALO_GENDER_CODES]), label: z.string() })),
          platforms: z.array(z.object({ value: z.enum(Object.keys(ZALO_PLATFORM_CODES) as [keyof typeof ZALO_PLATFORM_CODES]), label: z.string() })),
          cities: z.array(z.object({ value: z.string(), label: z.string() })),
          reachNote: z.string(),
        })
        .meta({ id: "ZaloArticleOptions" }),
    },
    errors: ["unauthorized", "forbidden"],
    async run({ ctx, auth }) {
      permitRead(auth.officer);
      const availability = articleAvailabilityOf(ctx);
      const options = <K extends string>(labels: Record<K, string>) => (Object.entries(labels) as [K, string][]).map(([value, label]) => ({ value, label }));
      return {
        available: availability.available,
        reason: availability.reason ?? null,
        ages: options(AGE_LABELS),
        genders: options(GENDER_LABELS),
        platforms: options(PLATFORM_LABELS),
        cities: articleCities(ctx.config).map((name) => ({ value: name, label: name })),
        reachNote: "Zalo gửi bài viết tới những người quan tâm Zalo OA khớp bộ lọc và không cho biết số người nhận được; Tin Báo chỉ ghi được Zalo đã nhận lệnh gửi hay chưa.",
      };
    },
  }),
  defineRoute({
    method: "get",
    path: "/campaigns/audience",
    tag: "campaigns",
    summary: "Đếm người sẽ nhận",
    description: "Số người đang đăng ký nhận tin khớp với các điều kiện (chủ đề, ngôn ngữ, xã, kênh), đúng như khi gửi.",
    auth: true,
    query: audienceQuery,
    response: { status: 200, description: "Số người nhận", schema: z.object({ count: z.number().int() }).meta({ id: "AudienceCount" }) },
    errors: ["unauthorized", "forbidden", "validation_failed"],
    async run({ ctx, query, auth }) {
      permitRead(auth.officer);
      const audience: Audience = {
        ...(query.topics ? { topics: query.topics } : {}),
        ...(query.languages ? { languages: query.languages } : {}),
        ...(query.communes ? { communes: query.communes } : {}),
        ...(query.channels ? { channels: query.channels } : {}),
      };
      if (!query.topic && !query.topics) audience.topics = [...TOPICS];
      return { count: await countAudience(ctx, query.topic ?? TOPICS[0], audience) };
    },
  }),
  defineRoute({
    method: "post",
    path: "/campaigns",
    tag: "campaigns",
    summary: "Soạn chiến dịch mới",
    description: "Lưu thành bản nháp. Nội dung tiếng Việt bắt buộc; tiếng Hrê, tiếng Co nếu có người nói tiếng đó viết.",
    auth: true,
    body: campaignInputSchema,
    response: { status: 201, description: "Chiến dịch đã lưu (bản nháp)", schema: campaignView },
    errors: [...WRITE_ERRORS],
    async run({ ctx, req, body, auth }) {
      permitWrite(auth.officer);
      const row = await createCampaign(ctx, auth.officer, body, req.ip ?? null);
      return one(ctx, row.id);
    },
  }),
  defineRoute({
    method: "post",
    path: "/campaigns/images",
    tag: "campaigns",
    summary: "Tải lên ảnh cho chiến dịch",
    description:
      "Thân yêu cầu là chính tệp ảnh (Content-Type: image/jpeg hoặc image/png), tối đa 1 MB (giới hạn ảnh của Zalo). Ảnh được kiểm tra theo nội dung tệp và lưu một lần; " +
      "dùng imageId trả về trong trường image: { id } của chiến dịch. Ghi nhật ký.",
    auth: true,
    rawBody: ["image/jpeg", "image/png"],
    response: {
      status: 201,
      description: "Ảnh đã lưu",
      schema: z.object({ imageId: z.string(), width: z.number().int().optional(), height: z.number().int().optional() }).meta({ id: "CampaignImage" }),
    },
    errors: ["unauthorized", "forbidden", "csrf_failed", "unsupported_media_type", "payload_too_large"],
    async run({ ctx, req, res, auth }) {
      try {
        permitWrite(auth.officer);
        const type = String(req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
        if (type !== "image/jpeg" && type !== "image/png") throw new AppError("unsupported_media_type", NOT_AN_IMAGE_MESSAGE);
        const bytes = await readBoundedBody(req, CAMPAIGN_IMAGE_MAX_BYTES);
        const image = await storeCampaignImage(ctx.config.mediaDir, bytes);
        await recordAudit(ctx, {
          officerId: auth.officer.id,
          action: "campaign.image_upload",
          targetType: "campaign_image",
          targetId: image.imageId,
          data: { bytes: bytes.length, mime: imageMime(image.imageId), width: image.width, height: image.height },
          ip: req.ip ?? null,
        });
        return { imageId: image.imageId, width: image.width, height: image.height };
      } catch (err) {
        endRefusedBody(req, res);
        throw err;
      }
    },
  }),
  campaignTemplatesRoute,
  defineRoute({
    method: "get",
    path: "/campaigns/:id",
    tag: "campaigns",
    summary: "Một chiến dịch và số tin theo trạng thái",
    auth: true,
    params: idParams,
    response: { status: 200, description: "Chiến dịch", schema: campaignView },
    errors: ["unauthorized", "forbidden", "not_found"],
    async run({ ctx, params, auth }) {
      permitRead(auth.officer);
      return one(ctx, params.id);
    },
  }),
  defineRoute({
    method: "patch",
    path: "/campaigns/:id",
    tag: "campaigns",
    summary: "Sửa chiến dịch chưa duyệt",
    description: "Chỉ bản nháp hoặc chiến dịch đang chờ duyệt; sửa xong chiến dịch trở lại bản nháp và phải gửi duyệt lại.",
    auth: true,
    params: idParams,
    body: campaignInputSchema,
    response: { status: 200, description: "Chiến dịch đã sửa", schema: campaignView },
    errors: [...WRITE_ERRORS],
    async run({ ctx, req, params, body, auth }) {
      permitWrite(auth.officer);
      await updateCampaign(ctx, auth.officer, params.id, body, req.ip ?? null);
      return one(ctx, params.id);
    },
  }),
  defineRoute({
    method: "get",
    path: "/campaigns/:id/preview",
    tag: "campaigns",
    summary: "Xem trước tin sẽ gửi trên từng kênh",
    description: "Đúng những lệnh gửi tới Telegram, Zalo và khung chat web (cắt đoạn theo giới hạn độ dài, nút bấm), cho từng ngôn ngữ.",
    auth: true,
    params: idParams,
    response: { status: 200, description: "Bản xem trước", schema: previewView },
    errors: ["unauthorized", "forbidden", "not_found"],
    async run({ ctx, params, auth }) {
      permitRead(auth.officer);
      const row = await ctx.db.campaign.findUnique({ where: { id: params.id } });
      if (!row) throw new AppError("not_found", "Không tìm thấy chiến dịch này.");
      const c = parseCampaign(row);
      const runs = c.recurrence ? occurrences(c.recurrence).map((d) => d.toISOString()) : [(row.scheduledAt ?? row.nextRunAt ?? new Date()).toISOString()];
      if (c.kind === "zalo_article" && c.article) {
        return {
          channels: [],
          broadcast: { channel: "zalo" as const, request: broadcastBody(c.article, ctx.config.zalo?.articleBroadcast?.cities ?? {}), targetLabel: describeTarget(c.article.target) },
          runs,
        };
      }
      const i18n = await liveTranslator(ctx);
      const channels: z.input<typeof previewView>["channels"] = [];
      for (const channel of CAMPAIGN_CHANNELS) {
        for (const language of CAMPAIGN_LANGUAGES) {
          const composed = composeCampaignMessage(i18n, c, language, { mediaDir: ctx.config.mediaDir });
          // The editor sees the image's and the recording's public addresses, never a path on the server. Telegram
          // gets the OGG/Opus copy as a voice note, Zalo the M4A copy (or its link), web chat both.
          const clip = composed.audio ? clipOfFile(ctx.config.mediaDir, composed.audio.file) : undefined;
          const stored = clip ? campaignClip(i18n, c.row.id, language) : undefined;
          const audio = clip && stored ? recordingView({ sha256: clip.sha256, durationMs: stored.durationMs ?? 0, m4aFile: stored.m4a ?? null }) : null;
          const message = {
            ...composed,
            ...(composed.image && c.imageId ? { image: { ...composed.image, file: campaignImageUrl(c.imageId) } } : {}),
            ...(composed.audio && clip ? { audio: { ...composed.audio, file: publicClipUrl(clip.sha256, channel === "zalo" && stored?.m4a ? "m4a" : "ogg") } } : {}),
          };
          const fallback = language !== "vi" && !c.variants[language];
          try {
            const requests =
              channel === "telegram"
                ? planRequests("123456789", message)
                : channel === "zalo"
                  ? planMessages(message, { buttonPrefix: "#tb:", sendAudio: true, maxButtonsPerMessage: 5, buttonShape: "text_with_buttons", moreChoicesText: "Thêm lựa chọn:" })
                  : [{ ...(c.imageId ? { image: { url: campaignImageUrl(c.imageId) } } : {}), ...(audio ? { audio } : {}), text: message.text, buttons: message.buttons, links: message.links }];
            channels.push({ channel, language, fallback, requests, messages: requests.length, audio });
          } catch (err) {
            channels.push({ channel, language, fallback, requests: [], messages: 0, audio, error: (err as Error).message });
          }
        }
      }
      return { channels, runs };
    },
  }),
  defineRoute({
    method: "post",
    path: "/campaigns/:id/test-send",
    tag: "campaigns",
    summary: "Gửi thử đến máy của mình",
    description: "Gửi tin của chiến dịch (mỗi ngôn ngữ đã viết một tin) đến máy đã liên kết của người đang đăng nhập, trước khi duyệt. Ghi nhật ký.",
    auth: true,
    params: idParams,
    response: { status: 200, description: "Đã gửi thử", schema: z.object({ messages: z.number().int(), channel: z.enum(CAMPAIGN_CHANNELS) }).meta({ id: "TestSendResult" }) },
    errors: [...WRITE_ERRORS],
    async run({ ctx, req, params, auth }) {
      permitWrite(auth.officer);
      return testSend(ctx, await liveTranslator(ctx), auth.officer, params.id, req.ip ?? null);
    },
  }),
  move("submit", "Gửi chiến dịch để duyệt", "Bản nháp chuyển sang chờ duyệt. Người soạn không tự duyệt được."),
  move("approve", "Duyệt chiến dịch", "Một người khác người soạn, có quyền duyệt (quản trị, trưởng nhóm tuyên truyền). Chiến dịch được gửi đúng giờ đã hẹn."),
  move("pause", "Tạm dừng gửi", "Những tin chưa gửi được giữ lại cho đến khi tiếp tục."),
  move("resume", "Tiếp tục gửi", "Gửi tiếp những tin còn lại, không gửi lại tin đã gửi."),
  move("cancel", "Hủy chiến dịch", "Những tin chưa gửi sẽ không được gửi nữa."),
];
