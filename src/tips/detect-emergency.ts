/**
 * Words that suggest danger now: weapons, violence to a person, fire or explosion, someone hurt, a
 * cry for help, or a crime happening right now. The word lists are data (`content/emergency-words.json`,
 * which explains each list); a category word ("đánh bạc", "nổ hũ") never fires on its own, and a
 * message about the past or a question about a procedure does not fire on a danger word alone.
 *
 * Many residents type without diacritics, and then short words are ambiguous ("dao" is a knife, but
 * also đạo, dạo, đảo). So a word typed WITH marks must match exactly (tone placement aside: hoà =
 * hòa), a word typed without marks matches any spelling that folds to it, and a few short words only
 * count in a message typed with marks. Teen-code is read first ("k thở đc" = "không thở được").
 * Err towards urgent: a false alarm costs a duty officer a minute, a missed one can cost a life.
 *
 * @example detectEmergency("co nguoi dang danh nhau co dao").urgent === true
 * @example detectEmergency("Ở thôn 3 có đánh bạc mỗi tối").urgent === false
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fold } from "../text/normalize.ts";
import { createAbbreviationLookup, expandAbbreviations, type AbbreviationLookup } from "../faq/abbreviations.ts";
import { loadAbbreviations } from "../faq/load-faq-content.ts";

export interface EmergencySignal {
  urgent: boolean;
  /** A child may be at risk: also give 111. */
  child: boolean;
  /** The words that triggered it, for the officer. */
  reason?: string;
}

type Entry = string | { marked: string };

interface WordLists {
  danger: Entry[];
  alarm: Entry[];
  now: Entry[];
  incident: Entry[];
  notNow: Entry[];
  child: Entry[];
  notDanger: Entry[];
}

interface Phrase {
  /** As written in the list (for the officer). */
  text: string;
  syllables: string[];
  markedOnly: boolean;
}

export const EMERGENCY_WORDS_FILE = path.resolve(import.meta.dirname, "../../content/emergency-words.json");

const TONES = /[\u0300\u0301\u0303\u0309\u0323]/g;

/** A syllable with its tone mark moved to the end, so "hoà" and "hòa" compare equal. */
function toneKey(syllable: string): string {
  const nfd = syllable.normalize("NFD");
  const tone = nfd.match(TONES)?.[0] ?? "";
  return (nfd.replace(TONES, "") + tone).normalize("NFC");
}

