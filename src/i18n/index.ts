/**
 * Resident-facing text in Vietnamese, Hre and Co. Locale files: locales/<lng>/<namespace>.json.
 * A `null` value marks a string no native speaker has provided yet: it falls back to Vietnamese
 * at run time and `npm run i18n:coverage` reports it. Never fill Hre/Co text by guessing.
 * Any key may have a recorded clip per language in locales/<lng>/audio.json.
 *
 * The files are the base. Strings and clips translated in the console's workbench and approved by a second speaker
 * (Translation rows in state "reviewed", issue 14) are laid over them by `refresh(db)`, which every inbound turn and
 * every campaign batch calls: a cheap stamp of the table decides whether anything changed, so an approval reaches
 * residents on their next message in every process, without a restart. Drafts are never read.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import i18next, { type i18n as I18n, type TFunction } from "i18next";
import type { Tx } from "../db/client.ts";
import { date, int, query, sql } from "../db/sql.ts";

export const DEFAULT_LOCALES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../locales");
export const SOURCE_LANGUAGE = "vi";

export interface Language {
  code: string;
  label: string;
  formatLocale: string;
}

export interface AudioClip {
  /** Relative to locales/<lng>/ for a clip of audio.json; absolute for a reviewed clip of the workbench. */
  file: string;
  mime: string;
  speaker?: string;
  reviewer?: string;
  version?: number;
  /** Workbench clips: the AudioClip row, its length, and the M4A/AAC copy (absolute) for channels without Opus. */
  clipId?: string;
  durationMs?: number;
  m4a?: string;
}

/** What `refresh` reads: the Translation table and the clips it names (a client or a transaction). */
export type TranslationReader = Pick<Tx, "translation" | "audioClip" | "$queryRaw">;

export interface RefreshOptions {
  /** Where workbench clips are stored (config.mediaDir); remembered from the last call that gave it. */
  mediaDir?: string;
}

export interface Translator {
  languages: Language[];
  isLanguage(code: string | undefined): code is string;
  t(lng: string, key: string, options?: Record<string, unknown>): string;
  /** The recorded clip for a key in a language, if a speaker has recorded one. */
  audio(lng: string, key: string): (AudioClip & { path: string }) | undefined;
  /** Whether the key has its own text in this language (not the Vietnamese fallback). */
  has(lng: string, key: string): boolean;
  /** Number formatting with the language's CLDR locale (never the host's). */
  number(lng: string, value: number): string;
  fixedT(lng: string): TFunction;
  /**
   * Lays the reviewed workbench translations over the files when the Translation table changed since the last
   * call (true then). Cheap when nothing changed: one aggregate query. Optional so hand-made translators still fit.
   */
  refresh?(db: TranslationReader, options?: RefreshOptions): Promise<boolean>;
}

type Json = { [k: string]: Json | string | null };

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, "utf8")) as T;
}

/** Removes null (untranslated) leaves so i18next falls back to Vietnamese for them. */
function withoutNulls(tree: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(tree)) {
    if (v === null) continue;
    out[k] = typeof v === "object" ? withoutNulls(v) : v;
  }
  return out;
}

export function loadLanguages(dir = DEFAULT_LOCALES_DIR): Language[] {
  return readJson<{ languages: Language[] }>(path.join(dir, "languages.json")).languages;
}

export function namespacesIn(dir: string, lng: string): string[] {
  const d = path.join(dir, lng);
  if (!existsSync(d)) return [];
  return readdirSync(d)
    .filter((f) => f.endsWith(".json") && f !== "audio.json")
    .map((f) => f.replace(/\.json$/, ""));
}

