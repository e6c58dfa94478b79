/**
 * Follow-up secrets cannot be guessed by opening fresh chats: tries are counted per reference code
 * over every visitor and channel, and per client address; a locked code shows in the tip's timeline,
 * and the reporter's own chat still opens the tip.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegramBotApi, specAvailable } from "../fakes/telegram-bot-api.ts";
import { UpdateFactory } from "../fakes/telegram-updates.ts";
import { startTestService, WebchatVisitor, type TestService } from "../support/service.ts";
// @ts-expect-error plain ES module of the console (no types)
import { describeEvent } from "../../public/console/timeline.js";
import { postUpdate, telegramWebhookEnv, TEST_BOT_TOKEN } from "../support/telegram-webhook.ts";

const hasSpec = specAvailable();
if (!hasSpec && process.env.CI) throw new Error("Telegram Bot API spec missing: expected ../shared/data/telegram-bot-api-10.1.json");

async function say(svc: TestService, v: WebchatVisitor, body: Record<string, unknown>) {
  const res = await v.send(body);
  expect(res.status).toBe(202);
  await svc.settle();
  return v.lastBotMessage();
}

/** Files a gambling tip from a fresh visitor and returns the visitor and the receipt's codes. */
async function fileTip(svc: TestService) {
  const reporter = new WebchatVisitor(svc.url, { "x-forwarded-for": "203.0.113.1" });
  await reporter.open();
  for (const b of ["lang:vi", "menu:report", "cat:gambling"]) await say(svc, reporter, { button: b });
  await say(svc, reporter, { text: "Có sòng bạc ở nhà văn hóa thôn 5, đông người lắm." });
  for (const b of ["nav:skip", "nav:skip", "when:earlier", "id:anon"]) await say(svc, reporter, { button: b });
  const before = (await reporter.messages()).length;
  await say(svc, reporter, { button: "report:send" });
  const receipt = (await reporter.messages()).slice(before).find((m) => m.text?.includes("Mã tin báo"))!.text!;
  return { reporter, reference: receipt.match(/QN-[A-Z0-9]+/)![0], secret: receipt.match(/Mã bí mật: (\d{8})/)![1]! };
}

/** Everything a visitor read from the bot. */
const botTexts = async (v: WebchatVisitor) => (await v.messages()).filter((m) => m.direction === "out").map((m) => m.text ?? "");

