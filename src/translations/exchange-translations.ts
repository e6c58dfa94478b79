/**
 * A language's translations out to a file and back, for translators who work offline or in their own tool:
 * i18next JSON (src/translations/i18next-json.ts) or XLIFF 2.0 (src/translations/xliff.ts). Export lists every
 * string (a null / a unit without target where none is written yet); import makes every changed text a DRAFT by the
 * importing officer through the store's own `saveDraft` (same checks, same audit), never a reviewed string: a
 * second speaker still approves each one in the workbench.
 *
 * @example const file = await exportTranslations(ctx, officer, "hre", { format: "xlf", state: "all" })
 *          const summary = await importTranslations(ctx, officer, "hre", bytes)
 */
import type { AppContext } from "../context.ts";
import { AppError } from "../http/errors.ts";
import { recordAudit } from "../officers/record-audit.ts";
import type { SignedInOfficer } from "../officers/roles.ts";
import { normalizeText } from "../text/normalize.ts";
import { CONTENT_NAMESPACES } from "./content-sources.ts";
import { readI18nextJson, splitKey, toI18nextJson } from "./i18next-json.ts";
import { listTranslations, requireSpeaker, saveDraft, translationLanguage, type TranslationEntry } from "./translation-store.ts";
import type { ChannelLimits } from "./translation-sources.ts";
import { readXliff, writeXliff, XliffError, type XliffUnit } from "./xliff.ts";

type Ctx = Pick<AppContext, "db" | "now">;

export type ExportFormat = "json" | "xlf";
/** "reviewed": only what residents get; "all": drafts too (a translator's own work in progress). */
export type ExportState = "reviewed" | "all";

/** Largest file taken by the import. */
export const IMPORT_MAX_BYTES = 2 * 1024 * 1024;
/** Refusals listed one by one; past this, only counted. */
const MAX_REFUSALS_LISTED = 500;

const CHANNEL_NAMES: Record<keyof ChannelLimits, string> = { telegram: "Telegram", zalo: "Zalo", webchat: "web chat" };

/** The text a file carries for an entry under `state`, or null. */
function exportedText(e: TranslationEntry, state: ExportState): string | null {
  if (e.text === null) return null;
  return e.state === "reviewed" || state === "all" ? e.text : null;
}

export async function exportTranslations(
  ctx: Ctx,
  officer: SignedInOfficer,
  lang: string,
  options: { format: ExportFormat; state: ExportState },
  meta: { ip?: string | null } = {},
): Promise<{ body: string; filename: string; mime: string; count: number }> {
  const language = translationLanguage(lang);
  const { entries } = await listTranslations(ctx, lang);
  const count = entries.filter((e) => exportedText(e, options.state) !== null).length;
  await recordAudit(ctx, {
    officerId: officer.id,
    action: "translation.export",
    targetType: "translation",
    targetId: lang,
    data: { lang, language: language.label, format: options.format, state: options.state, count, total: entries.length },
    ip: meta.ip ?? null,
  });
  const filename = `tin-bao-${lang}${options.state === "all" ? "-ca-ban-nhap" : ""}.${options.format}`;
  if (options.format === "json") {
    const tree = toI18nextJson(entries.map((e) => [e.key, exportedText(e, options.state)]));
    return { body: `${JSON.stringify(tree, null, 2)}\n`, filename, mime: "application/json; charset=utf-8", count };
  }
  const files = new Map<string, XliffUnit[]>();
  for (const e of entries) {
    const [ns] = splitKey(e.key);
    const target = exportedText(e, options.state);
    const units = files.get(ns) ?? [];
    files.set(ns, units);
    units.push({ id: e.key, source: e.source, target, state: e.state === "reviewed" ? "reviewed" : "translated", notes: notesOf(e) });
  }
  const body = writeXliff({ srcLang: "vi", trgLang: lang, files: [...files].map(([id, units]) => ({ id, units })) });
  return { body, filename, mime: "application/xliff+xml; charset=utf-8", count };
}

/** The context a translator needs, as XLIFF notes (in Vietnamese, like the workbench). */
function notesOf(e: TranslationEntry): XliffUnit["notes"] {
  const notes = [{ category: "location", text: `${e.areaLabel}. ${e.context.where}` }];
  if (e.context.buttons?.length) notes.push({ category: "buttons", text: `Nút bên dưới: ${e.context.buttons.join(" · ")}` });
  const limits = Object.entries(e.context.limits ?? {}).map(([c, n]) => `${CHANNEL_NAMES[c as keyof ChannelLimits] ?? c} ${n}`);
  if (limits.length) notes.push({ category: "limits", text: `Dài tối đa (ký tự): ${limits.join(", ")}` });
  if (e.variables.length) notes.push({ category: "variables", text: `Giữ nguyên: ${e.variables.map((v) => `{{${v}}}`).join(", ")}` });
  if (e.sourceChanged) notes.push({ category: "source-changed", text: "Câu tiếng Việt đã đổi sau khi bản dịch này được viết: hãy xem lại." });
  return notes;
}

export interface ImportSummary {
  format: ExportFormat;
  /** Strings that had no text and got a draft. */
  created: number;
  /** Strings whose text changed: now a draft by the importing officer. */
  updated: number;
  /** Strings whose text is the same as now (kept as they are, reviewed or draft). */
  unchanged: number;
  /** Strings the file leaves empty (null, no target): nothing to do. */
  empty: number;
  /** Strings not taken, with why (unknown key, a missing {{variable}}, too long…). */
  refused: { key: string; message: string }[];
  /** All refusals, including those past the listed ones. */
  refusedCount: number;
  /** The whole result in one Vietnamese sentence. */
  message: string;
}

