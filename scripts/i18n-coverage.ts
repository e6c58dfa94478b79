/**
 * Translation coverage of the resident-facing text, for the translator coordinator.
 *
 *   npm run i18n:coverage [-- --verbose] [-- --dir <localesDir>] [-- --database]
 *   npm run i18n:check                      (exits 1 on a structural problem)
 *
 * For each language and namespace: translated/total keys, keys with a recorded audio clip and
 * (--verbose) the keys still shown in Vietnamese. With a database (DATABASE_URL set, or --database:
 * the service's configured one), strings reviewed in the translators' workbench count as translated
 * too, database content (FAQ answers, quiz questions, campaign texts) gets its own rows, and drafts
 * are counted apart (never as translated: residents do not see them). --check reads only the files
 * (CI runs it without a database) unless --database is given. A `null` value is "no native speaker has
 * provided it yet": reported as untranslated, never an error. --check fails on what would break
 * or silently degrade the bot: a key missing from (or unknown to) a locale, a null/empty
 * Vietnamese text, a value that is not a string or null, `{{variables}}` that differ from the
 * Vietnamese text, invalid JSON, or an audio clip whose file is missing.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { loadConfig, sqlitePath } from "../src/config.ts";
import { openDatabase } from "../src/db/client.ts";
import { DEFAULT_LOCALES_DIR, SOURCE_LANGUAGE } from "../src/i18n/index.ts";
import { addDatabaseCoverage } from "../src/translations/database-coverage.ts";

/** The namespace `t(key)` and `audio(lng, key)` use for a key without `ns:` (src/i18n/index.ts). */
const DEFAULT_NS = "bot";

export interface Problem {
  /** File relative to the locales folder, e.g. `hre/bot.json`. */
  file: string;
  key?: string;
  message: string;
}

export interface NamespaceCoverage {
  namespace: string;
  /** Keys of the Vietnamese file. */
  total: number;
  /** Keys with a non-empty text in this language. */
  translated: number;
  /** Keys with a recorded clip in this language's audio.json. */
  audio: number;
  /** Keys still shown in Vietnamese (null, empty or missing). */
  untranslated: string[];
  /** With a database: texts reviewed in the workbench where the file has none (included in `translated`). */
  reviewedInDatabase?: number;
  /** With a database: drafts waiting for a second speaker (not in `translated`). */
  drafts?: number;
}

export interface LanguageCoverage {
  code: string;
  label: string;
  namespaces: NamespaceCoverage[];
}

export interface CoverageReport {
  dir: string;
  /** Set when the database's translations were counted: which kind of database. */
  database?: "SQLite" | "PostgreSQL";
  languages: LanguageCoverage[];
  /** Vietnamese text of every key, by namespace (for the verbose list). */
  source: Map<string, Map<string, string>>;
  problems: Problem[];
}

type Leaves = Map<string, unknown>;

/** Flattens nested JSON into `a.b.c` → value (i18next's default key separator). */
function flatten(tree: Record<string, unknown>, prefix = "", out: Leaves = new Map()): Leaves {
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) flatten(v as Record<string, unknown>, key, out);
    else out.set(key, v);
  }
  return out;
}

/** Interpolation variable names, e.g. `{{count}}`, `{{ value, number }}` → count, value. */
function variables(text: string): string {
  const names = [...new Set([...text.matchAll(/{{\s*([^,}\s]+)[^}]*}}/g)].map((m) => m[1]!))].sort();
  return names.length ? names.map((n) => `{{${n}}}`).join(" ") : "none";
}

function isBlank(v: unknown): boolean {
  return typeof v === "string" && v.trim() === "";
}

