/**
 * The inbox handler: one stored inbound event → contact, evidence, conversation step, replies.
 * Files are downloaded before the transaction (slow, idempotent: content-addressed), and only
 * when the resident's step takes them (expects-evidence.ts); everything else — contact, attachment
 * row, session, tip, outbox messages, marking the event done — commits together or not at all, so
 * a retry never duplicates a tip or a reply. Resident text is cleaned once, here (clean-inbound.ts).
 */
import type { AppContext } from "../context.ts";
import type { Tx } from "../db/client.ts";
import type { InboundMessage } from "../channels/types.ts";
import { MediaTooLargeError } from "../channels/types.ts";
import type { InboxHandler } from "../inbox/worker.ts";
import type { Translator } from "../i18n/index.ts";
import { MediaUnavailableError, storeStream, UnsupportedMediaError, type StoredFile } from "../media/store.ts";
import { hasRoomFor } from "../media/disk-space.ts";
import { enqueueMessages } from "../outbox/enqueue.ts";
import type { MediaOutcome, MediaRejection } from "./types.ts";
import { loadSession } from "./session-store.ts";
import { takeTurn } from "./take-turn.ts";
import { acceptsFile, expectsEvidence } from "./expects-evidence.ts";
import { cleanInbound } from "../text/clean-inbound.ts";
import { createTurnBatches, type TurnBatches } from "../db/turn-batches.ts";
import { query, sql } from "../db/sql.ts";

type Download = { status: "stored"; file: StoredFile } | { status: "rejected"; reason: MediaRejection; size?: number; limit: number };

/**
 * `batches`: turns that wait for a transaction at the same time share one (each in its own savepoint,
 * src/db/turn-batches.ts); by default without the SQLite connection's direct savepoints.
 */
export function createInboundHandler(app: AppContext, i18n: Translator, batches: TurnBatches = createTurnBatches({ db: app.db, dialect: app.config.dialect })): InboxHandler {
  return async (job) => {
    const message = cleanInbound(job.message);
    const eventKey = `${message.channel}:${message.externalId}`;
    const download = message.content.type === "media" && (await stepTakes(app, message)) ? await fetchMedia(app, message, job.lastAttempt) : undefined;
    const filed: string[] = [];
    const touched: string[] = [];
    // Translations approved in the console since the last turn (any process) reach this resident now.
    await i18n.refresh?.(app.db, { mediaDir: app.config.mediaDir }).catch((err: unknown) => app.log.warn({ err }, "reviewed translations not reloaded; the previous ones are used"));
    await batches.run(async (tx) => {
      if (message.content.type === "delivery") {
        await recordDelivery(tx, message.channel, message.content, app.now());
        await job.complete(tx);
        return;
      }
      const contact = await upsertContact(app, tx, message);
      const media = download && (await recordAttachment(tx, contact.id, eventKey, message, download));
      const outcome = await takeTurn({ app, i18n, tx, contact, message, media, eventKey, filed, touched });
      await enqueueMessages(
        tx,
        app.vault,
        outcome.replies.map((reply, i) => ({
          channel: message.channel,
          chatId: message.chatId,
          contactId: contact.id,
          message: reply,
          dedupeKey: `in:${job.eventId}:${i}`,
          tipId: filed[0] ?? touched[0],
        })),
      );
      await job.complete(tx);
    }, message.channel);
    app.bus.emit("outbox:queued");
    for (const id of filed) {
      app.log.info({ tipId: id, channel: message.channel }, "tip filed");
      app.bus.emit("tip:created", id);
    }
    for (const id of new Set(touched)) app.bus.emit("tip:changed", id);
  };
}

/** Receipts from the platform: the message arrived / was seen. */
async function recordDelivery(
  tx: Tx,
  channel: string,
  receipt: { status: "delivered" | "seen"; providerMessageIds: string[] },
  at: Date,
): Promise<void> {
  const where = { channel, providerMessageId: { in: receipt.providerMessageIds } };
  await tx.outboxMessage.updateMany({ where: { ...where, deliveredAt: null }, data: { deliveredAt: at } });
  if (receipt.status === "seen") await tx.outboxMessage.updateMany({ where: { ...where, seenAt: null }, data: { seenAt: at } });
  // Campaign messages too: their results count what arrived and what was read.
  await tx.campaignDelivery.updateMany({ where: { ...where, deliveredAt: null }, data: { deliveredAt: at } });
  if (receipt.status === "seen") await tx.campaignDelivery.updateMany({ where: { ...where, seenAt: null }, data: { seenAt: at } });
}

