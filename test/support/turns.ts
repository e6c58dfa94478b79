/**
 * The turn harness: runs the conversation engine against scripted turns, without HTTP, on a real
 * database (SQLite file, or PostgreSQL with TEST_DATABASE=postgresql). Each turn is one transaction
 * through takeTurn, exactly as the inbox handler runs it. Fast enough for hundreds of cases.
 *
 * @example
 * const h = await createTurnHarness();
 * const resident = await h.resident("zalo");
 * const replies = await resident.say("co nguoi ban ma tuy o xa ba to");
 * await resident.tap("Đúng");
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { randomUUID } from "node:crypto";
import type { Channel, ChannelName, InboundContent, MediaKind, OutboundMessage } from "../../src/channels/types.ts";
import { createTranslator, type Translator } from "../../src/i18n/index.ts";
import { takeTurn } from "../../src/conversation/take-turn.ts";
import { loadSession } from "../../src/conversation/session-store.ts";
import type { MediaOutcome, Session } from "../../src/conversation/types.ts";
import { importUnits } from "../../src/units/import-units.ts";
import { telegramCapabilities } from "../../src/channels/telegram/capabilities.ts";
import { zaloCapabilities } from "../../src/channels/zalo/capabilities.ts";
import { webchatCapabilities } from "../../src/channels/webchat/channel.ts";
import { createTestContext, type TestContext } from "./context.ts";

const DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../shared/data");
export const REAL_UNIT_FILES = {
  list: path.join(DATA, "vn-admin-units-2026-07.json"),
  polygons: path.join(DATA, "quang-ngai-communes-2026-07.geojson"),
  crosswalk: path.join(DATA, "quang-ngai-communes-before-2025.tsv"),
};
/** The real administrative data (../shared/data) is there; under CI its absence is a failure, not a skip. */
export const realUnitsPresent = Object.values(REAL_UNIT_FILES).every((f) => existsSync(f));
if (!realUnitsPresent && process.env.CI) throw new Error(`CI is set but the reference data is missing under ${DATA}`);

export interface HarnessOptions {
  env?: Record<string, string>;
  /** Import Quảng Ngãi's real communes, boundaries and pre-2025 names (default true). */
  realUnits?: boolean;
  /** The service's clock (default HARNESS_NOW: a Wednesday, 15:00 in Vietnam), so "sáng nay" means the same in every run. */
  now?: Date;
}

/** 2026-12-02 15:00 in Asia/Ho_Chi_Minh (a Wednesday). */
export const HARNESS_NOW = new Date("2026-12-02T15:00:00+07:00");

export interface TurnHarness {
  ctx: TestContext;
  i18n: Translator;
  resident(channel?: ChannelName, language?: string | null): Promise<Resident>;
  close(): Promise<void>;
}

export async function createTurnHarness(options: HarnessOptions = {}): Promise<TurnHarness> {
  const ctx = await createTestContext(options.env);
  const now = options.now ?? HARNESS_NOW;
  ctx.now = () => now;
  if (options.realUnits !== false && realUnitsPresent) {
    for (const file of [REAL_UNIT_FILES.list, REAL_UNIT_FILES.polygons, REAL_UNIT_FILES.crosswalk]) {
      await importUnits(ctx.db, { bytes: readFileSync(file), file });
    }
  }
  const capabilities = { telegram: telegramCapabilities, zalo: zaloCapabilities, webchat: webchatCapabilities };
  for (const [name, caps] of Object.entries(capabilities)) {
    ctx.channels.set(name as ChannelName, { name, capabilities: caps } as unknown as Channel);
  }
  const i18n = await createTranslator();
  return {
    ctx,
    i18n,
    async resident(channel = "telegram", language = null) {
      const platformId = randomUUID();
      const contact = await ctx.db.contact.create({
        data: {
          channel,
          platformIdHash: ctx.vault.hash(`contact:${channel}:${platformId}`),
          platformIdEnc: ctx.vault.encrypt(platformId),
          language,
          lastInboundAt: ctx.now(),
        },
      });
      return new Resident(ctx, i18n, channel, contact.id, platformId);
    },
    close: () => ctx.close(),
  };
}

export class Resident {
  /** Every resident action so far (a message typed, a button tapped, a pin, a file): what "taps" count. */
  actions = 0;
  /** The replies of the last turn. */
  last: OutboundMessage[] = [];

  constructor(
    readonly ctx: TestContext,
    readonly i18n: Translator,
    readonly channel: ChannelName,
    readonly contactId: string,
    readonly platformId: string,
  ) {}

  async send(content: InboundContent, media?: MediaOutcome): Promise<OutboundMessage[]> {
    this.actions++;
    const externalId = randomUUID();
    const contact = await this.ctx.db.contact.findUniqueOrThrow({ where: { id: this.contactId } });
    const outcome = await this.ctx.db.$transaction(
      (tx) =>
        takeTurn({
          app: this.ctx,
          i18n: this.i18n,
          tx,
          contact: { id: contact.id, channel: contact.channel, language: contact.language },
          message: { channel: this.channel, externalId, chatId: this.platformId, contact: { platformId: this.platformId }, content, sentAt: this.ctx.now() },
          media,
          eventKey: `${this.channel}:${externalId}`,
          filed: [],
          touched: [],
        }),
      { timeout: 30_000, maxWait: 30_000 },
    );
    this.last = outcome.replies;
    return outcome.replies;
  }

  say(text: string) {
    return this.send({ type: "text", text });
  }

  /** Taps the button with this label (or payload) in the last replies; fails when there is none. */
  tap(labelOrPayload: string) {
    const button = this.buttons().find((b) => b.label === labelOrPayload || b.payload === labelOrPayload);
    if (!button) throw new Error(`no button “${labelOrPayload}” in: ${this.buttons().map((b) => b.label).join(" | ")}\n${this.texts().join("\n---\n")}`);
    return this.send({ type: "button", payload: button.payload, label: button.label });
  }

  press(payload: string) {
    return this.send({ type: "button", payload });
  }

  command(command: string, args = "") {
    return this.send({ type: "command", command, args });
  }

  pin(latitude: number, longitude: number) {
    return this.send({ type: "location", latitude, longitude });
  }

  /** A file already stored (as the inbox would have downloaded it). */
  async file(kind: MediaKind, caption?: string) {
    const attachment = await this.ctx.db.attachment.create({
      data: { contactId: this.contactId, sourceKey: randomUUID(), kind, mime: kind === "photo" ? "image/jpeg" : "audio/ogg", size: 1000, status: "stored", storageKey: randomUUID() },
    });
    const media: MediaOutcome = { status: "stored", attachmentId: attachment.id, kind, size: 1000 };
    return this.send({ type: "media", media: { kind, fileId: randomUUID() } as never, ...(caption ? { caption } : {}) }, media);
  }

  buttons() {
    return this.last.flatMap((m) => (m.buttons ?? []).flat());
  }

  texts() {
    return this.last.map((m) => m.text);
  }

  /** All reply texts of the last turn in one string. */
  text() {
    return this.texts().join("\n");
  }

  session(): Promise<Session | null> {
    return loadSession(this.ctx, this.ctx.db, this.contactId);
  }
}