export function analyzeLocales(dir: string = DEFAULT_LOCALES_DIR): CoverageReport {
  const problems: Problem[] = [];
  const problem = (file: string, message: string, key?: string) =>
    problems.push(key === undefined ? { file, message } : { file, key, message });

  /** Parsed JSON object, or undefined (with a problem) if the file is not valid JSON or not an object. */
  const readObject = (rel: string): Record<string, unknown> | undefined => {
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(path.join(dir, rel), "utf8"));
    } catch (e) {
      problem(rel, `invalid JSON: ${(e as Error).message}`);
      return undefined;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      problem(rel, "must be a JSON object");
      return undefined;
    }
    return value as Record<string, unknown>;
  };
  const jsonFiles = (lng: string) =>
    existsSync(path.join(dir, lng)) ? readdirSync(path.join(dir, lng)).filter((f) => f.endsWith(".json")).sort() : [];

  const listed = readObject("languages.json")?.languages;
  const languages = Array.isArray(listed) ? (listed as { code: string; label: string }[]) : [];
  if (!languages.some((l) => l.code === SOURCE_LANGUAGE)) problem("languages.json", `must list "${SOURCE_LANGUAGE}"`);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && !languages.some((l) => l.code === entry.name)) {
      problem(entry.name, "folder is not listed in languages.json");
    }
  }

  // The Vietnamese files define the keys.
  const source = new Map<string, Map<string, string>>();
  for (const file of jsonFiles(SOURCE_LANGUAGE).filter((f) => f !== "audio.json")) {
    const rel = `${SOURCE_LANGUAGE}/${file}`;
    const tree = readObject(rel);
    if (!tree) continue;
    const texts = new Map<string, string>();
    for (const [key, v] of flatten(tree)) {
      if (typeof v === "string" && !isBlank(v)) texts.set(key, v);
      else if (v === null || isBlank(v)) problem(rel, "Vietnamese text is null or empty: every key needs one", key);
      else problem(rel, `value must be a string, found ${JSON.stringify(v)}`, key);
    }
    source.set(file.replace(/\.json$/, ""), texts);
  }

  const report: LanguageCoverage[] = [];
  for (const { code, label } of languages) {
    const clips = audioKeys(dir, code, source, readObject, problem);
    const namespaces: NamespaceCoverage[] = [];
    for (const [ns, texts] of source) {
      const rel = `${code}/${ns}.json`;
      const coverage: NamespaceCoverage = { namespace: ns, total: texts.size, translated: 0, audio: 0, untranslated: [] };
      namespaces.push(coverage);
      for (const key of texts.keys()) if (clips.has(ns === DEFAULT_NS ? key : `${ns}:${key}`)) coverage.audio++;
      const exists = existsSync(path.join(dir, rel));
      if (!exists) problem(rel, `file missing (${SOURCE_LANGUAGE}/${ns}.json exists): copy it with every value set to null`);
      const tree = code !== SOURCE_LANGUAGE && exists ? readObject(rel) : undefined;
      if (code !== SOURCE_LANGUAGE && !tree) {
        coverage.untranslated = [...texts.keys()]; // missing or invalid file: all shown in Vietnamese
        continue;
      }
      const leaves: Leaves = tree ? flatten(tree) : new Map(texts);
      for (const [key, vi] of texts) {
        const v = leaves.get(key);
        if (typeof v === "string" && !isBlank(v)) {
          coverage.translated++;
          if (variables(v) !== variables(vi)) {
            problem(rel, `variables ${variables(v)} differ from Vietnamese ${variables(vi)}`, key);
          }
          continue;
        }
        coverage.untranslated.push(key);
        if (!leaves.has(key)) {
          problem(rel, `missing (${SOURCE_LANGUAGE} has it): add it, with null until a native speaker translates it`, key);
        } else if (isBlank(v)) problem(rel, 'empty text: use null for "not translated yet"', key);
        else if (v !== null && v !== undefined) problem(rel, `value must be a string or null, found ${JSON.stringify(v)}`, key);
      }
      for (const key of leaves.keys()) {
        if (!texts.has(key)) problem(rel, `unknown key: ${SOURCE_LANGUAGE}/${ns}.json does not have it`, key);
      }
    }
    for (const file of jsonFiles(code)) {
      const ns = file.replace(/\.json$/, "");
      if (file !== "audio.json" && !source.has(ns)) problem(`${code}/${file}`, `no ${SOURCE_LANGUAGE}/${file}: unknown namespace`);
    }
    report.push({ code, label, namespaces });
  }
  return { dir, languages: report, source, problems };
}

/**
 * Checks `<lng>/audio.json` (key → {file, mime, speaker?, reviewer?, version?}) and returns its
 * keys. A key is `key` in the default namespace or `ns:key`; `file` is relative to `<lng>/`.
 */
