/**
 * A fake Zalo server for tests: a real HTTP server on 127.0.0.1 playing both the OAuth host (POST
 * /v4/oa/access_token) and the OA Open API host (message/cs, upload/file, upload/image, user/detail, the Article
 * broadcast /v2.0/oa/message), plus a CDN
 * serving the attachment URLs of webhook events. It validates what it receives the way Zalo does (header
 * `access_token` valid and unexpired, JSON shapes, text ≤ 2,000 code points after NFC, button titles and payloads),
 * answers in Zalo's shape (HTTP 200 with `error`), records every request and can be scripted to fail.
 *
 *   const fake = new FakeZaloApi();
 *   const { url } = await fake.start();            // ZALO_API_BASE = ZALO_OAUTH_BASE = url
 *   const refreshToken = fake.issueRefreshToken(); // single use, like Zalo's
 *   fake.failNext(ZALO_PATHS.message, { kind: "error", code: -32 });
 *   …
 *   fake.assertAllValid();
 *   await fake.close();
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { AttachmentHost } from "./zalo-events.ts";

export { DEFAULT_ZALO_USER, ZaloEventFactory, zaloSignature, type SignedEvent } from "./zalo-events.ts";

type Json = Record<string, unknown>;

export const ZALO_PATHS = {
  token: "/v4/oa/access_token",
  message: "/v3.0/oa/message/cs",
  uploadFile: "/v2.0/oa/upload/file",
  uploadImage: "/v2.0/oa/upload/image",
  userDetail: "/v3.0/oa/user/detail",
  /** ZBS template message by user id (shared/notes/zalo.md: user_id, template_id, template_data). */
  template: "/v3.0/oa/message/template",
  /** Broadcast of an Article to the OA's followers by Zalo's filters (zaloplatform's Java SDK sample; UNCONFIRMED details). */
  broadcast: "/v2.0/oa/message",
} as const;

export const FAKE_APP_ID = "3608465249409039671";
export const FAKE_APP_SECRET = "fakeAppSecret-TinBao-0123456789";
export const FAKE_OA_ID = "3886132808788086452";
export const FAKE_OA_SECRET_KEY = "fakeOaSecretKey-TinBao-9876543210";

/** OAuth error codes the fake answers with (Zalo's own are not all documented). */
export const OAUTH_ERRORS = { badSecret: -14002, badAppId: -14003, badRefreshToken: -14014, badGrant: -14005 } as const;

/** A scripted failure, applied to a request that passed validation. */
export type ZaloFailure =
  /** HTTP 200 with `{ error: code, message }`, as Zalo refuses things. */
  | { kind: "error"; code: number; message?: string }
  /** An HTTP error status, with an HTML page (a proxy) or a JSON body. */
  | { kind: "http"; status: number; body?: "html" | "json" }
  /** Answer normally, but only after `ms`. */
  | { kind: "slow"; ms: number }
  /** Never answer (the client must time out); `close()` still ends quickly. */
  | { kind: "hang" }
  /** Destroy the connection without an HTTP response. */
  | { kind: "disconnect" }
  /** A body that is not JSON, with status 200 unless given. */
  | { kind: "garbage"; status?: number };

export interface UploadedPart {
  field: string;
  filename: string;
  contentType: string;
  size: number;
  data: Buffer;
}

/** One HTTP request, as recorded by the fake. */
export interface ZaloRequest {
  httpMethod: string;
  path: string;
  /** The JSON body, the parsed `data` query parameter, or the form fields. */
  params: Json;
  files: UploadedPart[];
  /** The `access_token` header, if any. */
  accessToken?: string;
  at: Date;
  /** False when the request broke Zalo's rules (missing header, bad shape…): see `rejection`. */
  accepted: boolean;
  rejection?: string;
  /** Set when the token was unknown (-216) or expired (-220): a real answer, not a broken request. */
  tokenRefused?: number;
  failure?: ZaloFailure;
  status?: number;
  answer?: unknown;
}

