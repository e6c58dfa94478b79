/**
 * The translators' workbench store (issue 14): every resident-facing string with its Hre/Co translation and state
 * (missing, draft, reviewed), and the three writes: save a draft, approve it (another speaker of the language), send
 * a reviewed string back to draft. Only reviewed rows ever reach residents (the live overlay in src/i18n reads them;
 * content sources get them written through by `applyReviewed`). Every write is audited and checks the version the
 * form was made from.
 *
 * @example await saveDraft(ctx, officer, "hre", "report.receipt", { text: "…{{reference}}…{{secret}}…", version: 0 })
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { AppContext } from "../context.ts";
import type { Tx } from "../db/client.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { AppError } from "../http/errors.ts";
import { canTranslate } from "../console/permissions.ts";
import { DEFAULT_LOCALES_DIR, loadLanguages, SOURCE_LANGUAGE, type Language } from "../i18n/index.ts";
import { recordAudit } from "../officers/record-audit.ts";
import type { SignedInOfficer } from "../officers/roles.ts";
import { normalizeText } from "../text/normalize.ts";
import "./content-sources.ts"; // FAQ, quiz and campaign texts join the bot's prompts
import {
  areaLabel,
  BUTTON_HARD_LIMIT,
  findSourceEntry,
  isButtonKey,
  TEXT_HARD_LIMIT,
  translationSources,
  variablesOf,
  type EntryContext,
  type SourceEntry,
  type TranslationSource,
} from "./translation-sources.ts";

export type TranslationState = "missing" | "draft" | "reviewed";
export const TRANSLATION_STATES = ["missing", "draft", "reviewed"] as const;

export interface ClipView {
  id: string;
  durationMs: number;
  sha256: string;
  /** Console playback path (signed-in translators and administrators). */
  url: string;
}

/** One string as the workbench shows it, in one language. */
export interface TranslationEntry {
  key: string;
  /** The Vietnamese text now. */
  source: string;
  text: string | null;
  state: TranslationState;
  audio: ClipView | null;
  area: string;
  areaLabel: string;
  context: EntryContext;
  /** `{{variables}}` the translation must keep, without braces. */
  variables: string[];
  /** 0 while missing; goes up on every save and review. Send it back with the next write. */
  version: number;
  draftedBy: string | null;
  draftedById: string | null;
  reviewedBy: string | null;
  reviewedById: string | null;
  reviewedAt: string | null;
  updatedAt: string | null;
  /** The Vietnamese text changed since this translation was made (the translator should look again). */
  sourceChanged: boolean;
  /** The text comes from the locale files shipped with the software, not from the workbench. */
  fromFile: boolean;
}

export interface TranslationProgress {
  total: number;
  draft: number;
  reviewed: number;
  missing: number;
  /** Strings with a recorded clip (draft or reviewed). */
  audio: number;
}

type Ctx = Pick<AppContext, "db" | "now">;
type Row = Awaited<ReturnType<Tx["translation"]["findFirst"]>> & {};
type Meta = { ip?: string | null };

const MAX_REASON = 500;

// ── languages ────────────────────────────────────────────────────────────────────────────────

let languages: Language[] | undefined;
function languagesToTranslate(): Language[] {
  languages ??= loadLanguages().filter((l) => l.code !== SOURCE_LANGUAGE);
  return languages;
}

/** The language being translated, or a 404 in words. */
export function translationLanguage(lang: string): Language {
  const found = languagesToTranslate().find((l) => l.code === lang);
  if (found) return found;
  const names = languagesToTranslate().map((l) => l.label).join(" và ");
  if (lang === SOURCE_LANGUAGE) throw new AppError("not_found", `Tiếng Việt là tiếng gốc của mọi câu, không cần dịch. Chọn ${names}.`);
  throw new AppError("not_found", `Không có tiếng này trong danh sách cần dịch. Chọn ${names}.`);
}

