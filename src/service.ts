/**
 * Assembles the service: database → channels → workers → HTTP. Used by src/main.ts, the
 * end-to-end tests and the benchmarks, so all three run the same thing.
 */
import { seedFaqEntries } from "./faq/faq-store.ts";
import { seedQuizQuestions } from "./quiz/quiz-store.ts";
import { createHmac } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Config } from "./config.ts";
import { openDatabase } from "./db/client.ts";
import { migrate } from "./db/migrate.ts";
import { createVault } from "./security/crypto.ts";
import { loadOrCreateKeyFile } from "./security/key-file.ts";
import { createLogger, type Logger } from "./log.ts";
import { Bus, type AppContext } from "./context.ts";
import type { Channel, ChannelName } from "./channels/types.ts";
import { createWebchatChannel } from "./channels/webchat/channel.ts";
import { createWebchatRouter } from "./channels/webchat/routes.ts";
import { createTelegramChannel } from "./channels/telegram/index.ts";
import { createZaloChannel } from "./channels/zalo/index.ts";
import { zaloClipCopies } from "./audio/clip-files.ts";
import { createTranslator, DEFAULT_LOCALES_DIR } from "./i18n/index.ts";
import { createInboxWorker } from "./inbox/worker.ts";
import { createWebhookRouter } from "./inbox/webhook-routes.ts";
import { storeInboundEvent } from "./inbox/store-event.ts";
import { createOutboxWorker } from "./outbox/worker.ts";
import { createCampaignSender, type CampaignSender } from "./outreach/campaigns/campaign-sender.ts";
import { createDutyWorker, type DutyWorker } from "./duty/duty-worker.ts";
import { createOrphanSweeper, type OrphanSweeper } from "./media/orphan-sweeper.ts";
import { createInboundHandler } from "./conversation/handle-inbound.ts";
import { createTurnBatches } from "./db/turn-batches.ts";
import { buildApp } from "./http/app.ts";
import { createOpsRouter } from "./http/ops-routes.ts";
import { createApiRouter } from "./console/router.ts";
import { createConsoleRouter } from "./console/pages.ts";

export interface ServiceOptions {
  logger?: Logger;
  localesDir?: string;
  /** Start the inbox/outbox workers (benchmarks of bare ingest turn them off). */
  workers?: boolean;
  /** Extra channels or replacements (tests). */
  channels?: Channel[];
  /** How long stop() waits in all for work in flight before it closes the database anyway (default 15 s). */
  stopGraceMs?: number;
}

const STOP_GRACE_MS = 15_000;

export interface RunningService {
  ctx: AppContext;
  url: string;
  server: Server;
  inbox: ReturnType<typeof createInboxWorker>;
  outbox: ReturnType<typeof createOutboxWorker>;
  campaigns: CampaignSender;
  /** Duty-chat alerts and the overdue digest; absent without a Telegram bot. */
  duty?: DutyWorker;
  /** Removes evidence never tied to a tip (UPLOAD_ORPHAN_HOURS) and stale rate-limit counters. */
  sweeper: OrphanSweeper;
  notes: string[];
  stop(): Promise<void>;
}

