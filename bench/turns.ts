/**
 * How fast the turn harness (test/support/turns.ts) runs scripted conversations without HTTP: 200
 * story-first reports from the first message to the receipt, on a SQLite file, against a baseline
 * of the same number of empty transactions on the same database in the same run.
 *
 *   npm run bench:turns            (BENCH_CASES=500 for more)
 */
import os from "node:os";
import { createTurnHarness } from "../test/support/turns.ts";

const CASES = Number(process.env.BENCH_CASES ?? 200);
const STORIES = [
  "toi qua khoang 8 gio co may thang trom xe may o cho xã Sơn Hà",
  "co nguoi buon ban ma tuy o gan truong hoc xã Ba Tơ",
  "sang nay co nguoi danh bac o nha van hoa xã Trà Bồng",
];

async function main() {
  console.log(`load average before the run: ${os.loadavg()[0]!.toFixed(2)} (${os.cpus().length} cores)`);
  const h = await createTurnHarness();
  let turns = 0;
  const started = performance.now();
  for (let i = 0; i < CASES; i++) {
    const r = await h.resident(i % 2 ? "zalo" : "telegram", "vi");
    await r.say(STORIES[i % STORIES.length]!);
    for (const label of ["Đúng", "Bỏ qua"]) await r.tap(label);
    if (r.buttons().some((b) => b.label === "Hôm nay")) await r.tap("Hôm nay");
    await r.tap("Giữ kín tên");
    await r.tap("Gửi tin báo");
    if (!r.last.some((m) => m.receipt)) throw new Error(`case ${i} did not reach the receipt: ${r.text()}`);
    turns += r.actions;
  }
  const harnessMs = performance.now() - started;
  const base = performance.now();
  for (let i = 0; i < turns; i++) await h.ctx.db.$transaction(async (tx) => tx.contact.count());
  const baselineMs = performance.now() - base;
  console.log(`${CASES} cases, ${turns} turns in ${(harnessMs / 1000).toFixed(1)} s: ${(CASES / (harnessMs / 1000)).toFixed(1)} cases/s, ${(turns / (harnessMs / 1000)).toFixed(0)} turns/s`);
  console.log(`baseline, ${turns} one-query transactions: ${(baselineMs / 1000).toFixed(2)} s; a turn costs ${(harnessMs / baselineMs).toFixed(1)}× a bare transaction`);
  await h.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