export interface FakeZaloOptions {
  appId?: string;
  appSecret?: string;
  /** `expires_in` of access tokens, in seconds (Zalo: 90000). */
  accessTokenLifetimeSeconds?: number;
  /** Buttons accepted on one message (UNCONFIRMED for Zalo; default 5). */
  maxButtonsPerMessage?: number;
  /** What upload/file takes: anything (default), or only documents as Zalo's docs list (pdf, doc, docx). */
  uploadFileTypes?: "any" | "documents";
  /** Clock for token expiry (default Date.now). */
  now?: () => number;
}

interface Attachment {
  data?: Buffer;
  size: number;
  contentType: string;
  chunked: boolean;
}

interface Script {
  path: string;
  failure: ZaloFailure;
  remaining: number;
}

const TEXT_MAX = 2000;
const TITLE_MAX = 100;
const QUERY_PAYLOAD_MAX = 1000;
const FILE_MAX_BYTES = 5 * 1024 * 1024;
const IMAGE_MAX_BYTES = 1024 * 1024;
const BUTTON_TYPES = new Set(["oa.query.hide", "oa.query.show", "oa.open.url", "oa.open.phone", "oa.open.sms"]);
const MESSAGE_KEYS = new Set(["text", "attachment", "quote_message_id"]);
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const chars = (text: string): number => Array.from(text.normalize("NFC")).length;
const token = (prefix: string): string => `${prefix}${randomBytes(24).toString("base64url")}`;

class Invalid extends Error {}

/** The fake server. See the module comment for a usage sketch. */
/** Settings for a service whose Zalo OA talks to `fake` (started, at `url`), with its first refresh token. */
export function zaloServiceEnv(fake: FakeZaloApi, url: string): Record<string, string> {
  return {
    ZALO_APP_ID: fake.appId,
    ZALO_APP_SECRET: fake.appSecret,
    ZALO_OA_SECRET_KEY: FAKE_OA_SECRET_KEY,
    ZALO_API_BASE: url,
    ZALO_OAUTH_BASE: url,
    ZALO_REFRESH_TOKEN: fake.issueRefreshToken(),
  };
}

export class FakeZaloApi implements AttachmentHost {
  readonly appId: string;
  readonly appSecret: string;
  /** Requests to the OA API (not OAuth, not attachment downloads), in arrival order. */
  readonly calls: ZaloRequest[] = [];
  /** Requests to the OAuth token endpoint. */
  readonly oauthCalls: ZaloRequest[] = [];
  /** Attachment paths downloaded. */
  readonly downloads: string[] = [];

  private readonly options: Required<Omit<FakeZaloOptions, "appId" | "appSecret">>;
  private readonly server = http.createServer((req, res) => {
    this.handle(req, res).catch((cause: unknown) => sendJson(res, 500, { error: -1, message: `the fake crashed: ${String(cause)}` }));
  });
  private readonly sockets = new Set<Socket>();
  private readonly liveRefresh = new Set<string>();
  private readonly spentRefresh = new Set<string>();
  private readonly accessTokens = new Map<string, number>();
  private readonly fileTokens = new Set<string>();
  private readonly imageIds = new Set<string>();
  private readonly attachments = new Map<string, Attachment>();
  private readonly hooks: { path: string; run: (request: ZaloRequest) => Promise<void> | void }[] = [];
  private scripts: Script[] = [];
  private baseUrl: string | undefined;
  private nextAttachment = 1;

  constructor(options: FakeZaloOptions = {}) {
    this.appId = options.appId ?? FAKE_APP_ID;
    this.appSecret = options.appSecret ?? FAKE_APP_SECRET;
    this.options = {
      accessTokenLifetimeSeconds: options.accessTokenLifetimeSeconds ?? 90_000,
      maxButtonsPerMessage: options.maxButtonsPerMessage ?? 5,
      uploadFileTypes: options.uploadFileTypes ?? "any",
      now: options.now ?? Date.now,
    };
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
  }

