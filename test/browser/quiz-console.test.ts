/**
 * The "Cuộc thi 19/8" console screen in real Chromium against the real service: the outreach lead
 * sees the starter questions waiting ("Chưa duyệt"), approves one ("Đã duyệt", who and when, in
 * the audit log), and reads the results per commune; an outreach editor sees no "Duyệt" button.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, SCREENSHOTS } from "../support/browser.ts";
import { openConsoleDesk, type ConsoleDesk } from "../support/console-browser.ts";

describe.runIf(browserAvailable)("the quiz screen of the console", () => {
  let desk: ConsoleDesk;

  beforeAll(async () => {
    desk = await openConsoleDesk([
      ["truong.nhom", "outreach_lead", null],
      ["bien.tap", "outreach", null],
    ]);
    const db = desk.svc.ctx.db;
    const bato = await db.adminUnit.findFirstOrThrow({ where: { fullName: "Xã Ba Tơ" } });
    for (const [i, score] of [8, 5, 3].entries()) {
      const contact = await db.contact.create({ data: { channel: "zalo", platformIdHash: desk.svc.ctx.vault.hash(`qz-${i}`), platformIdEnc: desk.svc.ctx.vault.encrypt(`qz-${i}`) } });
      const at = new Date("2026-08-19T09:00:00+07:00");
      await db.quizAttempt.create({
        data: { contactId: contact.id, round: "2026", communeCode: bato.code, questionIdsJson: "[]", score, startedAt: at, ...(i < 2 ? { finishedAt: at } : {}) },
      });
    }
  }, 120_000);
  afterAll(async () => {
    await desk?.close();
  });

  it("lets the outreach lead approve a question and read the commune table", async () => {
    const page = await desk.signIn("truong.nhom");
    await page.getByRole("link", { name: "Cuộc thi 19/8" }).click();
    const first = page.locator(".quiz-list .card").first();
    await first.waitFor();
    expect(await first.innerText()).toContain("Chưa duyệt");
    expect(await page.locator(".quiz-list .badge", { hasText: "Chưa duyệt" }).count()).toBeGreaterThanOrEqual(20);
    const id = await first.getAttribute("data-question");

    await first.getByRole("button", { name: "Duyệt" }).click();
    await first.locator(".badge", { hasText: "Đã duyệt" }).waitFor();
    expect(await first.innerText()).toContain("duyệt bởi Cán bộ truong.nhom");
    expect(await first.getByRole("button", { name: "Duyệt" }).count()).toBe(0);
    await page.getByText(/^1\/\d+ câu đã duyệt$/).waitFor();

    const row = page.locator("table.quiz-results tbody tr", { hasText: "Xã Ba Tơ" });
    await row.waitFor();
    expect((await row.locator("td").allInnerTexts()).map((t) => t.trim())).toEqual(["3", "2", "6,5"]);
    await page.screenshot({ path: path.join(SCREENSHOTS, "console-quiz.png"), fullPage: false });

    const audit = await desk.svc.ctx.db.auditLog.findMany({ where: { action: "quiz.approve", targetId: id! } });
    expect(audit).toHaveLength(1);
    expect((await desk.svc.ctx.db.quizQuestion.findUniqueOrThrow({ where: { id: id! } })).approvedAt).not.toBeNull();

    // Reloaded, the approval is still there.
    await page.reload();
    await page.locator(".quiz-list .card").first().locator(".badge", { hasText: "Đã duyệt" }).waitFor();
    expect(desk.problems).toEqual([]);
  }, 60_000);

  it("shows an outreach editor the questions and results, without a “Duyệt” button", async () => {
    const page = await desk.signIn("bien.tap", "/console/quiz");
    await page.locator(".quiz-list .card").first().waitFor();
    expect(await page.getByRole("button", { name: "Duyệt" }).count()).toBe(0);
    await page.locator("table.quiz-results tbody tr", { hasText: "Xã Ba Tơ" }).waitFor();
    expect(desk.problems).toEqual([]);
  }, 60_000);
});
