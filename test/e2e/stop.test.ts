/**
 * Stopping the service (SIGTERM, a deploy) while a reply is stuck in a channel's send: the stop ends within its
 * grace period, names what it gave up on, and the next start sends the reply; nothing is lost.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { Channel } from "../../src/channels/types.ts";
import { startTestService, WebchatVisitor, type TestService } from "../support/service.ts";

describe("stopping the service while a send hangs", () => {
  let first: TestService | undefined;
  let second: TestService | undefined;
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it("gives up on the stuck send after the grace period, and the next process sends the reply", async () => {
    first = await startTestService({}, { stopGraceMs: 1_500 });
    const webchat = first.ctx.channels.get("webchat")!;
    let sendStarted!: () => void;
    const started = new Promise<void>((resolve) => (sendStarted = resolve));
    const stuck: Channel = Object.assign(Object.create(Object.getPrototypeOf(webchat)), webchat, {
      send: () => {
        sendStarted();
        return new Promise<never>(() => {});
      },
    });
    first.ctx.channels.set("webchat", stuck);

    const visitor = new WebchatVisitor(first.url);
    await visitor.open();
    expect((await visitor.send({ text: "xin chào" })).status).toBe(202);
    await started;

    // Without a bound, this never returns: the outbox waits for the send forever.
    await first.stop();
    const logs = first.logs();
    expect(logs).toContain("stopping: gave up waiting for work still in flight");
    expect(logs).toMatch(/"step":"outbox"/);

    second = await startTestService({}, {}, { dir: first.dir, url: first.ctx.config.databaseUrl, key: first.ctx.config.encryptionKey!.toString("base64") });
    const again = new WebchatVisitor(second.url);
    again.cookie = visitor.cookie;
    // SQLite has one process, so the new one takes the row back at start; on PostgreSQL other processes may be alive,
    // so it waits for the row's lease (15 s) to run out.
    const replies = async () => {
      await second!.settle();
      return (await again.messages()).filter((m) => m.direction === "out").map((m) => m.text ?? "");
    };
    await expect.poll(replies, { timeout: 30_000, interval: 500 }).toEqual(expect.arrayContaining([expect.stringContaining("Xin chào")]));
  }, 60_000);
});