export async function startService(config: Config, options: ServiceOptions = {}): Promise<RunningService> {
  const log = options.logger ?? createLogger(config.logLevel);
  const notes: string[] = [];
  let key = config.encryptionKey;
  if (!key) {
    const file = loadOrCreateKeyFile(config.dataDir);
    key = file.key;
    const words = `DATA_ENCRYPTION_KEY is not set: using the key in ${file.file}${file.created ? " (just generated)" : ""}. Back it up: without it, residents' identities cannot be read. Production should set DATA_ENCRYPTION_KEY.`;
    log.warn(words);
    notes.push(words);
  }
  const applied = await migrate(config.databaseUrl);
  if (applied.length) log.info({ migrations: applied }, "database migrated");
  const database = await openDatabase(config.databaseUrl, { busyWaitMs: config.sqliteBusyWaitMs });
  const ctx: AppContext = {
    config,
    db: database.db,
    vault: createVault(key),
    log,
    bus: new Bus(),
    channels: new Map<ChannelName, Channel>(),
    now: () => new Date(),
  };
  const seeded = await seedFaqEntries(ctx.db);
  if (seeded) log.info({ entries: seeded }, "knowledge base seeded from the starter content");
  const quizSeeded = await seedQuizQuestions(ctx.db);
  if (quizSeeded) log.info({ questions: quizSeeded }, "quiz question bank seeded from the starter content (asked once approved)");
  const localesDir = options.localesDir ?? DEFAULT_LOCALES_DIR;
  const i18n = await createTranslator(localesDir, { mediaDir: config.mediaDir });

  ctx.channels.set("webchat", createWebchatChannel(ctx, localesDir));
  if (config.telegram) {
    const webhookSecret = config.telegram.webhookSecret ?? deriveSecret(key, config.telegram.token);
    ctx.channels.set("telegram", createTelegramChannel({ ...config.telegram, webhookSecret, publicUrl: config.publicUrl }, { log }));
  }
  if (config.zalo) {
    const recordedClip = zaloClipCopies(config.mediaDir, config.publicUrl);
    ctx.channels.set("zalo", createZaloChannel(config.zalo, { db: ctx.db, vault: ctx.vault, log, now: ctx.now }, { recordedClip }));
  }
  for (const channel of options.channels ?? []) ctx.channels.set(channel.name, channel);

  const inbox = createInboxWorker(ctx, createInboundHandler(ctx, i18n, createTurnBatches(database)));
  const outbox = createOutboxWorker(ctx);
  const campaigns = createCampaignSender(ctx, i18n);
  const duty = config.telegram ? createDutyWorker(ctx, i18n) : undefined;
  const sweeper = createOrphanSweeper(ctx);
  if (!duty) log.info("duty alerts are off: TELEGRAM_BOT_TOKEN is not set (duty chats are Telegram groups)");
  else if (!config.telegram?.dutyChatId) log.info("TELEGRAM_DUTY_CHAT_ID is not set: duty alerts go only to units with their own duty chat");
  const app = buildApp(ctx, {
    ops: createOpsRouter(ctx, { alarms: () => [...ctx.channels.values()].flatMap((c) => c.alarms?.() ?? []), faults: database.faults }),
    webhooks: createWebhookRouter(ctx),
    webchat: createWebchatRouter(ctx, localesDir),
    api: createApiRouter(ctx),
    console: createConsoleRouter(ctx),
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once("error", reject);
  });
  server.keepAliveTimeout = 65_000;
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host === "0.0.0.0" ? "127.0.0.1" : config.host}:${port}`;

  // Channels first (register webhooks, start polling), then the workers that drain any backlog.
  for (const channel of ctx.channels.values()) {
    await channel.start?.(async (payload) => {
      const message = channel.receive(payload);
      if (message) await storeInboundEvent(ctx, { channel: channel.name, externalId: message.externalId, chatId: message.chatId, payload });
    });
  }
  if (options.workers !== false) {
    ctx.bus.on("inbox:stored", () => inbox.kick());
    ctx.bus.on("outbox:queued", () => outbox.kick());
    inbox.start();
    outbox.start();
    campaigns.start();
    ctx.bus.on("campaign:changed", () => void campaigns.schedule().then(() => campaigns.kick(), () => undefined));
    sweeper.start();
    if (duty) {
      ctx.bus.on("tip:created", () => duty.kick());
      duty.start();
    }
  }

  return {
    ctx,
    url,
    server,
    inbox,
    outbox,
    campaigns,
    duty,
    sweeper,
    notes,
    async stop() {
      // A stop that waits forever for one stuck call is a process the supervisor has to kill: each step gets what is
      // left of the grace period, and a step still busy then is named in the log and left behind. Nothing is lost by
      // that: a row being handled stays leased in the database and goes back to the queue when the lease runs out.
      const deadline = Date.now() + (options.stopGraceMs ?? STOP_GRACE_MS);
      const step = async (name: string, work: () => Promise<unknown> | undefined, onLate?: () => void) => {
        let timer: NodeJS.Timeout | undefined;
        const left = Math.max(1_000, deadline - Date.now());
        const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), left)));
        const done = Promise.resolve()
          .then(work)
          .then(
            () => "done" as const,
            (err) => (log.error({ err, step: name }, "stopping: step failed"), "done" as const),
          );
        if ((await Promise.race([done, late])) === "late") {
          log.warn({ step: name, graceMs: options.stopGraceMs ?? STOP_GRACE_MS }, "stopping: gave up waiting for work still in flight");
          onLate?.();
        }
        clearTimeout(timer);
      };
      for (const channel of ctx.channels.values()) await step(`channel ${channel.name}`, () => channel.stop?.());
      await step("http server", () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
      );
      await step("inbox", () => inbox.stop(), () => inbox.abandon());
      await step("media sweeper", () => sweeper.stop());
      await step("duty alerts", () => duty?.stop());
      await step("campaigns", () => campaigns.stop());
      await step("outbox", () => outbox.stop(), () => outbox.abandon());
      await step("database", () => database.close());
    },
  };
}

/** Without TELEGRAM_WEBHOOK_SECRET, every process derives the same secret from the key and token. */
function deriveSecret(key: Buffer, token: string): string {
  return createHmac("sha256", key).update(`telegram-webhook:${token}`).digest("base64url").slice(0, 48);
}
