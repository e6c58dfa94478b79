import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addOfficer, postJson, signIn, startApi, type ApiHarness, type SignedIn } from "./support.ts";
import { fold } from "../../src/text/normalize.ts";
import { currentFaqIndex } from "../../src/faq/faq-store.ts";
import { matchFaq } from "../../src/faq/index.ts";

let api: ApiHarness;
let officer: SignedIn;
let viewer: SignedIn;
let editor: SignedIn;

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
let n = 0;

async function insertQuestion(text: string, extra: { status?: string; createdAt?: Date; language?: string; chatId?: string } = {}) {
  const contact = await api.ctx.db.contact.create({
    data: { channel: "webchat", platformIdHash: `h${++n}`, platformIdEnc: api.ctx.vault.encrypt(`visitor-${n}`) },
  });
  return api.ctx.db.question.create({
    data: {
      contactId: contact.id,
      channel: "webchat",
      chatIdEnc: api.ctx.vault.encrypt(extra.chatId ?? `visitor-${n}`),
      language: extra.language ?? "vi",
      text,
      textFolded: fold(text),
      status: extra.status ?? "open",
      createdAt: extra.createdAt ?? new Date(),
      sourceKey: `test:${n}`,
      ...(extra.status === "answered" ? { answer: "Đã trả lời.", answeredAt: new Date() } : {}),
    },
  });
}

const answer = (who: SignedIn, id: string, body: unknown, csrf = true) =>
  postJson(api.base, `/api/questions/${id}/answer`, body, { ...who.cookie, ...(csrf ? { "x-csrf-token": who.csrfToken } : {}) });

beforeAll(async () => {
  api = await startApi();
  await addOfficer(api.ctx, "can.bo", "officer");
  await addOfficer(api.ctx, "chi.xem", "viewer");
  await addOfficer(api.ctx, "bien.tap", "outreach");
  editor = await signIn(api.base, "bien.tap");
  officer = await signIn(api.base, "can.bo");
  viewer = await signIn(api.base, "chi.xem");
});
afterAll(async () => api?.close());

describe("the questions list", () => {
  it("shows open questions first, then the newest, and finds text typed without diacritics", async () => {
    const old = await insertQuestion("Đăng ký tạm trú cho người thuê trọ ở đâu?", { createdAt: minutesAgo(60) });
    const answered = await insertQuestion("Giờ làm việc của công an xã?", { status: "answered", createdAt: minutesAgo(1) });
    const recent = await insertQuestion("Đổi giấy phép lái xe ở đâu?", { createdAt: minutesAgo(5) });
    const res = await fetch(`${api.base}/api/questions`, { headers: viewer.cookie });
    expect(res.status).toBe(200);
    const ids = ((await res.json()) as { items: { id: string }[] }).items.map((i) => i.id);
    expect(ids.indexOf(recent.id)).toBeLessThan(ids.indexOf(old.id));
    expect(ids.indexOf(old.id)).toBeLessThan(ids.indexOf(answered.id));
    const found = (await (await fetch(`${api.base}/api/questions?q=tam tru`, { headers: viewer.cookie })).json()) as { items: { id: string }[] };
    expect(found.items.map((i) => i.id)).toEqual([old.id]);
  });

  it("needs a signed-in officer", async () => {
    expect((await fetch(`${api.base}/api/questions`)).status).toBe(401);
  });
});

