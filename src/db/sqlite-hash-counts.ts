/**
 * `hash_counts(k1, …, kn)`: an aggregate SQLite lacks. SQLite groups by sorting every row (a temporary B-tree per
 * GROUP BY), so a report needing five groupings of a month of tips paid five scans and five sorts. This counts each
 * argument's distinct values in its own hash map, in ONE pass and without sorting: GROUPING SETS done by hand, each
 * argument one set (its key built in SQL). NULL keys are not counted (a set that does not apply to a row). It returns
 * JSON text, one list per argument: `[[[key, count], …], …]` (keys keep their type: text or number; a set no row
 * reached is empty), or `[]` when there were no rows at all.
 *
 * Registered on the connection by serialized-sqlite.ts; PostgreSQL has GROUPING SETS with hash aggregation itself.
 *
 * @example SELECT hash_counts(t."category", t."channel") FROM "Tip" t  -- '[[["theft",3],["drugs",1]],[["zalo",4]]]'
 */
import type BetterSqlite3 from "better-sqlite3";

type Key = string | number;

export function registerHashCounts(client: BetterSqlite3.Database): void {
  client.aggregate("hash_counts", {
    varargs: true,
    deterministic: true,
    // Integers as numbers (the adapter turns safe integers on for the connection): counts and keys stay JSON-able.
    safeIntegers: false,
    start: () => [] as Map<Key, number>[],
    step: (sets: Map<Key, number>[], ...keys: unknown[]) => {
      while (sets.length < keys.length) sets.push(new Map());
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        if (key === null) continue;
        if (typeof key !== "string" && typeof key !== "number") throw new TypeError("hash_counts: keys are text or numbers");
        const counts = sets[i]!;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    },
    result: (sets: Map<Key, number>[]) => JSON.stringify(sets.map((counts) => [...counts])),
  });
}