function words(text: string): string[] {
  return text.normalize("NFC").toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

const isPlain = (word: string) => fold(word) === word;

function compile(entries: Entry[]): Phrase[] {
  return entries.map((e) => {
    const text = typeof e === "string" ? e : e.marked;
    return { text, syllables: words(text).map(toneKey), markedOnly: typeof e !== "string" };
  });
}

function load(file: string) {
  const raw = JSON.parse(readFileSync(file, "utf8")) as WordLists;
  const lists = Object.fromEntries(Object.entries(raw).filter(([k]) => k !== "about").map(([k, v]) => [k, compile(v as Entry[])])) as Record<keyof WordLists, Phrase[]>;
  const index = Object.fromEntries(Object.entries(lists).map(([k, v]) => [k, indexed(v)])) as Record<keyof WordLists, PhraseIndex>;
  return { ...index, shortForms: shortForms(lists) };
}

/**
 * The knowledge base's teen-code table, less the short forms that are also a syllable of a listed
 * phrase ("cam" stands for Campuchia there, but "cam dao" is "cầm dao" here) or that are kept beside
 * their meaning (ambiguous by the table's own account).
 */
function shortForms(lists: Record<string, Phrase[]>): AbbreviationLookup {
  const syllables = new Set(Object.values(lists).flatMap((phrases) => phrases.flatMap((p) => p.syllables.map((s) => fold(s)))));
  const usable = loadAbbreviations()
    .filter((a) => !a.keepTyped)
    .map((a) => ({ ...a, typed: a.typed.filter((t) => !syllables.has(fold(t))) }))
    .filter((a) => a.typed.length > 0);
  return createAbbreviationLookup(usable);
}

let lists: ReturnType<typeof load> | undefined;

interface Token {
  key: string;
  folded: string;
  plain: boolean;
  removed: boolean;
}

/** Does `phrase` start at token `at`? A word typed with marks must match exactly; one typed without, folded. */
function matchesAt(tokens: Token[], at: number, phrase: Phrase, marked: boolean): boolean {
  if (phrase.markedOnly && !marked) return false;
  return phrase.syllables.every((syllable, i) => {
    const token = tokens[at + i];
    if (!token || token.removed) return false;
    if (token.key === syllable) return true;
    return !phrase.markedOnly && token.plain && token.folded === fold(syllable);
  });
}

/** Phrases by the folded form of their first syllable: a token can only start a phrase that folds like it. */
type PhraseIndex = Map<string, Phrase[]>;

function find(tokens: Token[], phrases: PhraseIndex, marked: boolean): { phrase: Phrase; at: number }[] {
  const hits: { phrase: Phrase; at: number }[] = [];
  tokens.forEach((token, at) => {
    for (const phrase of phrases.get(token.folded) ?? []) if (matchesAt(tokens, at, phrase, marked)) hits.push({ phrase, at });
  });
  return hits;
}

function indexed(phrases: Phrase[]): PhraseIndex {
  const index: PhraseIndex = new Map();
  for (const p of phrases) {
    const first = fold(p.syllables[0] ?? "");
    index.set(first, [...(index.get(first) ?? []), p]);
  }
  return index;
}

export function detectEmergency(text: string): EmergencySignal {
  lists ??= load(EMERGENCY_WORDS_FILE);
  const written = words(text);
  // A message typed with diacritics anywhere: its unmarked short words are meant as written.
  const marked = written.some((w) => !isPlain(w));
  const typed = expandAbbreviations(written, lists.shortForms).words.map((w) => w.typed);
  const tokens: Token[] = typed.map((w) => ({ key: toneKey(w), folded: fold(w), plain: isPlain(w), removed: false }));
  // Crimes in progress are read from the whole text ("đang đánh bạc"); danger and "now" words without the
  // everyday phrases that contain them ("đánh bạc" is no fight, "đăng ký" no "đang").
  const incident = find(tokens, lists.incident, marked);
  for (const { phrase, at } of find(tokens, lists.notDanger, marked)) {
    for (let i = 0; i < phrase.syllables.length; i++) tokens[at + i]!.removed = true;
  }
  const danger = find(tokens, lists.danger, marked);
  const alarm = find(tokens, lists.alarm, marked);
  const now = find(tokens, lists.now, marked);
  const notNow = now.length === 0 && find(tokens, lists.notNow, marked).length > 0;
  const hits = [...alarm, ...(notNow ? [] : danger), ...(now.length > 0 && (danger.length > 0 || incident.length > 0) ? [...now, ...incident] : [])];
  const urgent = hits.length > 0;
  const child = urgent && find(tokens, lists.child, marked).length > 0;
  const reason = [...new Set(hits.map((h) => h.phrase.text))].join(", ");
  return { urgent, child, reason: reason || undefined };
}

/**
 * A stored reason for the officer, each word with its marks: a word kept without them (rows written
 * before reasons took the list's spelling, or typed by hand) becomes the listed phrase it folds to.
 *
 * @example markedReason("dam nguoi, dang xay ra") // "đâm người, đang xảy ra"
 */
export function markedReason(reason: string): string {
  lists ??= load(EMERGENCY_WORDS_FILE);
  const byFolded = new Map<string, string>();
  for (const index of [lists.danger, lists.alarm, lists.now, lists.incident]) {
    for (const phrases of index.values()) for (const p of phrases) if (!isPlain(p.text) && !byFolded.has(fold(p.text))) byFolded.set(fold(p.text), p.text);
  }
  byFolded.set("dang xay ra", "đang xảy ra");
  return reason
    .split(/,\s*/)
    .map((w) => (isPlain(w) ? (byFolded.get(fold(w)) ?? w) : w))
    .join(", ");
}
