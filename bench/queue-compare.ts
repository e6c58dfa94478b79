/**
 * Side by side: p50 / p95 (ms) of the same queries in several `npm run bench:queue` result files, as a Markdown
 * table per database and size; a query measured in several runs shows the spread of the run medians (p50 a–b).
 *
 *   npx tsx bench/queue-compare.ts before=bench/results/queue-a.json after=bench/results/queue-b.json
 */
import { readFileSync } from "node:fs";

interface Measured {
  query: string;
  p50: number;
  p95: number;
  errors: number;
  samples: number;
}
interface Result {
  dialect: string;
  tips: number;
  runs: { run: number; officer: string; results: Measured[] }[];
}

const inputs = process.argv.slice(2).map((a) => {
  const [label, file] = a.includes("=") ? (a.split("=", 2) as [string, string]) : [a, a];
  return { label, results: (JSON.parse(readFileSync(file, "utf8")) as { results: Result[] }).results };
});
if (inputs.length === 0) {
  console.error("usage: tsx bench/queue-compare.ts label=file.json …");
  process.exit(2);
}

const keys = new Map<string, { dialect: string; tips: number }>();
for (const i of inputs) for (const r of i.results) keys.set(`${r.dialect}:${r.tips}`, { dialect: r.dialect, tips: r.tips });

const cell = (ms: Measured[]): string => {
  if (ms.length === 0) return "–";
  const timedOut = ms.some((m) => m.errors > 0 && m.samples <= 1);
  if (timedOut) return `> ${Math.round(Math.max(...ms.map((m) => m.p50)) / 1000)} s (timeout)`;
  const p50s = ms.map((m) => m.p50);
  const p95 = Math.max(...ms.map((m) => m.p95));
  const lo = Math.min(...p50s);
  const hi = Math.max(...p50s);
  const fmt = (n: number) => (n >= 100 ? String(Math.round(n)) : n.toFixed(1));
  return `${lo === hi ? fmt(lo) : `${fmt(lo)}–${fmt(hi)}`} / ${fmt(p95)}`;
};

for (const { dialect, tips } of keys.values()) {
  console.log(`\n**${dialect}, ${tips.toLocaleString("en")} tips** — p50 / p95 ms (p50 range over runs)\n`);
  console.log(`| query | officer | ${inputs.map((i) => i.label).join(" | ")} |`);
  console.log(`|---|---|${inputs.map(() => "---").join("|")}|`);
  const queries: [string, string][] = [];
  for (const i of inputs) {
    for (const r of i.results.filter((x) => x.dialect === dialect && x.tips === tips)) {
      for (const run of r.runs) for (const m of run.results) if (!queries.some(([q, o]) => q === m.query && o === run.officer)) queries.push([m.query, run.officer]);
    }
  }
  queries.sort((a, b) => (a[1] === b[1] ? 0 : a[1] === "duty" ? -1 : 1));
  for (const [query, officer] of queries) {
    const cells = inputs.map((i) =>
      cell(
        i.results
          .filter((x) => x.dialect === dialect && x.tips === tips)
          .flatMap((r) => r.runs.filter((run) => run.officer === officer).flatMap((run) => run.results.filter((m) => m.query === query))),
      ),
    );
    console.log(`| ${query} | ${officer} | ${cells.join(" | ")} |`);
  }
}
