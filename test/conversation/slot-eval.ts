/**
 * Measures what the report flow reads from a story told in one message (category, commune, time,
 * danger now) against test/conversation/stories-blind.json, split into a dev part (may be looked at
 * when tuning content/report-words.json) and a held-out part (only measured).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Tx } from "../../src/db/client.ts";
import { readFacts } from "../../src/conversation/read-facts.ts";
import { detectEmergency } from "../../src/tips/detect-emergency.ts";

export interface Story {
  text: string;
  category: string | null;
  commune: string | null;
  time: string | null;
  emergency: boolean;
}

export const STORIES: Story[] = (JSON.parse(readFileSync(path.join(import.meta.dirname, "stories-blind.json"), "utf8")) as { stories: Story[] }).stories;

export const splitOf = (text: string): "dev" | "held-out" => (createHash("sha256").update(text).digest()[0]! < 102 ? "dev" : "held-out");

export interface SlotScores {
  n: number;
  /** Right category proposed, of the stories that have one. */
  categoryRight: number;
  /** A category proposed that is not the story's (a wrong proposal the resident must correct). */
  categoryWrong: number;
  /** Stories naming a commune where the commune is proposed (alone or among the offered choice). */
  communeFound: number;
  /** A commune proposed for a story that names none, or not the one it names. */
  communeWrong: number;
  /** Stories saying when where a time range was read. */
  timeFound: number;
  /** A time read from a story that says none. */
  timeWrong: number;
  emergencyRecall: number;
  emergencySilent: number;
  misses: string[];
}

export async function scoreStories(tx: Tx, stories: Story[], now: Date): Promise<SlotScores> {
  const misses: string[] = [];
  let categoryRight = 0, categoryWrong = 0, communeFound = 0, communeWrong = 0, timeFound = 0, timeWrong = 0, urgentRight = 0, calmRight = 0;
  const withCategory = stories.filter((s) => s.category && s.category !== "other").length;
  const withCommune = stories.filter((s) => s.commune).length;
  const withTime = stories.filter((s) => s.time).length;
  const urgent = stories.filter((s) => s.emergency).length;
  for (const s of stories) {
    const facts = await readFacts(tx, s.text, now);
    // "other" is the resident's choice from the list; the reader never proposes it.
    if (s.category && s.category !== "other") {
      if (facts.category === s.category) categoryRight++;
      else misses.push(`category ${s.category} → ${facts.category ?? "-"}: ${s.text}`);
    }
    if (facts.category && facts.category !== s.category) categoryWrong++;
    const names = facts.communes.map((c) => c.name);
    if (s.commune) {
      if (names.includes(s.commune)) communeFound++;
      else misses.push(`commune ${s.commune} → ${names.join("/") || "-"}: ${s.text}`);
    }
    if (names.length && (!s.commune || !names.includes(s.commune))) communeWrong++;
    if (s.time && facts.time) timeFound++;
    else if (s.time) misses.push(`time "${s.time}" → -: ${s.text}`);
    if (!s.time && facts.time) {
      timeWrong++;
      misses.push(`time none → "${facts.time.matched}": ${s.text}`);
    }
    const e = detectEmergency(s.text).urgent;
    if (s.emergency && e) urgentRight++;
    if (!s.emergency && !e) calmRight++;
  }
  const n = stories.length;
  return {
    n,
    categoryRight: categoryRight / withCategory,
    categoryWrong: categoryWrong / n,
    communeFound: communeFound / withCommune,
    communeWrong: communeWrong / n,
    timeFound: timeFound / withTime,
    timeWrong: timeWrong / n,
    emergencyRecall: urgentRight / urgent,
    emergencySilent: calmRight / (n - urgent),
    misses,
  };
}
