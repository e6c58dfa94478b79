/**
 * A campaign's life: an outreach editor writes it (draft) and submits it; another person whose role may
 * approve (admin, outreach_lead) approves it; only then do its runs start, at their time. Pause, resume and
 * cancel at any time before it is over. Every step is audited; the permission to call a step is the
 * route's (src/console/campaign-routes.ts), the rules of the steps are here.
 */
import type { AppContext } from "../../context.ts";
import type { Tx } from "../../db/client.ts";
import { AppError } from "../../http/errors.ts";
import { recordAudit } from "../../officers/record-audit.ts";
import type { SignedInOfficer } from "../../officers/roles.ts";
import { findAudience } from "./audience.ts";
import { audienceSchema, campaignButtonSchema, recurrenceSchema, variantsSchema, type Audience, type CampaignButton, type CampaignInput, type Recurrence, type Variants } from "./campaign-input.ts";
import { imageExists } from "./campaign-image.ts";
import { firstRunAt } from "./schedule.ts";
import { articleAvailabilityOf, articleCities, articleSchema, type ArticleInput, type CampaignKind } from "./zalo-article.ts";
import { z } from "zod";

export const CAMPAIGN_STATUSES = ["draft", "submitted", "approved", "sending", "paused", "done", "cancelled"] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const STATUS_LABELS: Record<CampaignStatus, string> = {
  draft: "Bản nháp",
  submitted: "Chờ duyệt",
  approved: "Đã duyệt, chờ đến giờ gửi",
  sending: "Đang gửi",
  paused: "Tạm dừng",
  done: "Đã gửi xong",
  cancelled: "Đã hủy",
};

export const DELIVERY_STATES = ["queued", "sending", "sent", "failed", "skipped"] as const;

export interface CampaignCounts {
  total: number;
  queued: number;
  sending: number;
  sent: number;
  delivered: number;
  seen: number;
  failed: number;
  skipped: number;
  /** Skipped and failed deliveries by reason: opted_out, blocked, window_closed, interrupted, cancelled… */
  byReason: Record<string, number>;
  /** Deliveries held back by a platform rule right now (Zalo at night). */
  held: number;
}

type CampaignRow = NonNullable<Awaited<ReturnType<AppContext["db"]["campaign"]["findUnique"]>>>;

export interface ParsedCampaign {
  row: CampaignRow;
  variants: Variants;
  buttons: CampaignButton[];
  audience: Audience;
  recurrence: Recurrence | null;
  /** "<sha256>.jpg|png" under the media folder's campaign-images, or null. */
  imageId: string | null;
  kind: CampaignKind;
  /** zalo_article only: the article and Zalo's follower filter. */
  article: ArticleInput | null;
}

export function parseCampaign(row: CampaignRow): ParsedCampaign {
  return {
    row,
    variants: variantsSchema.parse(JSON.parse(row.variantsJson)),
    buttons: z.array(campaignButtonSchema).parse(JSON.parse(row.buttonsJson)),
    audience: audienceSchema.parse(JSON.parse(row.audienceJson)),
    recurrence: row.recurrenceJson ? recurrenceSchema.parse(JSON.parse(row.recurrenceJson)) : null,
    imageId: row.imageId,
    kind: row.kind === "zalo_article" ? "zalo_article" : "message",
    article: row.articleJson ? articleSchema.parse(JSON.parse(row.articleJson)) : null,
  };
}

function fields(input: CampaignInput) {
  return {
    title: input.title,
    topic: input.topic,
    variantsJson: JSON.stringify(input.variants),
    buttonsJson: JSON.stringify(input.buttons ?? []),
    audienceJson: JSON.stringify(input.audience ?? {}),
    scheduledAt: input.scheduledAt ? new Date(input.scheduledAt) : null,
    recurrenceJson: input.recurrence ? JSON.stringify(input.recurrence) : null,
    imageId: input.image?.id ?? null,
    kind: input.kind ?? "message",
    articleJson: input.kind === "zalo_article" && input.article ? JSON.stringify(input.article) : null,
  };
}

/**
 * A "Bài viết Zalo" campaign is one broadcast of an article by Zalo's filters: only where configured, with an
 * article, and without what only a message to subscribers has (buttons, image, our audience, weekly reminders).
 */
function checkKind(ctx: AppContext, input: CampaignInput): void {
  if (input.kind !== "zalo_article") {
    if (input.article) throw new AppError("validation_failed", "Mã bài viết Zalo chỉ dùng cho chiến dịch loại “Bài viết Zalo gửi người quan tâm”.");
    return;
  }
  const availability = articleAvailabilityOf(ctx);
  if (!availability.available) throw new AppError("conflict", availability.reason!);
  if (!input.article) throw new AppError("validation_failed", "Hãy nhập mã bài viết Zalo (lấy trong Zalo OA Manager).");
  const refused: string[] = [];
  if (input.buttons && input.buttons.length > 0) refused.push("nút bấm");
  if (input.image) refused.push("ảnh");
  if (input.audience && Object.values(input.audience).some((v) => Array.isArray(v) && v.length > 0)) refused.push("người nhận theo chủ đề, ngôn ngữ, xã, kênh");
  if (input.recurrence) refused.push("lịch nhắc lại");
  if (refused.length > 0) {
    throw new AppError(
      "validation_failed",
      `Bài viết Zalo được gửi một lần tới người quan tâm Zalo OA theo bộ lọc của Zalo, nên không có ${refused.join(", ")}. Hãy bỏ các mục đó rồi lưu lại.`,
    );
  }
  const known = new Set(articleCities(ctx.config));
  const unknown = (input.article.target.cities ?? []).filter((c) => !known.has(c));
  if (unknown.length > 0) throw new AppError("validation_failed", `Zalo chưa được cài mã cho tỉnh, thành: ${unknown.join(", ")}. Hãy chọn trong danh sách.`);
}

