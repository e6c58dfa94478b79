/**
 * Every route of the console API, called as every kind of account, about a tip of another unit
 * (unit B). The list of routes comes from apiRoutes(), so a route added later is called here too:
 * it fails until CASES below says who may call it (and gives an example body when it takes one).
 * Every route is also called by a duty officer still on a generated password ("firstLogin"), who
 * may only use OPEN_BEFORE_PASSWORD_CHANGE and gets 403 password_change_required everywhere else.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebchatChannel } from "../../src/channels/webchat/channel.ts";
import { apiRoutes } from "../../src/console/router.ts";
import type { ApiRoute } from "../../src/console/route.ts";
import type { Role } from "../../src/officers/roles.ts";
import { fold } from "../../src/text/normalize.ts";
import { fileEntries } from "../../src/translations/translation-sources.ts";
import { tinyPng } from "../support/images.ts";
import { makeRecording } from "../support/recordings.ts";
import { storeClip } from "../../src/audio/store-clip.ts";
import { addOfficer, ensureUnit, insertTip, PASSWORD, signIn, startApi, type ApiHarness, type SignedIn } from "./support.ts";

const UNIT_A = "CAX-MT-A";
const UNIT_B = "CAX-MT-B";
const UNIT_C = "CAX-MT-C";

type Caller = "admin" | "duty" | "officerA" | "viewerA" | "outreach" | "outreachLead" | "translator" | "officerNoUnit" | "signedOut";
/** "change": 403 password_change_required (a generated password not yet replaced). */
/** 409: allowed through, and refused by the rule of the action itself (e.g. a test send with no chat linked). */
type Outcome = "ok" | 401 | 403 | 404 | 409 | "change";
/** A duty officer who has not yet replaced the password an administrator gave them. */
const FIRST_LOGIN = "firstLogin";
type AnyCaller = Caller | typeof FIRST_LOGIN;
/** What an officer on a generated password may call: sign out, who am I, change the password (and what needs no session). */
const OPEN_BEFORE_PASSWORD_CHANGE = new Set(["POST /auth/logout", "GET /auth/me", "POST /auth/password"]);
type Expect = Record<Caller, Outcome>;

const ACCOUNTS: Record<Exclude<Caller, "signedOut">, { role: Role; unitId?: string }> = {
  admin: { role: "admin" },
  duty: { role: "duty" },
  officerA: { role: "officer", unitId: UNIT_A },
  viewerA: { role: "viewer", unitId: UNIT_A },
  outreach: { role: "outreach" },
  outreachLead: { role: "outreach_lead" },
  translator: { role: "translator" },
  officerNoUnit: { role: "officer" },
};
const CALLERS: Caller[] = ["signedOut", "admin", "duty", "officerA", "viewerA", "outreach", "outreachLead", "translator", "officerNoUnit"];
/** Accounts that see only their unit's tips: they must never learn anything about unit B's tip. */
const UNIT_SCOPED: Caller[] = ["officerA", "viewerA", "officerNoUnit"];

// ── who may call what ────────────────────────────────────────────────────────────────────────
const anyone: Expect = { signedOut: "ok", admin: "ok", duty: "ok", officerA: "ok", viewerA: "ok", outreach: "ok", outreachLead: "ok", translator: "ok", officerNoUnit: "ok" };
const signedIn: Expect = { ...anyone, signedOut: 401 };
/** The listed accounts get through; every other signed-in account gets 403. */
const allowedFor = (...allowed: Caller[]): Expect =>
  Object.fromEntries(CALLERS.map((c) => [c, c === "signedOut" ? 401 : allowed.includes(c) ? "ok" : 403])) as Expect;
/**
 * About unit B's tip: the province accounts listed get through (the other province account 403),
 * unit accounts get 404 (its existence is not revealed), outreach (no tips at all) 403.
 */
const tipOfUnitB = (...allowed: ("admin" | "duty")[]): Expect => ({
  signedOut: 401,
  admin: allowed.includes("admin") ? "ok" : 403,
  duty: allowed.includes("duty") ? "ok" : 403,
  officerA: 404,
  viewerA: 404,
  officerNoUnit: 404,
  outreach: 403,
  outreachLead: 403,
  translator: 403,
});
/** Lists and streams of tips: every account that reads tips, each seeing its own scope (checked for leaks). */
const tipQueue: Expect = { ...signedIn, outreach: 403, outreachLead: 403, translator: 403 };

