/**
 * Decides, before a byte of an upload is read, whether this visitor may send a file now: only
 * while their conversation step expects evidence (409 otherwise), within their report's and
 * their address's quotas (429), at most two uploads at once per address (429), and only while
 * the media disk keeps its free-space floor (507). Says how many bytes the file may have.
 *
 * @example const permit = await permitUpload(ctx, slots, { visitor, ip: req.ip, declaredBytes }); try { … } finally { permit.release(); }
 */
import type { AppContext } from "../../context.ts";
import { AppError } from "../../http/errors.ts";
import { chatKeyOf } from "../../inbox/store-event.ts";
import { loadSession } from "../../conversation/session-store.ts";
import { evidenceTipId, expectsEvidence } from "../../conversation/expects-evidence.ts";
import { checkUploadQuota, type QuotaRefusal, type UploadScope } from "../../media/upload-quota.ts";
import { hasRoomFor } from "../../media/disk-space.ts";
import { minutesUntil } from "../../security/rate-limit.ts";
import { ConcurrencySlots } from "../../security/local-limits.ts";

/** Uploads running at once from one address, in this process. */
export const MAX_UPLOADS_PER_ADDRESS = 2;
/** How long an upload waits for the visitor's earlier messages to be processed before judging their step. */
const SETTLE_WAIT_MS = 3_000;

export interface UploadPermit {
  scope: UploadScope;
  expected: "any" | "voice";
  /** The largest file accepted now, and what sets that bound (the per-file limit or a quota). */
  maxBytes: number;
  binding: "file" | "report" | "address";
  release(): void;
}

/** In-process count of running uploads per address. */
export class UploadSlots extends ConcurrencySlots {
  constructor() {
    super(MAX_UPLOADS_PER_ADDRESS);
  }
}

export const NOT_EXPECTED =
  "Bạn chỉ gửi ảnh, video hay tệp khi đang báo tin (sau khi kể lại sự việc) hoặc khi đang mở một tin đã báo. " +
  "Bấm “Báo tin” để bắt đầu nhé.";
export const VOICE_ONLY = "Ở bước này bạn kể lại sự việc bằng chữ hoặc gửi ghi âm. Ảnh, video và tệp khác bạn gửi ở bước sau nhé.";

const mb = (bytes: number) => Math.max(1, Math.round(bytes / 1024 / 1024));

/** The resident-facing refusal for a quota that is used up. */
export function quotaError(ctx: Pick<AppContext, "now">, refusal: QuotaRefusal): AppError {
  if (refusal.reason === "address") {
    return new AppError(
      "too_many_requests",
      `Mạng của bạn đã gửi nhiều tệp trong giờ qua. Bạn thử lại sau ${minutesUntil(refusal.retryAt, ctx.now())} phút nhé. Lời kể bằng chữ vẫn gửi được như thường.`,
    );
  }
  if (refusal.reason === "files") {
    return new AppError(
      "too_many_requests",
      refusal.tip
        ? `Tin báo này đã nhận đủ ${refusal.limit} tệp trong hôm nay. Bạn vẫn gõ thêm lời nhắn được; tệp khác bạn gửi vào ngày mai nhé.`
        : `Mỗi tin báo gửi kèm được tối đa ${refusal.limit} tệp, bạn đã gửi đủ. Bấm “Xong” để đi tiếp nhé.`,
    );
  }
  return new AppError(
    "too_many_requests",
    refusal.tip
      ? `Các tệp gửi thêm cho tin báo này trong một ngày được tối đa ${mb(refusal.limit)} MB, đã gần đủ. Bạn vẫn gõ thêm lời nhắn được nhé.`
      : `Các tệp gửi kèm một tin báo được tối đa ${mb(refusal.limit)} MB, tin này đã gần đủ. Bạn gửi tệp nhỏ hơn, hoặc bấm “Xong” để đi tiếp nhé.`,
  );
}

/** Checks everything that can be known before reading the body; throws the AppError the visitor reads. */
export async function permitUpload(
  ctx: AppContext,
  slots: UploadSlots,
  input: { visitor: string; ip: string; declaredBytes: number | undefined },
): Promise<UploadPermit> {
  const platformIdHash = ctx.vault.hash(`contact:webchat:${input.visitor}`);
  const contact = await ctx.db.contact.findUnique({ where: { channel_platformIdHash: { channel: "webchat", platformIdHash } }, select: { id: true } });
  if (!contact) throw new AppError("conflict", NOT_EXPECTED);
  await waitForChat(ctx, chatKeyOf(ctx, "webchat", input.visitor));
  const session = await loadSession(ctx, ctx.db, contact.id);
  const expected = expectsEvidence(session);
  // On the other channels a voice message at the menu starts a report; here the visitor taps "Báo tin"
  // first (it is on screen), so a stranger's upload never lands without a report in progress.
  if (!session || !expected || session.flow === "menu") throw new AppError("conflict", NOT_EXPECTED);

  const release = slots.take(input.ip);
  if (!release) throw new AppError("too_many_requests", `Bạn đang gửi ${MAX_UPLOADS_PER_ADDRESS} tệp cùng lúc. Chờ gửi xong rồi gửi tiếp nhé.`);
  try {
    const tipId = evidenceTipId(session);
    const scope: UploadScope = { contactId: contact.id, ip: input.ip, ...(tipId ? { tipId } : {}) };
    const fileLimit = ctx.config.maxUploadBytes;
    const quota = await checkUploadQuota(ctx, scope, Math.min(input.declaredBytes ?? 1, fileLimit));
    if (!quota.allowed) throw quotaError(ctx, quota);
    if (!(await hasRoomFor(ctx.config.mediaDir, input.declaredBytes ?? fileLimit, ctx.config.mediaMinFreeBytes))) {
      ctx.log.warn({ channel: "webchat" }, "upload refused: the media disk is at its free-space floor");
      throw new AppError(
        "insufficient_storage",
        "Máy chủ tạm thời chưa nhận thêm tệp được. Bạn cứ kể bằng chữ, tin báo vẫn được ghi nhận đầy đủ; tệp bạn gửi lại sau nhé.",
      );
    }
    const binding = fileLimit <= quota.maxBytes ? "file" : quota.binding;
    return { scope, expected, maxBytes: Math.min(fileLimit, quota.maxBytes), binding, release };
  } catch (err) {
    release();
    throw err;
  }
}

/** Waits (briefly) until the visitor's earlier messages are processed, so their step is current. */
async function waitForChat(ctx: AppContext, chatKey: string): Promise<void> {
  const until = Date.now() + SETTLE_WAIT_MS;
  while (Date.now() < until) {
    const open = await ctx.db.inboundEvent.count({ where: { chatKey, status: { in: ["pending", "processing"] } } });
    if (open === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