/** Reads the file (JSON or XLIFF, told apart by its first character) into key → text. */
function readFile(bytes: Buffer, lang: string, namespaces: ReadonlySet<string>): { format: ExportFormat; texts: Map<string, string | null>; refused: { key: string; message: string }[] } {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    throw new AppError("validation_failed", "Tệp không phải chữ UTF-8. Hãy lưu tệp dạng UTF-8 (công cụ dịch thường có lựa chọn này) rồi nhập lại.");
  }
  const first = text.trimStart()[0];
  if (first === "{") {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new AppError("validation_failed", "Tệp JSON bị lỗi cú pháp (thiếu dấu ngoặc, dấu phẩy hoặc dấu nháy). Hãy xuất lại tệp từ công cụ dịch.");
    }
    return { format: "json", ...readI18nextJson(json, namespaces) };
  }
  if (first === "<") {
    try {
      const read = readXliff(text);
      if (read.trgLang !== lang) {
        throw new AppError("validation_failed", `Tệp XLIFF này là bản dịch sang tiếng có mã «${read.trgLang}», không phải ${translationLanguage(lang).label}. Hãy chọn đúng tệp hoặc đúng tiếng.`);
      }
      return { format: "xlf", texts: read.targets, refused: read.refused };
    } catch (e) {
      if (e instanceof XliffError) throw new AppError("validation_failed", e.message);
      throw e;
    }
  }
  throw new AppError("unsupported_media_type", "Tin Báo nhận tệp JSON i18next (.json) hoặc XLIFF 2.0 (.xlf) do chính Tin Báo xuất ra hoặc công cụ dịch lưu lại. Tệp này không phải hai loại đó.");
}

const REFUSABLE = new Set(["unprocessable", "validation_failed", "stale", "conflict", "not_found"]);

/**
 * Imports a file of one language: every text that differs from the current one becomes a draft by `officer`
 * (audited per string by the store, and once for the import); texts equal to the current ones are left alone,
 * empty ones ignored, unknown keys and refused texts listed.
 */
export async function importTranslations(ctx: Ctx, officer: SignedInOfficer, lang: string, bytes: Buffer, meta: { ip?: string | null } = {}): Promise<ImportSummary> {
  const language = translationLanguage(lang);
  await requireSpeaker(ctx.db, officer, language);
  if (bytes.length > IMPORT_MAX_BYTES) throw new AppError("payload_too_large", importTooLarge());
  const { entries } = await listTranslations(ctx, lang);
  const byKey = new Map(entries.map((e) => [e.key, e]));
  const file = readFile(bytes, lang, new Set([...entries.map((e) => splitKey(e.key)[0]), ...CONTENT_NAMESPACES]));
  const refused = [...file.refused];
  let created = 0;
  let updated = 0;
  let unchanged = 0;
  let empty = 0;
  for (const [key, raw] of file.texts) {
    const entry = byKey.get(key);
    if (!entry) {
      refused.push({ key, message: "Không có câu này trong Tin Báo (mã câu gõ sai, hoặc câu đã bị xóa). Bỏ qua." });
      continue;
    }
    const text = raw === null ? "" : normalizeText(raw).trim();
    if (!text) {
      empty++;
      continue;
    }
    if (entry.text !== null && normalizeText(entry.text).trim() === text) {
      unchanged++;
      continue;
    }
    try {
      await saveDraft(ctx, officer, lang, key, { text, version: entry.version }, meta);
      if (entry.text === null) created++;
      else updated++;
    } catch (e) {
      if (!(e instanceof AppError) || !REFUSABLE.has(e.code)) throw e;
      refused.push({ key, message: e.message });
    }
  }
  const summary: ImportSummary = {
    format: file.format,
    created,
    updated,
    unchanged,
    empty,
    refused: refused.slice(0, MAX_REFUSALS_LISTED),
    refusedCount: refused.length,
    message: sentence(language.label, { created, updated, unchanged, refused: refused.length }),
  };
  await recordAudit(ctx, {
    officerId: officer.id,
    action: "translation.import",
    targetType: "translation",
    targetId: lang,
    data: { lang, language: language.label, format: file.format, created, updated, unchanged, empty, refused: refused.length },
    ip: meta.ip ?? null,
  });
  return summary;
}

export function importTooLarge(): string {
  return `Tệp lớn quá: tối đa ${IMPORT_MAX_BYTES / 1024 / 1024} MB. Hãy chia tệp ra (ví dụ từng phần) rồi nhập từng tệp.`;
}

function sentence(label: string, n: { created: number; updated: number; unchanged: number; refused: number }): string {
  const drafts = n.created + n.updated;
  const parts = [
    drafts ? `${drafts} câu thành bản nháp chờ người khác biết ${label} duyệt (${n.created} câu mới, ${n.updated} câu sửa)` : `không có câu nào mới hay sửa`,
    `${n.unchanged} câu giữ nguyên`,
    ...(n.refused ? [`${n.refused} câu không nhận (xem lý do từng câu)`] : []),
  ];
  return `Đã nhập tệp ${label}: ${parts.join("; ")}.`;
}
