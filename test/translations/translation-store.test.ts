/**
 * The workbench store on a real database: states, the second-speaker rule, kept {{variables}}, stale forms, the
 * language an account speaks, and the audit sentences. Hre/Co text here is obviously a test string, never a word of
 * the language.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../support/context.ts";
import { createReadyOfficer } from "../support/officers.ts";
import { toSignedInOfficer, type SignedInOfficer } from "../../src/officers/roles.ts";
import { approveTranslation, listTranslations, saveDraft, sendBackTranslation } from "../../src/translations/translation-store.ts";
import { auditNames, auditSentence } from "../../src/officers/audit-sentences.ts";
import { AppError } from "../../src/http/errors.ts";

let ctx: TestContext;
let lan: SignedInOfficer;
let ha: SignedInOfficer;
let coOnly: SignedInOfficer;
let outreach: SignedInOfficer;

async function officer(username: string, role: "translator" | "admin" | "outreach", languages: string) {
  const { officer } = await createReadyOfficer(ctx, { username, displayName: `Cán bộ ${username}`, role, unitId: null });
  await ctx.db.officer.update({ where: { id: officer.id }, data: { languages } });
  return toSignedInOfficer({ ...officer, role });
}

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

beforeAll(async () => {
  ctx = await createTestContext();
  [lan, ha, coOnly, outreach] = await Promise.all([
    officer("dich.lan", "translator", "vi,hre"),
    officer("dich.ha", "admin", "vi,hre,cua"),
    officer("dich.co", "translator", "vi,cua"),
    officer("tuyen.truyen", "outreach", "vi,hre"),
  ]);
}, 30_000);
afterAll(async () => {
  await ctx?.close();
});

describe("the translation store", () => {
  it("lists every bot string as missing, with its Vietnamese text, area, context and variables", async () => {
    const { progress, entries } = await listTranslations(ctx, "hre");
    expect(progress.total).toBeGreaterThan(100);
    expect(progress.missing).toBe(progress.total);
    const receipt = entries.find((e) => e.key === "report.receipt")!;
    expect(receipt).toMatchObject({ state: "missing", text: null, audio: null, area: "report", areaLabel: "Báo tin", version: 0 });
    expect(receipt.variables).toEqual(expect.arrayContaining(["reference", "secret"]));
    expect(receipt.context.limits).toEqual({ telegram: 4096, zalo: 2000, webchat: 10_000 });
    const menu = entries.find((e) => e.key === "menu.prompt")!;
    expect(menu.context.buttons).toContain("Báo tin");
    expect(entries.find((e) => e.key === "menu.report")!.context.limits?.zalo).toBe(100);
  });

  it("keeps a draft out of the reviewed count until another speaker approves it", async () => {
    const draft = await saveDraft(ctx, lan, "hre", "menu.prompt", { text: "[hre test] menu prompt", version: 0 });
    expect(draft).toMatchObject({ state: "draft", text: "[hre test] menu prompt", version: 1, draftedBy: "Cán bộ dich.lan", reviewedBy: null });
    const own = await refusal(approveTranslation(ctx, lan, "hre", "menu.prompt", { version: 1 }));
    expect(own.status).toBe(403);
    expect(own.message).toContain("không tự duyệt");
    const approved = await approveTranslation(ctx, ha, "hre", "menu.prompt", { version: 1 });
    expect(approved).toMatchObject({ state: "reviewed", version: 2, reviewedBy: "Cán bộ dich.ha" });
    const { progress } = await listTranslations(ctx, "hre", { state: "reviewed" });
    expect(progress.reviewed).toBe(1);
  });

  it("refuses a translation that drops {{code}}-style variables, naming the variable", async () => {
    const e = await refusal(saveDraft(ctx, lan, "hre", "report.receipt", { text: "[hre test] receipt {{reference}}" }));
    expect(e.status).toBe(422);
    expect(e.message).toContain("{{secret}}");
    const extra = await refusal(saveDraft(ctx, lan, "hre", "menu.report", { text: "[hre test] {{name}}" }));
    expect(extra.status).toBe(422);
  });

  it("refuses a form made from an older version (409) and a language the account does not speak (403)", async () => {
    const stale = await refusal(saveDraft(ctx, lan, "hre", "menu.prompt", { text: "[hre test] again", version: 1 }));
    expect(stale.status).toBe(409);
    const notSpoken = await refusal(saveDraft(ctx, coOnly, "hre", "menu.report", { text: "[hre test] report" }));
    expect(notSpoken.status).toBe(403);
    expect(notSpoken.message).toContain("Tiếng Hrê");
    const role = await refusal(saveDraft(ctx, outreach, "hre", "menu.report", { text: "[hre test] report" }));
    expect(role.status).toBe(403);
    expect((await refusal(saveDraft(ctx, ha, "vi", "menu.report", { text: "x" }))).status).toBe(404);
    expect((await refusal(saveDraft(ctx, ha, "hre", "no.such.key", { text: "x" }))).status).toBe(404);
  });

  it("sends a reviewed string back to draft, and an edit of a reviewed string is a draft again", async () => {
    const back = await sendBackTranslation(ctx, lan, "hre", "menu.prompt", { reason: "Sai chính tả", version: 2 });
    expect(back).toMatchObject({ state: "draft", version: 3, reviewedBy: null });
    await approveTranslation(ctx, ha, "hre", "menu.prompt", { version: 3 });
    const edited = await saveDraft(ctx, ha, "hre", "menu.prompt", { text: "[hre test] menu prompt 2", version: 4 });
    expect(edited).toMatchObject({ state: "draft", version: 5, draftedBy: "Cán bộ dich.ha" });
    const notReviewed = await refusal(sendBackTranslation(ctx, lan, "hre", "menu.prompt", {}));
    expect(notReviewed.status).toBe(409);
  });

  it("writes every change to the audit log as a Vietnamese sentence naming the string by its text", async () => {
    const rows = await ctx.db.auditLog.findMany({ where: { action: { startsWith: "translation." } }, orderBy: { id: "asc" } });
    expect(rows.map((r) => r.action)).toEqual(["translation.save", "translation.approve", "translation.send_back", "translation.approve", "translation.save"]);
    const facts = rows.map((r) => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> }));
    const names = await auditNames(ctx.db, facts);
    const said = facts.map((r) => auditSentence(r, r.createdAt, names));
    expect(said[0]).toContain("lưu bản nháp bản dịch Tiếng Hrê của câu «Bạn cần gì? Bấm một nút bên dưới.»");
    expect(said[2]).toContain("trả lại thành bản nháp");
    expect(said[2]).toContain("Sai chính tả");
    expect(said.join("\n")).not.toContain("menu.prompt");
  });
});
