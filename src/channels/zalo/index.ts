/**
 * The Zalo Official Account channel: one object implementing the Channel contract (src/channels/types.ts) on a
 * small OA Open API client (client.ts) over `fetch`. No SDK: the npm ones target retired API versions.
 *
 *   const zalo = createZaloChannel(config.zalo, { db, vault, log, now });
 *   zalo.verifyWebhook(headers, rawBody); zalo.receive(event); await zalo.send(userId, message);
 *   zalo.alarms(); // [{ code: "zalo_reauth_required", message: "…" }] when an OA admin must grant access again
 *
 * The webhook itself (POST /webhooks/zalo) is registered by hand in the Zalo developer console; there is no API.
 */
import type { ZaloConfig } from "../../config.ts";
import type { Db } from "../../db/client.ts";
import type { Logger } from "../../log.ts";
import type { Vault } from "../../security/crypto.ts";
import type { Channel } from "../types.ts";
import { zaloCapabilities } from "./capabilities.ts";
import { createOaApi, type OaApi } from "./client.ts";
import { downloadAttachment } from "./download.ts";
import { DEFAULT_ERROR_POLICY, type ErrorPolicy } from "./errors.ts";
import { planMessages, type ButtonShape, type PlanOptions } from "./plan.ts";
import { broadcastArticle } from "./broadcast.ts";
import { receiveEvent } from "./receive.ts";
import { createClipCache, sendMessage, sendTemplate, type RecordedClip } from "./send.ts";
import { createTokenKeeper, type TokenKeeper } from "./tokens.ts";
import { verifyZaloWebhook } from "./webhook.ts";

export { zaloCapabilities } from "./capabilities.ts";
export { PATHS, type OaApi } from "./client.ts";
export { REAUTH_ALARM } from "./tokens.ts";
export { SIGNATURE_HEADER } from "./webhook.ts";
export { sendImage, uploadImage, type RecordedClip } from "./send.ts";

export const WEBHOOK_PATH = "/webhooks/zalo";
/** Prefix of every button payload: a text starting with it is a button press. Residents do not type "#tb:". */
export const DEFAULT_BUTTON_PREFIX = "#tb:";

export interface ZaloChannelOptions {
  /** Timeout of each API call (default 10 s). */
  callTimeoutMs?: number;
  /** Timeout of a whole attachment download (default 2 min). */
  downloadTimeoutMs?: number;
  /** Prefix of `oa.query.hide` payloads (default "#tb:"). */
  buttonPrefix?: string;
  /** The v3 wrapper for a text with buttons (UNCONFIRMED; default "text_with_buttons", see plan.ts). */
  buttonShape?: ButtonShape;
  /** Buttons Zalo shows on one message (UNCONFIRMED; default 5); more go in follow-up messages. */
  maxButtonsPerMessage?: number;
  /** Text of those follow-up messages (default "Thêm lựa chọn:"). */
  moreChoicesText?: string;
  /** Send recorded prompts as file attachments (default true). */
  sendAudio?: boolean;
  /** How long an uploaded clip's token is reused (default 24 h; Zalo's lifetime for uploads is UNCONFIRMED). */
  uploadCacheMs?: number;
  /** Largest clip uploaded (default 5 MB, Zalo's documented file limit). */
  uploadFileMaxBytes?: number;
  /**
   * A translator's clip (src/audio/clip-files.ts) by its file: the copy to upload (M4A) and its public link for when
   * Zalo refuses audio files. Undefined for any other file. The service builds it from MEDIA_DIR and PUBLIC_URL.
   */
  recordedClip?: (file: string) => RecordedClip | undefined;
  /** Refresh the access token this long before it expires (default 5 h: after 20 h of a 25 h token). */
  refreshBeforeExpiryMs?: number;
  /** Lease on the credential row while refreshing (default 30 s). */
  tokenLeaseMs?: number;
  /** How often a process waiting for another's refresh looks (default 100 ms). */
  tokenWaitPollMs?: number;
  /** How often a running service checks whether the token is due (default 10 min). */
  refreshCheckMs?: number;
  /** Webhook events dated further in the future are refused (default 60 s of clock skew). */
  maxFutureSkewSeconds?: number;
  /** Token error codes and waits after -32 / quota errors. */
  errorPolicy?: Partial<ErrorPolicy>;
}