interface RouteCase {
  expect: Expect;
  body?: (w: World) => unknown;
  query?: string;
  /** Server-Sent Events: check the status and content type, then hang up. */
  sse?: boolean;
  /** The call ends the caller's session (sign out), so sign in again after it. */
  endsSession?: boolean;
  /** A file as the whole body (an upload), instead of JSON. */
  raw?: { type: string; data: () => Buffer };
}

let n = 0;
const seq = () => ++n;

const CASES: Record<string, RouteCase> = {
  // auth
  "POST /auth/login": { expect: anyone, body: () => ({ username: "mt.dang.nhap", password: PASSWORD }) },
  "POST /auth/logout": { expect: signedIn, endsSession: true },
  "GET /auth/me": { expect: signedIn },
  "POST /auth/password": { expect: signedIn, body: (w) => ({ currentPassword: passwords.get(w.caller) ?? PASSWORD, newPassword: w.nextPassword() }) },
  "GET /openapi.json": { expect: anyone },
  "GET /meta": { expect: signedIn },
  // tips
  "GET /tips": { expect: tipQueue },
  "GET /tips/stream": { expect: tipQueue, sse: true },
  "GET /tips/count": { expect: tipQueue },
  "GET /tips/export.csv": { expect: tipQueue, query: "statusGroup=all" },
  "GET /tips/export.xlsx": { expect: tipQueue, query: "statusGroup=all" },
  "GET /tips/:id": { expect: tipOfUnitB("admin", "duty") },
  "GET /tips/:id/attachments/:attachmentId": { expect: tipOfUnitB("admin", "duty") },
  "GET /tips/:id/duplicates": { expect: tipOfUnitB("admin", "duty") },
  // Whoever reads a tip may print its file (audited); with the reporter's identity only who may open it.
  "POST /tips/:id/print": { expect: tipOfUnitB("admin", "duty"), body: () => ({ withIdentity: false }) },
  "POST /tips/:id/route": { expect: tipOfUnitB("admin", "duty"), body: () => ({ unitId: UNIT_C, reason: "Chuyển cho đơn vị phụ trách địa bàn" }) },
  "POST /tips/:id/claim": { expect: tipOfUnitB("admin", "duty"), body: async (w) => ({ version: (await w.tip()).version }) },
  "POST /tips/:id/assign": {
    expect: tipOfUnitB("admin", "duty"),
    body: async (w) => ({ version: (await w.tip()).version, officerId: officerOfUnitB, reason: "Giao cho cán bộ địa bàn" }),
  },
  "POST /tips/:id/status": {
    expect: tipOfUnitB("admin", "duty"),
    body: async (w) => ({ version: (await w.tip()).version, status: "verifying", shareWithReporter: false }),
  },
  "POST /tips/:id/merge": {
    expect: tipOfUnitB("admin", "duty"),
    body: async (w) => ({ version: (await w.tip()).version, duplicateOf: (await w.otherTip()).reference, reason: "Cùng một vụ việc" }),
  },
  "POST /tips/:id/deadline": {
    expect: tipOfUnitB("admin", "duty"),
    body: async (w) => ({ version: (await w.tip()).version, days: 5, reason: "Cần thêm thời gian xác minh" }),
  },
  "POST /tips/:id/messages": { expect: tipOfUnitB("admin", "duty"), body: () => ({ body: "Cảm ơn bạn, công an đang xác minh tin báo." }) },
  "POST /tips/:id/notes": { expect: tipOfUnitB("admin", "duty"), body: () => ({ body: "Ghi chú nội bộ: đã liên hệ trưởng thôn." }) },
  // The administrator runs accounts, not cases: only the duty desk opens a reporter's identity here.
  "POST /tips/:id/identity": { expect: tipOfUnitB("duty") },
  // A name read aloud by the reporter: the same rule as the reveal (never the administrator, never another unit).
  "GET /tips/:id/identity/files/:attachmentId": { expect: tipOfUnitB("duty") },
  // questions and the knowledge base
  "GET /questions": { expect: { ...signedIn, translator: 403 } },
  "POST /questions/:id/answer": { expect: { ...signedIn, viewerA: 403, translator: 403 }, body: () => ({ answer: "Bạn đến công an xã mang theo căn cước." }) },
  "GET /faq": { expect: signedIn },
  "GET /faq/export": { expect: signedIn },
  "POST /faq": { expect: allowedFor("admin", "outreach", "outreachLead"), body: () => ({ ...faqEntry(`mt-moi-${seq()}`), version: undefined }) },
  "PATCH /faq/:id": { expect: allowedFor("admin", "outreach", "outreachLead"), body: () => ({ questions: ["Làm căn cước ở đâu?", `Cách hỏi thứ ${seq()}?`] }) },
  "POST /faq/import": { expect: allowedFor("admin", "outreach", "outreachLead"), body: () => ({ format: "tin-bao-faq", version: 1, entries: [faqEntry(`mt-nhap-${seq()}`)] }) },
  // the 19/8 quiz
  "GET /quiz/questions": { expect: signedIn },
  "POST /quiz/questions/:id/approve": { expect: allowedFor("admin", "outreachLead") },
  "GET /quiz/results": { expect: signedIn, query: "from=2026-08-01&to=2026-09-30" },
  // units
  "GET /units": { expect: signedIn },
  "GET /units/:id": { expect: signedIn },
  "POST /units": { expect: allowedFor("admin"), body: () => ({ id: `CAX-MT-N${seq()}`, name: "Công an xã Thử Nghiệm", kind: "commune", languages: ["vi"] }) },
  "PATCH /units/:id": { expect: allowedFor("admin"), body: () => ({ phone: "0255 3822 113" }) },
  "GET /communes": { expect: signedIn, query: "q=ba" },
  // officer accounts and the audit log
  "GET /officers": { expect: { ...allowedFor("admin", "duty", "officerA") } },
  "POST /officers": { expect: allowedFor("admin"), body: () => ({ username: `mt.moi.${seq()}`, displayName: "Cán bộ mới", role: "duty" }) },
  "PATCH /officers/:id": { expect: allowedFor("admin"), body: () => ({ displayName: `Đ/c Đổi Tên ${seq()}` }) },
  "POST /officers/:id/password-reset": { expect: allowedFor("admin") },
  // outreach campaigns: editors write and submit; another person (admin, outreach lead) approves; the duty desk reads
  "GET /campaigns": { expect: allowedFor("admin", "duty", "outreach", "outreachLead") },
  "GET /campaigns/audience": { expect: allowedFor("admin", "duty", "outreach", "outreachLead"), query: "topic=scam&languages=vi,hre&channels=telegram" },
  "GET /campaigns/zalo-article/options": { expect: allowedFor("admin", "duty", "outreach", "outreachLead") },
  "GET /campaigns/templates": { expect: allowedFor("admin", "duty", "outreach", "outreachLead"), query: "year=2027" },
  "GET /campaigns/:id": { expect: allowedFor("admin", "duty", "outreach", "outreachLead") },
  "GET /campaigns/:id/preview": { expect: allowedFor("admin", "duty", "outreach", "outreachLead") },
  "POST /campaigns": { expect: allowedFor("admin", "outreach", "outreachLead"), body: () => campaignInput() },
  "PATCH /campaigns/:id": { expect: allowedFor("admin", "outreach", "outreachLead"), body: () => campaignInput() },
  "POST /campaigns/test-chat/code": { expect: allowedFor("admin", "outreach", "outreachLead") },
  "POST /campaigns/images": { expect: allowedFor("admin", "outreach", "outreachLead"), raw: { type: "image/png", data: () => tinyPng() } },
  // Reaches the 409 "link your chat first" for everyone allowed (no chat is linked here); the test send itself is tested in test/outreach.
  "POST /campaigns/:id/test-send": { expect: { ...allowedFor("admin", "outreach", "outreachLead"), admin: 409, outreach: 409, outreachLead: 409 } },
  "POST /campaigns/:id/submit": { expect: allowedFor("admin", "outreach", "outreachLead") },
  "POST /campaigns/:id/approve": { expect: allowedFor("admin", "outreachLead") },
  "POST /campaigns/:id/pause": { expect: allowedFor("admin", "outreach", "outreachLead") },
  "POST /campaigns/:id/resume": { expect: allowedFor("admin", "outreach", "outreachLead") },
  "POST /campaigns/:id/cancel": { expect: allowedFor("admin", "outreach", "outreachLead") },
  // outreach results: whoever reads campaigns reads their figures (never a resident's name or id)
  "GET /campaigns/:id/results": { expect: allowedFor("admin", "duty", "outreach", "outreachLead") },
  "GET /campaigns/:id/results.csv": { expect: allowedFor("admin", "duty", "outreach", "outreachLead") },
  "GET /outreach/progress": { expect: allowedFor("admin", "duty", "outreach", "outreachLead"), query: "year=2027" },
  "GET /audit": { expect: allowedFor("admin") },
  "GET /audit/export": { expect: allowedFor("admin") },
  // period reports: every account that reads tips, a unit account for its own unit (asking for unit B: test/reports)
  "GET /reports/summary": { expect: { ...tipQueue, officerNoUnit: 403 }, query: "from=2026-11-01&to=2026-11-30" },
  "GET /reports/dashboard": { expect: { ...tipQueue, officerNoUnit: 403 }, query: "from=2026-11-01&to=2026-11-30" },
  "GET /reports/map": { expect: { ...tipQueue, officerNoUnit: 403 }, query: "from=2026-11-01&to=2026-11-30" },
  "GET /reports/period.xlsx": { expect: { ...tipQueue, officerNoUnit: 403 }, query: "from=2026-11-01&to=2026-11-30" },
  "GET /reports/period.csv": { expect: { ...tipQueue, officerNoUnit: 403 }, query: "from=2026-11-01&to=2026-11-30" },
  "GET /reports/period.html": { expect: { ...tipQueue, officerNoUnit: 403 }, query: "from=2026-11-01&to=2026-11-30" },
  // the translators' workbench: translators and administrators who speak the language (both speak Hre here)
  "GET /translations": { expect: allowedFor("admin", "translator"), query: "lang=hre" },
  "PUT /translations/:lang/:key": { expect: allowedFor("admin", "translator"), body: () => ({ text: `[hre test] bản nháp ${seq()}` }) },
  // Each call approves (or sends back) its own string, drafted (or approved) by another translator.
  "POST /translations/:lang/:key/approve": { expect: allowedFor("admin", "translator"), body: () => ({}) },
  "POST /translations/:lang/:key/send-back": { expect: allowedFor("admin", "translator"), body: () => ({ reason: "Cần sửa lại" }) },
  // a language as a file: read by translators and administrators; the import makes drafts, so it needs the language too
  "GET /translations/:lang/export.json": { expect: allowedFor("admin", "translator") },
  "GET /translations/:lang/export.xlf": { expect: allowedFor("admin", "translator"), query: "state=all" },
  "POST /translations/:lang/import": {
    expect: allowedFor("admin", "translator"),
    // A string with a {{variable}}: never one of the pool the other translation routes draw from.
    raw: { type: "application/json", data: () => Buffer.from(JSON.stringify({ bot: { language: { saved: `[hre test] {{label}} nhập ${seq()}` } } })) },
  },
  // A recording for a string nobody touched yet (the same bytes each time: converted once, then the stored clip).
  "PUT /translations/:lang/:key/audio": { expect: allowedFor("admin", "translator"), raw: { type: "audio/mpeg", data: () => RECORDING } },
  "GET /translations/clips/:file": { expect: allowedFor("admin", "translator") },
};

