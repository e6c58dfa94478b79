/**
 * A language's translations as a file, over the real API (issue 14): i18next JSON and XLIFF 2.0 exported, imported
 * back unchanged and exported again byte for byte; characters that XML and JSON must escape (<, &, quotes), emoji,
 * Vietnamese marks and the Hre letter ƀ survive; an import only ever makes drafts by the importing officer, keeps
 * the {{variables}} rule, reports unknown keys, and answers bad files in Vietnamese. Hre text here is an obviously
 * marked test string, never a word of the language.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addOfficer, signIn, startApi, type ApiHarness, type SignedIn } from "../console/support.ts";
import { seedFaqEntries } from "../../src/faq/faq-store.ts";
import { seedQuizQuestions } from "../../src/quiz/quiz-store.ts";
import { auditNames, auditSentence } from "../../src/officers/audit-sentences.ts";

let api: ApiHarness;
let lan: SignedIn;
let ha: SignedIn;
let outsider: SignedIn;

/** Quotes, markup, an ampersand, emoji, Vietnamese marks, ƀ, a line break and the variable kept. */
const TRICKY = `[hre test] <b>"Đã" chọn</b> & 'ƀơ' 😀 {{label}}\nđiều ${"]]>"} cuối`;

async function call(who: SignedIn, method: string, path: string, body?: unknown, type?: string) {
  const raw = typeof body === "string" || body instanceof Uint8Array;
  const res = await fetch(`${api.base}/api${path}`, {
    method,
    headers: { ...who.cookie, "x-csrf-token": who.csrfToken, ...(body === undefined ? {} : { "content-type": type ?? "application/json" }) },
    ...(body === undefined ? {} : { body: raw ? (body as string) : JSON.stringify(body) }),
  });
  return res;
}

async function json<T>(res: Response): Promise<T> {
  const text = await res.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`not JSON (${res.status}): ${text.slice(0, 300)}`);
  }
}

async function exported(who: SignedIn, format: "json" | "xlf", state = "all"): Promise<string> {
  const res = await call(who, "GET", `/translations/hre/export.${format}?state=${state}`);
  expect(res.status).toBe(200);
  return res.text();
}

interface Summary {
  format: string;
  created: number;
  updated: number;
  unchanged: number;
  empty: number;
  refused: { key: string; message: string }[];
  refusedCount: number;
  message: string;
}

async function imported(who: SignedIn, file: string, type = "application/json"): Promise<Summary> {
  const res = await call(who, "POST", "/translations/hre/import", file, type);
  const body = await json<Summary>(res);
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
}

async function entry(key: string) {
  const res = await call(ha, "GET", "/translations?lang=hre");
  const { entries } = await json<{ entries: { key: string; text: string | null; state: string; draftedBy: string | null }[] }>(res);
  return entries.find((e) => e.key === key)!;
}

beforeAll(async () => {
  api = await startApi();
  await seedFaqEntries(api.ctx.db);
  await seedQuizQuestions(api.ctx.db);
  await addOfficer(api.ctx, "dich.lan", "translator");
  await addOfficer(api.ctx, "dich.ha", "translator");
  await addOfficer(api.ctx, "dich.co", "translator");
  await api.ctx.db.officer.updateMany({ where: { username: { in: ["dich.lan", "dich.ha"] } }, data: { languages: "vi,hre" } });
  await api.ctx.db.officer.updateMany({ where: { username: "dich.co" }, data: { languages: "vi,cua" } });
  [lan, ha, outsider] = await Promise.all([signIn(api.base, "dich.lan"), signIn(api.base, "dich.ha"), signIn(api.base, "dich.co")]);
  // Work in progress: a reviewed string with every awkward character, a reviewed FAQ answer, a draft.
  const put = async (who: SignedIn, key: string, text: string) => expect((await call(who, "PUT", `/translations/hre/${key}`, { text })).status).toBe(200);
  await put(lan, "language.saved", TRICKY);
  expect((await call(ha, "POST", "/translations/hre/language.saved/approve", {})).status).toBe(200);
  await put(lan, "faq:goi-113", "[hre test] 113 & <114>");
  expect((await call(ha, "POST", "/translations/hre/faq:goi-113/approve", {})).status).toBe(200);
  await put(lan, "menu.prompt", "[hre test] bản nháp menu");
}, 60_000);
afterAll(async () => api?.close());

