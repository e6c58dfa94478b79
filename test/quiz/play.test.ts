/**
 * Issue 12 item 4: the 19/8 law quiz played in chat on the turn harness (real database, real
 * communes): to the end in Vietnamese on Telegram and on Zalo, in Hre with the Vietnamese fallback
 * said once, stopped half-way and resumed, stale buttons and typed words answered without losing
 * progress, and the commune results reconciled with what was played.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTurnHarness, type Resident, type TurnHarness } from "../support/turns.ts";
import { createReadyOfficer } from "../support/officers.ts";
import { toSignedInOfficer } from "../../src/officers/roles.ts";
import { approveQuizQuestion } from "../../src/quiz/manage-quiz.ts";
import { loadStarterQuestions } from "../../src/quiz/load-quiz-content.ts";
import { seedQuizQuestions } from "../../src/quiz/quiz-store.ts";
import { quizResults } from "../../src/quiz/quiz-results.ts";
import type { QuizQuestion } from "../../src/quiz/content-schema.ts";

let h: TurnHarness;
const bank = new Map<string, QuizQuestion>(loadStarterQuestions().map((q) => [q.id, q]));

beforeAll(async () => {
  h = await createTurnHarness();
  await seedQuizQuestions(h.ctx.db);
}, 180_000);
afterAll(async () => h?.close());

const attemptsOf = (r: Resident) => h.ctx.db.quizAttempt.findMany({ where: { contactId: r.contactId } });
const NOTE = "chưa sẵn sàng: người biết tiếng đang dịch";

/** The question on screen: its id, from the answer buttons. */
function shownQuestion(r: Resident): QuizQuestion {
  const payload = r.buttons().find((b) => b.payload.startsWith("quiz:a:"))?.payload;
  if (!payload) throw new Error(`no quiz question on screen:\n${r.text()}`);
  return bank.get(payload.split(":")[2]!)!;
}

/** Answers the question on screen by tapping a choice; returns whether it was the right one. */
async function answer(r: Resident, right: boolean): Promise<QuizQuestion> {
  const q = shownQuestion(r);
  const index = right ? q.correct : (q.correct + 1) % q.choices.length;
  await r.tap(q.choices[index]!.vi);
  return q;
}

/** Plays the answers given (true = right), checking what each reply says. */
async function play(r: Resident, pattern: boolean[]) {
  for (const right of pattern) {
    const q = await answer(r, right);
    const said = r.text();
    if (right) expect(said).toContain("✅ Đúng rồi!");
    else expect(said).toContain(`❌ Chưa đúng. Đáp án đúng: ${q.choices[q.correct]!.vi}.`);
    expect(said).toContain(q.explanation.vi);
    if (q.source) expect(said).toContain(`(Theo ${q.source})`);
  }
}

const SEVEN_OF_TEN = [true, true, false, true, true, true, false, true, false, true];
const FIVE_OF_TEN = [true, false, true, false, true, false, true, false, true, false];

describe("before any question is approved", () => {
  it("the quiz says it is not open yet, and starts nothing", async () => {
    const r = await h.resident("telegram", "vi");
    await r.say("thi");
    expect(r.text()).toContain("Cuộc thi chưa mở: câu hỏi đang chờ cán bộ công an duyệt.");
    expect(await attemptsOf(r)).toEqual([]);
  });
});