async function upsertContact(app: AppContext, tx: Tx, message: InboundMessage) {
  const platformIdHash = app.vault.hash(`contact:${message.channel}:${message.contact.platformId}`);
  const phone = message.content.type === "contact" && message.content.isOwn ? message.content.phone : undefined;
  if (!phone) {
    // Raw: every turn touches its contact (src/db/sql.ts says why).
    const now = app.now();
    const [seen] = await query<{ id: string; channel: string; language: string | null }>(tx, sql`
      UPDATE "Contact" SET "lastInboundAt" = ${now}, "stoppedAt" = NULL, "updatedAt" = ${new Date()}
      WHERE "channel" = ${message.channel} AND "platformIdHash" = ${platformIdHash}
      RETURNING "id", "channel", "language"`);
    if (seen) return seen;
  }
  const existing = await tx.contact.findUnique({ where: { channel_platformIdHash: { channel: message.channel, platformIdHash } } });
  if (existing) {
    return tx.contact.update({
      where: { id: existing.id },
      data: { lastInboundAt: app.now(), stoppedAt: null, ...(phone ? { phoneEnc: app.vault.encrypt(phone) } : {}) },
    });
  }
  return tx.contact.create({
    data: {
      channel: message.channel,
      platformIdHash,
      platformIdEnc: app.vault.encrypt(message.contact.platformId),
      displayNameEnc: message.contact.displayName ? app.vault.encrypt(message.contact.displayName) : null,
      phoneEnc: phone ? app.vault.encrypt(phone) : null,
      languageHint: message.contact.languageHint ?? null,
      lastInboundAt: app.now(),
    },
  });
}

/**
 * Whether the resident's current step takes this file; a file sent anywhere else is not
 * downloaded (the engine tells them when files are taken). Chats are processed one message at a
 * time, so the session read here is the one the turn starts from.
 */
async function stepTakes(app: AppContext, message: InboundMessage): Promise<boolean> {
  if (message.content.type !== "media") return false;
  const platformIdHash = app.vault.hash(`contact:${message.channel}:${message.contact.platformId}`);
  const contact = await app.db.contact.findUnique({ where: { channel_platformIdHash: { channel: message.channel, platformIdHash } }, select: { id: true } });
  const session = contact ? await loadSession(app, app.db, contact.id) : null;
  return acceptsFile(expectsEvidence(session), message.content.media.kind);
}

async function fetchMedia(app: AppContext, message: InboundMessage, lastAttempt: boolean): Promise<Download> {
  if (message.content.type !== "media") throw new Error("not media");
  const channel = app.channels.get(message.channel)!;
  const limit = Math.min(channel.capabilities.maxDownloadBytes, app.config.maxUploadBytes);
  const media = message.content.media;
  if (media.size !== undefined && media.size > limit) return { status: "rejected", reason: "too_large", size: media.size, limit };
  // Below the floor the disk is kept for the database: the file is refused, the report goes on.
  const room = await hasRoomFor(app.config.mediaDir, media.size ?? limit, app.config.mediaMinFreeBytes).catch(() => false);
  if (!room) {
    app.log.warn({ channel: message.channel, minFreeBytes: app.config.mediaMinFreeBytes }, "evidence refused: the media disk is below its free-space floor");
    return { status: "rejected", reason: "no_space", limit };
  }
  try {
    const stream = await channel.download(media, limit);
    return { status: "stored", file: await storeStream(app.config.mediaDir, stream, limit) };
  } catch (err) {
    if (err instanceof MediaTooLargeError) return { status: "rejected", reason: "too_large", size: err.size, limit };
    if (err instanceof UnsupportedMediaError) return { status: "rejected", reason: "bad_type", limit };
    if (err instanceof MediaUnavailableError) {
      app.log.error({ err, channel: message.channel }, "evidence refused: the media folder cannot take files");
      return { status: "rejected", reason: err.reason, limit };
    }
    // A network failure is retried with the event; on the last attempt the flow goes on without the file.
    if (!lastAttempt) throw err;
    app.log.warn({ err, channel: message.channel }, "evidence download failed for good");
    return { status: "rejected", reason: "failed", limit };
  }
}

async function recordAttachment(tx: Tx, contactId: string, sourceKey: string, message: InboundMessage, download: Download): Promise<MediaOutcome> {
  const media = message.content.type === "media" ? message.content.media : undefined;
  const stored = download.status === "stored" ? download.file : undefined;
  const row = await tx.attachment.create({
    data: {
      contactId,
      sourceKey,
      kind: stored?.kind ?? media?.kind ?? "document",
      mime: stored?.mime ?? media?.mime,
      size: stored?.size ?? media?.size,
      sha256: stored?.sha256,
      storageKey: stored?.storageKey,
      originalName: media?.name,
      status: download.status,
      rejectReason: download.status === "rejected" ? download.reason : null,
    },
  });
  return download.status === "stored"
    ? { status: "stored", attachmentId: row.id, kind: download.file.kind, size: download.file.size }
    : { status: "rejected", attachmentId: row.id, reason: download.reason, size: download.size, limit: download.limit };
}
