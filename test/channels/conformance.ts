/**
 * One table-driven conformance harness for every channel (courier's model). A channel describes itself
 * once as a `ChannelUnderTest`: how to build it against its fake platform, how the platform signs a webhook,
 * how to script the fake's answers and read what it received, and three tables:
 *
 * - inbound rows: a real platform payload in → the expected InboundMessage fields out (or null, ignored);
 * - outbound rows: an OutboundMessage in → the requests the fake must have received, in order;
 * - failure rows: a scripted fake answer (429, 5xx, hang, blocked…) → the expected SendError.
 *
 * The harness adds the usual negative cases itself: missing/wrong webhook credentials, altered or malformed
 * bodies, junk payloads, the same payload delivered twice, a button payload over the declared limit, wrong
 * credentials for the platform API. After every test it fails when a scripted answer went unused, when the fake
 * refused a request as invalid, when a secret appears in a log line, or when anything tried to connect
 * anywhere but the loopback interface.
 *
 *   runChannelConformance(telegramUnderTest);   // in test/channels/<name>.test.ts
 */
import type { IncomingHttpHeaders } from "node:http";
import net from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Channel, InboundMessage, OutboundMessage, SentReceipt } from "../../src/channels/types.ts";
import { createLogger, type Logger } from "../../src/log.ts";
import { SendError, type SendErrorKind } from "../../src/outbox/send-error.ts";

// ---- what a channel provides ---------------------------------------------------------------------------------

/** A request the fake platform received, in a channel-neutral form. */
export interface CapturedRequest {
  /** API method or path (`sendMessage`, `/v3.0/oa/message/cs`). */
  method: string;
  params: Record<string, unknown>;
  /** Uploaded files (multipart parts), if any. */
  files: { field: string; filename: string; contentType: string; size: number }[];
}

/** A built channel wired to its running fake. */
export interface ChannelFixture<Answer> {
  channel: Channel;
  /** Strings that must never appear in logs or errors (tokens, webhook secrets, app secrets). */
  secrets: string[];
  /** Requests received since the last reset, in arrival order. */
  requests(): CapturedRequest[];
  /** Scripts the fake's next answer (a failure); the harness fails the test if it is never used. */
  script(answer: Answer): void;
  /** Scripted answers not used yet, described for the failure message. */
  unusedScripts(): string[];
  /** Requests the fake refused as invalid under the platform's spec, described. */
  invalidRequests(): string[];
  reset(): void;
  close(): Promise<void>;
}

export interface InboundRow {
  name: string;
  payload: unknown;
  /** Expected fields (matched with toMatchObject), or null when the channel must ignore the payload. */
  expect: Partial<Omit<InboundMessage, "content">> & { content?: Partial<InboundMessage["content"]> } | null;
}

export interface ExpectedRequest {
  method: string;
  /** Matched with toMatchObject; `key: undefined` asserts the key is absent. */
  params?: Record<string, unknown>;
  files?: Partial<CapturedRequest["files"][number]>[];
}

export interface OutboundRow {
  name: string;
  chatId: string;
  message: OutboundMessage;
  /** Exactly these requests, in this order. */
  expect: ExpectedRequest[];
  receipt?: Partial<SentReceipt>;
}

export interface FailureRow<Answer> {
  name: string;
  /** What the fake answers (scripted before sending). Several for multi-request messages. */
  answers: Answer[];
  /** Defaults to a plain text message. */
  message?: OutboundMessage;
  expect: { kind: SendErrorKind; retryAfterMs?: number; providerCode?: string | number };
}

export interface ChannelUnderTest<Answer> {
  name: string;
  /** Why the fake cannot run here (e.g. the platform spec file is missing), or undefined. */
  unavailable?(): string | undefined;
  /** Builds the channel against a started fake; `log` captures every line for the secrets check. */
  setup(context: { log: Logger; credentials: "valid" | "wrong" }): Promise<ChannelFixture<Answer>>;
  /** Whether `setup` with wrong credentials makes sense (the platform checks a token). */
  checksCredentials: boolean;
  /** How the platform authenticates webhooks; omit for channels without webhooks (verifyWebhook undefined). */
  webhook?: {
    /** Headers the platform sends with this raw body (secret header, signature…). */
    sign(rawBody: Buffer, fixture: ChannelFixture<Answer>): IncomingHttpHeaders;
    /** Headers carrying the credential; the harness removes and corrupts them. */
    credentialHeaders: string[];
    /** Whether the credential covers the body (signatures): an altered body must then be rejected. */
    signsBody: boolean;
  };
  /** Checks a payload against the platform's spec, so table payloads keep their real shape. */
  validatePayload?(payload: unknown): string | undefined;
  /** A valid chat id for the generic outbound checks. */
  chatId: string;
  inbound: InboundRow[];
  outbound: OutboundRow[];
  failures: FailureRow<Answer>[];
}

