/**
 * Translations reach residents live (issue 14): the whole service with Telegram on the fake Bot API and Zalo on the
 * fake Zalo server, two translators who speak Hre working through the console API, and residents who chose Hre. A
 * draft never reaches them; once another speaker approves, their next message gets the translation with no restart;
 * sent back, they get Vietnamese again. On PostgreSQL the approval is made in one process and the resident is answered
 * by another. The Hre text is an obviously-marked test string, never a word of the language.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegramBotApi, specAvailable } from "../fakes/telegram-bot-api.ts";
import { UpdateFactory } from "../fakes/telegram-updates.ts";
import { FAKE_OA_ID, FAKE_OA_SECRET_KEY, FakeZaloApi, ZaloEventFactory, zaloServiceEnv } from "../fakes/zalo-api.ts";
import { startTestService, type TestService } from "../support/service.ts";
import { usePostgres } from "../support/context.ts";
import { createReadyOfficer } from "../support/officers.ts";
import { PASSWORD, signIn, type SignedIn } from "../console/support.ts";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const SECRET = "translations-secret_1";
const VI_MENU = "Bạn cần gì? Bấm một nút bên dưới.";
const HRE_MENU = "[hre test] lời hỏi của menu";
const hasSpec = specAvailable();

function telegramEnv(fake: FakeTelegramBotApi): Record<string, string> {
  return { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: fake.url, TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_MODE: "webhook", PUBLIC_URL: "https://tinbao.example.vn" };
}

/** Two speakers of Hre (a translator and an administrator) signed in to the console of `svc`. */
async function translators(svc: TestService): Promise<{ lan: SignedIn; ha: SignedIn }> {
  for (const [username, role] of [["dich.lan", "translator"], ["dich.ha", "admin"]] as const) {
    const { officer } = await createReadyOfficer(svc.ctx, { username, displayName: `Cán bộ ${username}`, role, unitId: null, password: PASSWORD });
    await svc.ctx.db.officer.update({ where: { id: officer.id }, data: { languages: "vi,hre" } });
  }
  return { lan: await signIn(svc.url, "dich.lan"), ha: await signIn(svc.url, "dich.ha") };
}

