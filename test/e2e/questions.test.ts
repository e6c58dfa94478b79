import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, WebchatVisitor, type TestService } from "../support/service.ts";
import { PASSWORD, postJson, signIn } from "../console/support.ts";
import { createReadyOfficer } from "../support/officers.ts";
import { toFaqRow } from "../../src/faq/faq-store.ts";
import { loadStarterEntries } from "../../src/faq/index.ts";

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(async () => svc?.close());

type Bot = Awaited<ReturnType<WebchatVisitor["lastBotMessage"]>>;

async function say(v: WebchatVisitor, body: Record<string, unknown>): Promise<Bot> {
  const res = await v.send(body);
  expect(res.status).toBe(202);
  await svc.settle();
  return v.lastBotMessage();
}

/** The bot's messages after the resident's last one. */
async function repliesTo(v: WebchatVisitor, body: Record<string, unknown>) {
  const before = (await v.messages()).length;
  await say(v, body);
  return (await v.messages()).slice(before).filter((m) => m.direction === "out");
}

async function visitor(lang = "vi"): Promise<WebchatVisitor> {
  const v = new WebchatVisitor(svc.url);
  await v.open();
  await say(v, { text: "xin chào" });
  await say(v, { button: `lang:${lang}` });
  return v;
}

const labels = (m: Bot) => m?.buttons?.flat().map((b) => b.label) ?? [];

