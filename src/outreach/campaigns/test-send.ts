/**
 * A campaign sent to its editor's own chat before approval. The editor links a chat once: the console gives a
 * one-time code ("kt123456", 15 minutes), typed in the bot on Telegram, Zalo or the web chat (or opened as
 * t.me/<bot>?start=kt123456, /chat?ma=kt123456). Only the officer who asked for the code gets that chat.
 *
 * @example const { code } = await newTestLinkCode(ctx, officer, ip); … await testSend(ctx, i18n, officer, campaignId, ip)
 */
import { randomInt } from "node:crypto";
import type { ChannelName } from "../../channels/types.ts";
import type { AppContext } from "../../context.ts";
import type { Tx } from "../../db/client.ts";
import { AppError } from "../../http/errors.ts";
import type { Translator } from "../../i18n/index.ts";
import { recordAudit } from "../../officers/record-audit.ts";
import type { SignedInOfficer } from "../../officers/roles.ts";
import { enqueueMessages, PRIORITY } from "../../outbox/enqueue.ts";
import type { Vault } from "../../security/crypto.ts";
import { campaignClip, composeCampaignMessage } from "./compose.ts";
import { parseCampaign } from "./manage-campaigns.ts";

export const TEST_LINK_CODE = /^kt(\d{6})$/i;
const CODE_MINUTES = 15;

const hashOf = (vault: Vault, digits: string) => vault.hash(`campaign-test-link:${digits}`);

export async function newTestLinkCode(ctx: AppContext, officer: SignedInOfficer, ip: string | null): Promise<{ code: string; expiresAt: Date }> {
  const digits = String(randomInt(0, 1_000_000)).padStart(6, "0");
  const expiresAt = new Date(ctx.now().getTime() + CODE_MINUTES * 60_000);
  await ctx.db.officer.update({ where: { id: officer.id }, data: { testLinkCodeHash: hashOf(ctx.vault, digits), testLinkCodeExpires: expiresAt } });
  await recordAudit(ctx, { officerId: officer.id, action: "campaign.test_link_code", targetType: "officer", targetId: officer.id, ip });
  return { code: `kt${digits}`, expiresAt };
}

/** Links the chat that typed a valid code to its officer (single use); the officer's name, or null. */
export async function linkTestChat(tx: Tx, vault: Vault, typed: string, contactId: string, now: Date): Promise<string | null> {
  const m = TEST_LINK_CODE.exec(typed.trim());
  if (!m) return null;
  const officer = await tx.officer.findFirst({ where: { testLinkCodeHash: hashOf(vault, m[1]!), testLinkCodeExpires: { gt: now }, disabledAt: null } });
  if (!officer) return null;
  await tx.officer.update({ where: { id: officer.id }, data: { testContactId: contactId, testLinkCodeHash: null, testLinkCodeExpires: null } });
  return officer.displayName;
}

/** Sends the campaign, in every language it has, to the editor's linked chat; how many messages and where. */
export async function testSend(ctx: AppContext, i18n: Translator, officer: SignedInOfficer, campaignId: string, ip: string | null): Promise<{ messages: number; channel: ChannelName }> {
  const kind = await ctx.db.campaign.findUnique({ where: { id: campaignId }, select: { kind: true } });
  if (kind?.kind === "zalo_article") {
    throw new AppError("conflict", "Bài viết Zalo không gửi thử từ Tin Báo được (Zalo chỉ gửi bài viết tới mọi người quan tâm khớp bộ lọc). Hãy mở bài viết trong Zalo OA Manager để xem trước.");
  }
  const me = await ctx.db.officer.findUniqueOrThrow({ where: { id: officer.id }, select: { testContactId: true } });
  const contact = me.testContactId ? await ctx.db.contact.findUnique({ where: { id: me.testContactId } }) : null;
  if (!contact) {
    throw new AppError("conflict", "Chưa liên kết máy của bạn. Bấm “Lấy mã liên kết”, rồi gõ mã đó vào Tin Báo trên Telegram, Zalo hoặc khung chat web.");
  }
  const row = await ctx.db.campaign.findUnique({ where: { id: campaignId } });
  if (!row) throw new AppError("not_found", "Không tìm thấy chiến dịch này.");
  const c = parseCampaign(row);
  // A language with its own text, or only a reviewed recording (then the recording with the Vietnamese text).
  const languages = (["vi", "hre", "cua"] as const).filter((l) => l === "vi" || c.variants[l] || campaignClip(i18n, campaignId, l));
  const channel = contact.channel as ChannelName;
  const at = ctx.now().getTime();
  await ctx.db.$transaction(async (tx) => {
    await enqueueMessages(
      tx,
      ctx.vault,
      languages.map((l) => ({
        channel,
        chatId: ctx.vault.decrypt(contact.platformIdEnc),
        contactId: contact.id,
        message: { ...composeCampaignMessage(i18n, c, l, { mediaDir: ctx.config.mediaDir }), text: `[Gửi thử${l === "vi" ? "" : ` · ${i18n.languages.find((x) => x.code === l)?.label ?? l}`}] ${c.variants[l]?.text ?? c.variants.vi.text}` },
        dedupeKey: `campaign-test:${campaignId}:${at}:${l}`,
        priority: PRIORITY.notice,
      })),
    );
    await recordAudit(ctx, { officerId: officer.id, action: "campaign.test_send", targetType: "campaign", targetId: campaignId, data: { title: row.title, channel }, ip }, tx);
  });
  ctx.bus.emit("outbox:queued");
  return { messages: languages.length, channel };
}