/** Texts already in locales/<lang>/*.json (shipped with the software): the base the workbench adds to. */
const fileTexts = new Map<string, Map<string, string>>();
function fileTextsOf(lang: string): Map<string, string> {
  let texts = fileTexts.get(lang);
  if (texts) return texts;
  texts = new Map();
  const dir = path.join(DEFAULT_LOCALES_DIR, lang);
  for (const ns of ["bot"]) {
    const file = path.join(dir, `${ns}.json`);
    if (!existsSync(file)) continue;
    const walk = (tree: Record<string, unknown>, prefix: string) => {
      for (const [k, v] of Object.entries(tree)) {
        const key = prefix ? `${prefix}.${k}` : k;
        if (v && typeof v === "object") walk(v as Record<string, unknown>, key);
        else if (typeof v === "string" && v.trim()) texts!.set(key, v);
      }
    };
    walk(JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>, "");
  }
  fileTexts.set(lang, texts);
  return texts;
}

// ── reading ──────────────────────────────────────────────────────────────────────────────────

/** Every string of every source in one language, with its state; progress counts all of them (not the filters). */
export async function listTranslations(
  ctx: Pick<Ctx, "db">,
  lang: string,
  filter: { state?: TranslationState; area?: string } = {},
  sources: readonly TranslationSource[] = translationSources,
): Promise<{ lang: string; progress: TranslationProgress; entries: TranslationEntry[] }> {
  translationLanguage(lang);
  const all = (await Promise.all(sources.map((s) => s.entries(ctx.db)))).flat();
  const rows = await ctx.db.translation.findMany({ where: { lang } });
  const views = await viewsOf(ctx.db, lang, all, rows, sources);
  const progress: TranslationProgress = { total: views.length, draft: 0, reviewed: 0, missing: 0, audio: 0 };
  for (const v of views) {
    progress[v.state]++;
    if (v.audio) progress.audio++;
  }
  const entries = views.filter((v) => (!filter.state || v.state === filter.state) && (!filter.area || v.area === filter.area));
  return { lang, progress, entries };
}

/** One string in one language (404 in words when no source has the key). */
export async function readTranslation(ctx: Pick<Ctx, "db">, lang: string, key: string): Promise<TranslationEntry> {
  translationLanguage(lang);
  const found = await sourceEntry(ctx.db, key);
  const row = await ctx.db.translation.findUnique({ where: { lang_key: { lang, key } } });
  return (await viewsOf(ctx.db, lang, [found.entry], row ? [row] : []))[0]!;
}

async function viewsOf(db: Tx, lang: string, entries: SourceEntry[], rows: Row[], sources: readonly TranslationSource[] = translationSources): Promise<TranslationEntry[]> {
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const officerIds = [...new Set(rows.flatMap((r) => [r.draftedBy, r.reviewedBy]).filter((id): id is string => !!id))];
  const clipIds = [...new Set(rows.map((r) => r.clipId).filter((id): id is string => !!id))];
  const [officers, clips] = await Promise.all([
    officerIds.length ? db.officer.findMany({ where: { id: { in: officerIds } }, select: { id: true, displayName: true } }) : [],
    clipIds.length ? db.audioClip.findMany({ where: { id: { in: clipIds } }, select: { id: true, durationMs: true, sha256: true, oggFile: true } }) : [],
  ]);
  const nameOf = new Map(officers.map((o) => [o.id, o.displayName]));
  const clipOf = new Map(clips.map((c) => [c.id, { id: c.id, durationMs: c.durationMs, sha256: c.sha256, url: `/api/translations/clips/${c.id}.${c.oggFile ? "ogg" : "src"}` }]));
  const shipped = fileTextsOf(lang);
  return entries.map((e) => {
    const row = byKey.get(e.key);
    const fileText = row ? undefined : shipped.get(e.key);
    return {
      key: e.key,
      source: e.source,
      text: row ? row.text : (fileText ?? null),
      state: row ? (row.state === "reviewed" ? "reviewed" : "draft") : fileText ? "reviewed" : "missing",
      audio: (row?.clipId && clipOf.get(row.clipId)) || null,
      area: e.area,
      areaLabel: areaLabel(e.area, sources),
      context: e.context,
      variables: variablesOf(e.source),
      version: row?.version ?? 0,
      draftedBy: row ? (nameOf.get(row.draftedBy) ?? "Tài khoản đã xóa") : null,
      draftedById: row?.draftedBy ?? null,
      reviewedBy: row?.reviewedBy ? (nameOf.get(row.reviewedBy) ?? "Tài khoản đã xóa") : null,
      reviewedById: row?.reviewedBy ?? null,
      reviewedAt: row?.reviewedAt?.toISOString() ?? null,
      updatedAt: row?.updatedAt.toISOString() ?? null,
      sourceChanged: !!row && row.source !== e.source,
      fromFile: fileText !== undefined,
    };
  });
}