export async function createTranslator(dir = DEFAULT_LOCALES_DIR, options: RefreshOptions = {}): Promise<Translator> {
  const languages = loadLanguages(dir);
  const namespaces = namespacesIn(dir, SOURCE_LANGUAGE);
  const resources: Record<string, Record<string, Json>> = {};
  const clips: Record<string, Record<string, AudioClip>> = {};
  for (const { code } of languages) {
    resources[code] = {};
    for (const ns of namespaces) {
      const file = path.join(dir, code, `${ns}.json`);
      if (existsSync(file)) resources[code]![ns] = withoutNulls(readJson<Json>(file));
    }
    const audioFile = path.join(dir, code, "audio.json");
    clips[code] = existsSync(audioFile) ? readJson<Record<string, AudioClip>>(audioFile) : {};
  }
  const formatLocale = new Map(languages.map((l) => [l.code, l.formatLocale]));
  // i18next keeps (and changes) the object it is given: the files' text stays here, untouched, for each reload.
  const base = structuredClone(resources);
  const instance: I18n = i18next.createInstance();
  await instance.init({
    resources,
    lng: SOURCE_LANGUAGE,
    fallbackLng: SOURCE_LANGUAGE,
    supportedLngs: languages.map((l) => l.code),
    ns: namespaces,
    defaultNS: "bot",
    returnNull: false,
    returnEmptyString: false,
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  usePluralRulesOf(instance, formatLocale);
  const codes = new Set(languages.map((l) => l.code));
  const overlay = createOverlay(instance, base, namespaces, languages, options);
  return {
    languages,
    isLanguage: (code): code is string => code !== undefined && codes.has(code),
    t: (lng, key, options) => instance.t(key, { lng, ...options }) as string,
    fixedT: (lng) => instance.getFixedT(lng),
    has: (lng, key) => instance.exists(key, { lng, fallbackLng: false }),
    refresh: overlay.refresh,
    audio(lng, key) {
      const reviewed = overlay.clip(lng, key);
      if (reviewed) return reviewed;
      const clip = clips[lng]?.[key];
      return clip ? { ...clip, path: path.resolve(dir, lng, clip.file) } : undefined; // absolute even if `dir` is relative
    },
    number: (lng, value) => new Intl.NumberFormat(formatLocale.get(lng) ?? SOURCE_LANGUAGE).format(value),
  };
}

type ReviewedRow = { lang: string; key: string; text: string | null; clipId: string | null };
type StoredClip = { id: string; mime: string; durationMs: number; file: string; oggFile: string | null; m4aFile: string | null };

/**
 * The reviewed workbench translations over the file locales. Each refresh first reads a stamp of the Translation
 * table (rows, highest version sum, latest change); only when it moved are the reviewed rows read again and the
 * bundles rebuilt from the files plus those rows (so a string sent back to draft falls back at once). Calls that
 * arrive while a check runs share the next check, never a check that started before them.
 */
function createOverlay(instance: I18n, base: Record<string, Record<string, Json>>, namespaces: string[], languages: Language[], options: RefreshOptions) {
  let stamp: string | undefined;
  let mediaDir = options.mediaDir;
  let clips = new Map<string, StoredClip>(); // "<lng>\u0000<key>" → clip
  let running: Promise<boolean> | undefined;
  let queued: Promise<boolean> | undefined;
  const translated = languages.map((l) => l.code).filter((c) => c !== SOURCE_LANGUAGE);

  function apply(rows: ReviewedRow[], stored: StoredClip[]): void {
    for (const lng of translated) {
      for (const ns of namespaces) {
        instance.removeResourceBundle(lng, ns);
        instance.addResourceBundle(lng, ns, structuredClone(base[lng]?.[ns] ?? {}), true, true);
      }
    }
    const byId = new Map(stored.map((c) => [c.id, c]));
    const next = new Map<string, StoredClip>();
    for (const row of rows) {
      if (!translated.includes(row.lang)) continue;
      const clip = row.clipId ? byId.get(row.clipId) : undefined;
      if (clip) next.set(`${row.lang}\u0000${row.key}`, clip);
      if (!row.text) continue;
      // "ns:key" in another namespace of the files; other prefixes (faq:, quiz:, campaign:) are database content,
      // which carries its own reviewed text.
      const colon = row.key.indexOf(":");
      const [ns, key] = colon < 0 ? ["bot", row.key] : [row.key.slice(0, colon), row.key.slice(colon + 1)];
      if (namespaces.includes(ns)) instance.addResource(row.lang, ns, key, row.text);
    }
    clips = next;
  }

  async function check(db: TranslationReader): Promise<boolean> {
    // Raw: asked on every turn (src/db/sql.ts says why).
    const [agg] = await query<{ n: unknown; v: unknown; at: unknown }>(db, sql`
      SELECT COUNT(*) AS "n", SUM("version") AS "v", MAX("updatedAt") AS "at" FROM "Translation"`);
    const next = `${int(agg?.n)}:${int(agg?.v)}:${date(agg?.at)?.getTime() ?? 0}`;
    if (next === stamp) return false;
    const rows = await db.translation.findMany({ where: { state: "reviewed" }, select: { lang: true, key: true, text: true, clipId: true } });
    const ids = [...new Set(rows.map((r) => r.clipId).filter((id): id is string => !!id))];
    const stored = ids.length
      ? await db.audioClip.findMany({ where: { id: { in: ids } }, select: { id: true, mime: true, durationMs: true, file: true, oggFile: true, m4aFile: true } })
      : [];
    apply(rows, stored);
    stamp = next;
    return true;
  }

  function refresh(db: TranslationReader, options: RefreshOptions = {}): Promise<boolean> {
    if (options.mediaDir) mediaDir = options.mediaDir;
    if (!running) {
      running = check(db).finally(() => {
        running = undefined;
      });
      return running;
    }
    queued ??= running
      .catch(() => false)
      .then(() => {
        queued = undefined;
        return refresh(db);
      });
    return queued;
  }

  return {
    refresh,
    /** The reviewed clip, preferring the OGG/Opus copy (Telegram voice notes, web chat). */
    clip(lng: string, key: string): (AudioClip & { path: string }) | undefined {
      const c = clips.get(`${lng}\u0000${key}`);
      if (!c || !mediaDir) return undefined;
      const file = path.resolve(mediaDir, c.oggFile ?? c.file);
      return {
        file,
        path: file,
        mime: c.oggFile ? "audio/ogg" : c.mime,
        clipId: c.id,
        durationMs: c.durationMs,
        ...(c.m4aFile ? { m4a: path.resolve(mediaDir, c.m4aFile) } : {}),
      };
    },
  };
}

/**
 * CLDR has no rules for `hre` or `cua`; Intl would silently use the HOST's locale (English: a
 * `_one` form) and miss. Give each language its declared CLDR locale's plural rules instead.
 */
function usePluralRulesOf(instance: I18n, formatLocale: Map<string, string>): void {
  const resolver = instance.services.pluralResolver as unknown as {
    getRule(code: string, options?: { ordinal?: boolean }): Intl.PluralRules | undefined;
  };
  const original = resolver.getRule.bind(resolver);
  resolver.getRule = (code, options = {}) => {
    const mapped = formatLocale.get(code);
    if (!mapped || mapped === code) return original(code, options);
    return new Intl.PluralRules(mapped, { type: options.ordinal ? "ordinal" : "cardinal" });
  };
}