describe("export", () => {
  it("writes i18next JSON nested like locales/hre/bot.json, content under faq/quiz/campaign, reviewed only unless asked", async () => {
    const reviewed = JSON.parse(await exported(lan, "json", "reviewed")) as Record<string, Record<string, unknown>>;
    expect(Object.keys(reviewed).sort()).toEqual(["bot", "faq", "quiz"]);
    expect((reviewed.bot!.language as Record<string, unknown>).saved).toBe(TRICKY);
    expect((reviewed.bot!.menu as Record<string, unknown>).prompt).toBeNull(); // a draft is not in a reviewed export
    expect(reviewed.faq!["goi-113"]).toBe("[hre test] 113 & <114>");
    expect(reviewed.faq!["goi-114"]).toBeNull();
    expect((reviewed.quiz!["goi-113"] as Record<string, unknown>).option1).toBeNull();
    const all = JSON.parse(await exported(lan, "json")) as Record<string, Record<string, Record<string, unknown>>>;
    expect(all.bot!.menu!.prompt).toBe("[hre test] bản nháp menu");
  });

  it("writes XLIFF 2.0 with one unit per key, escaped text, notes and each segment's state", async () => {
    const xlf = await exported(lan, "xlf");
    expect(xlf).toContain('<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="vi" trgLang="hre">');
    expect(xlf).toMatch(/<unit id="language\.saved">[\s\S]*?<note category="variables">Giữ nguyên: \{\{label\}\}<\/note>[\s\S]*?<segment state="reviewed">/);
    expect(xlf).toContain(`<target xml:space="preserve">[hre test] &lt;b&gt;"Đã" chọn&lt;/b&gt; &amp; 'ƀơ' 😀 {{label}}\nđiều ]]&gt; cuối</target>`);
    expect(xlf).toMatch(/<unit id="menu\.prompt">[\s\S]*?<segment state="translated">/);
    expect(xlf).toMatch(/<unit id="faq:goi-114">[\s\S]*?<segment state="initial">\s*<source xml:space="preserve">114 là số[^<]*<\/source>\s*<\/segment>/);
    expect(xlf).toContain('<file id="quiz">');
    expect(xlf).toContain('<note category="buttons">Nút bên dưới:');
  });
});

describe("round trip", () => {
  it("JSON: export, import, export gives the same file, and the import changes nothing", async () => {
    const first = await exported(lan, "json");
    const summary = await imported(lan, first);
    expect(summary).toMatchObject({ format: "json", created: 0, updated: 0, unchanged: 3, refused: [] });
    expect(await exported(lan, "json")).toBe(first);
    expect((await entry("language.saved")).state).toBe("reviewed");
  });

  it("XLIFF: export, import, export gives the same file, and the import changes nothing", async () => {
    const first = await exported(ha, "xlf");
    const summary = await imported(ha, first, "application/xliff+xml");
    expect(summary).toMatchObject({ format: "xlf", created: 0, updated: 0, unchanged: 3, refused: [] });
    expect(await exported(ha, "xlf")).toBe(first);
  });

  it("XLIFF written by a tool (a target added, special characters, a CDATA section) comes back exactly", async () => {
    const xlf = (await exported(lan, "xlf")).replace(
      /(<unit id="faq:goi-115">[\s\S]*?)<segment state="initial">(\s*<source[^>]*>[\s\S]*?<\/source>)/,
      `$1<segment state="translated">$2<target><![CDATA[[hre test] 115 <cấp cứu> & "ƀ"]]> 😀 &#x1EA1;</target>`,
    );
    const summary = await imported(lan, xlf, "application/xml");
    expect(summary).toMatchObject({ created: 1, updated: 0, refused: [] });
    expect(await entry("faq:goi-115")).toMatchObject({ text: `[hre test] 115 <cấp cứu> & "ƀ" 😀 ạ`, state: "draft", draftedBy: "Cán bộ dich.lan" });
    const again = JSON.parse(await exported(lan, "json")) as { faq: Record<string, string> };
    expect(again.faq["goi-115"]).toBe(`[hre test] 115 <cấp cứu> & "ƀ" 😀 ạ`);
  });
});

