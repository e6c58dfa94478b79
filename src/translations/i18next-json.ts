/**
 * A language's translations as one i18next resources file: `{ "<namespace>": { …nested keys… } }`. The bot's
 * strings sit under "bot" exactly as in locales/<lng>/bot.json; database content under its pseudo-namespace:
 * "faq:goi-113" → `faq["goi-113"]`, "quiz:goi-113.option2" → `quiz["goi-113"].option2`, "campaign:<id>" →
 * `campaign["<id>"]`. A `null` is "no translation" (as in the locale files). Reading also takes a bare bot.json.
 *
 * @example toI18nextJson([["menu.prompt", null], ["faq:goi-113", "…"]]) // { bot: { menu: { prompt: null } }, faq: { "goi-113": "…" } }
 */

type Tree = { [k: string]: Tree | string | null };

const DEFAULT_NS = "bot";

/** "faq:goi-113" → ["faq", ["goi-113"]]; "menu.prompt" → ["bot", ["menu", "prompt"]]. */
export function splitKey(key: string): [string, string[]] {
  const colon = key.indexOf(":");
  const [ns, rest] = colon > 0 ? [key.slice(0, colon), key.slice(colon + 1)] : [DEFAULT_NS, key];
  return [ns, rest.split(".")];
}

export function joinKey(ns: string, path: string[]): string {
  return ns === DEFAULT_NS ? path.join(".") : `${ns}:${path.join(".")}`;
}

/** The nested file for (key, text) pairs, in the order given. */
export function toI18nextJson(pairs: Iterable<[string, string | null]>): Tree {
  const root: Tree = {};
  for (const [key, text] of pairs) {
    const [ns, path] = splitKey(key);
    let node = (root[ns] ??= {}) as Tree;
    for (const part of path.slice(0, -1)) {
      const next = node[part];
      node = (next !== null && typeof next === "object" ? next : (node[part] = {})) as Tree;
    }
    node[path.at(-1)!] = text;
  }
  return root;
}

export interface ReadJson {
  /** Key → text (null: none given). */
  texts: Map<string, string | null>;
  refused: { key: string; message: string }[];
}

/**
 * The (key, text) pairs of an i18next file. `namespaces` are the ones this service knows: an object whose top-level
 * keys are all namespaces is read as namespaced; any other object as a bare bot.json.
 */
export function readI18nextJson(json: unknown, namespaces: ReadonlySet<string>): ReadJson {
  const texts = new Map<string, string | null>();
  const refused: { key: string; message: string }[] = [];
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    return { texts, refused: [{ key: "(cả tệp)", message: "Tệp JSON phải là một đối tượng { … } như tệp i18next xuất ra." }] };
  }
  const top = Object.keys(json);
  const namespaced = top.length > 0 && top.every((k) => namespaces.has(k));
  const walk = (ns: string, node: unknown, path: string[]) => {
    if (node !== null && typeof node === "object" && !Array.isArray(node)) {
      for (const [k, v] of Object.entries(node)) walk(ns, v, [...path, k]);
      return;
    }
    if (path.length === 0) {
      refused.push({ key: ns, message: `Phần «${ns}» phải là một đối tượng { … } chứa các câu.` });
      return;
    }
    const key = joinKey(ns, path);
    if (typeof node === "string" || node === null) texts.set(key, node);
    else refused.push({ key, message: "Giá trị phải là chữ (hoặc null khi chưa dịch)." });
  };
  if (namespaced) for (const [ns, tree] of Object.entries(json)) walk(ns, tree, []);
  else walk(DEFAULT_NS, json, []);
  return { texts, refused };
}