async function sourceEntry(db: Tx, key: string): Promise<{ source: TranslationSource; entry: SourceEntry }> {
  const found = key.length <= 300 ? await findSourceEntry(db, key) : undefined;
  if (!found) throw new AppError("not_found", "Không có câu này trong danh sách cần dịch (có thể câu đã bị xóa hoặc đã đổi). Tải lại danh sách.");
  return found;
}

// ── checks ───────────────────────────────────────────────────────────────────────────────────

/** The officer may write and review this language: a translator or administrator who speaks it. */
export async function requireSpeaker(db: Tx, officer: SignedInOfficer, language: Language): Promise<void> {
  if (!canTranslate(officer)) {
    throw new AppError("forbidden", "Chỉ người dịch tiếng dân tộc và quản trị hệ thống được dịch và duyệt bản dịch.");
  }
  const row = await db.officer.findUnique({ where: { id: officer.id }, select: { languages: true } });
  const speaks = (row?.languages ?? "").split(",").map((s) => s.trim());
  if (!speaks.includes(language.code)) {
    throw new AppError(
      "forbidden",
      `Tài khoản của bạn chưa được ghi là biết ${language.label}, nên chưa dịch hay duyệt được tiếng này. Nhờ quản trị hệ thống thêm ${language.label} vào tài khoản của bạn.`,
    );
  }
}

/** A form made from an older version of the row is refused (someone else saved or reviewed in between). */
function requireVersion(row: Row | null, version: number | undefined): void {
  if (version === undefined) return;
  if (version !== (row?.version ?? 0)) throw stale();
}

function stale(): AppError {
  return new AppError("stale", "Câu này vừa được người khác sửa hoặc duyệt, bản bạn đang xem đã cũ. Tải lại để xem bản mới nhất rồi làm tiếp.");
}

const braces = (names: string[]) => names.map((n) => `{{${n}}}`).join(", ");

/** The translation keeps exactly the `{{variables}}` of the Vietnamese text (422 naming what is missing or extra). */
export function checkVariables(source: string, text: string): void {
  const want = variablesOf(source);
  const have = variablesOf(text);
  const missing = want.filter((v) => !have.includes(v));
  const extra = have.filter((v) => !want.includes(v));
  if (missing.length) {
    throw new AppError(
      "unprocessable",
      `Bản dịch thiếu ${braces(missing)}. Hãy giữ nguyên ${braces(missing)} (cả hai cặp dấu ngoặc nhọn) trong câu: khi gửi, bot thay chỗ đó bằng nội dung thật.`,
      { missing, extra },
    );
  }
  if (extra.length) {
    throw new AppError("unprocessable", `Bản dịch có ${braces(extra)} mà câu tiếng Việt không có. Hãy bỏ đi, hoặc viết đúng như trong câu tiếng Việt.`, { missing, extra });
  }
}

