/**
 * Writing to a tip's reporter from the console, through the outbox and on the channel they used,
 * in their language (Vietnamese where the Hre/Co text is not vetted yet). The chat address is
 * decrypted only to address the outbox row: officers never see it, nothing is logged.
 *
 * An officer's message carries a "Trả lời" (reply) button, and a resident who is not in the
 * middle of something else is put in the tip's thread, so whatever they write next reaches the
 * officer (src/conversation/flows/follow-up.ts, step "open").
 *
 * @example await sendOfficerMessage(ctx, { tipId, body: "Bạn cho biết thêm giờ xảy ra?", officer, ip })
 */
import { randomUUID } from "node:crypto";
import type { AppContext } from "../context.ts";
import type { ChannelName } from "../channels/types.ts";
import type { Tx } from "../db/client.ts";
import { AppError } from "../http/errors.ts";
import { createTranslator, type Translator } from "../i18n/index.ts";
import { recordAudit } from "../officers/record-audit.ts";
import type { SignedInOfficer } from "../officers/roles.ts";
import { enqueueMessages, PRIORITY } from "../outbox/enqueue.ts";
import type { Vault } from "../security/crypto.ts";
import { fold, normalizeText } from "../text/normalize.ts";

let translator: Promise<Translator> | undefined;
function i18n(): Promise<Translator> {
  translator ??= createTranslator();
  return translator;
}

export const REPLY_PAYLOAD_PREFIX = "tipreply:";
export const MAX_OFFICER_MESSAGE_CHARS = 4_000;

export interface ReplyWindow {
  open: boolean;
  closesAt: string | null;
  /** Why the officer cannot write now, in Vietnamese; null when they can. */
  message: string | null;
}

/** Can a message reach the reporter now? Zalo lets an account reply only within 7 days of the resident's last message. */
export async function replyWindowOf(
  ctx: { db: Pick<Tx, "contact">; now(): Date; channels: AppContext["channels"] },
  tip: { contactId: string | null; channel: string },
): Promise<ReplyWindow> {
  if (!tip.contactId) return { open: false, closesAt: null, message: "Không còn liên lạc được với người báo tin (tài khoản chat đã bị xóa)." };
  const contact = await ctx.db.contact.findUnique({ where: { id: tip.contactId }, select: { stoppedAt: true, lastInboundAt: true, channel: true } });
  if (!contact) return { open: false, closesAt: null, message: "Không còn liên lạc được với người báo tin." };
  if (contact.stoppedAt) return { open: false, closesAt: null, message: "Người báo tin đã chặn hoặc bỏ theo dõi tài khoản, tin nhắn sẽ không đến được." };
  const channel = ctx.channels.get(contact.channel as ChannelName);
  if (!channel) return { open: false, closesAt: null, message: `Kênh ${contact.channel} chưa được cấu hình trên máy chủ này, chưa gửi được.` };
  const hours = channel.capabilities.replyWindowHours;
  if (!hours || !contact.lastInboundAt) return { open: true, closesAt: null, message: null };
  const closesAt = new Date(contact.lastInboundAt.getTime() + hours * 3600_000);
  if (closesAt > ctx.now()) return { open: true, closesAt: closesAt.toISOString(), message: null };
  const when = new Intl.DateTimeFormat("vi-VN", { dateStyle: "short", timeStyle: "short", timeZone: "Asia/Ho_Chi_Minh" }).format(closesAt);
  return {
    open: false,
    closesAt: closesAt.toISOString(),
    message: `Đã quá ${Math.round(hours / 24)} ngày kể từ tin nhắn cuối của người báo tin (hết hạn lúc ${when}): Zalo không cho gửi nữa. Tin nhắn sẽ đến khi người báo tin nhắn lại.`,
  };
}

interface Reporter {
  channel: ChannelName;
  chatId: string;
  contactId: string;
  lng: string;
}

async function reporterOf(tx: Tx, vault: Vault, tip: { contactId: string | null; language: string }): Promise<Reporter> {
  const contact = tip.contactId ? await tx.contact.findUnique({ where: { id: tip.contactId }, select: { id: true, channel: true, platformIdEnc: true, language: true } }) : null;
  if (!contact) throw new AppError("conflict", "Không còn liên lạc được với người báo tin (tài khoản chat đã bị xóa).");
  const t = await i18n();
  const lng = [contact.language, tip.language].find((l) => l && t.isLanguage(l)) ?? "vi";
  return { channel: contact.channel as ChannelName, chatId: vault.decrypt(contact.platformIdEnc), contactId: contact.id, lng };
}