  /** Listen on a random port of 127.0.0.1; `url` is both ZALO_API_BASE and ZALO_OAUTH_BASE. */
  async start(): Promise<{ url: string }> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => resolve());
    });
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return { url: this.baseUrl };
  }

  get url(): string {
    if (!this.baseUrl) throw new Error("FakeZaloApi: call start() first");
    return this.baseUrl;
  }

  /** Stop: ends hanging requests and streaming downloads by destroying their sockets. */
  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** Forget requests, scripts and hooks (tokens, uploads and attachments stay valid). */
  reset(): void {
    this.calls.length = 0;
    this.oauthCalls.length = 0;
    this.downloads.length = 0;
    this.scripts = [];
    this.hooks.length = 0;
  }

  // ---- tokens ------------------------------------------------------------------------------------------------

  /** A refresh token the fake accepts once (what an OA admin's consent gives). */
  issueRefreshToken(): string {
    const refresh = token("rt-");
    this.liveRefresh.add(refresh);
    return refresh;
  }

  /** Every access token and refresh token issued so far (for "no secret in the logs" checks). */
  issuedTokens(): string[] {
    return [...this.accessTokens.keys(), ...this.liveRefresh, ...this.spentRefresh];
  }

  /** Makes every access token expired (the next API call answers -220). */
  expireAccessTokens(): void {
    for (const key of this.accessTokens.keys()) this.accessTokens.set(key, 0);
  }

  /** Makes every refresh token unusable, as when an OA admin revokes the app or it lapses after 3 months. */
  killRefreshTokens(): void {
    for (const refresh of this.liveRefresh) this.spentRefresh.add(refresh);
    this.liveRefresh.clear();
  }

  // ---- scripting ---------------------------------------------------------------------------------------------

  /** Make the next `times` valid requests to `path` (a ZALO_PATHS value, or "*") fail as scripted. */
  failNext(path: string, failure: ZaloFailure, times = 1): void {
    this.scripts.push({ path, failure, remaining: times });
  }

  /** Scripted failures not used yet. */
  pendingFailures(): ZaloFailure[] {
    return this.scripts.flatMap((script) => Array.from({ length: script.remaining }, () => script.failure));
  }

  /** Runs `hook` when a valid request to `path` arrives, before it is answered (to look at the world then). */
  onRequest(path: string, hook: (request: ZaloRequest) => Promise<void> | void): void {
    this.hooks.push({ path, run: hook });
  }

  // ---- attachments -------------------------------------------------------------------------------------------

  /**
   * Serves a file at a new URL: its bytes, or `size` zero bytes streamed without allocating them (`chunked` leaves
   * Content-Length out, so only counting the bytes can stop a reader).
   */
  addAttachment(content: Buffer | { size: number; chunked?: boolean }, options: { name?: string; contentType?: string } = {}): string {
    const id = `${this.nextAttachment++}-${randomBytes(4).toString("hex")}`;
    const data = Buffer.isBuffer(content) ? content : undefined;
    this.attachments.set(id, {
      ...(data ? { data } : {}),
      size: data ? data.length : (content as { size: number }).size,
      contentType: options.contentType ?? "application/octet-stream",
      chunked: !data && (content as { chunked?: boolean }).chunked === true,
    });
    return `${this.url}/dl/${id}/${encodeURIComponent(options.name ?? "file")}`;
  }

  /** A URL of the attachment host that answers 404 (an expired Zalo link). */
  expiredAttachmentUrl(): string {
    return `${this.url}/dl/expired-${randomBytes(4).toString("hex")}/photo.jpg`;
  }

  // ---- assertions --------------------------------------------------------------------------------------------

  callsTo(path: string): ZaloRequest[] {
    return this.calls.filter((call) => call.path === path);
  }

  /** The `message` objects of accepted message/cs requests answered with success. */
  sentMessages(): Json[] {
    return this.callsTo(ZALO_PATHS.message)
      .filter((call) => call.accepted && call.status === 200 && isObject(call.answer) && call.answer["error"] === 0)
      .map((call) => call.params["message"] as Json);
  }

  /** Requests that broke Zalo's rules. */
  rejected(): ZaloRequest[] {
    return [...this.calls, ...this.oauthCalls].filter((call) => !call.accepted);
  }

  assertAllValid(): void {
    const rejected = this.rejected();
    if (rejected.length === 0) return;
    const lines = rejected.map((call) => `- ${call.path}: ${call.rejection}\n    params: ${JSON.stringify(call.params).slice(0, 300)}`);
    throw new Error(`${rejected.length} invalid Zalo request(s):\n${lines.join("\n")}`);
  }

  // ---- HTTP --------------------------------------------------------------------------------------------------

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method === "GET" && url.pathname.startsWith("/dl/")) return this.serveAttachment(url.pathname, res);
    const isOAuth = url.pathname === ZALO_PATHS.token;
    const request: ZaloRequest = {
      httpMethod: req.method ?? "GET",
      path: url.pathname,
      params: {},
      files: [],
      at: new Date(),
      accepted: false,
      ...(typeof req.headers["access_token"] === "string" ? { accessToken: req.headers["access_token"] } : {}),
    };
    (isOAuth ? this.oauthCalls : this.calls).push(request);
    const body = await readBody(req).catch(() => undefined);
    if (body === undefined) {
      request.rejection = "the client closed the connection before sending the whole request";
      return;
    }
    let answer: unknown;
    try {
      answer = isOAuth ? this.oauth(request, req, body) : await this.api(request, req, url, body);
    } catch (cause) {
      if (!(cause instanceof Invalid)) throw cause;
      request.rejection = cause.message;
      return this.respond(request, res, 200, { error: -201, message: `Invalid request: ${cause.message}` });
    }
    request.accepted = true;
    if (request.tokenRefused !== undefined) return this.respond(request, res, 200, answer);

    const failure = this.takeScript(request.path);
    if (failure) {
      request.failure = failure;
      if (failure.kind === "slow") await sleep(failure.ms);
      else return this.fail(request, failure, req, res);
    }
    for (const hook of this.hooks.filter((candidate) => candidate.path === request.path || candidate.path === "*")) await hook.run(request);
    const settled = typeof answer === "function" ? (answer as () => unknown)() : answer;
    this.respond(request, res, 200, settled);
  }

  private respond(request: ZaloRequest, res: http.ServerResponse, status: number, body: unknown): void {
    request.status = status;
    request.answer = body;
    sendJson(res, status, body);
  }

  private takeScript(path: string): ZaloFailure | undefined {
    const script = this.scripts.find((candidate) => candidate.remaining > 0 && (candidate.path === "*" || candidate.path === path));
    if (!script) return undefined;
    script.remaining -= 1;
    this.scripts = this.scripts.filter((candidate) => candidate.remaining > 0);
    return script.failure;
  }

  private fail(request: ZaloRequest, failure: ZaloFailure, req: http.IncomingMessage, res: http.ServerResponse): void {
    switch (failure.kind) {
      case "error":
        return this.respond(request, res, 200, { error: failure.code, message: failure.message ?? `Scripted error ${failure.code}` });
      case "http":
        if (failure.body === "json") return this.respond(request, res, failure.status, { error: -1, message: `HTTP ${failure.status}` });
        request.status = failure.status;
        res.writeHead(failure.status, { "content-type": "text/html" });
        res.end(`<html><body><h1>${failure.status}</h1>upstream error</body></html>`);
        return;
      case "garbage":
        request.status = failure.status ?? 200;
        res.writeHead(request.status, { "content-type": "text/html" });
        res.end("<html><head><title>oops</title></head><body>not JSON</body></html>");
        return;
      case "hang":
        return;
      case "disconnect":
        req.socket.destroy();
        return;
      case "slow":
        return;
    }
  }

  // ---- OAuth -------------------------------------------------------------------------------------------------

  private oauth(request: ZaloRequest, req: http.IncomingMessage, body: Buffer): unknown {
    if (request.httpMethod !== "POST") throw new Invalid("the token endpoint takes POST");
    const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim();
    if (type !== "application/x-www-form-urlencoded") throw new Invalid(`the token endpoint takes a form, not ${type}`);
    const form = Object.fromEntries(new URLSearchParams(body.toString("utf8")));
    request.params = { ...form, ...(form["refresh_token"] ? { refresh_token: "<hidden>" } : {}) };
    const secret = req.headers["secret_key"];
    if (typeof secret !== "string" || secret === "") throw new Invalid("missing secret_key header");
    if (secret !== this.appSecret) return oauthError(OAUTH_ERRORS.badSecret, "Invalid secret key");
    if (form["app_id"] !== this.appId) return oauthError(OAUTH_ERRORS.badAppId, "Invalid app_id");
    if (form["grant_type"] !== "refresh_token") return oauthError(OAUTH_ERRORS.badGrant, "Invalid grant_type");
    const refresh = form["refresh_token"] ?? "";
    if (!refresh) throw new Invalid("missing refresh_token");
    // Decided when answered, so a scripted slow answer does not let two callers spend one token.
    return () => {
      if (!this.liveRefresh.has(refresh)) {
        const why = this.spentRefresh.has(refresh) ? "Refresh token was used or revoked" : "Invalid refresh token";
        return oauthError(OAUTH_ERRORS.badRefreshToken, why);
      }
      this.liveRefresh.delete(refresh);
      this.spentRefresh.add(refresh);
      const access = token("at-");
      const next = this.issueRefreshToken();
      this.accessTokens.set(access, this.options.now() + this.options.accessTokenLifetimeSeconds * 1000);
      return { access_token: access, refresh_token: next, expires_in: String(this.options.accessTokenLifetimeSeconds) };
    };
  }

  // ---- OA API ------------------------------------------------------------------------------------------------

  private async api(request: ZaloRequest, req: http.IncomingMessage, url: URL, body: Buffer): Promise<unknown> {
    const route = ROUTES[request.path];
    if (!route) throw new Invalid(`no such endpoint ${request.path}`);
    if (request.httpMethod !== route.method) throw new Invalid(`${request.path} takes ${route.method}, not ${request.httpMethod}`);
    if (req.headers["authorization"] !== undefined) throw new Invalid("the OA API takes the header access_token, not Authorization");
    if (request.accessToken === undefined || request.accessToken === "") throw new Invalid("missing access_token header");

    if (route.method === "GET") request.params = parseDataParam(url);
    else if (route.body === "json") request.params = parseJson(req, body);
    else request.files = await parseMultipart(req, body, request);

    const expires = this.accessTokens.get(request.accessToken);
    if (expires === undefined) {
      request.tokenRefused = -216;
      return { error: -216, message: "Access token is invalid" };
    }
    if (expires <= this.options.now()) {
      request.tokenRefused = -220;
      return { error: -220, message: "Access token has expired" };
    }
    switch (request.path) {
      case ZALO_PATHS.message:
        return this.message(request.params);
      case ZALO_PATHS.uploadFile:
        return this.uploadFile(request.files);
      case ZALO_PATHS.uploadImage:
        return this.uploadImage(request.files);
      case ZALO_PATHS.template:
        return this.template(request.params);
      case ZALO_PATHS.broadcast:
        return this.broadcast(request.params);
      default:
        return this.userDetail(request.params);
    }
  }

  /** Articles the OA has (made in Zalo OA Manager); a broadcast of another id is refused as Zalo does (-201). */
  readonly articles = new Set<string>(["4402c73f7e7a9724ce6b"]);

  /**
   * The Article broadcast: `recipient.target` with comma-separated codes (ages 0-7, gender 0-2, platform 1-3, cities
   * and locations digits; one secondary source) and a media template of exactly one `article` element.
   */
  private broadcast(params: Json): unknown {
    const unknownTop = Object.keys(params).filter((k) => k !== "recipient" && k !== "message");
    if (unknownTop.length) throw new Invalid(`unknown field(s): ${unknownTop.join(", ")}`);
    const recipient = params["recipient"];
    if (!isObject(recipient) || !isObject(recipient["target"]) || Object.keys(recipient).length !== 1) throw new Invalid("a broadcast's recipient is { target } only");
    const target = recipient["target"];
    const allowed: Record<string, RegExp> = { ages: /^[0-7]$/, gender: /^[0-2]$/, platform: /^[1-3]$/, cities: /^\d{1,4}$/, locations: /^[0-2]$/ };
    if (Object.keys(target).length === 0) throw new Invalid("recipient.target is empty");
    for (const [key, value] of Object.entries(target)) {
      const pattern = allowed[key];
      if (!pattern) throw new Invalid(`unknown target field ${key}`);
      if (typeof value !== "string" || !value.split(",").every((v) => pattern.test(v))) throw new Invalid(`target.${key} must be comma-separated codes matching ${pattern}`);
    }
    const message = params["message"];
    if (!isObject(message) || Object.keys(message).join() !== "attachment") throw new Invalid("a broadcast's message is { attachment } only");
    const attachment = message["attachment"];
    if (!isObject(attachment) || attachment["type"] !== "template" || !isObject(attachment["payload"])) throw new Invalid("a broadcast's attachment is a template");
    const payload = attachment["payload"];
    const elements = payload["elements"];
    if (payload["template_type"] !== "media" || !Array.isArray(elements) || elements.length !== 1) throw new Invalid("a broadcast is a media template with one element");
    const element = elements[0] as unknown;
    if (!isObject(element) || element["media_type"] !== "article" || typeof element["attachment_id"] !== "string") throw new Invalid("a broadcast's element is { media_type: article, attachment_id }");
    if (!this.articles.has(element["attachment_id"])) return { error: -201, message: "Article is not found" };
    return { error: 0, message: "Success", data: { message_id: randomBytes(16).toString("hex") } };
  }

  /** Approved ZBS templates by id; a template id not approved here is refused as Zalo does (a bad payload). */
  readonly approvedTemplates = new Set<string>(["301001"]);

  private template(params: Json): unknown {
    if (typeof params["user_id"] !== "string" || !/^\d{5,25}$/.test(params["user_id"])) throw new Invalid("user_id must be a Zalo user id as a string of digits");
    if (typeof params["template_id"] !== "string" || !this.approvedTemplates.has(params["template_id"])) throw new Invalid("template_id is not an approved template");
    const data = params["template_data"];
    if (!isObject(data) || Object.values(data).some((v) => typeof v !== "string" || chars(v) > 2000)) throw new Invalid("template_data must map names to strings");
    return { error: 0, message: "Success", data: { msg_id: randomBytes(16).toString("hex") } };
  }

  private message(params: Json): unknown {
    const recipient = params["recipient"];
    if (!isObject(recipient) || typeof recipient["user_id"] !== "string" || !/^\d{5,25}$/.test(recipient["user_id"])) {
      throw new Invalid("recipient.user_id must be a Zalo user id as a string of digits");
    }
    const message = params["message"];
    if (!isObject(message)) throw new Invalid("message must be an object");
    const unknown = Object.keys(message).filter((key) => !MESSAGE_KEYS.has(key));
    if (unknown.length) throw new Invalid(`unknown message field(s): ${unknown.join(", ")}`);
    const hasText = message["text"] !== undefined;
    if (hasText) checkText(message["text"], "message.text");
    if (message["attachment"] === undefined) {
      if (!hasText) throw new Invalid("message needs text or an attachment");
    } else {
      this.checkAttachment(message["attachment"], hasText);
    }
    return { error: 0, message: "Success", data: { message_id: randomBytes(16).toString("hex"), user_id: recipient["user_id"] } };
  }

  private checkAttachment(attachment: unknown, hasText: boolean): void {
    if (!isObject(attachment) || !isObject(attachment["payload"])) throw new Invalid("message.attachment needs a type and a payload object");
    const payload = attachment["payload"];
    if (attachment["type"] === "file") {
      if (typeof payload["token"] !== "string" || !this.fileTokens.has(payload["token"])) throw new Invalid("attachment.payload.token is not a token from upload/file");
      return;
    }
    if (attachment["type"] !== "template") throw new Invalid(`unknown attachment type ${JSON.stringify(attachment["type"])}`);
    const kind = payload["template_type"];
    if (kind === undefined) {
      if (!hasText) throw new Invalid("a template of buttons needs message.text");
      return this.checkButtons(payload["buttons"], true);
    }
    if (kind === "button") {
      checkText(payload["text"], "payload.text");
      return this.checkButtons(payload["buttons"], true);
    }
    if (kind === "media") {
      const elements = payload["elements"];
      if (!Array.isArray(elements) || elements.length !== 1) throw new Invalid("a media template takes exactly one element");
      const element = elements[0] as unknown;
      if (!isObject(element) || element["media_type"] !== "image") throw new Invalid("media element must have media_type image");
      const byUrl = typeof element["url"] === "string" && /^https?:\/\//.test(element["url"]);
      const byId = typeof element["attachment_id"] === "string" && this.imageIds.has(element["attachment_id"]);
      if (byUrl === byId) throw new Invalid("media element needs either an http(s) url or an attachment_id from upload/image");
      if (payload["buttons"] !== undefined) this.checkButtons(payload["buttons"], true);
      return;
    }
    throw new Invalid(`unknown template_type ${JSON.stringify(kind)}`);
  }

  private checkButtons(buttons: unknown, required: boolean): void {
    if (!Array.isArray(buttons) || (required && buttons.length === 0)) throw new Invalid("buttons must be a non-empty list");
    if (buttons.length > this.options.maxButtonsPerMessage) throw new Invalid(`at most ${this.options.maxButtonsPerMessage} buttons on a message, got ${buttons.length}`);
    buttons.forEach((button: unknown, index) => {
      const where = `buttons[${index}]`;
      if (!isObject(button) || !BUTTON_TYPES.has(String(button["type"]))) throw new Invalid(`${where}.type must be one of ${[...BUTTON_TYPES].join(", ")}`);
      const title = button["title"];
      if (typeof title !== "string" || chars(title.trim()) < 1 || chars(title) > TITLE_MAX) throw new Invalid(`${where}.title must be 1-${TITLE_MAX} characters`);
      const payload = button["payload"];
      switch (button["type"]) {
        case "oa.query.hide":
        case "oa.query.show":
          if (typeof payload !== "string" || payload === "" || chars(payload) > QUERY_PAYLOAD_MAX) throw new Invalid(`${where}.payload must be a string of 1-${QUERY_PAYLOAD_MAX} characters`);
          return;
        case "oa.open.phone":
          if (!isObject(payload) || typeof payload["phone_code"] !== "string" || !/^\+?\d{2,15}$/.test(payload["phone_code"])) {
            throw new Invalid(`${where}.payload must be { phone_code: "<digits>" }`);
          }
          return;
        case "oa.open.sms":
          if (!isObject(payload) || typeof payload["phone_code"] !== "string" || typeof payload["content"] !== "string") throw new Invalid(`${where}.payload must be { phone_code, content }`);
          return;
        default:
          if (!isObject(payload) || typeof payload["url"] !== "string" || !/^https?:\/\//.test(payload["url"])) throw new Invalid(`${where}.payload must be { url }`);
      }
    });
  }

  private uploadFile(files: UploadedPart[]): unknown {
    const file = files.find((part) => part.field === "file");
    if (!file) throw new Invalid("upload/file needs the multipart field file");
    if (file.size > FILE_MAX_BYTES) return { error: -210, message: "File size exceeds 5MB" };
    if (this.options.uploadFileTypes === "documents" && !/\.(pdf|docx?)$/i.test(file.filename)) return { error: -210, message: "File type is not supported" };
    const fileToken = token("ft-");
    this.fileTokens.add(fileToken);
    return { error: 0, message: "Success", data: { token: fileToken } };
  }

  private uploadImage(files: UploadedPart[]): unknown {
    const file = files.find((part) => part.field === "file");
    if (!file) throw new Invalid("upload/image needs the multipart field file");
    const isJpeg = file.data[0] === 0xff && file.data[1] === 0xd8;
    const isPng = file.data.subarray(0, 8).equals(Buffer.from("\x89PNG\r\n\x1a\n", "latin1"));
    if (!isJpeg && !isPng) return { error: -210, message: "Image must be jpg or png" };
    if (file.size > IMAGE_MAX_BYTES) return { error: -210, message: "Image size exceeds 1MB" };
    const id = randomBytes(12).toString("hex");
    this.imageIds.add(id);
    return { error: 0, message: "Success", data: { attachment_id: id } };
  }

  private userDetail(params: Json): unknown {
    const userId = params["user_id"];
    if (typeof userId !== "string" || !/^\d{5,25}$/.test(userId)) throw new Invalid("data.user_id must be a Zalo user id as a string");
    return {
      error: 0,
      message: "Success",
      data: { user_id: userId, user_id_by_app: `55${userId.slice(2)}`, display_name: "Người dân", user_is_follower: true, avatar: `${this.url}/dl/avatar/${userId}.jpg` },
    };
  }

  private serveAttachment(pathname: string, res: http.ServerResponse): void {
    const id = pathname.split("/")[2] ?? "";
    const file = this.attachments.get(id);
    if (!file) {
      res.writeHead(404, { "content-type": "text/html" });
      res.end("<html><body>404 Not Found</body></html>");
      return;
    }
    this.downloads.push(pathname);
    res.writeHead(200, { "content-type": file.contentType, ...(file.chunked ? {} : { "content-length": file.size }) });
    if (file.data) {
      res.end(file.data);
      return;
    }
    const chunk = Buffer.alloc(Math.min(file.size, 64 * 1024));
    let left = file.size;
    const pump = (): void => {
      while (left > 0 && !res.destroyed) {
        const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= piece.length;
        if (!res.write(piece)) {
          res.once("drain", pump);
          return;
        }
      }
      if (!res.destroyed) res.end();
    };
    pump();
  }
}

