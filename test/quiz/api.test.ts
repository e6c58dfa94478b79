/**
 * The quiz in the console API over real HTTP: the question list with approval state, approval by
 * the outreach lead (who and when kept, audited once, editors refused), and results per commune
 * for a period, with no resident's name or id.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addOfficer, signIn, startApi, type ApiHarness, type SignedIn } from "../console/support.ts";
import { seedQuizQuestions } from "../../src/quiz/quiz-store.ts";
import { ensureDemoSetup } from "../../src/routing/ensure-demo-setup.ts";

let api: ApiHarness;
let lead: SignedIn;
let editor: SignedIn;
let leadId: string;

beforeAll(async () => {
  api = await startApi();
  await ensureDemoSetup(api.ctx);
  await seedQuizQuestions(api.ctx.db);
  leadId = (await addOfficer(api.ctx, "truong.nhom", "outreach_lead")).id;
  await addOfficer(api.ctx, "bien.tap", "outreach");
  lead = await signIn(api.base, "truong.nhom");
  editor = await signIn(api.base, "bien.tap");
}, 60_000);
afterAll(async () => api?.close());

const get = (path: string, who: SignedIn) => fetch(`${api.base}/api${path}`, { headers: who.cookie });
const post = (path: string, who: SignedIn) => fetch(`${api.base}/api${path}`, { method: "POST", headers: { ...who.cookie, "x-csrf-token": who.csrfToken } });

interface QuestionView {
  id: string;
  approved: boolean;
  approvedBy: string | null;
  approvedAt: string | null;
  reviewedBy: string;
  source?: string;
}

describe("quiz questions in the console", () => {
  it("lists the starter bank, every question waiting for approval and marked unreviewed", async () => {
    const res = await get("/quiz/questions", editor);
    expect(res.status).toBe(200);
    const { questions } = (await res.json()) as { questions: QuestionView[] };
    expect(questions.length).toBeGreaterThanOrEqual(20);
    for (const q of questions) expect(q).toMatchObject({ approved: false, approvedBy: null, reviewedBy: "Nhóm phát triển Tin Báo (chưa qua cán bộ nghiệp vụ duyệt)" });
    expect(questions.find((q) => q.id === "toi-lua-dao")?.source).toBe("Bộ luật Hình sự 2015, Điều 174");
  });

  it("is approved by the outreach lead, who and when kept, audited once; an editor may not approve", async () => {
    const refused = await post("/quiz/questions/toi-lua-dao/approve", editor);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain("trưởng nhóm tuyên truyền");

    const res = await post("/quiz/questions/toi-lua-dao/approve", lead);
    expect(res.status).toBe(200);
    const approved = (await res.json()) as QuestionView;
    expect(approved).toMatchObject({ id: "toi-lua-dao", approved: true, approvedBy: "Cán bộ truong.nhom", reviewedBy: "Cán bộ truong.nhom" });
    expect(approved.approvedAt).not.toBeNull();
    const again = (await (await post("/quiz/questions/toi-lua-dao/approve", lead)).json()) as QuestionView;
    expect(again.approvedAt).toBe(approved.approvedAt);

    const audit = await api.ctx.db.auditLog.findMany({ where: { action: "quiz.approve" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ officerId: leadId, targetType: "quiz_question", targetId: "toi-lua-dao" });
    const { questions } = (await (await get("/quiz/questions", editor)).json()) as { questions: QuestionView[] };
    expect(questions.filter((q) => q.approved).map((q) => q.id)).toEqual(["toi-lua-dao"]);
    expect((await post("/quiz/questions/khong-co/approve", lead)).status).toBe(404);
  });
});

describe("quiz results per commune", () => {
  it("counts participants, finished attempts and the average score per commune for the period, without names or ids", async () => {
    const bato = await api.ctx.db.adminUnit.findFirstOrThrow({ where: { fullName: "Xã Ba Tơ" } });
    const attempts = [
      { commune: bato.code, score: 8, finished: true, at: "2026-08-10T09:00:00+07:00" },
      { commune: bato.code, score: 6, finished: true, at: "2026-08-20T09:00:00+07:00" },
      { commune: bato.code, score: 2, finished: false, at: "2026-08-21T09:00:00+07:00" },
      { commune: null, score: 9, finished: true, at: "2026-09-01T09:00:00+07:00" },
      // The last minute of 31/07 in Vietnam: before the period.
      { commune: bato.code, score: 1, finished: true, at: "2026-07-31T23:59:00+07:00" },
    ];
    const contactIds: string[] = [];
    for (const [i, a] of attempts.entries()) {
      const contact = await api.ctx.db.contact.create({ data: { channel: "zalo", platformIdHash: api.ctx.vault.hash(`quiz-${i}`), platformIdEnc: api.ctx.vault.encrypt(`quiz-${i}`) } });
      contactIds.push(contact.id);
      await api.ctx.db.quizAttempt.create({
        data: {
          contactId: contact.id,
          round: "2026",
          communeCode: a.commune,
          questionIdsJson: "[]",
          score: a.score,
          startedAt: new Date(a.at),
          ...(a.finished ? { finishedAt: new Date(a.at) } : {}),
        },
      });
    }
    const res = await get("/quiz/results?from=2026-08-01&to=2026-09-30", editor);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      communes: [
        { communeCode: null, communeName: "Chưa rõ xã, phường", participants: 1, finished: 1, averageScore: 9 },
        { communeCode: bato.code, communeName: "Xã Ba Tơ", participants: 3, finished: 2, averageScore: 7 },
      ],
      totals: { participants: 4, finished: 3, averageScore: 7.67 },
    });
    for (const id of contactIds) expect(text).not.toContain(id);
    const bad = await get("/quiz/results?from=2026-09-30&to=2026-08-01", editor);
    expect(bad.status).toBe(400);
  });
});