function campaignInput() {
  return { title: `Cảnh báo lừa đảo ${seq()}`, topic: "scam", variants: { vi: { text: "Cảnh giác với cuộc gọi giả công an." } }, audience: { channels: ["telegram"] } };
}

/** The status a campaign must be in for the route to apply to it (approve: submitted, resume: paused…). */
const CAMPAIGN_STATUS_FOR: Record<string, string> = { approve: "submitted", pause: "approved", resume: "paused" };

async function addCampaign(route: ApiRoute) {
  const status = CAMPAIGN_STATUS_FOR[route.path.split("/")[3] ?? ""] ?? "draft";
  const input = campaignInput();
  return api.ctx.db.campaign.create({
    data: {
      title: input.title,
      topic: input.topic,
      variantsJson: JSON.stringify(input.variants),
      audienceJson: JSON.stringify(input.audience),
      status,
      createdById: campaignAuthor,
      ...(status === "approved" ? { approvedById: campaignAuthor, nextRunAt: new Date(Date.now() + 24 * 3600_000) } : {}),
    },
  });
}

function faqEntry(id: string) {
  return {
    id,
    version: 1,
    tags: ["thu-nghiem"],
    questions: ["Làm căn cước ở đâu?"],
    answer: { vi: "Tại công an xã, phường nơi bạn cư trú." },
    reviewedBy: "Phòng Cảnh sát QLHC",
    reviewedAt: "2026-01-15",
  };
}

