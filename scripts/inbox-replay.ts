/**
 * Puts inbound events that failed for good back in the queue, after the cause is fixed:
 *   npm run inbox:replay            lists failed events (id, channel, attempts, error)
 *   npm run inbox:replay -- --all   replays every failed event
 *   npm run inbox:replay -- 12 15   replays events 12 and 15
 * The running service picks them up within a second; each keeps its place in its chat's order.
 */
import { loadConfig } from "../src/config.ts";
import { openDatabase } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import { replayFailedEvents } from "../src/inbox/replay-failed.ts";

const args = process.argv.slice(2);
const config = loadConfig();
await migrate(config.databaseUrl);
const { db, close } = await openDatabase(config.databaseUrl);
try {
  const failed = await db.inboundEvent.findMany({
    where: { status: "failed" },
    orderBy: { id: "asc" },
    select: { id: true, channel: true, attempts: true, receivedAt: true, lastError: true },
  });
  if (args.length === 0) {
    if (failed.length === 0) console.log("No failed inbound events.");
    for (const e of failed) {
      console.log(`${e.id}\t${e.channel}\t${e.receivedAt.toISOString()}\tattempts=${e.attempts}\t${(e.lastError ?? "").split("\n").filter(Boolean).at(-1) ?? ""}`);
    }
  } else {
    const count = await replayFailedEvents(db, args.includes("--all") ? "all" : args.map(Number).filter(Number.isInteger));
    console.log(`Replaying ${count} event(s).`);
  }
} finally {
  await close();
}