function audioKeys(
  dir: string,
  lng: string,
  source: Map<string, Map<string, string>>,
  readObject: (rel: string) => Record<string, unknown> | undefined,
  problem: (file: string, message: string, key?: string) => void,
): Set<string> {
  const rel = `${lng}/audio.json`;
  if (!existsSync(path.join(dir, rel))) return new Set();
  const clips = readObject(rel) ?? {};
  const folder = path.resolve(dir, lng);
  for (const [key, clip] of Object.entries(clips)) {
    const [ns, k] = key.includes(":") ? (key.split(/:(.*)/s) as [string, string]) : [DEFAULT_NS, key];
    if (!source.get(ns)?.has(k)) problem(rel, "clip for a key that no Vietnamese file has", key);
    const { file, mime } = (clip ?? {}) as { file?: unknown; mime?: unknown };
    if (typeof file !== "string" || typeof mime !== "string") {
      problem(rel, 'clip must be an object with string "file" and "mime"', key);
      continue;
    }
    const target = path.resolve(folder, file);
    if (!target.startsWith(folder + path.sep)) problem(rel, `file "${file}" is outside ${lng}/`, key);
    else if (!existsSync(target) || !statSync(target).isFile()) problem(rel, `file not found: ${lng}/${file}`, key);
  }
  return new Set(Object.keys(clips));
}

function percent(part: number, total: number): string {
  if (total === 0) return "—";
  return `${Math.floor((part / total) * 100)}%`; // floor: 99.6% is not "100%"
}

const HEADER = `Tin Báo: tình trạng bản dịch lời bot
Câu nào chưa có bản dịch (null) thì bot tạm hiện bằng Tiếng Việt, kèm bản ghi âm nếu đã có.
Bản dịch và bản ghi âm tiếng Hrê, tiếng Co và các tiếng dân tộc khác chỉ lấy từ người bản ngữ đã
được xác minh, qua quy trình dịch của dự án: không tự đoán, không dùng máy dịch.`;