// ── the world each call runs in ──────────────────────────────────────────────────────────────
let api: ApiHarness;
const sessions = new Map<AnyCaller, SignedIn>();
const passwords = new Map<AnyCaller, string>();
let officerOfUnitB: string;
let firstLoginId: string;
let accountToChange: string;
let faqToChange: string;
/** Writes the campaigns the routes act on: never one of the callers, so approving them is someone else's act. */
let campaignAuthor: string;
let tipOfUnitA: { id: string; reference: string };
/** Drafts the strings the approve and send-back calls act on. */
let translationAuthor: string;
/** One second of a tone as an MP3, made by ffmpeg: the recording the audio routes take. */
const RECORDING = makeRecording("mp3", 1);
/** Bot strings without {{variables}}, one per call that needs one. */
const translationPool = fileEntries().filter((e) => e.source.length < 200 && !e.source.includes("{{"));
/** Every id and reference of a unit B tip made so far: a unit account's answer must mention none. */
const unitBSecrets = new Set<string>();

function once<T, A extends unknown[] = []>(make: (...args: A) => Promise<T>): (...args: A) => Promise<T> {
  let made: Promise<T> | undefined;
  return (...args) => (made ??= make(...args));
}

/** Fresh fixtures for one call, made only when the call needs them. */
class World {
  constructor(readonly caller: AnyCaller) {}
  private newPassword: string | undefined;
  nextPassword(): string {
    return (this.newPassword ??= `song-tra-mua-xuan-${seq()}-hoa-mai-no`);
  }
  changedPassword(): string | undefined {
    return this.newPassword;
  }
  tip = once(() => namedTipOfUnitB());
  otherTip = once(() => namedTipOfUnitB());
  attachment = once(async () => addAttachment((await this.tip()).id));
  identityFile = once(async () => addAttachment((await this.tip()).id, "name"));
  question = once(() => addQuestion());
  campaign = once((route: ApiRoute) => addCampaign(route));
  quizQuestion = once(() => addQuizQuestion());
  translation = once((route: ApiRoute) => addTranslation(route));
  clip = once(async () => (await storeClip(api.ctx, { id: translationAuthor }, RECORDING, "audio/mpeg")).clip);

