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
import type { ChannelName, OutboundMessage } from "../channels/types.ts";
import type { Tx } from "../db/client.ts";
import { AppError } from "../http/errors.ts";
import { createTranslator, type Translator } from "../i18n/index.ts";
import { recordAudit } from "../officers/record-audit.ts";
import type { SignedInOfficer } from "../officers/roles.ts";
import { enqueueMessages, PRIORITY } from "../outbox/enqueue.ts";
import type { Vault } from "../security/crypto.ts";
import { fold, normalizeText } from "../text/normalize.ts";
import { followersOf, openThreadIfIdle } from "../conversation/session-store.ts";

let translator: Promise<Translator> | undefined;
/** The translator, with the reviewed workbench translations read through `db` (the caller's transaction, if any). */
async function i18n(db?: Pick<Tx, "translation" | "audioClip" | "$queryRaw">): Promise<Translator> {
  translator ??= createTranslator();
  const t = await translator;
  if (db) await t.refresh?.(db);
  return t;
}

export const REPLY_PAYLOAD_PREFIX = "tipreply:";
export const MAX_OFFICER_MESSAGE_CHARS = 4_000;

export interface ReplyWindow {
  open: boolean;
  closesAt: string | null;
  /** Why the officer cannot write now, in Vietnamese; null when they can. */
  message: string | null;
}

/**
 * Can a message reach the reporter now, in at least one of the chats that follow the tip (the one
 * that filed it, and any that opened it with its codes)? The window that is open is reported.
 */
export async function replyWindowOf(
  ctx: { db: Pick<Tx, "contact" | "tipFollower">; now(): Date; channels: AppContext["channels"] },
  tip: { id: string; contactId: string | null; channel: string },
): Promise<ReplyWindow> {
  const followers = await ctx.db.tipFollower.findMany({ where: { tipId: tip.id }, orderBy: { verifiedAt: "desc" }, select: { contactId: true } });
  const first = await contactWindow(ctx, tip.contactId);
  if (first.open) return first;
  for (const f of followers) {
    const window = await contactWindow(ctx, f.contactId);
    if (window.open) return window;
  }
  return first;
}

/** Can a message reach this contact now? Zalo lets an account reply only within 7 days of the resident's last message. */
async function contactWindow(ctx: { db: Pick<Tx, "contact">; now(): Date; channels: AppContext["channels"] }, contactId: string | null): Promise<ReplyWindow> {
  const tip = { contactId };
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

/**
 * The chats a tip's messages go to: the one that filed it and every chat that opened it with its
 * two codes (decided in ARCHITECTURE.md: every verified chat, so a reporter who moved to another
 * phone is reached and the first chat is never silently cut off). Chats the message cannot reach
 * now (blocked, closed Zalo window, channel off) are left out.
 */
async function reportersOf(
  ctx: { db: Tx; vault: Vault; now(): Date; channels: AppContext["channels"] },
  tip: { id: string; contactId: string | null; language: string },
): Promise<Reporter[]> {
  const t = await i18n();
  const reporters: Reporter[] = [];
  for (const contactId of await followersOf(ctx.db, tip)) {
    if (!(await contactWindow(ctx, contactId)).open) continue;
    const contact = await ctx.db.contact.findUnique({ where: { id: contactId }, select: { id: true, channel: true, platformIdEnc: true, language: true } });
    if (!contact) continue;
    const lng = [contact.language, tip.language].find((l) => l && t.isLanguage(l)) ?? "vi";
    reporters.push({ channel: contact.channel as ChannelName, chatId: ctx.vault.decrypt(contact.platformIdEnc), contactId: contact.id, lng });
  }
  return reporters;
}

/** Queues the status line ("Tin báo QN-7K3P9 của bạn: Công an đang xác minh.") to every chat of the reporter, inside the caller's transaction. */
export async function queueStatusNotice(
  tx: Tx,
  ctx: { vault: Vault; now(): Date; channels: AppContext["channels"] },
  tip: { id: string; reference: string; contactId: string | null; language: string },
  status: string,
  version: number,
): Promise<void> {
  const t = await i18n(tx);
  const reporters = await reportersOf({ ...ctx, db: tx }, tip);
  if (reporters.length === 0) {
    const window = await replyWindowOf({ ...ctx, db: tx }, { ...tip, channel: "" });
    throw new AppError("conflict", window.message ?? "Không còn liên lạc được với người báo tin.");
  }
  await queueToEach(tx, ctx.vault, reporters, tip.id, `tipstatus:${tip.id}:${version}`, PRIORITY.notice, (lng) => ({
    text: t.t(lng, "followUp.statusChanged", { reference: tip.reference, status: t.t(lng, `followUp.status.${status}`) }),
  }));
}

/**
 * One outbox row per chat of the reporter, in each chat's language. The first chat's row keeps the
 * plain key (the console reads an officer message's delivery state by it); the others add their contact.
 */
function queueToEach(tx: Tx, vault: Vault, reporters: Reporter[], tipId: string, key: string, priority: number, message: (lng: string) => OutboundMessage) {
  return enqueueMessages(
    tx,
    vault,
    reporters.map((reporter, i) => ({
      channel: reporter.channel,
      chatId: reporter.chatId,
      contactId: reporter.contactId,
      message: message(reporter.lng),
      dedupeKey: i === 0 ? key : `${key}:${reporter.contactId}`,
      tipId,
      priority,
    })),
  );
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
  const t = await i18n(ctx.db);
  const now = ctx.now();
  await ctx.db.$transaction(async (tx) => {
    const tip = await tx.tip.findUnique({ where: { id: input.tipId }, select: { id: true, reference: true, contactId: true, language: true, channel: true, threadFolded: true } });
    if (!tip) throw new AppError("not_found", "Không tìm thấy tin báo.");
    const window = await replyWindowOf({ ...ctx, db: tx }, tip);
    if (!window.open) throw new AppError("conflict", `Chưa gửi được: ${window.message}`);
    const reporters = await reportersOf({ ...ctx, db: tx }, tip);
    if (reporters.length === 0) throw new AppError("conflict", "Chưa gửi được: không còn liên lạc được với người báo tin.");
    const id = randomUUID();
    await tx.tipMessage.create({ data: { id, tipId: tip.id, direction: "out", body, officerId: input.officer.id, createdAt: now } });
    await tx.tip.update({ where: { id: tip.id }, data: { threadFolded: appendFolded(tip.threadFolded, body), updatedAt: now } });
    await tx.tipEvent.create({
      data: { tipId: tip.id, type: "officer_message", actor: `officer:${input.officer.id}`, createdAt: now, data: JSON.stringify({ by: input.officer.displayName }) },
    });
    await queueToEach(tx, ctx.vault, reporters, tip.id, officerMessageKey(id), PRIORITY.reply, (lng) => ({
      text: t.t(lng, "followUp.officerMessage", { reference: tip.reference, message: body }),
      buttons: [[{ label: t.t(lng, "followUp.replyButton"), payload: `${REPLY_PAYLOAD_PREFIX}${tip.id}` }]],
    }));
    for (const reporter of reporters) await openThreadIfIdle(ctx.vault, tx, reporter.contactId, tip.id);
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