describe.runIf(hasSpec)("guessing a follow-up secret", () => {
  const fake = new FakeTelegramBotApi({ token: TEST_BOT_TOKEN });
  let svc: TestService;

  beforeAll(async () => {
    const { url } = await fake.start();
    svc = await startTestService(
      telegramWebhookEnv(url, {
        // Play addresses with X-Forwarded-For from the test's loopback "proxy".
        TRUST_PROXY: "loopback",
        WEBCHAT_NEW_VISITORS_PER_ADDRESS_HOUR: "10000",
        FOLLOWUP_MAX_FAILURES: "5",
        FOLLOWUP_MAX_FAILURES_PER_ADDRESS: "10",
        FOLLOWUP_LOCK_MINUTES: "30",
      }),
    );
  });
  afterAll(async () => {
    await svc?.close();
    await fake.close();
  });

  it("evaluates at most 5 of 200 guesses from 40 fresh visitors at 40 addresses, and never opens the tip for them", async () => {
    const { reporter, reference, secret } = await fileTip(svc);
    const visitors = Array.from({ length: 40 }, (_, i) => new WebchatVisitor(svc.url, { "x-forwarded-for": `198.51.100.${i + 1}` }));
    // The right secret is the 150th guess: with a lock per chat (5 tries each) visitor 30 would open the tip.
    const guessOf = (n: number) => (n === 150 ? secret : String(10_000_000 + n * 7919).slice(0, 8));
    await Promise.all(
      visitors.map(async (v, i) => {
        await v.open();
        for (const body of [{ command: "start" }, { button: "lang:vi" }, { button: "menu:code" }, { text: reference }]) {
          expect((await v.send(body)).status).toBe(202);
        }
        for (let g = 0; g < 5; g++) expect((await v.send({ text: guessOf(i * 5 + g) })).status).toBe(202);
      }),
    );
    // 360 messages at once: let the workers (already running) get through them, then settle.
    for (let i = 0; i < 600 && (await svc.ctx.db.inboundEvent.count({ where: { status: { in: ["pending", "processing"] } } })) > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await svc.settle();

    const all = (await Promise.all(visitors.map(botTexts))).flat();
    const evaluated = all.filter((t) => t.includes("Mã bí mật chưa đúng")).length + all.filter((t) => t.startsWith(`Tin báo ${reference}`)).length;
    const locked = all.filter((t) => t.includes("đang tạm khóa")).length;
    expect(evaluated).toBeLessThanOrEqual(4); // the 5th wrong try locks the code at once
    expect(all.some((t) => t.startsWith(`Tin báo ${reference}`))).toBe(false);
    // Every visitor is told the code is locked (and goes back to the menu, where digits are not guesses).
    expect(locked).toBe(40);
    const tip = await svc.ctx.db.tip.findUniqueOrThrow({ where: { reference }, include: { events: true, messages: true } });
    expect(tip.events.filter((e) => e.type === "reporter_reopened")).toHaveLength(0);

    // The tip's officers see the lock in the timeline, in words.
    const lockEvent = tip.events.find((e) => e.type === "followup_locked");
    expect(lockEvent).toBeDefined();
    const sentence = describeEvent({ ...lockEvent, data: JSON.parse(lockEvent!.data) }, () => "");
    expect(sentence).toContain("tạm khóa tra cứu bằng mã trong 30 phút");

    // While locked, even the right secret from a Telegram chat is refused: the lock belongs to the code.
    const tg = new UpdateFactory({ firstUpdateId: 700_000, user: { id: 555_000_111 } });
    const post = (u: unknown) =>
      postUpdate(svc.url, u);
    for (const u of [tg.command("start"), tg.callback("lang:vi"), tg.callback("menu:code"), tg.text(reference), tg.text(secret)]) {
      expect((await post(u)).status).toBe(200);
      await svc.settle();
    }
    const tgTexts = fake.callsTo("sendMessage").filter((c) => (c.params as { chat_id?: number }).chat_id === 555_000_111).map((c) => String((c.params as { text?: string }).text));
    expect(tgTexts.at(-2) ?? tgTexts.at(-1)).toContain("đang tạm khóa");
    expect(tgTexts.some((t) => t.startsWith(`Tin báo ${reference}`))).toBe(false);

    // The reporter's own chat still opens it from "my reports".
    await say(svc, reporter, { button: "nav:menu" });
    const list = await say(svc, reporter, { button: "menu:mine" });
    const entry = list?.buttons?.flat().find((b) => b.label.startsWith(reference));
    const opened = await say(svc, reporter, { button: entry!.payload });
    expect(opened?.text).toContain(`Tin báo ${reference}`);

    // Once the lock has passed (the 30 minutes made to pass), the right secret opens the tip.
    await svc.ctx.db.rateLimit.updateMany({ where: { blockedUntil: { not: null } }, data: { blockedUntil: new Date(Date.now() - 1000) } });
    const owner = new WebchatVisitor(svc.url, { "x-forwarded-for": "192.0.2.200" });
    await owner.open();
    for (const b of ["lang:vi", "menu:code"]) await say(svc, owner, { button: b });
    await say(svc, owner, { text: reference });
    expect((await say(svc, owner, { text: secret }))?.text).toContain(`Tin báo ${reference}`);
  }, 120_000);

  it("limits one address guessing many codes, whatever the number of fresh visitors it opens", async () => {
    const address = { "x-forwarded-for": "198.51.100.250" };
    const codes = ["QN-AAAA3", "QN-CCCC4", "QN-DDDD7", "QN-EEEE9"];
    const visitors = codes.map(() => new WebchatVisitor(svc.url, address));
    for (const [i, v] of visitors.entries()) {
      await v.open();
      for (const body of [{ command: "start" }, { button: "lang:vi" }, { button: "menu:code" }, { text: codes[i] }]) expect((await v.send(body)).status).toBe(202);
      for (let g = 0; g < 4; g++) await v.send({ text: String(20_000_000 + i * 10 + g) });
      await svc.settle();
    }
    const all = (await Promise.all(visitors.map(botTexts))).flat();
    expect(all.filter((t) => t.includes("Mã bí mật chưa đúng")).length).toBe(9); // the 10th try locks the address
    // The locked visitor and the next one are told, and go back to the menu.
    expect(all.filter((t) => t.includes("đang tạm khóa")).length).toBe(2);
  });
});