/** The image named must have been uploaded here (POST /api/campaigns/images). */
async function checkImage(ctx: AppContext, input: CampaignInput): Promise<void> {
  if (input.image && !(await imageExists(ctx.config.mediaDir, input.image.id))) {
    throw new AppError("validation_failed", "Không tìm thấy ảnh này. Hãy tải ảnh lên lại.");
  }
}

const LANGUAGE_NAMES = { hre: "tiếng Hrê", cua: "tiếng Co" } as const;

/**
 * The Hre and Co texts belong to the translators' workbench (src/translations/campaign-source.ts writes a text a
 * second speaker approved): an editor's save keeps them, and one that tries to set or change them is refused.
 */
export function keepWorkbenchVariants(given: Variants, stored: Variants | undefined): Variants {
  for (const lang of ["hre", "cua"] as const) {
    const text = given[lang]?.text;
    if (text !== undefined && text !== stored?.[lang]?.text) {
      throw new AppError(
        "validation_failed",
        `Nội dung ${LANGUAGE_NAMES[lang]} được viết và duyệt trên Bàn dịch (một người biết tiếng viết, một người khác biết tiếng duyệt), không nhập ở đây. Hãy bỏ phần ${LANGUAGE_NAMES[lang]} rồi lưu lại.`,
      );
    }
  }
  const { vi: _vi, ...translations } = stored ?? { vi: given.vi };
  return { ...translations, vi: given.vi };
}

export async function createCampaign(ctx: AppContext, officer: SignedInOfficer, input: CampaignInput, ip: string | null) {
  checkKind(ctx, input);
  await checkImage(ctx, input);
  const variants = keepWorkbenchVariants(input.variants, undefined);
  return ctx.db.$transaction(async (tx) => {
    const row = await tx.campaign.create({ data: { ...fields({ ...input, variants }), createdById: officer.id } });
    await recordAudit(ctx, { officerId: officer.id, action: "campaign.create", targetType: "campaign", targetId: row.id, data: { title: row.title, kind: row.kind }, ip }, tx);
    return row;
  });
}

/** A draft or a campaign waiting for approval may be changed; a submitted one goes back to draft (to be approved again). */
export async function updateCampaign(ctx: AppContext, officer: SignedInOfficer, id: string, input: CampaignInput, ip: string | null) {
  checkKind(ctx, input);
  await checkImage(ctx, input);
  return ctx.db.$transaction(async (tx) => {
    const before = await mustFind(tx, id);
    if (before.status !== "draft" && before.status !== "submitted") {
      throw new AppError("conflict", "Chiến dịch đã được duyệt hoặc đã gửi thì không sửa được nữa. Hãy hủy và tạo chiến dịch mới.");
    }
    const variants = keepWorkbenchVariants(input.variants, variantsSchema.parse(JSON.parse(before.variantsJson)));
    const row = await tx.campaign.update({ where: { id }, data: { ...fields({ ...input, variants }), status: "draft", submittedAt: null, version: { increment: 1 } } });
    await recordAudit(ctx, { officerId: officer.id, action: "campaign.update", targetType: "campaign", targetId: id, data: { title: row.title }, ip }, tx);
    return row;
  });
}

async function mustFind(tx: Tx, id: string): Promise<CampaignRow> {
  const row = await tx.campaign.findUnique({ where: { id } });
  if (!row) throw new AppError("not_found", "Không tìm thấy chiến dịch này.");
  return row;
}

type Move = "submit" | "approve" | "pause" | "resume" | "cancel";

const MOVE_FROM: Record<Move, readonly CampaignStatus[]> = {
  submit: ["draft"],
  approve: ["submitted"],
  pause: ["approved", "sending"],
  resume: ["paused"],
  cancel: ["draft", "submitted", "approved", "sending", "paused"],
};

const REFUSED: Record<Move, string> = {
  submit: "Chỉ gửi duyệt được bản nháp.",
  approve: "Chỉ duyệt được chiến dịch đang chờ duyệt.",
  pause: "Chỉ tạm dừng được chiến dịch đã duyệt hoặc đang gửi.",
  resume: "Chỉ tiếp tục được chiến dịch đang tạm dừng.",
  cancel: "Chiến dịch đã kết thúc hoặc đã hủy.",
};