export interface ZaloDeps {
  db: Db;
  vault: Vault;
  log: Logger;
  now: () => Date;
}

/** The channel plus the parts tests and tools reach for (the API client, the token keeper). */
export type ZaloChannel = Channel & { readonly api: OaApi; readonly tokens: TokenKeeper };

/**
 * @example createZaloChannel(config.zalo, { db: ctx.db, vault: ctx.vault, log, now: ctx.now })
 */
export function createZaloChannel(config: ZaloConfig, deps: ZaloDeps, options: ZaloChannelOptions = {}): ZaloChannel {
  const log = deps.log.child({ channel: "zalo" });
  const callTimeoutMs = options.callTimeoutMs ?? 10_000;
  const errorPolicy: ErrorPolicy = { ...DEFAULT_ERROR_POLICY, ...options.errorPolicy };
  const tokens = createTokenKeeper(config, { ...deps, log }, {
    refreshBeforeExpiryMs: options.refreshBeforeExpiryMs ?? 5 * 3600_000,
    leaseMs: options.tokenLeaseMs ?? 30_000,
    waitPollMs: options.tokenWaitPollMs ?? 100,
    callTimeoutMs,
  });
  const api = createOaApi({ apiBase: config.apiBase, tokens, callTimeoutMs, now: deps.now, errorPolicy });
  const clips = createClipCache(api, { ttlMs: options.uploadCacheMs ?? 24 * 3600_000, maxBytes: options.uploadFileMaxBytes ?? 5 * 1024 * 1024, now: deps.now });
  const buttonPrefix = options.buttonPrefix ?? DEFAULT_BUTTON_PREFIX;
  const plan: PlanOptions = {
    buttonPrefix,
    buttonShape: options.buttonShape ?? "text_with_buttons",
    maxButtonsPerMessage: options.maxButtonsPerMessage ?? 5,
    moreChoicesText: options.moreChoicesText ?? "Thêm lựa chọn:",
    sendAudio: options.sendAudio ?? true,
  };
  const keyOf = (userId: string): string => deps.vault.hash(`zalo-user:${userId}`).slice(0, 16);
  let timer: NodeJS.Timeout | undefined;

  return {
    name: "zalo",
    capabilities: zaloCapabilities,
    api,
    tokens,

    verifyWebhook: (headers, rawBody) =>
      verifyZaloWebhook(headers, rawBody, {
        appId: config.appId,
        oaSecretKey: config.oaSecretKey,
        maxAgeSeconds: config.webhookMaxAgeSeconds,
        maxFutureSeconds: options.maxFutureSkewSeconds ?? 60,
        now: deps.now,
      }),

    receive: (payload) => receiveEvent(payload, { buttonPrefix, keyOf, now: deps.now }),

    send: (userId, message) => sendMessage(api, clips, userId, message, plan, log, options.recordedClip),

    // One message per planned step: the image, the clip (as a file, or its "▶ 🔊" link), each text part.
    messagesIn(message) {
      try {
        return Math.max(1, planMessages(message, plan).length);
      } catch {
        return 1;
      }
    },

    sendTemplate: (userId, templateId, data) => sendTemplate(api, userId, templateId, data),

    broadcastArticle: (body) => broadcastArticle(api, config.articleBroadcast?.path ?? "/v2.0/oa/message", body),

    download: (media, maxBytes) => downloadAttachment(media, maxBytes, { headersMs: callTimeoutMs, totalMs: options.downloadTimeoutMs ?? 120_000 }),

    alarms: () => tokens.alarms(),

    async start() {
      await tokens.load();
      const check = (): void => {
        tokens.refreshIfDue().catch((error: unknown) => log.warn({ err: error }, "zalo: scheduled token refresh failed"));
      };
      timer = setInterval(check, options.refreshCheckMs ?? 10 * 60_000);
      timer.unref();
      log.info({ webhookPath: WEBHOOK_PATH }, "zalo channel ready (the webhook URL is set in the Zalo developer console)");
    },

    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
