/**
 * Reads the knowledge-base files shipped in content/faq/. The matcher itself never touches the
 * disk: callers (the service at start-up, the evaluation script, tests) load once and pass data in.
 *
 * @example const index = createFaqIndex(loadStarterEntries(), loadMatcherOptions());
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAbbreviations, parseFaqFile, parseMatcherSettings } from "./content-schema.ts";
import type { Abbreviation, FaqEntry, MatcherSettings } from "./types.ts";

export const DEFAULT_FAQ_CONTENT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../content/faq");

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, "utf8"));
}

export function loadStarterEntries(dir = DEFAULT_FAQ_CONTENT_DIR): FaqEntry[] {
  return parseFaqFile(readJson(path.join(dir, "starter.json"))).entries;
}

export function loadAbbreviations(dir = DEFAULT_FAQ_CONTENT_DIR): Abbreviation[] {
  return parseAbbreviations(readJson(path.join(dir, "abbreviations.json")));
}

export function loadMatcherSettings(dir = DEFAULT_FAQ_CONTENT_DIR): MatcherSettings {
  return parseMatcherSettings(readJson(path.join(dir, "matcher-settings.json")));
}

/** Abbreviations and settings together, as `createFaqIndex` takes them. */
export function loadMatcherOptions(dir = DEFAULT_FAQ_CONTENT_DIR): { abbreviations: Abbreviation[]; settings: MatcherSettings } {
  return { abbreviations: loadAbbreviations(dir), settings: loadMatcherSettings(dir) };
}