/** Submits, approves, pauses, resumes or cancels; the database decides races (the status is part of the update). */
export async function moveCampaign(ctx: AppContext, officer: SignedInOfficer, id: string, move: Move, ip: string | null) {
  const now = ctx.now();
  return ctx.db.$transaction(async (tx) => {
    const before = await mustFind(tx, id);
    if (!(MOVE_FROM[move] as readonly string[]).includes(before.status)) {
      throw new AppError("conflict", `${REFUSED[move]} Chiến dịch này đang ở trạng thái “${STATUS_LABELS[before.status as CampaignStatus] ?? before.status}”.`);
    }
    let data: Record<string, unknown>;
    switch (move) {
      case "submit":
        data = { status: "submitted", submittedAt: now };
        break;
      case "approve": {
        if (before.createdById === officer.id) {
          throw new AppError("forbidden", "Người soạn chiến dịch không tự duyệt được: cần một người khác có quyền duyệt.");
        }
        const c = parseCampaign(before);
        if (c.kind === "zalo_article") {
          const availability = articleAvailabilityOf(ctx);
          if (!availability.available) throw new AppError("conflict", availability.reason!);
        }
        const at = firstRunAt({ scheduledAt: before.scheduledAt, recurrence: c.recurrence }, now);
        if (!at) throw new AppError("conflict", "Khoảng thời gian nhắc lại đã qua: không còn lần gửi nào. Hãy sửa lịch gửi.");
        data = { status: "approved", approvedById: officer.id, approvedAt: now, nextRunAt: at };
        break;
      }
      case "pause":
        data = { status: "paused", pausedAt: now };
        break;
      case "resume": {
        const open =
          (await tx.campaignDelivery.count({ where: { campaignId: id, state: { in: ["queued", "sending"] } } })) +
          (await tx.campaignBroadcast.count({ where: { campaignId: id, state: { in: ["queued", "sending"] } } }));
        data = { status: open > 0 ? "sending" : before.nextRunAt ? "approved" : "done", pausedAt: null, ...(open > 0 || before.nextRunAt ? {} : { finishedAt: now }) };
        break;
      }
      case "cancel":
        data = { status: "cancelled", cancelledAt: now, nextRunAt: null };
        await tx.campaignDelivery.updateMany({ where: { campaignId: id, state: "queued" }, data: { state: "skipped", reason: "cancelled", lockedBy: null, lockedUntil: null } });
        await tx.campaignBroadcast.updateMany({ where: { campaignId: id, state: "queued" }, data: { state: "skipped", reason: "cancelled", lockedBy: null, lockedUntil: null } });
        break;
    }
    const { count } = await tx.campaign.updateMany({ where: { id, status: before.status, version: before.version }, data: { ...data, version: { increment: 1 } } });
    if (count !== 1) throw new AppError("stale", "Chiến dịch vừa được người khác thay đổi. Tải lại trang rồi thử lại.");
    await recordAudit(ctx, { officerId: officer.id, action: `campaign.${move}`, targetType: "campaign", targetId: id, data: { title: before.title }, ip }, tx);
    return tx.campaign.findUniqueOrThrow({ where: { id } });
  });
}

export async function countDeliveries(tx: Tx, campaignIds: string[]): Promise<Map<string, CampaignCounts>> {
  const out = new Map<string, CampaignCounts>();
  const blank = (): CampaignCounts => ({ total: 0, queued: 0, sending: 0, sent: 0, delivered: 0, seen: 0, failed: 0, skipped: 0, byReason: {}, held: 0 });
  for (const id of campaignIds) out.set(id, blank());
  if (campaignIds.length === 0) return out;
  const groups = await tx.campaignDelivery.groupBy({ by: ["campaignId", "state", "reason"], where: { campaignId: { in: campaignIds } }, _count: { _all: true } });
  for (const g of groups) {
    const c = out.get(g.campaignId)!;
    const n = g._count._all;
    c.total += n;
    if ((DELIVERY_STATES as readonly string[]).includes(g.state)) c[g.state as (typeof DELIVERY_STATES)[number]] += n;
    if (g.reason && (g.state === "skipped" || g.state === "failed")) c.byReason[g.reason] = (c.byReason[g.reason] ?? 0) + n;
  }
  const receipts = await tx.campaignDelivery.groupBy({ by: ["campaignId"], where: { campaignId: { in: campaignIds }, deliveredAt: { not: null } }, _count: { _all: true } });
  for (const r of receipts) out.get(r.campaignId)!.delivered = r._count._all;
  const seen = await tx.campaignDelivery.groupBy({ by: ["campaignId"], where: { campaignId: { in: campaignIds }, seenAt: { not: null } }, _count: { _all: true } });
  for (const r of seen) out.get(r.campaignId)!.seen = r._count._all;
  const held = await tx.campaignDelivery.groupBy({ by: ["campaignId"], where: { campaignId: { in: campaignIds }, state: "queued", heldReason: { not: null } }, _count: { _all: true } });
  for (const r of held) out.get(r.campaignId)!.held = r._count._all;
  return out;
}

export async function countAudience(ctx: AppContext, topic: string, audience: Audience): Promise<number> {
  return (await findAudience(ctx.db, topic, audience)).length;
}