// ---- guards --------------------------------------------------------------------------------------------------

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost", "::ffff:127.0.0.1"]);

export interface NetworkGuard {
  /** How many connections were attempted since the guard was installed. */
  readonly attempts: number;
  /** Hosts other than loopback tried since the last call (those connections were refused). */
  takeEscaped(): string[];
  restore(): void;
}

/**
 * Refuses and records any TCP connection not to the loopback interface, for every client in this process
 * (node:http, node-fetch, undici's fetch all end in net.Socket#connect).
 */
export function guardNetwork(): NetworkGuard {
  let attempts = 0;
  let escaped: string[] = [];
  const original = net.Socket.prototype.connect;
  const patched = function (this: net.Socket, ...args: unknown[]): net.Socket {
    const host = targetHost(args);
    attempts += 1;
    if (!LOOPBACK.has(host) && !host.startsWith("unix:")) {
      escaped.push(host);
      process.nextTick(() => this.destroy(new Error(`conformance: refused a connection to ${host} (tests stay on 127.0.0.1)`)));
      return this;
    }
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  };
  net.Socket.prototype.connect = patched as typeof original;
  return {
    get attempts() {
      return attempts;
    },
    takeEscaped: () => {
      const taken = escaped;
      escaped = [];
      return taken;
    },
    restore: () => {
      net.Socket.prototype.connect = original;
    },
  };
}

function targetHost(args: unknown[]): string {
  let first: unknown = args[0];
  if (Array.isArray(first)) first = first[0]; // net.connect passes normalized [options, callback]
  if (typeof first === "object" && first !== null) {
    const options = first as { path?: unknown; host?: unknown };
    if (typeof options.path === "string") return `unix:${options.path}`;
    return typeof options.host === "string" ? options.host : "localhost";
  }
  if (typeof first === "string" && !/^\d+$/.test(first)) return `unix:${first}`;
  return typeof args[1] === "string" ? args[1] : "localhost";
}

/** A pino logger whose lines are kept in memory. */
export function captureLogs(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const log = createLogger("trace", { write: (line: string) => void lines.push(line) });
  return { log, lines };
}

/** Fails listing every place a secret shows up in `texts`. */
export function expectNoSecrets(texts: string[], secrets: string[], where: string): void {
  const leaks = secrets.flatMap((secret) =>
    texts.filter((text) => secret !== "" && text.includes(secret)).map((text) => `${where}: ${text.slice(0, 200)}`),
  );
  expect(leaks, "a secret leaked").toEqual([]);
}

/** The text forms of an error in which a secret could hide. */
export function errorTexts(error: unknown): string[] {
  if (!(error instanceof Error)) return [String(error)];
  return [error.message, error.stack ?? "", JSON.stringify(error), JSON.stringify((error as { details?: unknown }).details ?? {})];
}

/** Runs `send` and returns the SendError it throws (fails when it resolves or throws something else). */
export async function sendError(promise: Promise<unknown>): Promise<SendError> {
  const outcome = await promise.then(
    (value) => ({ resolved: value }),
    (error: unknown) => ({ error }),
  );
  if ("resolved" in outcome) throw new Error(`expected a SendError, but it resolved with ${JSON.stringify(outcome.resolved)}`);
  if (!(outcome.error instanceof SendError)) throw outcome.error;
  return outcome.error;
}

// ---- the harness ---------------------------------------------------------------------------------------------

/** Payloads no platform sends; receive() must return null for each, never throw. */
const JUNK_PAYLOADS: [string, unknown][] = [
  ["null", null],
  ["a number", 42],
  ["a string", "hello"],
  ["an array", [1, 2]],
  ["an empty object", {}],
  ["an object with wrongly typed fields", { update_id: "x", message: "not a message", event_name: 7, id: {} }],
];

/**
 * Declares the conformance suite for one channel (call at the top level of a test file).
 *
 * @example runChannelConformance(telegramUnderTest)
 */
