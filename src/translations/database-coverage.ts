/**
 * The coverage report's database half (npm run i18n:coverage with a database): strings reviewed in the workbench
 * count as translated on top of the locale files, database content (FAQ answers, quiz questions, campaign texts)
 * gets a row per pseudo-namespace, drafts are counted apart and never as translated.
 *
 * @example await addDatabaseCoverage(analyzeLocales(dir), db)
 */
import type { Tx } from "../db/client.ts";
import { SOURCE_LANGUAGE } from "../i18n/index.ts";
import { CONTENT_NAMESPACES, contentSources } from "./content-sources.ts";
import { splitKey } from "./i18next-json.ts";

/** The parts of scripts/i18n-coverage.ts's report this adds to (kept structural, so src/ does not import scripts/). */
interface NamespaceCoverage {
  namespace: string;
  total: number;
  translated: number;
  audio: number;
  untranslated: string[];
  reviewedInDatabase?: number;
  drafts?: number;
}
interface Report {
  languages: { code: string; namespaces: NamespaceCoverage[] }[];
  source: Map<string, Map<string, string>>;
}

/** File namespace of a store key: "menu.prompt" → ["bot", "menu.prompt"]; "faq:x" → ["faq", "x"]. */
function nsOf(key: string): [string, string] {
  const [ns, path] = splitKey(key);
  return [ns, path.join(".")];
}

export async function addDatabaseCoverage(report: Report, db: Tx): Promise<void> {
  const content = (await Promise.all(contentSources.map((s) => s.entries(db)))).flat();
  for (const ns of CONTENT_NAMESPACES) report.source.set(ns, new Map());
  for (const e of content) {
    const [ns, key] = nsOf(e.key);
    report.source.get(ns)?.set(key, e.source);
  }
  const rows = await db.translation.findMany({ select: { lang: true, key: true, state: true, text: true, clipId: true } });
  for (const lang of report.languages) {
    for (const ns of CONTENT_NAMESPACES) {
      const keys = report.source.get(ns)!;
      lang.namespaces.push({ namespace: ns, total: keys.size, translated: lang.code === SOURCE_LANGUAGE ? keys.size : 0, audio: 0, untranslated: [], reviewedInDatabase: 0, drafts: 0 });
    }
    if (lang.code === SOURCE_LANGUAGE) continue;
    const byNs = new Map(lang.namespaces.map((n) => [n.namespace, n]));
    for (const n of lang.namespaces) {
      n.reviewedInDatabase ??= 0;
      n.drafts ??= 0;
      if ((CONTENT_NAMESPACES as readonly string[]).includes(n.namespace)) n.untranslated = [...report.source.get(n.namespace)!.keys()];
    }
    const untranslated = new Map(lang.namespaces.map((n) => [n.namespace, new Set(n.untranslated)]));
    for (const row of rows.filter((r) => r.lang === lang.code)) {
      const [ns, key] = nsOf(row.key);
      const coverage = byNs.get(ns);
      if (!coverage || !report.source.get(ns)?.has(key)) continue; // a string no longer in the source
      if (row.state !== "reviewed") {
        if (row.text || row.clipId) coverage.drafts!++;
        continue;
      }
      if (row.clipId) coverage.audio++;
      if (row.text && untranslated.get(ns)!.delete(key)) {
        coverage.translated++;
        coverage.reviewedInDatabase!++;
      }
    }
    for (const n of lang.namespaces) n.untranslated = [...untranslated.get(n.namespace)!];
  }
}