  async param(route: ApiRoute, name: string): Promise<string> {
    if (route.path.startsWith("/tips/:id")) {
      if (name === "id") return (await this.tip()).id;
      if (name === "attachmentId") return (await (route.path.includes("/identity/") ? this.identityFile() : this.attachment())).id;
    }
    if (route.path.startsWith("/questions/:id") && name === "id") return (await this.question()).id;
    if (route.path.startsWith("/faq/:id") && name === "id") return faqToChange;
    if (route.path.startsWith("/campaigns/:id") && name === "id") return (await this.campaign(route)).id;
    if (route.path.startsWith("/quiz/questions/:id") && name === "id") return (await this.quizQuestion()).id;
    if (route.path.startsWith("/translations/clips/") && name === "file") return `${(await this.clip()).id}.ogg`;
    if (route.path.startsWith("/translations/:lang")) {
      if (name === "lang") return "hre";
      if (name === "key") return this.translation(route);
    }
    if (route.path.startsWith("/units/:id") && name === "id") return UNIT_B;
    if (route.path.startsWith("/officers/:id") && name === "id") return accountToChange;
    throw new Error(`No value for :${name} in ${key(route)}: teach World.param in test/console/authz-matrix.test.ts which fixture it names.`);
  }
}

async function namedTipOfUnitB() {
  const i = seq();
  const contact = await api.ctx.db.contact.create({
    data: { channel: "webchat", platformIdHash: api.ctx.vault.hash(`mt-${i}`), platformIdEnc: api.ctx.vault.encrypt(`mt-${i}`), lastInboundAt: new Date() },
  });
  const tip = await insertTip(api.ctx, {
    unitId: UNIT_B,
    channel: "webchat",
    description: "Có người bán ma túy ở bến xe",
    status: "received",
    anonymous: false,
    reporterName: "Nguyễn Văn Báo",
    reporterPhone: "0905000111",
    contactId: contact.id,
  });
  unitBSecrets.add(tip.id);
  unitBSecrets.add(tip.reference);
  return tip;
}

