/** Starts the whole service (real HTTP, real database, real workers) for end-to-end tests. */
import { mkdtempSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import { startService, type RunningService, type ServiceOptions } from "../../src/service.ts";
import { freshDatabaseUrl } from "./context.ts";

export interface TestService extends RunningService {
  dir: string;
  logs(): string;
  /** Runs inbox then outbox until both are idle. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestService(env: Record<string, string> = {}, options: ServiceOptions = {}, reuse?: { dir: string; url: string; key: string }): Promise<TestService> {
  const dir = reuse?.dir ?? mkdtempSync(path.join(os.tmpdir(), "tinbao-e2e-"));
  const database = reuse ? { url: reuse.url, drop: async () => {} } : await freshDatabaseUrl(dir);
  const key = reuse?.key ?? randomBytes(32).toString("base64");
  let captured = "";
  const sink = new Writable({ write: (chunk, _e, cb) => ((captured += chunk.toString()), cb()) });
  const config = loadConfig({
    DATABASE_URL: database.url,
    MEDIA_DIR: path.join(dir, "media"),
    DATA_ENCRYPTION_KEY: key,
    PORT: "0",
    LOG_LEVEL: "debug",
    // Tests open dozens of visitors from 127.0.0.1; the limit itself is tested with a low value.
    WEBCHAT_NEW_VISITORS_PER_ADDRESS_HOUR: "100000",
    WEBCHAT_MESSAGES_PER_MINUTE: "100000",
    WEBCHAT_MESSAGES_PER_ADDRESS_MINUTE: "1000000",
    ...env,
  });
  const service = await startService(config, { logger: createLogger("debug", sink), ...options });
  return {
    ...service,
    dir,
    logs: () => captured,
    async settle() {
      for (let i = 0; i < 50; i++) {
        await service.inbox.drain();
        await service.outbox.drain();
        const open = await service.ctx.db.inboundEvent.count({ where: { status: { in: ["pending", "processing"] }, nextAttemptAt: { lte: new Date() } } });
        const out = await service.ctx.db.outboxMessage.count({ where: { status: { in: ["pending", "sending"] }, nextAttemptAt: { lte: new Date() } } });
        if (open === 0 && out === 0) return;
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      await service.stop();
      if (!reuse) {
        await database.drop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** A web chat visitor: keeps its cookie like a browser. */
export class WebchatVisitor {
  cookie = "";
  #n = 0;
  /** `headers`: sent with every request (e.g. X-Forwarded-For behind TRUST_PROXY, to play several addresses). */
  constructor(
    readonly baseUrl: string,
    readonly headers: Record<string, string> = {},
  ) {}

  async #fetch(pathname: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(this.baseUrl + pathname, { ...init, headers: { ...this.headers, ...(init.headers as Record<string, string>), cookie: this.cookie } });
    const set = res.headers.get("set-cookie");
    if (set) this.cookie = set.split(";")[0]!;
    return res;
  }

  nextId(): string {
    return `msg-${Date.now()}-${++this.#n}-${randomBytes(3).toString("hex")}`;
  }

  async open(): Promise<void> {
    await this.#fetch("/chat");
  }

  async send(body: Record<string, unknown>, clientMessageId = this.nextId()): Promise<Response> {
    return this.#fetch("/chat/api/messages", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ clientMessageId, ...body }),
    });
  }

  async upload(file: Blob, name: string, clientMessageId = this.nextId()): Promise<Response> {
    const form = new FormData();
    form.set("clientMessageId", clientMessageId);
    form.set("file", file, name);
    return this.#fetch("/chat/api/upload", { method: "POST", body: form });
  }

  async messages(): Promise<{ id: string; direction: string; text?: string; buttons?: { label: string; payload: string }[][]; phones?: unknown[]; audio?: { url: string }; receipt?: { reference: string; secret: string } }[]> {
    const res = await this.#fetch("/chat/api/messages");
    return ((await res.json()) as { messages: never[] }).messages;
  }

  async lastBotMessage() {
    return (await this.messages()).filter((m) => m.direction === "out").at(-1);
  }
}

/** A 1x1 PNG: real image bytes, so the evidence store's type check passes for the right reason. */
export const TINY_PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" + "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
  "hex",
);

/** Sends as the visitor, waits until the service is idle, and returns the bot's latest message. */
export async function chat(svc: TestService, v: WebchatVisitor, body: Record<string, unknown>) {
  const res = await v.send(body);
  if (res.status !== 202) throw new Error(`web chat answered ${res.status}: ${await res.text()}`);
  await svc.settle();
  return v.lastBotMessage();
}

/** The payload of the button labelled `label` on a bot message (fails the test when it is not there). */
export function payloadOf(msg: { buttons?: { label: string; payload: string }[][] } | undefined, label: string): string {
  const button = msg?.buttons?.flat().find((b) => b.label === label);
  if (!button) throw new Error(`no button "${label}" in ${JSON.stringify(msg?.buttons)}`);
  return button.payload;
}