describe("import", () => {
  it("makes every changed text a draft of the importing officer (never reviewed), refuses a dropped {{label}} and reports unknown keys, in Vietnamese", async () => {
    const file = JSON.stringify({
      bot: { language: { saved: "[hre test] đổi {{label}}" }, menu: { report: "[hre test] báo tin" }, nav: { back: null }, welcome: { greeting: "[hre test] không biến {{label}}" } },
      faq: { "goi-113": "[hre test] 113 & <114>", "khong-co-muc-nay": "[hre test] ?" },
      campaign: { "khong-co": "[hre test] ?" },
    });
    const summary = await imported(ha, file);
    expect(summary).toMatchObject({ created: 1, updated: 1, unchanged: 1, empty: 1, refusedCount: 3 });
    expect(summary.refused.map((r) => r.key).sort()).toEqual(["campaign:khong-co", "faq:khong-co-muc-nay", "welcome.greeting"]);
    expect(summary.refused.find((r) => r.key === "welcome.greeting")!.message).toContain("{{label}}");
    expect(summary.refused.find((r) => r.key === "faq:khong-co-muc-nay")!.message).toContain("Không có câu này trong Tin Báo");
    expect(summary.message).toBe("Đã nhập tệp Tiếng Hrê: 2 câu thành bản nháp chờ người khác biết Tiếng Hrê duyệt (1 câu mới, 1 câu sửa); 1 câu giữ nguyên; 3 câu không nhận (xem lý do từng câu).");
    // The reviewed string edited by the file is a draft again (no longer sent to residents) by the importer.
    expect(await entry("language.saved")).toMatchObject({ state: "draft", text: "[hre test] đổi {{label}}", draftedBy: "Cán bộ dich.ha" });
    expect(await entry("menu.report")).toMatchObject({ state: "draft", draftedBy: "Cán bộ dich.ha" });
    expect((await entry("faq:goi-113")).state).toBe("reviewed");
    // A bare bot.json (as in locales/hre/) is read too.
    const bare = await imported(lan, JSON.stringify({ menu: { myReports: "[hre test] tin đã báo" } }));
    expect(bare).toMatchObject({ created: 1, refusedCount: 0 });
  });

  it("answers bad files in words: not JSON nor XLIFF, broken XML, a DOCTYPE, XLIFF 1.2, another language, too big", async () => {
    const refusal = async (who: SignedIn, body: string, type = "application/octet-stream") => {
      const res = await call(who, "POST", "/translations/hre/import", body, type);
      return { status: res.status, message: (await json<{ error: { message: string } }>(res)).error.message };
    };
    expect(await refusal(lan, "key,text\nmenu.prompt,x")).toMatchObject({ status: 415, message: expect.stringContaining("JSON i18next (.json) hoặc XLIFF 2.0 (.xlf)") });
    expect(await refusal(lan, '{"bot": {', "application/json")).toMatchObject({ status: 400, message: expect.stringContaining("Tệp JSON bị lỗi cú pháp") });
    const xliff = (body: string, trg = "hre") => `<?xml version="1.0"?><xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="vi" trgLang="${trg}">${body}</xliff>`;
    expect(await refusal(lan, xliff('<file id="bot"><unit id="menu.prompt"><segment><source>a</source><target>b</segment></unit></file>'))).toMatchObject({
      status: 400,
      message: expect.stringMatching(/Tệp không phải XML hợp lệ \(lỗi ở dòng 1, cột \d+\)/),
    });
    const bomb = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>${xliff("")}`;
    expect(await refusal(lan, bomb)).toMatchObject({ status: 400, message: "Tệp XLIFF không được có khai báo DOCTYPE." });
    const v12 = '<?xml version="1.0"?><xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file source-language="vi" target-language="hre"/></xliff>';
    expect(await refusal(lan, v12)).toMatchObject({ status: 400, message: expect.stringContaining("không phải XLIFF 2.0") });
    expect(await refusal(lan, xliff("", "cua"))).toMatchObject({ status: 400, message: expect.stringContaining("tiếng có mã «cua», không phải Tiếng Hrê") });
    const big = `{"bot": {"menu": {"prompt": "${"a".repeat(2 * 1024 * 1024)}"}}}`;
    expect(await refusal(lan, big, "application/json")).toMatchObject({ status: 413, message: expect.stringContaining("tối đa 2 MB") });
    // A translator of another language cannot import Hre; nor can anyone import Vietnamese.
    expect((await refusal(outsider, "{}", "application/json")).status).toBe(403);
    expect((await call(lan, "POST", "/translations/vi/import", "{}")).status).toBe(404);
  });

  it("writes the export and the import to the audit log as Vietnamese sentences", async () => {
    const rows = await api.ctx.db.auditLog.findMany({ where: { action: { in: ["translation.export", "translation.import"] } }, orderBy: { id: "asc" } });
    const facts = rows.map((r) => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> }));
    const names = await auditNames(api.ctx.db, facts);
    const said = facts.map((r) => auditSentence(r, r.createdAt, names));
    expect(said[0]).toMatch(/^Cán bộ dich\.lan tải tệp bản dịch Tiếng Hrê \(JSON i18next, chỉ câu đã duyệt: 2 câu có bản dịch\) lúc/);
    expect(said.find((s) => s.includes("nhập tệp bản dịch")) ?? "").toContain("(JSON i18next): 0 câu mới và 0 câu sửa thành bản nháp chờ duyệt, 3 câu giữ nguyên, 0 câu không nhận");
    expect(said.join("\n")).not.toMatch(/language\.saved|goi-11/);
  });
});
