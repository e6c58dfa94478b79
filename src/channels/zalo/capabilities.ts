/**
 * What a Zalo Official Account allows, as data: the outbox paces and the conversation engine shapes messages
 * from this, so no other module needs to know Zalo's numbers.
 */
import type { ChannelCapabilities } from "../types.ts";

/** Zalo lets a resident send files up to 1 GB; the evidence store's MAX_UPLOAD_MB is the limit that bites. */
export const ZALO_MAX_DOWNLOAD_BYTES = 1024 * 1024 * 1024;

/** A customer-service message reaches only a user who interacted with the OA in the last 7 days. */
export const ZALO_REPLY_WINDOW_HOURS = 7 * 24;

export const zaloCapabilities: Readonly<ChannelCapabilities> = Object.freeze({
  // Counted in code points after NFC; longer texts are split at sentence or word boundaries.
  textMaxChars: 2000,
  // Our own limit on the engine's ids ("cat:school_violence"); with the "#tb:" prefix a clicked button comes back
  // as a 68-character text, far under what Zalo accepts for an oa.query.hide payload.
  buttonPayloadMaxBytes: 64,
  buttonLabelMaxChars: 100,
  maxDownloadBytes: ZALO_MAX_DOWNLOAD_BYTES,
  // 4,000 requests a minute per app (~66/s) shared by every call (uploads, token refreshes, user details). A message
  // is usually 1-2 requests (text with buttons; a clip upload is cached), so 30 messages/s stays under the limit.
  // Per resident 1/s: Zalo publishes no per-user figure; a reply and the next question still go out at once
  // (the pacer allows a burst of 3), and a resident is never flooded.
  rate: Object.freeze({ perSecond: 30, perChatPerSecond: 1 }),
  replyWindowHours: ZALO_REPLY_WINDOW_HOURS,
  // Free-form campaign messages only inside the 7-day window (others: an approved ZBS template, or skipped);
  // promotional messages are refused 22:00–06:00 Vietnam time (error -234), so they are held until 06:00.
  // Zalo reports "received" and "seen" per message id, so each delivery keeps its message id.
  bulk: Object.freeze({ perSecond: 30, needsWindow: true, quietHours: Object.freeze({ from: 22, to: 6 }), reportsReceipts: true }),
  // Recorded prompts go as a file attachment before the text (see plan.ts); a clip Zalo refuses is skipped.
  sendsAudio: true,
  // Zalo may refuse a clip (its upload takes documents; the link needs PUBLIC_URL) and the message goes on without
  // it: the text always follows, or a resident could be sent nothing at all.
  sendsClipAlone: false,
  // Zalo has no "share location" or "share phone" button: residents type the place or the number.
  requestsLocation: false,
  requestsContact: false,
});
