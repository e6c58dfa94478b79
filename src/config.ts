/**
 * The only reader of process.env. Parsed once with zod; a bad value stops start-up with a
 * message naming the variable. Every key is documented in .env.example.
 */
import path from "node:path";
import { z } from "zod";

const port = z.coerce.number().int().min(0).max(65535);
const optional = z
  .string()
  .trim()
  .transform((s) => (s === "" ? undefined : s))
  .optional();

const envSchema = z.object({
  NODE_ENV: optional,
  PORT: port.default(3000),
  HOST: z.string().default("127.0.0.1"),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional().or(z.literal("").transform(() => undefined)),
  DATABASE_URL: z
    .string()
    .default("file:./data/tinbao.db")
    .refine((u) => u.startsWith("file:") || /^postgres(ql)?:\/\//.test(u), {
      message: "must be file:<path> (SQLite) or postgresql://… (PostgreSQL)",
    }),
  MEDIA_DIR: z.string().default("./data/media"),
  /** Debian's ffmpeg and ffprobe convert translators' recorded clips (docs/audio.md); a name is looked up on PATH. */
  FFMPEG_PATH: z.string().trim().min(1).default("ffmpeg"),
  FFPROBE_PATH: z.string().trim().min(1).default("ffprobe"),
  DATA_ENCRYPTION_KEY: optional.pipe(
    z
      .string()
      .refine((k) => keyBytes(k)?.length === 32, {
        message: "must be 32 bytes, as 64 hex characters or base64 (openssl rand -base64 32)",
      })
      .optional(),
  ),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  MAX_UPLOAD_MB: z.coerce.number().positive().max(2000).default(20),
  ACK_DEADLINE_HOURS: z.coerce.number().positive().default(24),
  /** An urgent tip (danger now) must be acknowledged this quickly; the duty desk is alerted at once. */
  URGENT_ACK_DEADLINE_MINUTES: z.coerce.number().int().positive().default(60),
  SETTLE_DEADLINE_DAYS: z.coerce.number().positive().default(20),
  INBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  TELEGRAM_BOT_TOKEN: optional.pipe(
    z.string().regex(/^\d+:[A-Za-z0-9_-]{20,}$/, "looks like 123456:ABC… from @BotFather").optional(),
  ),
  TELEGRAM_API_ROOT: z.url().default("https://api.telegram.org"),
  TELEGRAM_WEBHOOK_SECRET: optional.pipe(
    z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, "1-256 characters of A-Z a-z 0-9 _ -").optional(),
  ),
  TELEGRAM_MODE: optional.pipe(z.enum(["webhook", "polling"]).optional()),
  // Campaign messages per second for a bot with paid broadcasts (allow_paid_broadcast, Telegram Stars); unset: the free ~30/s.
  TELEGRAM_BROADCAST_RATE: optional.pipe(z.string().regex(/^\d{1,4}$/, "messages per second, 1-1000").transform(Number).pipe(z.number().int().min(1).max(1000)).optional()),
  // Zalo ZBS templates approved for outreach, by topic: {"scam":"<template_id>"}; a campaign reaches a Zalo resident
  // outside the 7-day window only through its topic's template, and is otherwise skipped (window_closed).
  ZALO_CAMPAIGN_TEMPLATES: optional.pipe(
    z
      .string()
      .refine((s) => {
        try {
          const v = JSON.parse(s) as unknown;
          return !!v && typeof v === "object" && !Array.isArray(v) && Object.values(v).every((x) => typeof x === "string");
        } catch {
          return false;
        }
      }, 'a JSON object from topic to template id, e.g. {"scam":"123456"}')
      .optional(),
  ),
  TELEGRAM_DUTY_CHAT_ID: optional.pipe(
    z.string().regex(/^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$/, "a Telegram chat id: an integer (negative for groups) or @channelname").optional(),
  ),
  // Non-urgent new tips are posted to a duty chat together, at most one message per chat per this many seconds.
  DUTY_ALERT_BATCH_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  // Hour (0-23, Vietnam time) of the daily digest of overdue tips to each duty chat.
  DUTY_DIGEST_HOUR: z.coerce.number().int().min(0).max(23).default(7),
  ZALO_APP_ID: optional,
  ZALO_APP_SECRET: optional,
  ZALO_OA_SECRET_KEY: optional,
  ZALO_API_BASE: z.url().default("https://openapi.zalo.me"),
  ZALO_OAUTH_BASE: z.url().default("https://oauth.zaloapp.com"),
  ZALO_REFRESH_TOKEN: optional,
  // Zalo retries a failed delivery for about 2 hours with the original timestamp; duplicates are dropped by msg_id.
  ZALO_WEBHOOK_MAX_AGE_SECONDS: z.coerce.number().int().min(10).max(86_400).default(7200),
  // The "Bài viết Zalo gửi người quan tâm" campaign kind (one OA broadcast of an Article by Zalo's own follower
  // filters; src/outreach/campaigns/zalo-article.ts). Off unless the OA has Zalo's broadcast permission.
  ZALO_ARTICLE_BROADCAST: z.enum(["on", "off"]).default("off"),
  // Zalo's city codes for the broadcast's "cities" filter, by the Vietnamese name shown to the editor:
  // {"Quảng Ngãi":"<code>"}. UNCONFIRMED: the only public list (a third-party SDK) predates the 2025 merger of
  // provinces, so no code is built in; without this setting the editor has no city filter.
  ZALO_ARTICLE_CITIES: optional.pipe(
    z
      .string()
      .refine((s) => {
        try {
          const v = JSON.parse(s) as unknown;
          return !!v && typeof v === "object" && !Array.isArray(v) && Object.values(v).every((x) => typeof x === "string" && /^\d{1,4}$/.test(x));
        } catch {
          return false;
        }
      }, 'a JSON object from a province name to Zalo\'s city code, e.g. {"Quảng Ngãi":"47"}')
      .optional(),
  ),
  // The broadcast endpoint (UNCONFIRMED beyond two public SDKs): change it without a release if Zalo moves it.
  ZALO_ARTICLE_BROADCAST_PATH: z.string().regex(/^\/v\d\.\d\/[a-z/]+$/, "an OA API path like /v2.0/oa/message").default("/v2.0/oa/message"),
  // --- Limits on what a stranger can repeat or fill (see SECURITY.md) ---
  TRUST_PROXY: optional.pipe(
    z
      .string()
      .regex(/^(off|false|loopback|\d{1,2}|[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*)$/, "off, loopback, a number of proxy hops, or proxy addresses/CIDRs separated by commas")
      .optional(),
  ),
  MEDIA_MIN_FREE_MB: z.coerce.number().int().min(0).max(1_000_000).default(500),
  UPLOAD_MAX_FILES_PER_REPORT: z.coerce.number().int().min(1).max(1000).default(10),
  UPLOAD_MAX_MB_PER_REPORT: z.coerce.number().positive().max(2000).default(100),
  UPLOAD_MAX_MB_PER_ADDRESS_HOUR: z.coerce.number().positive().max(2000).default(200),
  UPLOAD_ORPHAN_HOURS: z.coerce.number().positive().max(24 * 365).default(72),
  WEBCHAT_NEW_VISITORS_PER_ADDRESS_HOUR: z.coerce.number().int().min(1).max(100_000).default(30),
  WEBCHAT_MESSAGES_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(30),
  WEBCHAT_MESSAGES_PER_ADDRESS_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(10_000).default(20),
  LOGIN_LOCK_MINUTES: z.coerce.number().positive().max(24 * 60).default(15),
  SESSION_IDLE_HOURS: z.coerce.number().positive().max(24 * 30).default(12),
  SESSION_MAX_HOURS: z.coerce.number().positive().max(24 * 90).default(24),
  FOLLOWUP_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  FOLLOWUP_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(10_000).default(10),
  FOLLOWUP_LOCK_MINUTES: z.coerce.number().positive().max(24 * 60).default(30),
  OUTBOX_STALL_SECONDS: z.coerce.number().int().min(5).max(86_400).default(120),
  SQLITE_BUSY_WAIT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
});