/** Queues the status line ("Tin báo QN-7K3P9 của bạn: Công an đang xác minh.") to the reporter, inside the caller's transaction. */
export async function queueStatusNotice(
  tx: Tx,
  vault: Vault,
  tip: { id: string; reference: string; contactId: string | null; language: string },
  status: string,
  version: number,
): Promise<void> {
  const reporter = await reporterOf(tx, vault, tip);
  const t = await i18n();
  const text = t.t(reporter.lng, "followUp.statusChanged", { reference: tip.reference, status: t.t(reporter.lng, `followUp.status.${status}`) });
  await enqueueMessages(tx, vault, [
    { channel: reporter.channel, chatId: reporter.chatId, contactId: reporter.contactId, message: { text }, dedupeKey: `tipstatus:${tip.id}:${version}`, tipId: tip.id, priority: PRIORITY.notice },
  ]);
}

export interface OfficerMessageInput {
  tipId: string;
  body: string;
  officer: SignedInOfficer;
  ip?: string | null;
}

/** Refused (409) when the message could not reach the reporter: the reply window is closed, they blocked the account, or the channel is off here. */
export async function sendOfficerMessage(ctx: Pick<AppContext, "db" | "now" | "vault" | "bus" | "channels">, input: OfficerMessageInput): Promise<void> {
  const body = normalizeText(input.body);
  if (!body) throw new AppError("validation_failed", "Tin nhắn không được để trống.");
  if (Array.from(body).length > MAX_OFFICER_MESSAGE_CHARS) {
    throw new AppError("validation_failed", `Tin nhắn dài quá, tối đa ${MAX_OFFICER_MESSAGE_CHARS} ký tự.`);
  }
  const t = await i18n();
  const now = ctx.now();
  await ctx.db.$transaction(async (tx) => {
    const tip = await tx.tip.findUnique({ where: { id: input.tipId }, select: { id: true, reference: true, contactId: true, language: true, channel: true, threadFolded: true } });
    if (!tip) throw new AppError("not_found", "Không tìm thấy tin báo.");
    const window = await replyWindowOf({ ...ctx, db: tx }, tip);
    if (!window.open) throw new AppError("conflict", `Chưa gửi được: ${window.message}`);
    const reporter = await reporterOf(tx, ctx.vault, tip);
    const id = randomUUID();
    await tx.tipMessage.create({ data: { id, tipId: tip.id, direction: "out", body, officerId: input.officer.id, createdAt: now } });
    await tx.tip.update({ where: { id: tip.id }, data: { threadFolded: appendFolded(tip.threadFolded, body), updatedAt: now } });
    await tx.tipEvent.create({
      data: { tipId: tip.id, type: "officer_message", actor: `officer:${input.officer.id}`, createdAt: now, data: JSON.stringify({ by: input.officer.displayName }) },
    });
    await enqueueMessages(tx, ctx.vault, [
      {
        channel: reporter.channel,
        chatId: reporter.chatId,
        contactId: reporter.contactId,
        message: {
          text: t.t(reporter.lng, "followUp.officerMessage", { reference: tip.reference, message: body }),
          buttons: [[{ label: t.t(reporter.lng, "followUp.replyButton"), payload: `${REPLY_PAYLOAD_PREFIX}${tip.id}` }]],
        },
        dedupeKey: officerMessageKey(id),
        tipId: tip.id,
      },
    ]);
    await openThreadIfIdle(tx, ctx.vault, reporter.contactId, tip.id);
    await recordAudit(ctx, { officerId: input.officer.id, action: "tip.message", targetType: "tip", targetId: tip.id, data: { reference: tip.reference, messageId: id }, ip: input.ip ?? null }, tx);
  });
  ctx.bus.emit("outbox:queued");
  ctx.bus.emit("tip:changed", input.tipId);
}

/** The outbox row of an officer's message (its delivery state is read back by this key). */
export function officerMessageKey(messageId: string): string {
  return `tipmsg:${messageId}`;
}

/** Keeps the thread searchable without diacritics; bounded so a long conversation cannot grow a row without end. */
export function appendFolded(previous: string, text: string): string {
  const next = previous ? `${previous} ${fold(text)}` : fold(text);
  return next.length > 20_000 ? next.slice(next.length - 20_000) : next;
}

/** A resident at the main menu (or with no conversation) is put into the tip's thread, so a plain reply reaches the officer. */
async function openThreadIfIdle(tx: Tx, vault: Vault, contactId: string, tipId: string): Promise<void> {
  const conversation = await tx.conversation.findUnique({ where: { contactId }, select: { flow: true, step: true, dataEnc: true } });
  const idle = !conversation || (conversation.flow === "menu" && conversation.step === "main") || (conversation.flow === "followUp" && conversation.step === "open");
  if (!idle) return;
  const previous = conversation ? (JSON.parse(vault.decrypt(conversation.dataEnc)) as { data?: Record<string, unknown> }).data ?? {} : {};
  const kept = Object.fromEntries(Object.entries(previous).filter(([k]) => k.startsWith("_")));
  const dataEnc = vault.encrypt(JSON.stringify({ data: { ...kept, tipId }, history: [] }));
  await tx.conversation.upsert({
    where: { contactId },
    create: { contactId, flow: "followUp", step: "open", dataEnc },
    update: { flow: "followUp", step: "open", dataEnc, version: { increment: 1 } },
  });
}