async function addAttachment(tipId: string, identityStep?: string) {
  const bytes = Buffer.from("anh chup hien truong");
  const storageKey = `${tipId}/anh-${seq()}.jpg`;
  const file = path.join(api.ctx.config.mediaDir, storageKey);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  return api.ctx.db.attachment.create({
    data: {
      tipId,
      sourceKey: `mt:${storageKey}`,
      kind: "photo",
      mime: "image/jpeg",
      size: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      storageKey,
      status: "stored",
      identityStep: identityStep ?? null,
    },
  });
}

async function addQuestion() {
  const i = seq();
  const contact = await api.ctx.db.contact.create({
    data: { channel: "webchat", platformIdHash: api.ctx.vault.hash(`mt-q-${i}`), platformIdEnc: api.ctx.vault.encrypt(`mt-q-${i}`) },
  });
  const text = "Làm căn cước cho con ở đâu?";
  return api.ctx.db.question.create({
    data: { contactId: contact.id, channel: "webchat", chatIdEnc: api.ctx.vault.encrypt(`mt-q-${i}`), language: "vi", text, textFolded: fold(text), sourceKey: `mt:q:${i}` },
  });
}

/** A question of the quiz's bank still waiting for approval. */
async function addQuizQuestion() {
  const texts = (vi: string) => JSON.stringify({ vi, hre: null, cua: null });
  return api.ctx.db.quizQuestion.create({
    data: {
      id: `mt-cau-${seq()}`,
      position: 100 + n,
      topic: "bao-tin",
      questionJson: texts("Việc khẩn cấp, đang xảy ra thì gọi số nào?"),
      choicesJson: JSON.stringify([{ vi: "113", hre: null, cua: null }, { vi: "114", hre: null, cua: null }]),
      correct: 0,
      explanationJson: texts("113 là số gọi Công an."),
      reviewedBy: "Nhóm phát triển Tin Báo (chưa qua cán bộ nghiệp vụ duyệt)",
      reviewedAt: "2026-12-02",
    },
  });
}

/**
 * A bot string of its own for one call, in the state the route acts on (approve: a draft, send back: a reviewed
 * string), written by another translator; PUT gets a string nobody touched yet.
 */
async function addTranslation(route: ApiRoute): Promise<string> {
  const entry = translationPool.shift();
  if (!entry) throw new Error("the authorization matrix ran out of bot strings to translate");
  const state = route.path.endsWith("/approve") ? "draft" : route.path.endsWith("/send-back") ? "reviewed" : undefined;
  if (state) {
    await api.ctx.db.translation.create({
      data: { lang: "hre", key: entry.key, source: entry.source, text: "[hre test] bản dịch thử", state, draftedBy: translationAuthor, ...(state === "reviewed" ? { reviewedBy: campaignAuthor, reviewedAt: new Date() } : {}) },
    });
  }
  return entry.key;
}

// ── calling a route ──────────────────────────────────────────────────────────────────────────
const key = (route: ApiRoute) => `${route.method.toUpperCase()} ${route.path}`;

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