export function runChannelConformance<Answer>(cut: ChannelUnderTest<Answer>): void {
  const unavailable = cut.unavailable?.();
  if (unavailable) {
    if (process.env.CI) {
      describe(`${cut.name} channel conformance`, () => {
        it("has what it needs to run", () => {
          throw new Error(`${cut.name} conformance cannot run: ${unavailable}`);
        });
      });
      return;
    }
    // Outside CI (e.g. without ../shared/data) the suite is left out, saying why; under CI it fails above.
    console.warn(`${cut.name} channel conformance not run: ${unavailable}`);
    return;
  }

  describe(`${cut.name} channel conformance`, () => {
    const { log, lines } = captureLogs();
    let guard: NetworkGuard;
    let fixture: ChannelFixture<Answer>;
    let channel: Channel;
    let extraFixture: ChannelFixture<Answer> | undefined;
    let allowInvalid = false;

    beforeAll(async () => {
      guard = guardNetwork();
      fixture = await cut.setup({ log, credentials: "valid" });
      channel = fixture.channel;
    });

    afterEach(async () => {
      const unused = fixture.unusedScripts();
      const invalid = allowInvalid ? [] : fixture.invalidRequests();
      const secrets = [...fixture.secrets, ...(extraFixture?.secrets ?? [])];
      const logLines = [...lines];
      const escaped = guard.takeEscaped();
      fixture.reset();
      lines.length = 0;
      allowInvalid = false;
      await extraFixture?.close();
      extraFixture = undefined;
      expect(unused, "scripted fake answers that were never used").toEqual([]);
      expect(invalid, "requests the fake refused as invalid").toEqual([]);
      expectNoSecrets(logLines, secrets, "log line");
      expect(escaped, "connections that left 127.0.0.1").toEqual([]);
    });

    afterAll(async () => {
      await fixture?.close();
      const seen = guard.attempts;
      guard.restore();
      expect(seen, "the network guard saw no connection at all: is it installed?").toBeGreaterThan(0);
    });

    it("declares its capabilities as plain data", () => {
      const caps = channel.capabilities;
      expect(structuredClone(caps)).toEqual(caps);
      for (const limit of [caps.textMaxChars, caps.buttonPayloadMaxBytes, caps.buttonLabelMaxChars, caps.maxDownloadBytes]) {
        expect(limit).toBeGreaterThan(0);
      }
      expect(caps.rate.perSecond).toBeGreaterThan(0);
      expect(caps.rate.perChatPerSecond).toBeGreaterThan(0);
    });

    describe("inbound", () => {
      const webhookRequest = (payload: unknown): { headers: IncomingHttpHeaders; rawBody: Buffer } => {
        const rawBody = Buffer.from(JSON.stringify(payload));
        return { headers: cut.webhook!.sign(rawBody, fixture), rawBody };
      };

      for (const row of cut.inbound) {
        it(row.name, () => {
          if (cut.validatePayload) expect(cut.validatePayload(row.payload), "the table payload is not a real platform payload").toBeUndefined();
          let payload = row.payload;
          if (cut.webhook) {
            const { headers, rawBody } = webhookRequest(row.payload);
            expect(channel.verifyWebhook!(headers, rawBody)).toEqual({ ok: true });
            payload = JSON.parse(rawBody.toString("utf8")); // what the inbox stores and later parses
          }
          const message = channel.receive(payload);
          if (row.expect === null) {
            expect(message).toBeNull();
            return;
          }
          expect(message).not.toBeNull();
          expect(message).toMatchObject({ channel: cut.name, ...row.expect });
          expect(message!.sentAt).toBeInstanceOf(Date);
          expect(Number.isNaN(message!.sentAt.getTime())).toBe(false);
        });
      }

      it("gives the same externalId when the platform delivers a payload twice", () => {
        const row = cut.inbound.find((candidate) => candidate.expect !== null);
        expect(row, "the inbound table needs at least one accepted payload").toBeDefined();
        const first = channel.receive(structuredClone(row!.payload));
        const again = channel.receive(structuredClone(row!.payload));
        expect(first?.externalId).toBeTruthy();
        expect(again?.externalId).toBe(first?.externalId);
      });

      it("gives different externalIds to different deliveries", () => {
        const ids = cut.inbound.flatMap((row) => {
          const message = channel.receive(row.payload);
          return message ? [message.externalId] : [];
        });
        expect(new Set(ids).size).toBe(ids.length);
      });

      for (const [what, junk] of JUNK_PAYLOADS) {
        it(`ignores a malformed payload (${what}) instead of throwing`, () => {
          expect(channel.receive(junk)).toBeNull();
        });
      }

      if (!cut.webhook) {
        it("has no webhook to verify", () => {
          expect(channel.verifyWebhook).toBeUndefined();
        });
        return;
      }
      const webhook = cut.webhook;
      const firstPayload = (): unknown => cut.inbound[0]!.payload;

      it("rejects a webhook request without its credentials", () => {
        const { headers, rawBody } = webhookRequest(firstPayload());
        for (const name of webhook.credentialHeaders) delete headers[name];
        const verdict = channel.verifyWebhook!(headers, rawBody);
        expect(verdict).toMatchObject({ ok: false, status: 401 });
      });

      it("rejects a webhook request with a wrong credential", () => {
        const { headers, rawBody } = webhookRequest(firstPayload());
        for (const name of webhook.credentialHeaders) headers[name] = corrupt(String(headers[name] ?? ""));
        expect(channel.verifyWebhook!(headers, rawBody)).toMatchObject({ ok: false, status: 401 });
      });

      it("rejects a webhook request with an empty credential", () => {
        const { headers, rawBody } = webhookRequest(firstPayload());
        for (const name of webhook.credentialHeaders) headers[name] = "";
        expect(channel.verifyWebhook!(headers, rawBody)).toMatchObject({ ok: false, status: 401 });
      });

      if (webhook.signsBody) {
        it("rejects a webhook request whose body was altered after signing", () => {
          const { headers, rawBody } = webhookRequest(firstPayload());
          const altered = Buffer.concat([rawBody, Buffer.from(" ")]);
          expect(channel.verifyWebhook!(headers, altered)).toMatchObject({ ok: false, status: 401 });
        });
      }

      it("rejects a correctly signed webhook request whose body is not a platform payload", () => {
        for (const body of ["<html>not json</html>", "", "[]", "null"]) {
          const rawBody = Buffer.from(body);
          const verdict = channel.verifyWebhook!(webhook.sign(rawBody, fixture), rawBody);
          expect(verdict, `body ${JSON.stringify(body)}`).toMatchObject({ ok: false, status: 400 });
        }
      });
    });

    describe("outbound", () => {
      for (const row of cut.outbound) {
        it(row.name, async () => {
          const receipt = await channel.send(row.chatId, row.message);
          if (row.receipt) expect(receipt).toMatchObject(row.receipt);
          const requests = fixture.requests();
          expect(requests.map((request) => request.method)).toEqual(row.expect.map((request) => request.method));
          row.expect.forEach((expected, index) => {
            const actual = requests[index]!;
            if (expected.params) expect(actual.params, `${expected.method} #${index + 1}`).toMatchObject(expected.params);
            if (expected.files) expect(actual.files, `${expected.method} #${index + 1} files`).toMatchObject(expected.files);
          });
        });
      }

      it("refuses a button payload one byte over the declared limit without sending anything", async () => {
        const payload = "x".repeat(channel.capabilities.buttonPayloadMaxBytes + 1);
        const error = await sendError(channel.send(cut.chatId, { text: "Chọn:", buttons: [[{ label: "Báo tin", payload }]] }));
        expect(error.kind).toBe("invalid_message");
        expect(fixture.requests()).toEqual([]);
      });

      it("accepts a button payload of exactly the declared limit", async () => {
        const payload = "x".repeat(channel.capabilities.buttonPayloadMaxBytes);
        await channel.send(cut.chatId, { text: "Chọn:", buttons: [[{ label: "Báo tin", payload }]] });
        expect(fixture.requests().length).toBeGreaterThan(0);
      });
    });

    describe("send failures", () => {
      for (const row of cut.failures) {
        it(row.name, async () => {
          for (const answer of row.answers) fixture.script(answer);
          const error = await sendError(channel.send(cut.chatId, row.message ?? { text: "Tin báo của bạn đã được tiếp nhận." }));
          expect({ kind: error.kind, ...error.details }).toMatchObject(row.expect);
          if (row.expect.retryAfterMs === undefined && error.kind !== "throttled") expect(error.details.retryAfterMs).toBeUndefined();
          expectNoSecrets(errorTexts(error), fixture.secrets, "SendError");
        });
      }

      if (cut.checksCredentials) {
        it("reports a configuration error, without the credential, when the platform refuses our credentials", async () => {
          extraFixture = await cut.setup({ log, credentials: "wrong" });
          const error = await sendError(extraFixture.channel.send(cut.chatId, { text: "Xin chào" }));
          expect(error.kind).toBe("config");
          expectNoSecrets(errorTexts(error), [...extraFixture.secrets, ...fixture.secrets], "SendError");
          allowInvalid = true;
        });
      }
    });
  });
}

/** A credential that differs from the right one in its last character (same length: no early-exit shortcut). */
/** Changes the last character so that the value differs even compared case-insensitively (hex signatures). */
function corrupt(value: string): string {
  if (value === "") return "x";
  const last = value.at(-1) === "0" ? "1" : "0";
  return `${value.slice(0, -1)}${last}`;
}
