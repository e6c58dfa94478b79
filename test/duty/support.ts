/**
 * Duty-chat tests: the whole service with Telegram pointed at the fake Bot API, units with and
 * without their own duty chat, tips stored the way filing stores them, and ways to wait for what the
 * fake received.
 */
import { randomBytes } from "node:crypto";
import { FakeTelegramBotApi, type RecordedCall } from "../fakes/telegram-bot-api.ts";
import type { TestService } from "../support/service.ts";
import { usePostgres } from "../support/context.ts";
import { importFixtures } from "../units/fixtures.ts";
import { openDatabase } from "../../src/db/client.ts";
import { currentUnitData } from "../../src/units/unit-data.ts";
import { fold, normalizeText } from "../../src/text/normalize.ts";
import type { AppContext } from "../../src/context.ts";

export const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
export const PUBLIC_URL = "https://tinbao.example.vn";

export function telegramEnv(fake: FakeTelegramBotApi, extra: Record<string, string> = {}): Record<string, string> {
  return {
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: fake.url,
    TELEGRAM_WEBHOOK_SECRET: "duty-secret_1",
    TELEGRAM_MODE: "webhook",
    PUBLIC_URL,
    ...extra,
  };
}

export interface UnitSpec {
  id: string;
  kind?: "duty_desk" | "commune" | "specialised";
  communes?: string[];
  categories?: string[];
  dutyChatId?: string | null;
}

export async function addUnits(svc: TestService, units: UnitSpec[]): Promise<void> {
  await importFixtures(svc.ctx.db);
  for (const u of units) {
    await svc.ctx.db.policeUnit.create({
      data: {
        id: u.id,
        name: `Đơn vị ${u.id}`,
        kind: u.kind ?? "commune",
        provinceCode: "51",
        communes: (u.communes ?? []).join(","),
        categories: (u.categories ?? []).join(","),
        dutyChatId: u.dutyChatId ?? null,
      },
    });
  }
}

export interface TipSpec {
  description: string;
  category?: string;
  urgent?: boolean;
  urgentReason?: string;
  status?: string;
  communeCode?: string;
  placeText?: string;
  /** Primary unit first, then support units. */
  units?: string[];
  createdAt?: Date;
  ackDueAt?: Date;
  settleDueAt?: Date;
  reporterName?: string;
  reporterPhone?: string;
}

/** Stores tips as filing does (routing rows included), all in one transaction so a scan sees all of them or none. */
export async function storeTips(ctx: Pick<AppContext, "db" | "vault">, specs: TipSpec[]) {
  const version = (await currentUnitData(ctx.db))?.version ?? null;
  return ctx.db.$transaction(async (tx) => {
    const tips = [];
    for (const t of specs) {
      const createdAt = t.createdAt ?? new Date();
      const description = normalizeText(t.description);
      const ackDueAt = t.ackDueAt ?? new Date(createdAt.getTime() + 24 * 3600_000);
      const units = t.units ?? [];
      tips.push(
        await tx.tip.create({
          data: {
            reference: `QN-${randomBytes(3).toString("hex").toUpperCase()}`,
            secretHash: "test",
            sourceKey: `test:${randomBytes(8).toString("hex")}`,
            channel: "telegram",
            language: "vi",
            category: t.category ?? "theft",
            description,
            descriptionFolded: fold(description),
            placeText: t.placeText ?? null,
            communeCode: t.communeCode ?? null,
            adminDataVersion: t.communeCode ? version : null,
            urgent: t.urgent ?? false,
            urgentReason: t.urgentReason ?? null,
            status: t.status ?? "new",
            anonymous: !t.reporterName,
            reporterNameEnc: t.reporterName ? ctx.vault.encrypt(t.reporterName) : null,
            reporterPhoneEnc: t.reporterPhone ? ctx.vault.encrypt(t.reporterPhone) : null,
            unitId: units[0] ?? null,
            ackDueAt,
            dueAt: ackDueAt,
            settleDueAt: t.settleDueAt ?? new Date(createdAt.getTime() + 20 * 24 * 3600_000),
            createdAt,
            routings: { create: units.map((unitId, i) => ({ unitId, role: i === 0 ? "primary" : "support", rule: i === 0 ? "typed_commune" : "urgent" })) },
          },
        }),
      );
    }
    return tips;
  });
}

/** A second connection to the service's database, as another process would have (SQLite: the same one; it serialises writers in one process). */
export async function anotherProcessDb(svc: TestService): Promise<{ db: AppContext["db"]; close(): Promise<void> }> {
  if (!usePostgres) return { db: svc.ctx.db, close: async () => {} };
  const other = await openDatabase(svc.ctx.config.databaseUrl);
  return { db: other.db, close: other.close };
}

export const sentTexts = (fake: FakeTelegramBotApi, chatId?: string): { chatId: string; text: string; call: RecordedCall }[] =>
  fake
    .callsTo("sendMessage")
    .filter((c) => c.accepted && c.status === 200)
    .map((c) => ({ chatId: String((c.params as { chat_id: unknown }).chat_id), text: String((c.params as { text?: unknown }).text ?? ""), call: c }))
    .filter((m) => chatId === undefined || m.chatId === chatId);

/** Waits until `check` returns something truthy (polling), failing after a generous timeout. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until nothing is left to send. */
export async function outboxIdle(svc: TestService): Promise<void> {
  await waitFor("the outbox to be idle", async () => (await svc.ctx.db.outboxMessage.count({ where: { status: { in: ["pending", "sending"] } } })) === 0);
}