describe("the quiz, once officers approved the questions", () => {
  let communes: { bato: string; sonha: string };

  beforeAll(async () => {
    const { officer } = await createReadyOfficer(h.ctx, { username: "truong.tt", displayName: "Đ/c Trưởng nhóm", role: "outreach_lead" });
    for (const q of bank.values()) await approveQuizQuestion(h.ctx, q.id, toSignedInOfficer(officer), null);
    const unit = (fullName: string) => h.ctx.db.adminUnit.findFirstOrThrow({ where: { fullName }, orderBy: { version: "desc" } });
    communes = { bato: (await unit("Xã Ba Tơ")).code, sonha: (await unit("Xã Sơn Hà")).code };
  });

  it("is played to the end in Vietnamese on Telegram: commune asked once, each answer explained with its source, the score and the commune's standing", async () => {
    const r = await h.resident("telegram", "vi");
    await r.say("Làm bài thi");
    expect(r.text()).toContain("Cuộc thi tìm hiểu pháp luật");
    expect(r.text()).toContain("Có 10 câu hỏi");
    expect(r.text()).toContain("Bạn ở xã, phường nào?");
    await r.say("Ba Tơ");
    if (r.buttons().some((b) => b.label === "Xã Ba Tơ")) await r.tap("Xã Ba Tơ");
    else {
      expect(r.text()).toContain("Xã Ba Tơ, tỉnh Quảng Ngãi — đúng không?");
      await r.tap("Đúng");
    }
    expect(r.text()).toContain("Câu 1/10: ");
    // Choices are buttons, one a row, with "Tạm dừng" last.
    expect(r.buttons().length).toBeLessThanOrEqual(5);
    expect(r.buttons().at(-1)!.label).toBe("Tạm dừng");
    await play(r, SEVEN_OF_TEN);
    expect(r.text()).toContain("Bạn đúng 7/10 câu.");
    expect(r.text()).toContain("Xã Ba Tơ: 1 người đã làm xong bài thi, trung bình đúng 7/10 câu. Xã Ba Tơ đang xếp thứ 1 trong 1 xã, phường có người dự thi.");
    expect(r.text()).toContain("Bạn cần gì?");
    const [attempt] = await attemptsOf(r);
    expect(attempt).toMatchObject({ communeCode: communes.bato, score: 7 });
    expect(attempt!.finishedAt).not.toBeNull();
    expect((JSON.parse(attempt!.answersJson) as { right: boolean }[]).map((a) => a.right)).toEqual(SEVEN_OF_TEN);
    // Once per round: asking again gives the result, not a second attempt.
    await r.say("thi");
    expect(r.text()).toContain("Bạn đã làm xong bài thi đợt này: đúng 7/10 câu.");
    expect(await attemptsOf(r)).toHaveLength(1);
  });

  it("is played to the end on Zalo from a campaign's “Làm bài thi” button pressed mid-report, with the commune of the subscription and at most five buttons a message", async () => {
    const r = await h.resident("zalo", "vi");
    await h.ctx.db.subscription.create({ data: { contactId: r.contactId, topics: "festival", communeCode: communes.sonha, source: "menu", consentedAt: h.ctx.now() } });
    await r.press("menu:report");
    await r.press("quiz:start");
    expect(r.text()).toContain("Cuộc thi tìm hiểu pháp luật");
    expect(r.text()).not.toContain("Bạn ở xã, phường nào?");
    for (const right of FIVE_OF_TEN) {
      for (const m of r.last) expect((m.buttons ?? []).flat().length).toBeLessThanOrEqual(5);
      await answer(r, right);
    }
    expect(r.text()).toContain("Bạn đúng 5/10 câu.");
    expect(r.text()).toContain("Xã Sơn Hà: 1 người đã làm xong bài thi, trung bình đúng 5/10 câu. Xã Sơn Hà đang xếp thứ 2 trong 2 xã, phường có người dự thi.");
    expect((await attemptsOf(r))[0]).toMatchObject({ communeCode: communes.sonha, score: 5 });
  });

  it("is played in Hre: the questions in Vietnamese, the “not ready in your language” note said exactly once, and a recorded clip sent where one exists", async () => {
    const original = h.i18n.audio;
    // A speaker recorded the first question in Hre (the mechanism: locales/hre/audio.json, key quiz.bank.<id>).
    h.i18n.audio = (lng, key) => (lng === "hre" && key === "quiz.bank.goi-113" ? { file: "quiz-goi-113.ogg", mime: "audio/ogg", path: "/clips/hre/quiz-goi-113.ogg" } : original(lng, key));
    try {
      const r = await h.resident("telegram", "hre");
      const all: string[] = [];
      await r.command("start", "quiz");
      all.push(r.text());
      expect(r.text()).toContain("Tiếng Hrê");
      await r.tap("Bỏ qua");
      all.push(r.text());
      expect(r.text()).toContain(`Câu 1/10: ${bank.get("goi-113")!.question.vi}`);
      expect(r.last.find((m) => m.text.startsWith("Câu 1/10"))?.audio).toMatchObject({ file: "/clips/hre/quiz-goi-113.ogg", mime: "audio/ogg" });
      for (const right of SEVEN_OF_TEN) {
        await answer(r, right);
        all.push(r.text());
        const next = r.last.find((m) => m.text.startsWith("Câu "));
        if (next) expect(next.audio).toBeUndefined();
      }
      expect(r.text()).toContain("Bạn đúng 7/10 câu.");
      expect(r.text()).toContain("Bạn chưa chọn xã, phường nên điểm của bạn chưa được tính cho xã nào.");
      expect(all.join("\n").split(NOTE).length - 1).toBe(1);
      expect((await attemptsOf(r))[0]).toMatchObject({ communeCode: null, score: 7 });
    } finally {
      h.i18n.audio = original;
    }
  });

  it("stops half-way (“Tạm dừng”, “dừng”, “hủy”) and resumes where it stopped the next time", async () => {
    const r = await h.resident("zalo", "vi");
    await r.say("cuoc thi");
    await r.say("Ba Tơ");
    if (r.buttons().some((b) => b.label === "Xã Ba Tơ")) await r.tap("Xã Ba Tơ");
    else await r.tap("Đúng");
    await play(r, [true, true, true, true]);
    await r.tap("Tạm dừng");
    expect(r.text()).toContain("Đã lưu bài làm: bạn đã trả lời 4/10 câu.");
    expect(r.text()).toContain("Bạn cần gì?");
    expect((await r.session())?.flow).toBe("menu");

    await r.say("19/8");
    expect(r.text()).toContain("Bạn làm tiếp bài thi từ câu 5/10.");
    expect(r.text()).toContain("Câu 5/10: ");
    expect(r.text()).not.toContain("Bạn ở xã, phường nào?");
    await play(r, [false]);
    await r.say("dừng");
    expect(r.text()).toContain("Đã lưu bài làm: bạn đã trả lời 5/10 câu.");

    await r.tap("Làm bài thi");
    expect(r.text()).toContain("Câu 6/10: ");
    await play(r, [true]);
    await r.say("hủy");
    expect(r.text()).toContain("Đã lưu bài làm: bạn đã trả lời 6/10 câu.");

    await r.say("lam bai thi");
    expect(r.text()).toContain("Bạn làm tiếp bài thi từ câu 7/10.");
    await play(r, [true, false, true, true]);
    expect(r.text()).toContain("Bạn đúng 8/10 câu.");
    const [attempt] = await attemptsOf(r);
    expect((JSON.parse(attempt!.answersJson) as { right: boolean }[]).map((a) => a.right)).toEqual([true, true, true, true, false, true, true, false, true, true]);
    expect(await attemptsOf(r)).toHaveLength(1);
  });

  it("answers a stale button from an earlier question and words typed instead of a choice clearly, without losing progress", async () => {
    const r = await h.resident("telegram", "vi");
    await h.ctx.db.subscription.create({ data: { contactId: r.contactId, topics: "festival", communeCode: communes.bato, source: "menu", consentedAt: h.ctx.now() } });
    await r.say("thi");
    const first = shownQuestion(r);
    const oldButton = r.buttons().find((b) => b.payload.startsWith("quiz:a:"))!;
    await answer(r, true);
    await r.press(oldButton.payload);
    expect(r.text()).toContain("Câu đó đã qua rồi. Bạn trả lời câu 2 đang hỏi nhé:");
    expect(r.text()).toContain("Câu 2/10: ");
    expect(shownQuestion(r).id).not.toBe(first.id);

    await r.say("không biết nữa");
    expect(r.text()).toContain("Bạn bấm một nút đáp án bên dưới, hoặc gõ số thứ tự của đáp án");
    expect(r.text()).toContain("Câu 2/10: ");
    let [attempt] = await attemptsOf(r);
    expect(JSON.parse(attempt!.answersJson)).toHaveLength(1);

    // The number of a choice, or its words typed without marks, answer too.
    const second = shownQuestion(r);
    await r.say(String(second.correct + 1));
    expect(r.text()).toContain("✅ Đúng rồi!");
    const third = shownQuestion(r);
    const typed = third.choices[third.correct]!.vi.normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
    await r.say(typed);
    expect(r.text()).toContain("✅ Đúng rồi!");
    expect(r.text()).toContain("Câu 4/10: ");
    [attempt] = await attemptsOf(r);
    expect(attempt).toMatchObject({ score: 3 });
    expect(attempt!.finishedAt).toBeNull();
  });

  it("counts results per commune as they were played, without a name or a contact id", async () => {
    const results = await quizResults(h.ctx.db, {});
    const bato = results.communes.find((c) => c.communeCode === communes.bato)!;
    const sonha = results.communes.find((c) => c.communeCode === communes.sonha)!;
    const unknown = results.communes.find((c) => c.communeCode === null)!;
    // Ba Tơ: 7/10 and 8/10 finished, one still playing (3 right so far).
    expect(bato).toEqual({ communeCode: communes.bato, communeName: "Xã Ba Tơ", participants: 3, finished: 2, averageScore: 7.5 });
    expect(sonha).toEqual({ communeCode: communes.sonha, communeName: "Xã Sơn Hà", participants: 1, finished: 1, averageScore: 5 });
    expect(unknown).toEqual({ communeCode: null, communeName: "Chưa rõ xã, phường", participants: 1, finished: 1, averageScore: 7 });
    expect(results.totals).toEqual({ participants: 5, finished: 4, averageScore: 6.75 });
    expect(results.communes.map((c) => c.communeName)).toEqual(["Xã Ba Tơ", "Chưa rõ xã, phường", "Xã Sơn Hà"]);
    const contacts = await h.ctx.db.contact.findMany({ select: { id: true } });
    const text = JSON.stringify(results);
    for (const c of contacts) expect(text).not.toContain(c.id);
    // A period that holds no attempt counts none.
    expect((await quizResults(h.ctx.db, { from: "2026-08-01", to: "2026-09-30" })).totals).toEqual({ participants: 0, finished: 0, averageScore: 0 });
    expect((await quizResults(h.ctx.db, { from: "2026-12-02", to: "2026-12-02" })).totals.participants).toBe(5);
  });
});
