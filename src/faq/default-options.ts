/**
 * The shipped abbreviation table and matcher settings (content/faq/), checked once when this
 * module loads, so `createFaqIndex(entries)` works without reading files at run time.
 */
import abbreviations from "../../content/faq/abbreviations.json" with { type: "json" };
import settings from "../../content/faq/matcher-settings.json" with { type: "json" };
import { parseAbbreviations, parseMatcherSettings } from "./content-schema.ts";
import type { Abbreviation, MatcherSettings } from "./types.ts";

export const DEFAULT_ABBREVIATIONS: readonly Abbreviation[] = parseAbbreviations(abbreviations);
export const DEFAULT_MATCHER_SETTINGS: MatcherSettings = parseMatcherSettings(settings);
