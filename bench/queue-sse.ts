/**
 * `npm run bench:queue -- --sse 30`: time from the web chat message that files a tip (the resident presses
 * "Gửi tin báo" on the review step) to the `tip` event (`kind: "created"`) on an open GET /api/tips/stream of a
 * duty-desk officer. Everything over HTTP on 127.0.0.1, against the benchmark's service with its workers on:
 * POST /chat/api/messages is stored (202), the inbox worker runs the turn and files the tip, the bus tells the
 * stream (PostgreSQL: also its 3-second poll, whichever comes first). The steps before the last one are driven
 * the same way, each waiting for the bot's answer (GET /chat/api/messages), and are not timed.
 */
import { randomBytes } from "node:crypto";

interface Message {
  id: string | number;
  direction: string;
  text?: string;
  buttons?: { label: string; payload: string }[][];
}

class Visitor {
  cookie = "";
  #n = 0;
  constructor(readonly base: string) {}

  async #fetch(pathname: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(this.base + pathname, { ...init, headers: { ...(init.headers as Record<string, string>), cookie: this.cookie } });
    const set = res.headers.get("set-cookie");
    if (set) this.cookie = set.split(";")[0]!;
    return res;
  }

  async open(): Promise<void> {
    await (await this.#fetch("/chat")).arrayBuffer();
  }

  async messages(): Promise<Message[]> {
    return ((await (await this.#fetch("/chat/api/messages")).json()) as { messages: Message[] }).messages;
  }

  async send(body: Record<string, unknown>): Promise<void> {
    const res = await this.#fetch("/chat/api/messages", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ clientMessageId: `bench-${Date.now()}-${++this.#n}-${randomBytes(3).toString("hex")}`, ...body }),
    });
    await res.arrayBuffer();
    if (res.status !== 202) throw new Error(`web chat answered ${res.status}`);
  }

  /** Sends and waits (up to 20 s) for the bot's next message; returns it. */
  async say(body: Record<string, unknown>): Promise<Message> {
    const before = (await this.messages()).filter((m) => m.direction === "out").length;
    await this.send(body);
    const until = Date.now() + 20_000;
    while (Date.now() < until) {
      const out = (await this.messages()).filter((m) => m.direction === "out");
      if (out.length > before) {
        await new Promise((r) => setTimeout(r, 30)); // a turn may send two messages: take the last
        return (await this.messages()).filter((m) => m.direction === "out").at(-1)!;
      }
      await new Promise((r) => setTimeout(r, 15));
    }
    throw new Error(`no bot answer to ${JSON.stringify(body)}`);
  }
}

function payloadOf(message: Message, label: string): string {
  const button = message.buttons?.flat().find((b) => b.label === label);
  if (!button) throw new Error(`no button "${label}" in ${JSON.stringify(message.buttons)}`);
  return button.payload;
}

/** An open GET /api/tips/stream: resolves `next()` with the arrival time of the next `created` tip event. */
async function openStream(base: string, cookie: string) {
  const controller = new AbortController();
  const res = await fetch(`${base}/api/tips/stream`, { headers: { cookie, accept: "text/event-stream" }, signal: controller.signal });
  if (res.status !== 200 || !res.body) throw new Error(`stream: ${res.status}`);
  const waiting: ((at: number) => void)[] = [];
  const arrived: number[] = [];
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        const at = performance.now();
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf("\n\n")) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (/^event: tip$/m.test(block) && /"kind":"created"/.test(block)) {
            const resolve = waiting.shift();
            if (resolve) resolve(at);
            else arrived.push(at);
          }
        }
      }
    } catch {
      // aborted at the end
    }
  })();
  return {
    next(timeoutMs: number): Promise<number | undefined> {
      const ready = arrived.shift();
      if (ready !== undefined) return Promise.resolve(ready);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(done), 1);
          resolve(undefined);
        }, timeoutMs);
        const done = (at: number) => (clearTimeout(timer), resolve(at));
        waiting.push(done);
      });
    },
    drain() {
      arrived.length = 0;
    },
    close: () => controller.abort(),
  };
}

export interface SseReport {
  tips: number;
  p50: number;
  p95: number;
  max: number;
  min: number;
  /** Tips whose event did not arrive within 15 s. */
  missed: number;
  samples: number[];
}

export async function fileSimpleReport(base: string, cookie: string, n: number): Promise<SseReport> {
  const stream = await openStream(base, cookie);
  const samples: number[] = [];
  let missed = 0;
  try {
    for (let i = 0; i < n; i++) {
      const v = new Visitor(base);
      await v.open();
      await v.say({ text: "xin chào" });
      await v.say({ button: "lang:vi" });
      await v.say({ button: "menu:report" });
      await v.say({ button: "cat:drugs" });
      let bot = await v.say({ text: `Có nhóm thanh niên bán ma túy ở quán nước đầu thôn ${i + 1} vào buổi tối.` });
      bot = await v.say({ button: payloadOf(bot, "Bỏ qua") });
      bot = await v.say({ text: `Quán nước đầu thôn ${i + 1}, gần trường tiểu học` });
      bot = await v.say({ button: payloadOf(bot, "Hôm qua") });
      bot = await v.say({ button: payloadOf(bot, "Giữ kín tên") });
      const submit = payloadOf(bot, "Gửi tin báo");
      stream.drain();
      const t0 = performance.now();
      await v.send({ button: submit });
      const at = await stream.next(15_000);
      if (at === undefined) missed++;
      else samples.push(at - t0);
      // Let the receipt and the duty alert go out before the next resident starts.
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    stream.close();
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN) * 10) / 10;
  return { tips: n, p50: at(0.5), p95: at(0.95), max: at(1), min: at(0), missed, samples: samples.map((s) => Math.round(s * 10) / 10) };
}
