/**
 * FAQ answers, quiz questions and campaign texts in the workbench (issue 14): listed with their Vietnamese text and
 * context, and an approved translation served to a Hre resident on the very next message by the paths that already
 * read those rows (FAQ answer, quiz, campaign message), while a draft never is and a send-back takes it away again.
 * Hre text here is an obviously marked test string, never a word of the language.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTurnHarness, type TurnHarness } from "../support/turns.ts";
import { createReadyOfficer } from "../support/officers.ts";
import { toSignedInOfficer, type SignedInOfficer } from "../../src/officers/roles.ts";
import { seedFaqEntries } from "../../src/faq/faq-store.ts";
import { seedQuizQuestions } from "../../src/quiz/quiz-store.ts";
import { approveQuizQuestion } from "../../src/quiz/manage-quiz.ts";
import { createCampaign, parseCampaign } from "../../src/outreach/campaigns/manage-campaigns.ts";
import { composeCampaignMessage } from "../../src/outreach/campaigns/compose.ts";
import { approveTranslation, listTranslations, saveDraft, sendBackTranslation } from "../../src/translations/translation-store.ts";
import { AppError } from "../../src/http/errors.ts";
import { exportFaq, importFaq, updateFaqEntry } from "../../src/faq/manage-faq.ts";

let h: TurnHarness;
let lan: SignedInOfficer;
let ha: SignedInOfficer;

async function officer(username: string, role: "translator" | "admin" | "outreach", languages: string) {
  const { officer } = await createReadyOfficer(h.ctx, { username, displayName: `Cán bộ ${username}`, role, unitId: null });
  await h.ctx.db.officer.update({ where: { id: officer.id }, data: { languages } });
  return toSignedInOfficer({ ...officer, role });
}

/** Drafted by Lan, approved by Hà: live from now on. */
async function translate(key: string, text: string) {
  const draft = await saveDraft(h.ctx, lan, "hre", key, { text });
  return approveTranslation(h.ctx, ha, "hre", key, { version: draft.version });
}

beforeAll(async () => {
  h = await createTurnHarness({ realUnits: false });
  await seedFaqEntries(h.ctx.db);
  await seedQuizQuestions(h.ctx.db);
  lan = await officer("dich.lan", "translator", "vi,hre");
  ha = await officer("dich.ha", "admin", "vi,hre,cua");
  const lead = await officer("tuyen.truyen", "admin", "vi");
  await approveQuizQuestion(h.ctx, "goi-113", lead, null);
}, 120_000);
afterAll(async () => h?.close());