describe("a resident asks the police a question in the web chat", () => {
  it("offers Hỏi đáp in the menu and answers a question typed in teen-code, then asks whether it helped", async () => {
    const v = await visitor();
    const menu = await v.lastBotMessage();
    expect(labels(menu)).toContain("Hỏi đáp");
    let bot = await say(v, { button: "menu:question" });
    expect(bot?.text).toContain("Bạn muốn hỏi gì?");
    const replies = await repliesTo(v, { text: "ko có cccd thì làm sao" });
    expect(replies.map((m) => m.text).join("\n")).toContain("thẻ căn cước");
    bot = replies.at(-1);
    expect(bot?.text).toContain("Câu trả lời có giúp bạn không?");
    expect(labels(bot)).toEqual(["Có", "Hỏi công an", "Về menu"]);
    bot = await say(v, { button: "question:yes" });
    expect(bot?.text).toContain("Bạn cần gì?");
  });

  it("answers a question typed straight at the menu, without choosing Hỏi đáp first", async () => {
    const v = await visitor();
    const before = await svc.ctx.db.botAnswer.count();
    const replies = await repliesTo(v, { text: "ko co cccd thi lam sao" });
    expect(replies.map((m) => m.text).join("\n")).toContain("thẻ căn cước");
    expect(replies.at(-1)?.text).toContain("Câu trả lời có giúp bạn không?");
    // Counted once for the report's "answered by the bot", with nothing about who asked.
    const counted = await svc.ctx.db.botAnswer.findMany({ orderBy: { createdAt: "asc" }, skip: before });
    expect(counted).toEqual([{ id: expect.any(String), sourceKey: expect.not.stringMatching(/webchat|:/), faqEntryId: expect.any(String), channel: "webchat", language: "vi", createdAt: expect.any(Date) }]);
    expect(await svc.ctx.db.question.count({ where: { textFolded: { contains: "ko co cccd" } } })).toBe(0);
  });

  it("matches text in decomposed Unicode (NFD) mixed with composed text like the same text composed", async () => {
    const v = await visitor();
    const mixed = "ko có cccd".normalize("NFD") + " thì làm sao".normalize("NFC");
    const replies = await repliesTo(v, { text: mixed });
    expect(replies.map((m) => m.text).join("\n")).toContain("thẻ căn cước");
  });

  it("asks to rephrase an emoji-only or blank question, and stays on the question", async () => {
    const v = await visitor();
    await say(v, { button: "menu:question" });
    let replies = await repliesTo(v, { text: "😀😀🙏" });
    expect(replies.map((m) => m.text).join("\n")).toContain("Chưa đọc được câu hỏi");
    expect(replies.at(-1)?.text).toContain("Bạn muốn hỏi gì?");
    replies = await repliesTo(v, { text: "   " });
    expect(replies.at(-1)?.text).toContain("Bạn muốn hỏi gì?");
    expect(await svc.ctx.db.question.count({ where: { text: { contains: "😀" } } })).toBe(0);
  });

  it("answers a 5,000-character question without failing", async () => {
    const v = await visitor();
    await say(v, { button: "menu:question" });
    const long = ("ko có cccd thì làm sao " + "xin cảm ơn anh chị công an nhiều ".repeat(200)).slice(0, 5_000);
    expect(long).toHaveLength(5_000);
    const replies = await repliesTo(v, { text: long });
    // Only the start of a long message is matched: the ID-card entry is answered or offered first.
    const answered = replies.some((m) => m.text?.includes("thẻ căn cước"));
    const offered = replies.at(-1)?.buttons?.flat()[0]?.payload === "faq:mat-can-cuoc";
    expect(answered || offered).toBe(true);
    if (offered) {
      const picked = await repliesTo(v, { button: "faq:mat-can-cuoc" });
      expect(picked.map((m) => m.text).join("\n")).toContain("thẻ căn cước");
    }
  });

  it("answers a question asked in Hre in Vietnamese, saying so once", async () => {
    const v = await visitor("hre");
    await say(v, { button: "menu:question" });
    let replies = await repliesTo(v, { text: "ko có cccd thì làm sao" });
    const text = replies.map((m) => m.text).join("\n");
    expect(text).toContain("chưa có bằng tiếng của bạn");
    expect(text).toContain("thẻ căn cước");
    replies = await repliesTo(v, { text: "số điện thoại công an là bao nhiêu" });
    expect(replies.map((m) => m.text).join("\n")).toContain("113");
    expect(replies.map((m) => m.text).join("\n")).not.toContain("chưa có bằng tiếng của bạn");
  });

  it("passes a question with no ready answer to the police, and the officer's answer reaches the resident", async () => {
    const v = await visitor();
    const replies = await repliesTo(v, { text: "bánh xèo ngon ở đâu" });
    expect(replies.map((m) => m.text).join("\n")).toContain("Chưa có câu trả lời sẵn. Công an xã sẽ trả lời bạn ở đây.");
    const row = await svc.ctx.db.question.findFirstOrThrow({ where: { textFolded: { contains: "banh xeo" } } });
    expect(row).toMatchObject({ status: "open", channel: "webchat", language: "vi" });

    await createReadyOfficer(svc.ctx, { username: "hoidap1", displayName: "Cán bộ hỏi đáp", role: "officer", unitId: null, password: PASSWORD });
    const session = await signIn(svc.url, "hoidap1");
    const list = (await (await fetch(`${svc.url}/api/questions?q=banh xeo`, { headers: session.cookie })).json()) as { items: { id: string; status: string }[] };
    expect(list.items[0]).toMatchObject({ id: row.id, status: "open" });
    const res = await postJson(svc.url, `/api/questions/${row.id}/answer`, { answer: "Quán bà Năm ở chợ xã, sáng nào cũng có." }, { ...session.cookie, "x-csrf-token": session.csrfToken });
    expect(res.status).toBe(204);
    await svc.settle();
    expect((await v.lastBotMessage())?.text).toContain("Quán bà Năm ở chợ xã");
    expect(await svc.ctx.db.question.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "answered" });
  });

  it("answers a question asked while a report is half done, and keeps the report", async () => {
    const v = await visitor();
    let bot = await say(v, { text: "Có nhóm thanh niên bán ma túy ở quán nước đầu thôn 3" });
    expect(bot?.text).toContain("Báo về Ma túy, đúng không?");
    let replies = await repliesTo(v, { text: "số điện thoại công an là bao nhiêu" });
    expect(replies.map((m) => m.text).join("\n")).toContain("113");
    expect(replies.at(-1)?.text).toContain("Báo về Ma túy, đúng không?");
    bot = await say(v, { button: "facts:yes" });
    expect(bot?.text).toContain("ảnh, video");
    await say(v, { button: "nav:skip" });
    await say(v, { button: "nav:skip" });
    bot = await say(v, { button: "when:yesterday" });
    expect(bot?.text).toContain("giữ kín tên");
    replies = await repliesTo(v, { text: "ko có cccd thì làm sao" });
    expect(replies.map((m) => m.text).join("\n")).toContain("thẻ căn cước");
    expect(replies.at(-1)?.text).toContain("giữ kín tên");
    bot = await say(v, { button: "id:anon" });
    expect(bot?.text).toContain("Bạn xem lại tin báo");
    expect(bot?.text).toContain("bán ma túy ở quán nước");
  });

  it("asks whether a message that is neither clearly a tip nor a question is a report or a question", async () => {
    const v = await visitor();
    let bot = await say(v, { text: "lừa đảo qua mạng" });
    expect(bot?.text).toContain("báo tin cho công an, hay muốn hỏi");
    expect(labels(bot)).toEqual(["Báo tin", "Hỏi"]);
    bot = await say(v, { button: "kind:report" });
    expect(bot?.text).toContain("Báo về Lừa đảo, đúng không?");
    const w = await visitor();
    await say(w, { text: "chuyện ở trường của con" });
    const replies = await repliesTo(w, { button: "kind:question" });
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.at(-1)?.text).toMatch(/Câu trả lời có giúp bạn không\?|Có phải bạn muốn hỏi|Bạn cần gì\?/);
  });

  it("offers the closest entries as buttons when unsure, and passes the question on when none fits", async () => {
    const v = await visitor();
    await say(v, { button: "menu:question" });
    const bot = await say(v, { text: "cho hỏi karaoke mở tới mấy giờ" });
    expect(bot?.text).toContain("Có phải bạn muốn hỏi");
    const buttons = bot?.buttons?.flat() ?? [];
    expect(buttons.length).toBeGreaterThanOrEqual(2);
    expect(buttons.length).toBeLessThanOrEqual(4);
    expect(buttons.slice(0, -1).every((b) => b.payload.startsWith("faq:"))).toBe(true);
    expect(buttons.at(-1)).toEqual({ label: "Không phải — hỏi công an", payload: "faq:none" });
    const replies = await repliesTo(v, { button: "faq:none" });
    expect(replies.map((m) => m.text).join("\n")).toContain("Công an xã sẽ trả lời bạn ở đây.");
    expect(await svc.ctx.db.question.count({ where: { textFolded: { contains: "karaoke" } } })).toBe(1);
  });

  it("seeds the knowledge base from the starter content, and answers from an entry added while running", async () => {
    expect(await svc.ctx.db.faqEntry.count()).toBeGreaterThanOrEqual(loadStarterEntries().length);
    await svc.ctx.db.faqEntry.create({
      data: toFaqRow({
        id: "nuoi-ong-rung",
        version: 1,
        tags: ["thu-nghiem"],
        questions: ["Nuôi ong rừng có cần xin phép công an không?", "nuoi ong rung xin phep"],
        answer: { vi: "Việc nuôi ong không do công an cấp phép; bạn hỏi ủy ban xã." },
        reviewedBy: "Kiểm thử",
        reviewedAt: "2026-11-23",
      }),
    });
    const v = await visitor();
    await say(v, { button: "menu:question" });
    const replies = await repliesTo(v, { text: "nuôi ong rừng có cần xin phép ko" });
    expect(replies.map((m) => m.text).join("\n")).toContain("không do công an cấp phép");
  });
});