// ---- helpers -------------------------------------------------------------------------------------------------

const ROUTES: Record<string, { method: "GET" | "POST"; body: "json" | "multipart" | "none" }> = {
  [ZALO_PATHS.message]: { method: "POST", body: "json" },
  [ZALO_PATHS.uploadFile]: { method: "POST", body: "multipart" },
  [ZALO_PATHS.uploadImage]: { method: "POST", body: "multipart" },
  [ZALO_PATHS.userDetail]: { method: "GET", body: "none" },
  [ZALO_PATHS.template]: { method: "POST", body: "json" },
  [ZALO_PATHS.broadcast]: { method: "POST", body: "json" },
};

function oauthError(code: number, reason: string): Json {
  return { error: code, error_name: reason, error_reason: reason, error_description: reason, ref_doc: "" };
}

function checkText(text: unknown, where: string): void {
  if (typeof text !== "string" || text.trim() === "") throw new Invalid(`${where} must be a non-empty string`);
  const length = chars(text);
  if (length > TEXT_MAX) throw new Invalid(`${where} has ${length} characters after NFC; at most ${TEXT_MAX}`);
}

function parseDataParam(url: URL): Json {
  const data = url.searchParams.get("data");
  if (data === null) throw new Invalid("GET parameters travel as one JSON `data` parameter");
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    throw new Invalid("the `data` parameter is not JSON");
  }
  if (!isObject(parsed)) throw new Invalid("the `data` parameter must be a JSON object");
  return parsed;
}