function api(base: string, who: SignedIn, method: string, path: string, body?: unknown) {
  return fetch(`${base}/api${path}`, {
    method,
    headers: { ...who.cookie, "x-csrf-token": who.csrfToken, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** Telegram: a resident's updates to the webhook, and the texts the bot sent back meanwhile. */
function telegramResident(svc: () => TestService, fake: FakeTelegramBotApi, userId: number, firstUpdateId: number) {
  const u = new UpdateFactory({ user: { id: userId, first_name: "Y Blang", language_code: "vi" }, firstUpdateId, files: fake });
  return async (update: (u: UpdateFactory) => unknown): Promise<string[]> => {
    const before = fake.calls.length;
    const res = await fetch(`${svc().url}/webhooks/telegram`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
      body: JSON.stringify(update(u)),
    });
    expect(res.status).toBe(200);
    await svc().settle();
    return fake.calls.slice(before).filter((c) => c.method === "sendMessage" && c.accepted).map((c) => String((c.params as { text?: string }).text ?? ""));
  };
}

const zaloText = (m: Record<string, unknown>): string => String(m["text"] ?? (m["attachment"] as { payload?: { text?: string } } | undefined)?.payload?.text ?? "");

describe.runIf(hasSpec)("an approved Hre string reaches Telegram and Zalo residents on their next message", () => {
  const telegram = new FakeTelegramBotApi({ token: TOKEN });
  const zalo = new FakeZaloApi();
  let svc: TestService;
  let lan: SignedIn;
  let ha: SignedIn;
  let onTelegram: ReturnType<typeof telegramResident>;
  let onZalo: (event: (z: ZaloEventFactory) => Record<string, unknown>) => Promise<string[]>;

  beforeAll(async () => {
    await telegram.start();
    const { url } = await zalo.start();
    svc = await startTestService({ ...telegramEnv(telegram), ...zaloServiceEnv(zalo, url) });
    ({ lan, ha } = await translators(svc));
    onTelegram = telegramResident(() => svc, telegram, 7100001, 710000);
    const z = new ZaloEventFactory({ appId: zalo.appId, oaId: FAKE_OA_ID, oaSecretKey: FAKE_OA_SECRET_KEY, user: "2512523625410001", attachments: zalo });
    onZalo = async (event) => {
      const before = zalo.sentMessages().length;
      const signed = z.signed(event(z));
      const res = await fetch(`${svc.url}/webhooks/zalo`, { method: "POST", headers: signed.headers, body: new Uint8Array(signed.rawBody) });
      expect(res.status).toBe(200);
      await svc.settle();
      return zalo.sentMessages().slice(before).map(zaloText);
    };
    // Both residents choose Hre; nothing is translated yet, so the menu is in Vietnamese.
    await onTelegram((u) => u.command("start"));
    expect(await onTelegram((u) => u.callback("lang:hre"))).toContain(VI_MENU);
    await onZalo((z) => z.follow());
    expect(await onZalo((z) => z.button("lang:hre"))).toContain(VI_MENU);
  }, 60_000);
  afterAll(async () => {
    await svc?.close();
    await telegram.close();
    await zalo.close();
  });
  afterEach(() => {
    telegram.assertAllValid();
    zalo.assertAllValid();
  });

  it("keeps a draft from residents: a Telegram resident who chose Hre still gets the Vietnamese text", async () => {
    const saved = await api(svc.url, lan, "PUT", "/translations/hre/menu.prompt", { text: HRE_MENU, version: 0 });
    expect(saved.status, await saved.clone().text()).toBe(200);
    expect(await saved.json()).toMatchObject({ key: "menu.prompt", state: "draft", text: HRE_MENU, version: 1 });
    const answer = await onTelegram((u) => u.text("menu"));
    expect(answer).toContain(VI_MENU);
    expect(answer.join("\n")).not.toContain("[hre test]");
  });

  it("refuses the approval by the account that wrote the draft (403, in Vietnamese)", async () => {
    const own = await api(svc.url, lan, "POST", "/translations/hre/menu.prompt/approve", { version: 1 });
    expect(own.status).toBe(403);
    const { error } = (await own.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe("forbidden");
    expect(error.message).toContain("không tự duyệt");
    expect(await onTelegram((u) => u.text("menu"))).toContain(VI_MENU);
  });

  it("gives the approved text to the Telegram and the Zalo resident on their next message, with no restart", async () => {
    const approved = await api(svc.url, ha, "POST", "/translations/hre/menu.prompt/approve", { version: 1 });
    expect(approved.status, await approved.clone().text()).toBe(200);
    expect(await approved.json()).toMatchObject({ state: "reviewed", reviewedBy: "Cán bộ dich.ha", version: 2 });
    expect(await onTelegram((u) => u.text("menu"))).toContain(HRE_MENU);
    expect(await onZalo((z) => z.text("menu"))).toContain(HRE_MENU);
    const list = (await (await api(svc.url, ha, "GET", "/translations?lang=hre&state=reviewed")).json()) as { progress: { reviewed: number }; entries: { key: string }[] };
    expect(list.progress.reviewed).toBe(1);
    expect(list.entries.map((e) => e.key)).toEqual(["menu.prompt"]);
  });

  it("refuses a translation that drops a {{variable}} (422 naming it) and a form made from an older version (409)", async () => {
    const missing = await api(svc.url, lan, "PUT", "/translations/hre/report.receipt", { text: "[hre test] biên nhận {{reference}} {{hours}}" });
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toContain("{{secret}}");
    const stale = await api(svc.url, lan, "PUT", "/translations/hre/menu.prompt", { text: `${HRE_MENU} (sửa)`, version: 1 });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as { error: { message: string } }).error.message).toContain("Tải lại");
    expect(await onTelegram((u) => u.text("menu"))).toContain(HRE_MENU);
  });

  it("gives residents Vietnamese again once the string is sent back to draft", async () => {
    const back = await api(svc.url, lan, "POST", "/translations/hre/menu.prompt/send-back", { reason: "Cần người khác nghe lại", version: 2 });
    expect(back.status, await back.clone().text()).toBe(200);
    expect(await back.json()).toMatchObject({ state: "draft", reviewedBy: null });
    expect(await onTelegram((u) => u.text("menu"))).toContain(VI_MENU);
    expect(await onZalo((z) => z.text("menu"))).toContain(VI_MENU);
  });
});

describe.runIf(hasSpec && usePostgres)("on PostgreSQL, an approval made in one process reaches residents answered by another", () => {
  const telegram = new FakeTelegramBotApi({ token: TOKEN });
  let consoleProcess: TestService;
  let chatProcess: TestService;

  beforeAll(async () => {
    await telegram.start();
    // The console process takes no messages (no workers): every resident turn runs in the chat process.
    consoleProcess = await startTestService(telegramEnv(telegram), { workers: false });
    const key = consoleProcess.ctx.config.encryptionKey!.toString("base64");
    chatProcess = await startTestService(telegramEnv(telegram), {}, { dir: consoleProcess.dir, url: consoleProcess.ctx.config.databaseUrl, key });
  }, 60_000);
  afterAll(async () => {
    await chatProcess?.close();
    await consoleProcess?.close();
    await telegram.close();
  });

  it("serves the chat process's next message in Hre after the console process approves", async () => {
    const { lan, ha } = await translators(consoleProcess);
    const resident = telegramResident(() => chatProcess, telegram, 7200001, 720000);
    await resident((u) => u.command("start"));
    expect(await resident((u) => u.callback("lang:hre"))).toContain(VI_MENU);
    expect((await api(consoleProcess.url, lan, "PUT", "/translations/hre/menu.prompt", { text: HRE_MENU })).status).toBe(200);
    expect(await resident((u) => u.text("menu"))).toContain(VI_MENU);
    expect((await api(consoleProcess.url, ha, "POST", "/translations/hre/menu.prompt/approve")).status).toBe(200);
    expect(await resident((u) => u.text("menu"))).toContain(HRE_MENU);
  }, 60_000);
});