describe("answering a question", () => {
  it("stores the answer, queues it to the resident encrypted in the same step, and audits it", async () => {
    const q = await insertQuestion("Mất ví thì báo ở đâu?", { chatId: "visitor-secret-chat" });
    const res = await answer(officer, q.id, { answer: "Bạn đến công an xã nơi mất ví để trình báo." });
    expect(res.status).toBe(204);
    const row = await api.ctx.db.question.findUniqueOrThrow({ where: { id: q.id } });
    expect(row).toMatchObject({ status: "answered", answer: "Bạn đến công an xã nơi mất ví để trình báo." });
    expect(row.answeredAt).toBeInstanceOf(Date);
    const out = await api.ctx.db.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: `question:${q.id}:answer` } });
    expect(out.payload).not.toContain("trình báo");
    expect(api.ctx.vault.decrypt(out.addressEnc)).toBe("visitor-secret-chat");
    expect(JSON.parse(api.ctx.vault.decrypt(out.payload)).text).toContain("Bạn đến công an xã nơi mất ví");
    const audit = await api.ctx.db.auditLog.findFirstOrThrow({ where: { action: "question.answer", targetId: q.id } });
    expect(audit.data).not.toContain("trình báo");
  });

  it("answers a question only once", async () => {
    const q = await insertQuestion("Làm lại căn cước ở đâu?");
    expect((await answer(officer, q.id, { answer: "Ở công an xã." })).status).toBe(204);
    const again = await answer(officer, q.id, { answer: "Lần hai." });
    expect(again.status).toBe(409);
    expect(await api.ctx.db.outboxMessage.count({ where: { dedupeKey: `question:${q.id}:answer` } })).toBe(1);
  });

  it("refuses read-only accounts, requests without the CSRF token, empty answers and unknown questions", async () => {
    const q = await insertQuestion("Cho hỏi số điện thoại công an xã?");
    expect((await answer(viewer, q.id, { answer: "Không được." })).status).toBe(403);
    const noCsrf = await answer(officer, q.id, { answer: "Thiếu mã." }, false);
    expect(noCsrf.status).toBe(403);
    expect(((await noCsrf.json()) as { error: { code: string } }).error.code).toBe("csrf_failed");
    expect((await answer(officer, q.id, { answer: "   " })).status).toBe(400);
    expect((await answer(officer, "khong-co", { answer: "Có." })).status).toBe(404);
    expect((await api.ctx.db.question.findUniqueOrThrow({ where: { id: q.id } })).status).toBe("open");
  });

  it("is described in the OpenAPI document", async () => {
    const doc = (await (await fetch(`${api.base}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/questions", "/api/questions/{id}/answer"]));
    expect(doc.paths["/api/questions/{id}/answer"]).toHaveProperty("post");
  });
});

const entry = {
  id: "gio-lam-viec",
  tags: ["thu-tuc"],
  questions: ["Công an xã làm việc mấy giờ?", "gio lam viec cong an xa"],
  answer: { vi: "Công an xã làm việc giờ hành chính, từ thứ Hai đến thứ Sáu.", hre: null, cua: null },
  reviewedBy: "Biên tập",
  reviewedAt: "2026-11-23",
};
const send = (method: string, who: SignedIn, path: string, body: unknown) =>
  fetch(`${api.base}/api${path}`, { method, headers: { "content-type": "application/json", ...who.cookie, "x-csrf-token": who.csrfToken }, body: JSON.stringify(body) });

describe("the knowledge base through the API", () => {
  it("lets outreach editors add and change entries, bumps the version, and lets everyone read them", async () => {
    expect((await send("POST", officer, "/faq", entry)).status).toBe(403);
    const created = await send("POST", editor, "/faq", entry);
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ id: "gio-lam-viec", version: 1, disabled: false });
    expect((await send("POST", editor, "/faq", entry)).status).toBe(409);
    const changed = await send("PATCH", editor, "/faq/gio-lam-viec", { answer: { vi: "Công an xã làm việc giờ hành chính; ngoài giờ có trực ban." } });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ version: 2, answer: { vi: expect.stringContaining("trực ban") } });
    const list = (await (await fetch(`${api.base}/api/faq`, { headers: viewer.cookie })).json()) as { entries: { id: string }[] };
    expect(list.entries.map((e) => e.id)).toContain("gio-lam-viec");
    const audit = await api.ctx.db.auditLog.count({ where: { targetType: "faq", targetId: "gio-lam-viec" } });
    expect(audit).toBe(2);
  });

  it("exports a file and imports an edited one: new entries added, changed ones replaced", async () => {
    const file = (await (await fetch(`${api.base}/api/faq/export`, { headers: viewer.cookie })).json()) as { format: string; entries: Array<Record<string, unknown>> };
    expect(file.format).toBe("tin-bao-faq");
    const edited = {
      ...file,
      entries: [
        ...file.entries.map((e) => (e.id === "gio-lam-viec" ? { ...e, questions: [...(e.questions as string[]), "may gio ca xa mo cua"] } : e)),
        { ...entry, id: "nop-phat", version: 1, questions: ["Nộp phạt ở đâu?"], answer: { vi: "Bạn hỏi công an xã nơi bị lập biên bản." } },
      ],
    };
    expect((await send("POST", officer, "/faq/import", edited)).status).toBe(403);
    const res = await send("POST", editor, "/faq/import", edited);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ created: 1, updated: 1, unchanged: file.entries.length - 1 });
    expect((await send("POST", editor, "/faq/import", { format: "tin-bao-faq", version: 1, entries: [{ id: "Sai Ma" }] })).status).toBe(400);
  });

  it("imports a whole knowledge-base file, larger than any form (the starter content)", async () => {
    const text = readFileSync("content/faq/starter.json", "utf8");
    const starter = JSON.parse(text) as { entries: unknown[] };
    expect(Buffer.byteLength(text)).toBeGreaterThan(64 * 1024);
    const res = await fetch(`${api.base}/api/faq/import`, {
      method: "POST",
      headers: { "content-type": "application/json", ...editor.cookie, "x-csrf-token": editor.csrfToken },
      body: text,
    });
    expect(res.status).toBe(200);
    const counts = (await res.json()) as { created: number; updated: number; unchanged: number };
    expect(counts.created + counts.updated + counts.unchanged).toBe(starter.entries.length);
  });

  it("saves an officer's answer as a new entry in the same step, and the matcher uses it at once", async () => {
    await addOfficer(api.ctx, "quan.tri", "admin");
    const admin = await signIn(api.base, "quan.tri");
    const q = await insertQuestion("Mất giấy đăng ký xe máy thì làm sao?");
    const other = await insertQuestion("Mất giấy đăng ký xe máy phải làm gì?");
    expect((await answer(officer, other.id, { answer: "X", saveAsEntry: { questions: ["mất đăng ký xe"] } })).status).toBe(403);
    const res = await answer(admin, q.id, {
      answer: "Bạn đến công an nơi đăng ký xe để làm lại giấy đăng ký.",
      saveAsEntry: { questions: ["Mất giấy đăng ký xe máy thì làm sao?", "mat dang ky xe may"] },
    });
    expect(res.status).toBe(204);
    const row = await api.ctx.db.question.findUniqueOrThrow({ where: { id: q.id } });
    expect(row.faqEntryId).toBeTruthy();
    const saved = await api.ctx.db.faqEntry.findUniqueOrThrow({ where: { id: row.faqEntryId! } });
    expect(JSON.parse(saved.answersJson)).toEqual({ vi: "Bạn đến công an nơi đăng ký xe để làm lại giấy đăng ký." });
    const decision = matchFaq(await currentFaqIndex(api.ctx.db), "mat giay dang ky xe may thi lam sao");
    expect(decision.candidates[0]?.entryId).toBe(saved.id);
  });
});