function parseJson(req: http.IncomingMessage, body: Buffer): Json {
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim();
  if (type !== "application/json") throw new Invalid(`expected application/json, got ${type}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    throw new Invalid("body is not JSON");
  }
  if (!isObject(parsed)) throw new Invalid("body must be a JSON object");
  return parsed;
}

async function parseMultipart(req: http.IncomingMessage, body: Buffer, request: ZaloRequest): Promise<UploadedPart[]> {
  const contentType = req.headers["content-type"] ?? "";
  if (!contentType.startsWith("multipart/form-data")) throw new Invalid(`uploads are multipart/form-data, got ${contentType}`);
  let form: FormData;
  try {
    form = await new Request("http://fake.invalid/", { method: "POST", headers: { "content-type": contentType }, body: new Uint8Array(body) }).formData();
  } catch (cause) {
    throw new Invalid(`cannot parse multipart body: ${(cause as Error).message}`);
  }
  const parts: UploadedPart[] = [];
  const entries: [string, FormDataEntryValue][] = [];
  form.forEach((value, name) => entries.push([name, value]));
  for (const [name, value] of entries) {
    if (typeof value === "string") {
      request.params[name] = value;
      continue;
    }
    const data = Buffer.from(await value.arrayBuffer());
    parts.push({ field: name, filename: value.name, contentType: value.type, size: data.length, data });
  }
  return parts;
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
    req.on("aborted", () => reject(new Error("aborted")));
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