async function call(route: ApiRoute, c: RouteCase, w: World, headers: Record<string, string>): Promise<Answer> {
  let urlPath = route.path;
  for (const [, name] of route.path.matchAll(/:(\w+)/g)) urlPath = urlPath.replace(`:${name}`, encodeURIComponent(await w.param(route, name!)));
  const body = c.body ? await c.body(w) : undefined;
  const aborter = new AbortController();
  const res = await fetch(`${api.base}/api${urlPath}${c.query ? `?${c.query}` : ""}`, {
    method: route.method.toUpperCase(),
    headers: { ...headers, ...(c.raw ? { "content-type": c.raw.type } : body === undefined ? {} : { "content-type": "application/json" }) },
    ...(c.raw ? { body: new Uint8Array(c.raw.data()) } : body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: aborter.signal,
  });
  const contentType = res.headers.get("content-type") ?? "";
  if (c.sse && contentType.startsWith("text/event-stream")) {
    aborter.abort();
    return { status: res.status, contentType, text: "" };
  }
  return { status: res.status, contentType, text: await res.text() };
}

function headersOf(caller: AnyCaller): Record<string, string> {
  const session = sessions.get(caller);
  return session ? { ...session.cookie, "x-csrf-token": session.csrfToken } : {};
}

const ERROR_CODE: Record<number, string> = { 401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict" };

/** What is wrong with this answer, or null. */
function problemWith(expected: Outcome, answer: Answer, c: RouteCase, caller: AnyCaller): string | null {
  const shown = `${answer.status} ${answer.text.slice(0, 300)}`;
  if (expected === "ok") {
    if (answer.status < 200 || answer.status > 299) return `expected 2xx, got ${shown}`;
    if (c.sse && !answer.contentType.startsWith("text/event-stream")) return `expected text/event-stream, got ${answer.contentType}`;
  } else if (expected === "change") {
    if (answer.status !== 403) return `expected 403 password_change_required, got ${shown}`;
    const error = (JSON.parse(answer.text) as { error?: { code?: string; message?: string } }).error;
    if (error?.code !== "password_change_required") return `expected error code password_change_required, got ${error?.code}`;
    if (!error.message?.includes("Đổi mật khẩu")) return `expected a message pointing to "Đổi mật khẩu", got ${error.message}`;
  } else {
    if (answer.status !== expected) return `expected ${expected}, got ${shown}`;
    const code = (JSON.parse(answer.text) as { error?: { code?: string } }).error?.code;
    if (code !== ERROR_CODE[expected]) return `expected error code ${ERROR_CODE[expected]}, got ${code}`;
  }
  if ((UNIT_SCOPED as AnyCaller[]).includes(caller) && answer.status < 300) {
    const leaked = [...unitBSecrets].find((s) => answer.text.includes(s));
    if (leaked) return `answered 2xx mentioning unit B's tip (${leaked})`;
  }
  return null;
}

/** As the duty desk where a session is not needed or the route is open before the change; refused everywhere else. */
function firstLoginExpects(route: ApiRoute, c: RouteCase): Outcome {
  return !route.auth || OPEN_BEFORE_PASSWORD_CHANGE.has(key(route)) ? c.expect.duty : "change";
}

function caseOf(route: ApiRoute): RouteCase {
  const c = CASES[key(route)];
  if (!c) {
    throw new Error(
      `${key(route)} has no authorization expectation. Add it to CASES in test/console/authz-matrix.test.ts: ` +
        `who may call it (signedIn, allowedFor(...), tipOfUnitB(...), tipQueue) and, if it takes a body, an example valid body.`,
    );
  }
  if (route.body && !c.body) {
    throw new Error(`${key(route)} takes a JSON body: add an example valid body to its entry in CASES in test/console/authz-matrix.test.ts.`);
  }
  return c;
}

beforeAll(async () => {
  api = await startApi();
  api.ctx.channels.set("webchat", createWebchatChannel(api.ctx));
  for (const unit of [UNIT_A, UNIT_B, UNIT_C]) await ensureUnit(api.ctx, unit);
  // In parallel: each account costs two scrypt hashes.
  await Promise.all(
    (Object.entries(ACCOUNTS) as [Caller, (typeof ACCOUNTS)["admin"]][]).map(async ([caller, account]) => {
      await addOfficer(api.ctx, `mt.${caller.toLowerCase()}`, account.role, account.unitId ? { unitId: account.unitId } : {});
      sessions.set(caller, await signIn(api.base, `mt.${caller.toLowerCase()}`));
      passwords.set(caller, PASSWORD);
    }),
  );
  firstLoginId = (await addOfficer(api.ctx, "mt.firstlogin", "duty", { generatedPassword: true })).id;
  sessions.set(FIRST_LOGIN, await signIn(api.base, "mt.firstlogin"));
  passwords.set(FIRST_LOGIN, PASSWORD);
  const [author, unitBOfficer, toChange] = await Promise.all([
    addOfficer(api.ctx, "mt.tac.gia", "outreach"),
    addOfficer(api.ctx, "mt.can.bo.b", "officer", { unitId: UNIT_B }),
    addOfficer(api.ctx, "mt.doi.thong.tin", "officer", { unitId: UNIT_B }),
  ]);
  campaignAuthor = author.id;
  translationAuthor = (await addOfficer(api.ctx, "mt.nguoi.dich", "translator")).id;
  await api.ctx.db.officer.updateMany({ where: { username: { in: ["mt.admin", "mt.translator", "mt.nguoi.dich"] } }, data: { languages: "vi,hre" } });
  await addOfficer(api.ctx, "mt.dang.nhap", "duty");
  officerOfUnitB = unitBOfficer.id;
  accountToChange = toChange.id;
  faqToChange = "mt-sua";
  const created = await fetch(`${api.base}/api/faq`, {
    method: "POST",
    headers: { ...headersOf("admin"), "content-type": "application/json" },
    body: JSON.stringify({ ...faqEntry(faqToChange), version: undefined }),
  });
  expect(created.status).toBe(201);
  tipOfUnitA = await insertTip(api.ctx, { unitId: UNIT_A, description: "Đánh bạc ở quán nước đầu thôn" });
}, 90_000);
afterAll(async () => {
  await api?.close();
});

const routes = apiRoutes();

describe("the authorization matrix", () => {
  it("declares who may call every route, with an example body for each route that takes one", () => {
    const missing = routes.flatMap((route) => {
      try {
        caseOf(route);
        return [];
      } catch (e) {
        return [(e as Error).message];
      }
    });
    expect(missing, missing.join("\n")).toEqual([]);
  });

  it("lets a unit officer read their own unit's tip, so the 404s below are about scope", async () => {
    const res = await fetch(`${api.base}/api/tips/${tipOfUnitA.id}`, { headers: headersOf("officerA") });
    expect(res.status).toBe(200);
    const list = await fetch(`${api.base}/api/tips`, { headers: headersOf("officerA") });
    expect(await list.text()).toContain(tipOfUnitA.id);
  });

  for (const route of routes) {
    it(`${key(route)}: each account gets what CASES declares, about a tip of unit B`, async () => {
      const c = caseOf(route);
      const problems: string[] = [];
      for (const caller of [...CALLERS, FIRST_LOGIN] as const) {
        const expected = caller === FIRST_LOGIN ? firstLoginExpects(route, c) : c.expect[caller];
        const w = new World(caller);
        const answer = await call(route, c, w, headersOf(caller));
        const problem = problemWith(expected, answer, c, caller);
        if (problem) problems.push(`${caller}: ${problem}`);
        if (answer.status < 300 && caller !== "signedOut") {
          const changed = w.changedPassword();
          if (changed) passwords.set(caller, changed);
          // Still a generated password, as far as the next route is concerned.
          if (changed && caller === FIRST_LOGIN) await api.ctx.db.officer.update({ where: { id: firstLoginId }, data: { passwordChangedAt: null } });
          if (c.endsSession) sessions.set(caller, await signIn(api.base, `mt.${caller.toLowerCase()}`, passwords.get(caller)));
        }
      }
      expect(problems, `${key(route)}\n${problems.join("\n")}`).toEqual([]);
    }, 60_000);
  }
});

describe("CSRF protection", () => {
  const changing = routes.filter((r) => r.auth && r.method !== "get");

  it("covers every route that changes state", () => {
    expect(changing.length).toBeGreaterThan(0);
  });

  for (const route of changing) {
    it(`${key(route)} refuses a cookie request without a valid X-CSRF-Token`, async () => {
      const c = caseOf(route);
      const admin = sessions.get("admin")!;
      for (const headers of [admin.cookie, { ...admin.cookie, "x-csrf-token": `${admin.csrfToken}x` }]) {
        const answer = await call(route, c, new World("admin"), headers);
        expect(answer.status, answer.text).toBe(403);
        expect((JSON.parse(answer.text) as { error: { code: string } }).error.code).toBe("csrf_failed");
      }
      expect((await fetch(`${api.base}/api/auth/me`, { headers: admin.cookie })).status).toBe(200);
    });
  }
});