function checkLength(key: string, text: string): void {
  const chars = [...text].length;
  if (isButtonKey(key) && chars > BUTTON_HARD_LIMIT) {
    throw new AppError(
      "unprocessable",
      `Chữ trên nút dài quá: ${chars} ký tự, tối đa ${BUTTON_HARD_LIMIT} (Telegram không gửi được nút dài hơn). Nên ngắn hơn 30 ký tự để hiện đủ trên điện thoại.`,
    );
  }
  if (chars > TEXT_HARD_LIMIT) throw new AppError("unprocessable", `Bản dịch dài quá: ${chars} ký tự, tối đa ${TEXT_HARD_LIMIT}.`);
}

/** A short quote of the Vietnamese text for the audit sentence (never a key or an id). */
function quoteOf(source: string): string {
  const flat = source.replace(/\s+/g, " ").trim();
  return flat.length > 80 ? `${flat.slice(0, 79)}…` : flat;
}

// ── writes ───────────────────────────────────────────────────────────────────────────────────

/**
 * Saves text and/or a clip as a draft (version + 1, drafted by this officer, review cleared). A reviewed string
 * edited becomes a draft again and stops reaching residents until someone approves it. `text: null` removes the text
 * (a clip alone); leaving a field out keeps what the row has.
 */
export async function saveDraft(
  ctx: Ctx,
  officer: SignedInOfficer,
  lang: string,
  key: string,
  input: { text?: string | null; clipId?: string | null; version?: number },
  meta: Meta = {},
): Promise<TranslationEntry> {
  const language = translationLanguage(lang);
  await requireSpeaker(ctx.db, officer, language);
  const { source, entry } = await sourceEntry(ctx.db, key);
  const text = input.text === undefined || input.text === null ? input.text : normalizeText(input.text).trim() || null;
  if (text) {
    checkLength(key, text);
    checkVariables(entry.source, text);
  }
  if (input.clipId) {
    const clip = await ctx.db.audioClip.findUnique({ where: { id: input.clipId }, select: { id: true } });
    if (!clip) throw new AppError("not_found", "Không tìm thấy bản ghi âm này. Ghi âm hoặc tải tệp lên lại.");
  }
  try {
    await ctx.db.$transaction(async (tx) => {
      const row = await tx.translation.findUnique({ where: { lang_key: { lang, key } } });
      requireVersion(row, input.version);
      const nextText = text === undefined ? (row?.text ?? null) : text;
      const nextClip = input.clipId === undefined ? (row?.clipId ?? null) : input.clipId;
      if (!nextText && !nextClip) throw new AppError("unprocessable", "Bản dịch đang trống: hãy gõ chữ hoặc ghi âm rồi mới lưu.");
      const data = { text: nextText, clipId: nextClip, source: entry.source, state: "draft", draftedBy: officer.id, reviewedBy: null, reviewedAt: null };
      if (row) {
        const { count } = await tx.translation.updateMany({ where: { id: row.id, version: row.version }, data: { ...data, version: row.version + 1 } });
        if (count === 0) throw stale();
        if (row.state === "reviewed") await source.applyReviewed?.(tx, lang, key, null);
      } else {
        await tx.translation.create({ data: { lang, key, ...data, version: 1 } });
      }
      await recordAudit(
        ctx,
        {
          officerId: officer.id,
          action: "translation.save",
          targetType: "translation",
          targetId: `${lang}:${key}`,
          data: { lang, language: language.label, key, source: quoteOf(entry.source), text: nextText !== null, clip: nextClip !== null, wasReviewed: row?.state === "reviewed" },
          ip: meta.ip ?? null,
        },
        tx,
      );
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw stale(); // two first drafts at once: the second form is stale
    throw e;
  }
  return readTranslation(ctx, lang, key);
}

/** Approves a draft: by a speaker of the language who did not write it. From now on residents get it. */
export async function approveTranslation(
  ctx: Ctx,
  officer: SignedInOfficer,
  lang: string,
  key: string,
  input: { version?: number } = {},
  meta: Meta = {},
): Promise<TranslationEntry> {
  const language = translationLanguage(lang);
  await requireSpeaker(ctx.db, officer, language);
  const { source, entry } = await sourceEntry(ctx.db, key);
  await ctx.db.$transaction(async (tx) => {
    const row = await tx.translation.findUnique({ where: { lang_key: { lang, key } } });
    requireVersion(row, input.version);
    if (!row) throw new AppError("conflict", "Câu này chưa có bản dịch nào để duyệt.");
    if (row.state === "reviewed") throw new AppError("conflict", "Bản dịch này đã được duyệt rồi.");
    if (row.draftedBy === officer.id) {
      throw new AppError("forbidden", `Bạn là người viết bản nháp này nên không tự duyệt được. Cần một người khác biết ${language.label} nghe, đọc và duyệt.`);
    }
    if (row.text) checkVariables(entry.source, row.text); // the Vietnamese text may have changed since the draft
    const { count } = await tx.translation.updateMany({
      where: { id: row.id, version: row.version, state: "draft" },
      data: { state: "reviewed", reviewedBy: officer.id, reviewedAt: ctx.now(), version: row.version + 1 },
    });
    if (count === 0) throw stale();
    await source.applyReviewed?.(tx, lang, key, row.text);
    await recordAudit(
      ctx,
      {
        officerId: officer.id,
        action: "translation.approve",
        targetType: "translation",
        targetId: `${lang}:${key}`,
        data: { lang, language: language.label, key, source: quoteOf(entry.source), draftedBy: row.draftedBy, clip: row.clipId !== null },
        ip: meta.ip ?? null,
      },
      tx,
    );
  });
  return readTranslation(ctx, lang, key);
}

/** Sends a reviewed string back to draft: residents get the Vietnamese (or the shipped text) again at once. */
export async function sendBackTranslation(
  ctx: Ctx,
  officer: SignedInOfficer,
  lang: string,
  key: string,
  input: { reason?: string; version?: number } = {},
  meta: Meta = {},
): Promise<TranslationEntry> {
  const language = translationLanguage(lang);
  await requireSpeaker(ctx.db, officer, language);
  const { source, entry } = await sourceEntry(ctx.db, key);
  const reason = input.reason ? normalizeText(input.reason).trim().slice(0, MAX_REASON) : "";
  await ctx.db.$transaction(async (tx) => {
    const row = await tx.translation.findUnique({ where: { lang_key: { lang, key } } });
    requireVersion(row, input.version);
    if (!row) {
      throw new AppError(
        "conflict",
        fileTextsOf(lang).has(key)
          ? "Câu này lấy từ tệp ngôn ngữ đi kèm phần mềm, không trả lại ở đây được: hãy sửa bản dịch, bản sửa sẽ thay khi được duyệt."
          : "Câu này chưa có bản dịch nào.",
      );
    }
    if (row.state !== "reviewed") throw new AppError("conflict", "Chỉ trả lại được câu đã duyệt; câu này đang là bản nháp.");
    const { count } = await tx.translation.updateMany({
      where: { id: row.id, version: row.version, state: "reviewed" },
      data: { state: "draft", reviewedBy: null, reviewedAt: null, version: row.version + 1 },
    });
    if (count === 0) throw stale();
    await source.applyReviewed?.(tx, lang, key, null);
    await recordAudit(
      ctx,
      {
        officerId: officer.id,
        action: "translation.send_back",
        targetType: "translation",
        targetId: `${lang}:${key}`,
        data: { lang, language: language.label, key, source: quoteOf(entry.source), ...(reason ? { reason } : {}) },
        ip: meta.ip ?? null,
      },
      tx,
    );
  });
  return readTranslation(ctx, lang, key);
}