export type Dialect = "sqlite" | "postgresql";

export interface TelegramConfig {
  token: string;
  apiRoot: string;
  webhookSecret?: string;
  mode: "webhook" | "polling";
  dutyChatId?: string;
  /** Paid broadcast rate (messages/s) for campaigns; undefined: the free rate in the channel's capabilities. */
  broadcastRate?: number;
}

export interface ZaloConfig {
  appId: string;
  appSecret: string;
  oaSecretKey: string;
  apiBase: string;
  oauthBase: string;
  /** The first refresh token only; rotated ones live in the database (ChannelCredential). */
  refreshToken?: string;
  /** Webhook events older than this are refused as replays. */
  webhookMaxAgeSeconds: number;
  /** The Article broadcast to followers (ZALO_ARTICLE_BROADCAST=on), its city codes by name and its path. */
  articleBroadcast?: { enabled: boolean; cities: Record<string, string>; path: string };
}

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  databaseUrl: string;
  dialect: Dialect;
  /** ZALO_CAMPAIGN_TEMPLATES as given (JSON: topic → ZBS template id). */
  zaloCampaignTemplates?: string;
  dataDir: string;
  mediaDir: string;
  /** The converter of recorded clips (src/audio/); without it clip uploads are refused, everything else runs. */
  audio: { ffmpeg: string; ffprobe: string };
  /** 32 raw bytes, or undefined when the embedded default must generate one (SQLite only). */
  encryptionKey?: Buffer;
  logLevel: string;
  maxUploadBytes: number;
  deadlines: { ackHours: number; urgentAckMinutes: number; settleDays: number };
  inboxMaxAttempts: number;
  /** Duty-chat alerts and the daily overdue digest (src/duty/); sent only when Telegram is configured. */
  duty: { alertBatchSeconds: number; digestHour: number };
  telegram?: TelegramConfig;
  zalo?: ZaloConfig;
  /** Express "trust proxy": false unless TRUST_PROXY says which proxies' X-Forwarded-For to believe. */
  trustProxy: boolean | string | number;
  /** Free space kept on the media disk: below it, new files are refused (the tip text is still filed). */
  mediaMinFreeBytes: number;
  uploads: { maxFilesPerReport: number; maxBytesPerReport: number; maxBytesPerAddressHour: number; orphanHours: number };
  webchat: { newVisitorsPerAddressHour: number; messagesPerMinute: number; messagesPerAddressMinute: number };
  login: { maxFailures: number; maxFailuresPerAddress: number; lockMinutes: number };
  sessions: { idleHours: number; maxHours: number };
  followUp: { maxFailures: number; maxFailuresPerAddress: number; lockMinutes: number };
  /** /healthz reports outbox_stalled when a channel's oldest waiting message is older than this. */
  outboxStallSeconds: number;
  /** SQLite: how long a write waits (without blocking the event loop) for another process's lock. */
  sqliteBusyWaitMs: number;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Reads configuration from an env-like object (process.env by default). Throws ConfigError naming each bad key. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty value (`PORT=` in a .env file) means "not set".
  const set = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ""));
  const parsed = envSchema.safeParse(set);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(env)"}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}\nSee .env.example for every setting.`);
  }
  const e = parsed.data;
  const dialect: Dialect = e.DATABASE_URL.startsWith("file:") ? "sqlite" : "postgresql";
  if (dialect === "postgresql" && !e.DATA_ENCRYPTION_KEY) {
    throw new ConfigError(
      "Invalid configuration:\n  DATA_ENCRYPTION_KEY: required with PostgreSQL (every process must share one key); generate one with: openssl rand -base64 32",
    );
  }
  const publicUrl = (e.PUBLIC_URL ?? `http://${e.HOST === "0.0.0.0" ? "localhost" : e.HOST}:${e.PORT}`).replace(/\/$/, "");
  const dataDir = dialect === "sqlite" ? path.dirname(sqlitePath(e.DATABASE_URL)) : "./data";
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    databaseUrl: e.DATABASE_URL,
    dialect,
    zaloCampaignTemplates: e.ZALO_CAMPAIGN_TEMPLATES,
    dataDir,
    mediaDir: e.MEDIA_DIR,
    audio: { ffmpeg: e.FFMPEG_PATH, ffprobe: e.FFPROBE_PATH },
    encryptionKey: e.DATA_ENCRYPTION_KEY ? keyBytes(e.DATA_ENCRYPTION_KEY) : undefined,
    logLevel: e.LOG_LEVEL,
    maxUploadBytes: Math.round(e.MAX_UPLOAD_MB * 1024 * 1024),
    deadlines: { ackHours: e.ACK_DEADLINE_HOURS, urgentAckMinutes: e.URGENT_ACK_DEADLINE_MINUTES, settleDays: e.SETTLE_DEADLINE_DAYS },
    inboxMaxAttempts: e.INBOX_MAX_ATTEMPTS,
    duty: { alertBatchSeconds: e.DUTY_ALERT_BATCH_SECONDS, digestHour: e.DUTY_DIGEST_HOUR },
    trustProxy: trustProxyOf(e.TRUST_PROXY),
    mediaMinFreeBytes: e.MEDIA_MIN_FREE_MB * 1024 * 1024,
    uploads: {
      maxFilesPerReport: e.UPLOAD_MAX_FILES_PER_REPORT,
      maxBytesPerReport: Math.round(e.UPLOAD_MAX_MB_PER_REPORT * 1024 * 1024),
      maxBytesPerAddressHour: Math.round(e.UPLOAD_MAX_MB_PER_ADDRESS_HOUR * 1024 * 1024),
      orphanHours: e.UPLOAD_ORPHAN_HOURS,
    },
    webchat: {
      newVisitorsPerAddressHour: e.WEBCHAT_NEW_VISITORS_PER_ADDRESS_HOUR,
      messagesPerMinute: e.WEBCHAT_MESSAGES_PER_MINUTE,
      messagesPerAddressMinute: e.WEBCHAT_MESSAGES_PER_ADDRESS_MINUTE,
    },
    login: { maxFailures: e.LOGIN_MAX_FAILURES, maxFailuresPerAddress: e.LOGIN_MAX_FAILURES_PER_ADDRESS, lockMinutes: e.LOGIN_LOCK_MINUTES },
    sessions: { idleHours: e.SESSION_IDLE_HOURS, maxHours: e.SESSION_MAX_HOURS },
    followUp: {
      maxFailures: e.FOLLOWUP_MAX_FAILURES,
      maxFailuresPerAddress: e.FOLLOWUP_MAX_FAILURES_PER_ADDRESS,
      lockMinutes: e.FOLLOWUP_LOCK_MINUTES,
    },
    outboxStallSeconds: e.OUTBOX_STALL_SECONDS,
    sqliteBusyWaitMs: e.SQLITE_BUSY_WAIT_MS,
    telegram: e.TELEGRAM_BOT_TOKEN ? telegramConfig(e, publicUrl) : undefined,
    zalo:
      e.ZALO_APP_ID && e.ZALO_APP_SECRET && e.ZALO_OA_SECRET_KEY
        ? {
            appId: e.ZALO_APP_ID,
            appSecret: e.ZALO_APP_SECRET,
            oaSecretKey: e.ZALO_OA_SECRET_KEY,
            apiBase: e.ZALO_API_BASE,
            oauthBase: e.ZALO_OAUTH_BASE,
            refreshToken: e.ZALO_REFRESH_TOKEN,
            webhookMaxAgeSeconds: e.ZALO_WEBHOOK_MAX_AGE_SECONDS,
            articleBroadcast: {
              enabled: e.ZALO_ARTICLE_BROADCAST === "on",
              cities: e.ZALO_ARTICLE_CITIES ? (JSON.parse(e.ZALO_ARTICLE_CITIES) as Record<string, string>) : {},
              path: e.ZALO_ARTICLE_BROADCAST_PATH,
            },
          }
        : undefined,
  };
}

