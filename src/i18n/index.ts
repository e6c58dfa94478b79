/**
 * Resident-facing text in Vietnamese, Hre and Co. Locale files: locales/<lng>/<namespace>.json.
 * A `null` value marks a string no native speaker has provided yet: it falls back to Vietnamese
 * at run time and `npm run i18n:coverage` reports it. Never fill Hre/Co text by guessing.
 * Any key may have a recorded clip per language in locales/<lng>/audio.json.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import i18next, { type i18n as I18n, type TFunction } from "i18next";

export const DEFAULT_LOCALES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../locales");
export const SOURCE_LANGUAGE = "vi";

export interface Language {
  code: string;
  label: string;
  formatLocale: string;
}

export interface AudioClip {
  file: string;
  mime: string;
  speaker?: string;
  reviewer?: string;
  version?: number;
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

export async function createTranslator(dir = DEFAULT_LOCALES_DIR): Promise<Translator> {
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
  return {
    languages,
    isLanguage: (code): code is string => code !== undefined && codes.has(code),
    t: (lng, key, options) => instance.t(key, { lng, ...options }) as string,
    fixedT: (lng) => instance.getFixedT(lng),
    has: (lng, key) => instance.exists(key, { lng, fallbackLng: false }),
    audio(lng, key) {
      const clip = clips[lng]?.[key];
      return clip ? { ...clip, path: path.resolve(dir, lng, clip.file) } : undefined; // absolute even if `dir` is relative
    },
    number: (lng, value) => new Intl.NumberFormat(formatLocale.get(lng) ?? SOURCE_LANGUAGE).format(value),
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