export function formatReport(report: CoverageReport, { verbose = false } = {}): string {
  const withDb = report.database !== undefined;
  const rows = [["Ngôn ngữ", "Tệp", "Đã dịch", "", "Có ghi âm", ...(withDb ? ["Bản nháp chờ duyệt"] : [])]];
  for (const lang of report.languages) {
    for (const ns of lang.namespaces) {
      rows.push([
        `${lang.label} (${lang.code})`,
        ns.namespace,
        `${ns.translated}/${ns.total}`,
        percent(ns.translated, ns.total),
        `${ns.audio}/${ns.total}`,
        ...(withDb ? [lang.code === SOURCE_LANGUAGE ? "" : String(ns.drafts ?? 0)] : []),
      ]);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const table = rows.map((r) =>
    r.map((cell, i) => (i === 2 || i === 3 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join("  ").trimEnd(),
  );
  const lines = [HEADER, "", `Thư mục: ${report.dir}`];
  if (withDb) {
    lines.push(
      `Tính cả bản dịch đã duyệt trên bàn dịch (cơ sở dữ liệu ${report.database}). Bản nháp chưa được duyệt không tính là đã dịch.`,
      `Tệp faq, quiz, campaign: câu trả lời hỏi đáp, câu hỏi cuộc thi 19/8 và tin tuyên truyền trong cơ sở dữ liệu.`,
    );
  }
  lines.push("", ...table);
  if (verbose) {
    for (const lang of report.languages.filter((l) => l.code !== SOURCE_LANGUAGE)) {
      for (const ns of lang.namespaces.filter((n) => n.untranslated.length > 0)) {
        lines.push("", `${lang.label} (${lang.code}), ${ns.namespace}: ${ns.untranslated.length} câu còn hiện bằng Tiếng Việt:`);
        for (const key of ns.untranslated) {
          const vi = (report.source.get(ns.namespace)?.get(key) ?? "").replace(/\s+/g, " ");
          lines.push(`  ${key}: ${vi.length > 70 ? `${vi.slice(0, 69)}…` : vi}`);
        }
      }
    }
  }
  return `${lines.join("\n")}\n`;
}

export function formatProblems(problems: Problem[]): string {
  if (problems.length === 0) return "i18n check passed: no structural problem.\n";
  const list = problems.map((p) => `  ${p.file}${p.key === undefined ? "" : ` [${p.key}]`}: ${p.message}`);
  return `i18n check FAILED: ${problems.length} problem(s) in the locale files.\n${list.join("\n")}\n`;
}

const USAGE = "Usage: i18n-coverage [--check] [--verbose] [--dir <localesDir>] [--database]\n";

type Outcome = { exitCode: number; stdout: string; stderr: string };
type Options = { check?: boolean; verbose?: boolean; dir?: string; database?: boolean; help?: boolean };

function parseCli(argv: string[]): Options | Outcome {
  try {
    return parseArgs({
      args: argv,
      options: {
        check: { type: "boolean" },
        verbose: { type: "boolean", short: "v" },
        dir: { type: "string" },
        database: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }).values;
  } catch (e) {
    return { exitCode: 2, stdout: "", stderr: `${(e as Error).message}\n${USAGE}` };
  }
}

function localesDir(values: Options): string | Outcome {
  const dir = path.resolve(values.dir ?? DEFAULT_LOCALES_DIR);
  return existsSync(path.join(dir, "languages.json")) ? dir : { exitCode: 2, stdout: "", stderr: `No languages.json in ${dir}: not a locales folder.\n` };
}

function outcome(report: CoverageReport, values: Options): Outcome {
  const stdout = formatReport(report, { verbose: values.verbose ?? false });
  if (!values.check) return { exitCode: 0, stdout, stderr: "" };
  const ok = report.problems.length === 0;
  return ok
    ? { exitCode: 0, stdout: stdout + "\n" + formatProblems([]), stderr: "" }
    : { exitCode: 1, stdout, stderr: "\n" + formatProblems(report.problems) };
}

/** The command line on the locale files only, without touching the process: the exit code and what to print. */
export function cli(argv: string[]): Outcome {
  const values = parseCli(argv);
  if ("exitCode" in values) return values;
  if (values.help) return { exitCode: 0, stdout: USAGE, stderr: "" };
  const dir = localesDir(values);
  return typeof dir === "string" ? outcome(analyzeLocales(dir), values) : dir;
}

/**
 * The command line with the database where there is one: `--database` (the service's configured DATABASE_URL), or
 * DATABASE_URL set in `env` (except with --check, which CI runs without a database). `env` is process.env when run.
 */
export async function run(argv: string[], env: Record<string, string | undefined> = {}): Promise<Outcome> {
  const values = parseCli(argv);
  if ("exitCode" in values) return values;
  const wanted = values.database || (!values.check && !!env.DATABASE_URL?.trim());
  if (values.help || !wanted) return cli(argv);
  const dir = localesDir(values);
  if (typeof dir !== "string") return dir;
  let url: string;
  try {
    url = loadConfig(env).databaseUrl;
  } catch (e) {
    return { exitCode: 2, stdout: "", stderr: `${(e as Error).message}\n` };
  }
  if (url.startsWith("file:") && !existsSync(sqlitePath(url))) {
    return { exitCode: 2, stdout: "", stderr: `Không tìm thấy cơ sở dữ liệu SQLite ${sqlitePath(url)}: kiểm tra DATABASE_URL, hoặc bỏ --database để chỉ đếm các tệp ngôn ngữ.\n` };
  }
  const report = analyzeLocales(dir);
  const database = await openDatabase(url);
  try {
    await addDatabaseCoverage(report, database.db);
  } catch (e) {
    return { exitCode: 2, stdout: "", stderr: `Không đọc được bản dịch trong cơ sở dữ liệu (${(e as Error).message.split("\n")[0]}). Cơ sở dữ liệu đã được cập nhật (migrate) chưa?\n` };
  } finally {
    await database.close();
  }
  report.database = url.startsWith("file:") ? "SQLite" : "PostgreSQL";
  return outcome(report, values);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { exitCode, stdout, stderr } = await run(process.argv.slice(2), process.env);
  process.stdout.write(stdout);
  process.stderr.write(stderr);
  process.exitCode = exitCode;
}