function telegramConfig(e: z.infer<typeof envSchema>, publicUrl: string): TelegramConfig {
  // Telegram only delivers webhooks to https; without a public https address, poll.
  const mode = e.TELEGRAM_MODE ?? (publicUrl.startsWith("https://") ? "webhook" : "polling");
  if (mode === "webhook" && !e.PUBLIC_URL) {
    throw new ConfigError(
      "Invalid configuration:\n  PUBLIC_URL: required when TELEGRAM_MODE=webhook (the https address Telegram posts to), or set TELEGRAM_MODE=polling",
    );
  }
  return {
    token: e.TELEGRAM_BOT_TOKEN!,
    apiRoot: e.TELEGRAM_API_ROOT.replace(/\/$/, ""),
    webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
    mode,
    dutyChatId: e.TELEGRAM_DUTY_CHAT_ID,
    broadcastRate: e.TELEGRAM_BROADCAST_RATE,
  };
}

/** TRUST_PROXY as Express takes it: off (default) believes no X-Forwarded-For at all. */
function trustProxyOf(value: string | undefined): boolean | string | number {
  if (!value || value === "off" || value === "false") return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

/** `file:./data/tinbao.db` → `./data/tinbao.db` */
export function sqlitePath(url: string): string {
  return url.replace(/^file:/, "").replace(/\?.*$/, "");
}

function keyBytes(value: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, "hex");
  const b = Buffer.from(value, "base64");
  return b.length === 32 ? b : undefined;
}