describe("database content in the workbench", () => {
  it("lists FAQ answers, each quiz question's parts and open campaigns with their Vietnamese text and context", async () => {
    const editor = await officer("bien.tap", "outreach", "vi");
    const campaign = await createCampaign(
      h.ctx,
      editor,
      { title: "Cảnh báo lừa đảo", topic: "scam", variants: { vi: { text: "Cảnh giác với cuộc gọi xưng là công an: công an không gọi điện đòi tiền." } }, buttons: [{ kind: "report" }] },
      null,
    );
    const { entries } = await listTranslations(h.ctx, "hre");
    const byKey = new Map(entries.map((e) => [e.key, e]));
    const faq = byKey.get("faq:goi-113")!;
    expect(faq).toMatchObject({ state: "missing", area: "faq", areaLabel: "Câu trả lời hỏi đáp" });
    expect(faq.source).toMatch(/^113 là số gọi công an khi khẩn cấp/);
    expect(faq.context.where).toContain("«113 là số gì?»");

    const question = byKey.get("quiz:goi-113.question")!;
    expect(question.areaLabel).toBe("Câu hỏi cuộc thi 19/8");
    expect(question.context.buttons?.at(-1)).toBe("Tạm dừng");
    expect(question.context.buttonKeys?.[0]).toBe("quiz:goi-113.option1");
    expect(byKey.get("quiz:goi-113.option1")!.context.limits).toEqual({ telegram: 60, zalo: 60, webchat: 60 });
    expect(byKey.has("quiz:goi-113.explanation")).toBe(true);
    // A question not approved yet is listed (it can be translated before residents meet it), and says so.
    const unapproved = entries.find((e) => e.key.endsWith(".question") && e.key.startsWith("quiz:") && e.key !== "quiz:goi-113.question")!;
    expect(unapproved.context.where).toContain("chưa được duyệt");

    const text = byKey.get(`campaign:${campaign.id}`)!;
    expect(text).toMatchObject({ state: "missing", area: "campaign", areaLabel: "Chiến dịch tuyên truyền" });
    expect(text.context.where).toContain("«Cảnh báo lừa đảo» (bản nháp)");
    expect(text.context.buttons).toEqual(["Báo tin cho công an", "Dừng nhận tin"]);
    // The area filter keeps the bot's own quiz prompts apart from the question bank.
    const bank = await listTranslations(h.ctx, "hre", { area: "quiz-bank" });
    expect(bank.entries.every((e) => e.key.startsWith("quiz:"))).toBe(true);
  });

  it("serves an approved FAQ answer to a Hre resident on the next question, never the draft, and the Vietnamese again after a send-back", async () => {
    const r = await h.resident("telegram", "hre");
    const ask = async () => {
      await r.press("menu:question");
      await r.say("113 là số gì?");
      return r.text();
    };
    const draft = await saveDraft(h.ctx, lan, "hre", "faq:goi-113", { text: "[hre test] câu trả lời về 113" });
    expect(await ask()).toContain("113 là số gọi công an khi khẩn cấp");
    expect(r.text()).not.toContain("[hre test]");

    await approveTranslation(h.ctx, ha, "hre", "faq:goi-113", { version: draft.version });
    const answered = await ask();
    expect(answered).toContain("[hre test] câu trả lời về 113");
    expect(answered).not.toContain("113 là số gọi công an khi khẩn cấp");
    const row = await h.ctx.db.faqEntry.findUniqueOrThrow({ where: { id: "goi-113" } });
    expect(JSON.parse(row.answersJson)).toMatchObject({ hre: "[hre test] câu trả lời về 113" });

    await sendBackTranslation(h.ctx, ha, "hre", "faq:goi-113", { reason: "Cần sửa" });
    expect(await ask()).toContain("113 là số gọi công an khi khẩn cấp");
    expect(JSON.parse((await h.ctx.db.faqEntry.findUniqueOrThrow({ where: { id: "goi-113" } })).answersJson).hre).toBeNull();
  });

  it("shows approved quiz texts (question, answer buttons, explanation) to a Hre resident, and refuses an answer button longer than the bank allows", async () => {
    const q = JSON.parse((await h.ctx.db.quizQuestion.findUniqueOrThrow({ where: { id: "goi-113" } })).choicesJson) as { vi: string }[];
    await translate("quiz:goi-113.question", "[hre test] câu hỏi 113");
    await translate("quiz:goi-113.option1", "[hre test] đáp án 1");
    await translate("quiz:goi-113.explanation", "[hre test] giải thích 113");
    const tooLong = await saveDraft(h.ctx, lan, "hre", "quiz:goi-113.option2", { text: `[hre test] ${"dài ".repeat(20)}` });
    const refused = await approveTranslation(h.ctx, ha, "hre", "quiz:goi-113.option2", { version: tooLong.version }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).message).toContain("tối đa 60 ký tự");

    const r = await h.resident("telegram", "hre");
    await r.command("start", "quiz");
    await r.tap("Bỏ qua");
    expect(r.text()).toContain("Câu 1/1: [hre test] câu hỏi 113");
    const labels = r.buttons().map((b) => b.label);
    expect(labels).toContain("[hre test] đáp án 1");
    expect(labels).toContain(q[1]!.vi); // the refused one stays Vietnamese
    await r.tap(labels.find((l) => l === "[hre test] đáp án 1" || l === q[1]!.vi)!);
    expect(r.text()).toContain("[hre test] giải thích 113");
  });

  it("sends a clip recorded for a FAQ answer or a quiz question with it, once a second speaker approved it", async () => {
    const clip = await h.ctx.db.audioClip.create({
      data: { sha256: "c".repeat(64), mime: "audio/webm", bytes: 10, durationMs: 2400, file: "clips/ccc.webm", oggFile: "clips/ccc.ogg", m4aFile: "clips/ccc.m4a", createdBy: lan.id },
    });
    const recorded = async (key: string) => {
      const draft = await saveDraft(h.ctx, lan, "hre", key, { clipId: clip.id });
      await h.i18n.refresh!(h.ctx.db, { mediaDir: h.ctx.config.mediaDir });
      return draft;
    };
    const r = await h.resident("telegram", "hre");
    const draft = await recorded("faq:goi-115");
    await r.press("menu:question");
    await r.say("Số cấp cứu là số mấy?");
    expect(r.last.some((m) => m.audio)).toBe(false); // a draft clip never reaches a resident
    await approveTranslation(h.ctx, ha, "hre", "faq:goi-115", { version: draft.version });
    await h.i18n.refresh!(h.ctx.db);
    await r.press("menu:question");
    await r.say("Số cấp cứu là số mấy?");
    const answer = r.last.find((m) => m.text.includes("115 là số cấp cứu"))!;
    expect(answer.audio).toMatchObject({ mime: "audio/ogg" });
    expect(answer.audio!.file.endsWith("clips/ccc.ogg")).toBe(true);

    const q = await recorded("quiz:goi-113.explanation");
    await approveTranslation(h.ctx, ha, "hre", "quiz:goi-113.explanation", { version: q.version });
    await h.i18n.refresh!(h.ctx.db);
    const player = await h.resident("telegram", "hre");
    await player.command("start", "quiz");
    await player.tap("Bỏ qua");
    await player.press(player.buttons().find((b) => b.payload.startsWith("quiz:a:goi-113:"))!.payload);
    expect(player.last.find((m) => m.text.includes("[hre test] giải thích 113"))?.audio?.file.endsWith("clips/ccc.ogg")).toBe(true);
  });

  it("keeps an approved Hre FAQ answer when an editor saves the entry or imports a staff file, and refuses one typed there", async () => {
    await translate("faq:goi-114", "[hre test] 114");
    const editor = await officer("bien.tap.faq", "admin", "vi");
    const vi = "114 là số của lực lượng phòng cháy, chữa cháy (sửa thử).";
    // The FAQ screen now sends only Vietnamese; an older form may still send null for Hre.
    await updateFaqEntry(h.ctx, "goi-114", { answer: { vi, hre: null } }, editor, null);
    const answers = async () => JSON.parse((await h.ctx.db.faqEntry.findUniqueOrThrow({ where: { id: "goi-114" } })).answersJson) as Record<string, string | null>;
    expect(await answers()).toMatchObject({ vi, hre: "[hre test] 114" });
    const typed = await updateFaqEntry(h.ctx, "goi-114", { answer: { vi, hre: "[hre test] typed by the editor" } }, editor, null).catch((e: unknown) => e as AppError);
    expect(typed).toBeInstanceOf(AppError);
    expect((typed as AppError).message).toContain("câu trả lời tiếng Hrê được viết và duyệt trên Bàn dịch");
    // A staff export imported back unchanged keeps it too.
    await importFaq(h.ctx, await exportFaq(h.ctx), editor, null);
    expect((await answers()).hre).toBe("[hre test] 114");
  });

  it("makes an approved campaign text the Hre variant residents are sent, and takes it out on a send-back", async () => {
    const editor = await officer("bien.tap.2", "outreach", "vi");
    const row = await createCampaign(h.ctx, editor, { title: "Ma túy", topic: "drugs", variants: { vi: { text: "Ma túy hủy hoại sức khỏe." } } }, null);
    const key = `campaign:${row.id}`;
    const sent = async () => {
      const c = parseCampaign(await h.ctx.db.campaign.findUniqueOrThrow({ where: { id: row.id } }));
      return composeCampaignMessage(h.i18n, { variants: c.variants, buttons: c.buttons, imageId: c.imageId }, "hre", { mediaDir: h.ctx.config.mediaDir }).text;
    };
    await saveDraft(h.ctx, lan, "hre", key, { text: "[hre test] ma túy" });
    expect(await sent()).toBe("Ma túy hủy hoại sức khỏe.");
    const approved = await approveTranslation(h.ctx, ha, "hre", key);
    expect(await sent()).toBe("[hre test] ma túy");
    // The campaign's own approval workflow is untouched: still a draft of its editor.
    expect(await h.ctx.db.campaign.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "draft", version: row.version });
    await sendBackTranslation(h.ctx, ha, "hre", key, { version: approved.version });
    expect(await sent()).toBe("Ma túy hủy hoại sức khỏe.");
  });
});
