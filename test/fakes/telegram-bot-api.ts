/**
 * A fake Telegram Bot API server for tests: a real HTTP server on 127.0.0.1 that validates every call against the
 * machine-readable Bot API spec, records it, answers like the real API, and can be scripted to fail.
 *
 *   const fake = new FakeTelegramBotApi();
 *   const { url } = await fake.start();           // bot: new Telegraf(fake.token, { telegram: { apiRoot: url } })
 *   ...
 *   fake.assertAllValid();
 *   await fake.close();
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  BotApiValidator,
  UploadedFile,
  coerceFormValue,
  coerceJsonValue,
  loadSpec,
  resolveSpecPath,
  type BotApiSpec,
  type SpecMethod,
} from './telegram-bot-api-schema.ts';
import { canonicalParseMode, parseFormattedText } from './telegram-formatting.ts';

export {
  BotApiValidator,
  DEFAULT_SPEC_PATH,
  UploadedFile,
  loadSpec,
  resolveSpecPath,
  specAvailable,
  specPath,
  type BotApiSpec,
  type Issue,
} from './telegram-bot-api-schema.ts';

type Json = Record<string, unknown>;

/** Token the fake accepts by default; its numeric prefix is the bot's user id, as with real tokens. */
export const DEFAULT_TOKEN = '7000000001:AAF-fake-token-for-tin-bao-tests_0123';

/** The bot as `getMe` and sent messages show it. */
export interface BotIdentity {
  id: number;
  first_name: string;
  username: string;
}

export const DEFAULT_BOT_NAME = { first_name: 'Tin Báo', username: 'tin_bao_test_bot' } as const;

/** Files larger than this cannot be fetched with getFile ("file is too big"), as on the real API. */
export const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

/** A scripted failure, applied to a call that passed validation. */
export type ScriptedFailure =
  /** 429 "Too Many Requests: retry after N" with `parameters.retry_after` (default 1). */
  | { kind: '429'; retryAfter?: number }
  /** 500 / 502 with a Bot API-shaped body. */
  | { kind: '500' }
  | { kind: '502' }
  /** 403 "Forbidden: bot was blocked by the user". */
  | { kind: 'blocked' }
  /** 400 "Bad Request: chat not found". */
  | { kind: 'chat-not-found' }
  /** Any Bot API error, e.g. `{ kind: 'error', code: 400, description: 'Bad Request: query is too old ...' }`. */
  | { kind: 'error'; code: number; description: string; parameters?: ResponseParameters }
  /** Never answer (the client must time out); `close()` still ends quickly. */
  | { kind: 'hang' }
  /** Destroy the connection without an HTTP response. */
  | { kind: 'disconnect' }
  /** Answer with a non-JSON body (HTML, as a proxy would), with status 200 unless given. */
  | { kind: 'garbage'; status?: number }
  /** Answer normally, but only after `ms` (a slow Bot API). */
  | { kind: 'slow'; ms: number };

export interface ResponseParameters {
  retry_after?: number;
  migrate_to_chat_id?: number;
}

/** A Bot API answer body. */
export type BotApiReply =
  | { ok: true; result: unknown }
  | { ok: false; error_code: number; description: string; parameters?: ResponseParameters };

/** One HTTP call to `/bot<token>/<method>`, as recorded by the fake. */
export interface RecordedCall {
  /** Method name as the spec spells it (as requested when the method is unknown). */
  method: string;
  /** Parsed parameters: form values coerced to the spec's types, JSON strings parsed, files as {@link UploadedFile}. */
  params: Json;
  /** Every uploaded part (multipart), with its byte size. */
  files: UploadedFile[];
  at: Date;
  /** False when the fake rejected the call as invalid (wrong token, unknown method, not valid under the spec). */
  accepted: boolean;
  /** Why it was rejected: the `description` sent back. */
  rejection?: string;
  /** The scripted failure applied to this call, if any. */
  failure?: ScriptedFailure;
  /** HTTP status sent; undefined while pending and when hanging up or disconnecting. */
  status?: number;
  /** The JSON body sent, if any. */
  reply?: BotApiReply;
}

/** A file the fake can describe with getFile and serve at `/file/bot<token>/<file_path>`. */
export interface StoredFile {
  fileId: string;
  fileUniqueId: string;
  size: number;
  filePath: string;
  /** Content; absent for files registered by size only (downloads then serve zero bytes of that size). */
  data?: Buffer;
}

export interface FakeTelegramOptions {
  /** Token the fake accepts; others get 401. Default {@link DEFAULT_TOKEN}. */
  token?: string;
  /** Spec file; default env `TELEGRAM_BOT_API_SPEC`, then `../shared/data/telegram-bot-api-10.1.json`. */
  specPath?: string;
  /** Bot name shown by getMe and in sent messages (its id comes from the token). */
  bot?: Partial<Omit<BotIdentity, 'id'>>;
  /** Upper bound for getUpdates long polls, whatever `timeout` the client asks for (telegraf asks for 50 s). */
  maxLongPollMs?: number;
  /**
   * Enforce Telegram's flood limits on send* calls as the real API does: more than `perSecond` messages in any
   * second (or `perChatPerSecond` to one chat) gets 429 "Too Many Requests: retry after N" with `retry_after`.
   */
  limits?: { perSecond: number; perChatPerSecond?: number; retryAfter?: number };
  /**
   * Check every call against the spec (default). Benchmarks sending 100,000 identical messages turn it off after
   * checking the first ones, so the fake's own CPU does not decide the rate measured.
   */
  validateFirst?: number;
}

interface Poller {
  params: Json;
  finish: (reply: BotApiReply | null) => void;
}

interface FailureScript {
  method: string;
  failure: ScriptedFailure;
  remaining: number;
}

const CHAT_ACTIONS = new Set([
  'typing', 'upload_photo', 'record_video', 'upload_video', 'record_voice', 'upload_voice', 'upload_document',
  'choose_sticker', 'find_location', 'record_video_note', 'upload_video_note',
]);
const WEBHOOK_PORTS = new Set(['', '80', '88', '443', '8443']);
const MEDIA_METHODS: Record<string, MediaKind> = {
  sendphoto: 'photo', sendaudio: 'audio', sendvoice: 'voice', senddocument: 'document', sendvideo: 'video',
};
type MediaKind = 'photo' | 'audio' | 'voice' | 'document' | 'video';
const MEDIA_DEFAULTS: Record<MediaKind, { folder: string; extension: string; mime: string }> = {
  photo: { folder: 'photos', extension: 'jpg', mime: 'image/jpeg' },
  audio: { folder: 'music', extension: 'mp3', mime: 'audio/mpeg' },
  voice: { folder: 'voice', extension: 'oga', mime: 'audio/ogg' },
  document: { folder: 'documents', extension: 'dat', mime: 'application/octet-stream' },
  video: { folder: 'videos', extension: 'mp4', mime: 'video/mp4' },
};

const ok = (result: unknown): BotApiReply => ({ ok: true, result });
const error = (code: number, description: string, parameters?: ResponseParameters): BotApiReply =>
  parameters ? { ok: false, error_code: code, description, parameters } : { ok: false, error_code: code, description };
const badRequest = (description: string): BotApiReply => error(400, `Bad Request: ${description}`);
const unixNow = (): number => Math.floor(Date.now() / 1000);
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

class BodyError extends Error {}

/** The fake server. See the module comment for a usage sketch. */
export class FakeTelegramBotApi {
  readonly token: string;
  readonly bot: BotIdentity;
  /** The spec file in use (loaded on first use, so constructing a fake never throws; `start()` loads it). */
  readonly specPath: string;
  /** Every call, in arrival order. */
  readonly calls: RecordedCall[] = [];
  /** Messages the bot sent (the `result` of send* / edit* calls), latest state. */
  readonly messages: Json[] = [];
  /** File paths downloaded from `/file/bot<token>/...`. */
  readonly downloads: string[] = [];
  /** Commands set with setMyCommands, by `<scope type>:<language_code>` ("default:" for the plain call). */
  readonly commands = new Map<string, unknown[]>();
  /** Webhook set with setWebhook (its parameters), if any. */
  webhook: Json | undefined;

  private readonly maxLongPollMs: number;
  private readonly limits: FakeTelegramOptions['limits'];
  private readonly validateFirst: number;
  /** Times (ms) of accepted sends within the last second, overall and per chat, for `limits`. */
  private recentSends: number[] = [];
  private recentByChat = new Map<string, number[]>();
  /** send* calls answered 429 by `limits`, with when. */
  readonly throttled: Date[] = [];
  private readonly server = http.createServer((req, res) => {
    this.handle(req, res).catch((cause: unknown) => sendJson(res, 500, error(500, `Internal Server Error: the fake crashed: ${String(cause)}`)));
  });
  private readonly sockets = new Set<Socket>();
  private readonly files = new Map<string, StoredFile>();
  private readonly chats = new Map<number, Json>();
  private readonly callListeners = new Set<() => void>();
  private updates: Json[] = [];
  private failures: FailureScript[] = [];
  private poller: Poller | undefined;
  private lastUpdateId = 0;
  private lastMessageId = 0;
  private lastFileNumber = 0;
  private baseUrl: string | undefined;
  private loadedValidator: BotApiValidator | undefined;

  constructor(options: FakeTelegramOptions = {}) {
    this.token = options.token ?? DEFAULT_TOKEN;
    const idFromToken = Number(this.token.split(':')[0]);
    this.bot = {
      id: Number.isSafeInteger(idFromToken) && idFromToken > 0 ? idFromToken : 7000000001,
      first_name: options.bot?.first_name ?? DEFAULT_BOT_NAME.first_name,
      username: options.bot?.username ?? DEFAULT_BOT_NAME.username,
    };
    this.specPath = resolveSpecPath(options.specPath);
    this.maxLongPollMs = options.maxLongPollMs ?? Number.POSITIVE_INFINITY;
    this.limits = options.limits;
    this.validateFirst = options.validateFirst ?? Number.POSITIVE_INFINITY;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Checks calls and objects against the spec, e.g. `fake.validator.checkValue('Message', result)`. */
  get validator(): BotApiValidator {
    this.loadedValidator ??= new BotApiValidator(loadSpec(this.specPath));
    return this.loadedValidator;
  }

  get spec(): BotApiSpec {
    return this.validator.spec;
  }

  /** Listen on a random port of 127.0.0.1; `url` is the apiRoot to give the bot. Throws if the spec is missing. */
  async start(): Promise<{ url: string }> {
    void this.validator;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
    return { url: this.baseUrl };
  }

  /** Base URL (apiRoot), e.g. `http://127.0.0.1:40123`. */
  get url(): string {
    if (!this.baseUrl) throw new Error('FakeTelegramBotApi: call start() first');
    return this.baseUrl;
  }

  /** Stop: ends pending long polls and hanging calls by destroying their sockets. */
  async close(): Promise<void> {
    if (!this.server.listening) return;
    this.poller?.finish(null);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** Forget calls, scripted failures, queued updates, files, messages, webhook and commands (server keeps running). */
  reset(): void {
    this.poller?.finish(ok([]));
    this.calls.length = 0;
    this.messages.length = 0;
    this.downloads.length = 0;
    this.commands.clear();
    this.files.clear();
    this.chats.clear();
    this.updates = [];
    this.failures = [];
    this.webhook = undefined;
    this.lastUpdateId = 0;
    this.lastMessageId = 0;
    this.lastFileNumber = 0;
  }

  // ---- assertions --------------------------------------------------------------------------------------------

  /** Calls of one method (case-insensitive). */
  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method.toLowerCase() === method.toLowerCase());
  }

  /**
   * The file a send carried in `field` ("voice", "photo"…): uploaded with this call, or sent again by the
   * file_id an earlier upload's answer gave (the service uploads a clip once, then reuses its file_id).
   */
  fileSent(call: RecordedCall, field: string): UploadedFile | undefined {
    const own = call.files.find((f) => f.field === field);
    if (own) return own;
    const id = (call.params as Record<string, unknown>)[field];
    if (typeof id !== "string") return undefined;
    for (const earlier of this.calls) {
      const result = earlier.reply?.ok ? (earlier.reply.result as Record<string, unknown>) : undefined;
      const sent = result?.[field];
      const ids = (Array.isArray(sent) ? sent : [sent]).map((x) => (x as { file_id?: string } | undefined)?.file_id);
      if (ids.includes(id)) return earlier.files.find((f) => f.field === field);
    }
    return undefined;
  }

  /** The last call, optionally of one method. */
  lastCall(method?: string): RecordedCall | undefined {
    return (method === undefined ? this.calls : this.callsTo(method)).at(-1);
  }

  /** Calls the fake rejected as invalid (401, 404, or 400 for a spec violation). */
  rejected(): RecordedCall[] {
    return this.calls.filter((call) => !call.accepted);
  }

  /** Throw an error listing every rejected call, if any. */
  assertAllValid(): void {
    const rejected = this.rejected();
    if (rejected.length === 0) return;
    const lines = rejected.map((call) => {
      const params = JSON.stringify(call.params);
      return `- ${call.method}: ${call.rejection ?? 'rejected'}\n    params: ${params.length > 300 ? `${params.slice(0, 300)}…` : params}`;
    });
    throw new Error(`${rejected.length} invalid Bot API call(s):\n${lines.join('\n')}`);
  }

  /** Resolve once at least `count` calls of `method` have been recorded and classified (rejects after `timeoutMs`). */
  waitForCalls(method: string, count = 1, timeoutMs = 2000): Promise<RecordedCall[]> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const calls = this.callsTo(method).filter((call) => call.accepted || call.rejection !== undefined);
        if (calls.length < count) return false;
        clearTimeout(timer);
        this.callListeners.delete(listener);
        resolve(calls);
        return true;
      };
      const listener = (): void => void check();
      const timer = setTimeout(() => {
        this.callListeners.delete(listener);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${count} call(s) to ${method}; got ${this.callsTo(method).length}`));
      }, timeoutMs);
      this.callListeners.add(listener);
      check();
    });
  }

  // ---- scripting ---------------------------------------------------------------------------------------------

  /** Make the next `times` valid calls of `method` ('*' for any method) fail as scripted. */
  failNext(method: string, failure: ScriptedFailure, times = 1): void {
    this.failures.push({ method: method.toLowerCase(), failure, remaining: times });
  }

  /** Drop all scripted failures not used yet. */
  clearFailures(): void {
    this.failures = [];
  }

  /**
   * Register a file for getFile and downloads: its content, or only its size (nothing allocated), e.g.
   * `addFile('big', { size: 30 * 1024 * 1024 })`.
   */
  addFile(fileId: string, content: Buffer | { size: number }, options: { filePath?: string; fileUniqueId?: string } = {}): StoredFile {
    const data = Buffer.isBuffer(content) ? content : undefined;
    const file: StoredFile = {
      fileId,
      fileUniqueId: options.fileUniqueId ?? uniqueIdFor(fileId),
      size: data ? data.length : (content as { size: number }).size,
      filePath: options.filePath ?? `documents/file_${++this.lastFileNumber}`,
      ...(data ? { data } : {}),
    };
    this.files.set(fileId, file);
    return file;
  }

  /** A registered or uploaded file, by file_id. */
  file(fileId: string): StoredFile | undefined {
    return this.files.get(fileId);
  }

  /**
   * Queue an update for getUpdates (wakes a pending long poll). Without `update_id`, the next id is assigned.
   * The update is validated against the spec's Update type unless `validate: false`; an invalid one throws.
   */
  queueUpdate<U extends object>(update: U, options: { validate?: boolean } = {}): U & { update_id: number } {
    const raw = update as Json;
    const withId = { ...raw, update_id: typeof raw['update_id'] === 'number' ? raw['update_id'] : this.lastUpdateId + 1 };
    if (options.validate !== false) {
      const issue = this.validator.checkValue('Update', withId);
      if (issue) throw new Error(`queueUpdate: not a valid Update: ${issue.description}`);
    }
    this.lastUpdateId = Math.max(this.lastUpdateId, withId.update_id);
    this.rememberChats(withId);
    this.updates.push(withId);
    this.updates.sort((a, b) => Number(a['update_id']) - Number(b['update_id']));
    this.wakePoller();
    return withId as U & { update_id: number };
  }

  /** Updates queued and not yet confirmed by a getUpdates offset. */
  pendingUpdates(): readonly Json[] {
    return this.updates;
  }

  // ---- HTTP --------------------------------------------------------------------------------------------------

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const fileRoute = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (fileRoute) return this.serveFile(res, decodeURIComponent(fileRoute[1] ?? ''), decodeURIComponent(fileRoute[2] ?? ''));
    const route = /^\/bot([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (!route) return sendJson(res, 404, error(404, 'Not Found'));

    const [, token = '', methodName = ''] = route;
    const call: RecordedCall = { method: methodName, params: {}, files: [], at: new Date(), accepted: false };
    this.calls.push(call);
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch {
      call.rejection = 'the client closed the connection before sending the whole request';
      this.notifyCall();
      return;
    }
    const method = this.validator.method(methodName);
    if (method) call.method = method.name;
    try {
      const parsed = await parseRequest(method, req.headers['content-type'] ?? '', body, url.searchParams);
      call.params = parsed.params;
      call.files = [...parsed.uploads.values()];
      if (token !== this.token) return this.reject(call, res, error(401, 'Unauthorized'));
      if (!method) return this.reject(call, res, error(404, 'Not Found'));
      const issue =
        this.calls.length > this.validateFirst
          ? undefined
          : (this.validator.checkCall(method, parsed.params, parsed.uploads)?.description ?? this.checkSemantics(method.name, parsed.params));
      if (issue !== undefined) return this.reject(call, res, badRequest(issue));
    } catch (cause) {
      if (!(cause instanceof BodyError)) throw cause;
      const reply = token !== this.token ? error(401, 'Unauthorized') : badRequest(cause.message);
      return this.reject(call, res, reply);
    }
    if (this.limits && /^send/i.test(call.method) && this.overLimit(call)) {
      const retryAfter = this.limits.retryAfter ?? 1;
      this.throttled.push(new Date());
      call.accepted = true;
      this.respond(call, res, error(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter }));
      this.notifyCall();
      return;
    }
    call.accepted = true;
    this.notifyCall();

    const failure = this.takeFailure(call.method);
    if (failure?.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, failure.ms));
    else if (failure) return this.fail(call, failure, req, res);
    const reply = await this.answer(call, req);
    if (reply) this.respond(call, res, reply);
  }

  /** Counts this send against the limits; true when it goes over them (then it is not counted). */
  private overLimit(call: RecordedCall): boolean {
    const now = Date.now();
    const chat = String(call.params['chat_id']);
    this.recentSends = this.recentSends.filter((t) => t > now - 1000);
    const mine = (this.recentByChat.get(chat) ?? []).filter((t) => t > now - 1000);
    const perChat = this.limits!.perChatPerSecond;
    if (this.recentSends.length >= this.limits!.perSecond || (perChat !== undefined && mine.length >= perChat)) return true;
    this.recentSends.push(now);
    mine.push(now);
    this.recentByChat.set(chat, mine);
    if (this.recentByChat.size > 50_000) this.recentByChat.clear();
    return false;
  }

  private reject(call: RecordedCall, res: http.ServerResponse, reply: BotApiReply): void {
    if (!reply.ok) call.rejection = reply.description;
    this.respond(call, res, reply);
    this.notifyCall();
  }

  private respond(call: RecordedCall, res: http.ServerResponse, reply: BotApiReply): void {
    call.reply = reply;
    call.status = reply.ok ? 200 : reply.error_code;
    sendJson(res, call.status, reply);
  }

  private notifyCall(): void {
    for (const listener of [...this.callListeners]) listener();
  }

  private takeFailure(method: string): ScriptedFailure | undefined {
    const script = this.failures.find(
      (candidate) => candidate.remaining > 0 && (candidate.method === '*' || candidate.method === method.toLowerCase()),
    );
    if (!script) return undefined;
    script.remaining -= 1;
    this.failures = this.failures.filter((candidate) => candidate.remaining > 0);
    return script.failure;
  }

  private fail(call: RecordedCall, failure: ScriptedFailure, req: http.IncomingMessage, res: http.ServerResponse): void {
    call.failure = failure;
    switch (failure.kind) {
      case '429': {
        const retryAfter = failure.retryAfter ?? 1;
        return this.respond(call, res, error(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter }));
      }
      case '500':
        return this.respond(call, res, error(500, 'Internal Server Error'));
      case '502':
        return this.respond(call, res, error(502, 'Bad Gateway'));
      case 'blocked':
        return this.respond(call, res, error(403, 'Forbidden: bot was blocked by the user'));
      case 'chat-not-found':
        return this.respond(call, res, badRequest('chat not found'));
      case 'error':
        return this.respond(call, res, error(failure.code, failure.description, failure.parameters));
      case 'hang':
        return; // the socket is destroyed by close() or by the client giving up
      case 'disconnect':
        req.socket.destroy();
        return;
      case 'slow':
        return;
      case 'garbage':
        call.status = failure.status ?? 200;
        res.writeHead(call.status, { 'content-type': 'text/html' });
        res.end('<html><head><title>oops</title></head><body>upstream said something that is not JSON</body></html>');
        return;
    }
  }

  private serveFile(res: http.ServerResponse, token: string, filePath: string): void {
    if (token !== this.token) return sendJson(res, 401, error(401, 'Unauthorized'));
    const file = [...this.files.values()].find((candidate) => candidate.filePath === filePath);
    if (!file) return sendJson(res, 404, error(404, 'Not Found'));
    this.downloads.push(filePath);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.size });
    if (file.data) {
      res.end(file.data);
      return;
    }
    const chunk = Buffer.alloc(Math.min(file.size, 64 * 1024));
    let left = file.size;
    const pump = (): void => {
      while (left > 0) {
        const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= piece.length;
        if (!res.write(piece)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    pump();
  }

  // ---- semantics beyond the spec -----------------------------------------------------------------------------

  /** Checks the real server makes that the spec only states in prose the validator does not parse. */
  private checkSemantics(method: string, params: Json): string | undefined {
    switch (method) {
      case 'sendChatAction':
        return CHAT_ACTIONS.has(String(params['action'])) ? undefined : `wrong parameter action in request (${String(params['action'])})`;
      case 'setWebhook': {
        const url = String(params['url']);
        if (url === '') return undefined;
        let parsed: URL;
        try {
          parsed = new URL(url);
        } catch {
          return `bad webhook: invalid URL ${JSON.stringify(url)}`;
        }
        if (parsed.protocol !== 'https:') return 'bad webhook: An HTTPS URL must be provided for webhook';
        if (!WEBHOOK_PORTS.has(parsed.port)) return 'bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443';
        const secret = params['secret_token'];
        if (typeof secret === 'string' && !/^[A-Za-z0-9_-]*$/.test(secret)) return 'secret token contains unallowed characters';
        return undefined;
      }
      case 'setMyCommands': {
        const commands = Array.isArray(params['commands']) ? params['commands'] : [];
        if (commands.length > 100) return 'too many commands (at most 100)';
        const bad = commands.find((command) => !isObject(command) || !/^[a-z0-9_]{1,32}$/.test(String(command['command'])));
        return bad ? `BOT_COMMAND_INVALID (${JSON.stringify(bad)})` : undefined;
      }
      case 'editMessageText':
        return params['text'] === undefined && params['rich_message'] === undefined ? 'message text is empty' : undefined;
      default:
        return undefined;
    }
  }

  // ---- answers -----------------------------------------------------------------------------------------------

  /** The successful (or semantic-error) answer to a valid call; null when the client left during a long poll. */
  private async answer(call: RecordedCall, req: http.IncomingMessage): Promise<BotApiReply | null> {
    const params = call.params;
    const media = MEDIA_METHODS[call.method.toLowerCase()];
    if (media) return ok(this.sendMedia(media, params));
    switch (call.method) {
      case 'getMe':
        return ok({
          ...this.botUser(),
          can_join_groups: true,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
          can_connect_to_business: false,
          has_main_web_app: false,
        });
      case 'getUpdates':
        return this.getUpdates(params, req);
      case 'setWebhook':
        return ok(this.setWebhook(params));
      case 'deleteWebhook':
        this.webhook = undefined;
        if (params['drop_pending_updates'] === true) this.updates = [];
        return ok(true);
      case 'getWebhookInfo':
        return ok(this.webhookInfo());
      case 'setMyCommands':
        this.commands.set(commandsKey(params), params['commands'] as unknown[]);
        return ok(true);
      case 'getMyCommands':
        return ok(this.commands.get(commandsKey(params)) ?? []);
      case 'deleteMyCommands':
        this.commands.delete(commandsKey(params));
        return ok(true);
      case 'sendMessage':
        return ok(this.sendMessage(params));
      case 'sendLocation':
        return ok(this.newMessage(params['chat_id'], {
          location: { latitude: params['latitude'], longitude: params['longitude'] },
          ...inlineMarkup(params),
        }));
      case 'sendChatAction':
      case 'answerCallbackQuery':
        return ok(true);
      case 'editMessageText':
      case 'editMessageReplyMarkup':
        return this.editMessage(call.method, params);
      case 'getFile':
        return this.getFile(String(params['file_id']));
      default:
        return this.genericAnswer(call.method);
    }
  }

  private genericAnswer(methodName: string): BotApiReply {
    const method = this.validator.method(methodName) as SpecMethod;
    if (method.returns.length === 1 && method.returns[0] === 'Boolean') return ok(true);
    return error(501, `Not Implemented: the fake Bot API has no answer for ${method.name} (it returns ${method.returns.join(' or ')})`);
  }

  private botUser(): Json {
    return { id: this.bot.id, is_bot: true, first_name: this.bot.first_name, username: this.bot.username };
  }

  private chatFor(chatId: unknown): Json {
    const numeric = typeof chatId === 'number' ? chatId : /^-?\d+$/.test(String(chatId)) ? Number(chatId) : undefined;
    if (numeric === undefined) {
      const username = String(chatId).replace(/^@/, '');
      return { id: -1001000000001, type: 'channel', title: username, username };
    }
    const known = this.chats.get(numeric);
    if (known) return known;
    if (numeric > 0) return { id: numeric, type: 'private', first_name: 'Người dùng' };
    return String(numeric).startsWith('-100')
      ? { id: numeric, type: 'supergroup', title: 'Nhóm thử nghiệm' }
      : { id: numeric, type: 'group', title: 'Nhóm thử nghiệm' };
  }

  private newMessage(chatId: unknown, content: Json): Json {
    const message = { message_id: ++this.lastMessageId, from: this.botUser(), date: unixNow(), chat: this.chatFor(chatId), ...content };
    this.messages.push(message);
    return message;
  }

  private sendMessage(params: Json): Json {
    const { text, entities } = formatted(params, 'text', 'entities');
    return this.newMessage(params['chat_id'], { text, ...entities, ...inlineMarkup(params) });
  }

  private sendMedia(kind: MediaKind, params: Json): Json {
    const input = params[kind];
    const file = input instanceof UploadedFile ? this.storeUpload(kind, input) : this.files.get(String(input));
    const fileId = file?.fileId ?? String(input);
    const ids = { file_id: fileId, file_unique_id: file?.fileUniqueId ?? uniqueIdFor(fileId) };
    const size = file ? { file_size: file.size } : {};
    const fileName = input instanceof UploadedFile ? { file_name: input.filename } : {};
    const mimeType = input instanceof UploadedFile && input.contentType ? input.contentType : MEDIA_DEFAULTS[kind].mime;
    const duration = typeof params['duration'] === 'number' ? params['duration'] : 1;
    const described: Record<MediaKind, unknown> = {
      photo: [
        { file_id: `${fileId}-thumb`, file_unique_id: `${ids.file_unique_id}t`, width: 90, height: 90, file_size: 1024 },
        { ...ids, width: 800, height: 800, ...size },
      ],
      audio: { ...ids, duration, ...pick(params, ['performer', 'title']), ...fileName, mime_type: mimeType, ...size },
      voice: { ...ids, duration, mime_type: mimeType, ...size },
      document: { ...ids, ...fileName, mime_type: mimeType, ...size },
      video: {
        ...ids,
        width: typeof params['width'] === 'number' ? params['width'] : 640,
        height: typeof params['height'] === 'number' ? params['height'] : 360,
        duration,
        mime_type: mimeType,
        ...size,
      },
    };
    const caption = params['caption'] === undefined ? {} : (() => {
      const { text, entities } = formatted(params, 'caption', 'caption_entities');
      return { caption: text, ...entities };
    })();
    return this.newMessage(params['chat_id'], { [kind]: described[kind], ...caption, ...inlineMarkup(params) });
  }

  private storeUpload(kind: MediaKind, upload: UploadedFile): StoredFile {
    const number = ++this.lastFileNumber;
    const { folder, extension } = MEDIA_DEFAULTS[kind];
    const fileId = `fake-${kind}-${number}`;
    return this.addFile(fileId, upload.data, { filePath: `${folder}/file_${number}.${extension}` });
  }

  private editMessage(method: 'editMessageText' | 'editMessageReplyMarkup', params: Json): BotApiReply {
    if (params['inline_message_id'] !== undefined) return ok(true);
    const chat = this.chatFor(params['chat_id']);
    const messageId = params['message_id'];
    const existing = this.messages.find((message) => message['message_id'] === messageId && (message['chat'] as Json)['id'] === chat['id']);
    const markup = inlineMarkup(params);
    const text = method === 'editMessageText' ? formatted(params, 'text', 'entities') : undefined;
    if (existing) {
      const sameText = text === undefined || existing['text'] === text.text;
      if (sameText && JSON.stringify(existing['reply_markup']) === JSON.stringify(markup.reply_markup)) {
        return badRequest('message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
      }
      if (text) Object.assign(existing, { text: text.text }, text.entities);
      delete existing['reply_markup'];
      Object.assign(existing, markup, { edit_date: unixNow() });
      return ok(existing);
    }
    const edited = {
      message_id: messageId, from: this.botUser(), date: unixNow() - 60, chat, edit_date: unixNow(),
      ...(text ? { text: text.text, ...text.entities } : {}),
      ...markup,
    };
    this.messages.push(edited);
    return ok(edited);
  }

  private getFile(fileId: string): BotApiReply {
    const file = this.files.get(fileId);
    if (!file) return badRequest('invalid file_id');
    if (file.size > MAX_DOWNLOAD_BYTES) return badRequest('file is too big');
    return ok({ file_id: file.fileId, file_unique_id: file.fileUniqueId, file_size: file.size, file_path: file.filePath });
  }

  private setWebhook(params: Json): boolean {
    if (params['drop_pending_updates'] === true) this.updates = [];
    this.webhook = params['url'] === '' ? undefined : params;
    if (this.webhook) this.poller?.finish(webhookConflict());
    return true;
  }

  private webhookInfo(): Json {
    if (!this.webhook) return { url: '', has_custom_certificate: false, pending_update_count: this.updates.length };
    return {
      url: this.webhook['url'],
      has_custom_certificate: this.webhook['certificate'] !== undefined,
      pending_update_count: this.updates.length,
      max_connections: this.webhook['max_connections'] ?? 40,
      ...pick(this.webhook, ['ip_address', 'allowed_updates']),
    };
  }

  // ---- getUpdates --------------------------------------------------------------------------------------------

  private getUpdates(params: Json, req: http.IncomingMessage): Promise<BotApiReply | null> | BotApiReply {
    if (this.webhook) return webhookConflict();
    this.poller?.finish(error(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'));
    this.confirmUpdates(params['offset']);
    const ready = this.selectUpdates(params);
    const timeoutMs = Math.min((typeof params['timeout'] === 'number' ? params['timeout'] : 0) * 1000, this.maxLongPollMs);
    if (ready.length > 0 || timeoutMs <= 0) return ok(ready);

    return new Promise((resolve) => {
      const poller: Poller = {
        params,
        finish: (reply) => {
          if (this.poller !== poller) return;
          this.poller = undefined;
          clearTimeout(timer);
          req.socket.off('close', onClose);
          resolve(reply);
        },
      };
      const onClose = (): void => poller.finish(null);
      const timer = setTimeout(() => poller.finish(ok(this.selectUpdates(params))), timeoutMs);
      req.socket.on('close', onClose);
      this.poller = poller;
    });
  }

  private wakePoller(): void {
    const poller = this.poller;
    if (!poller) return;
    const ready = this.selectUpdates(poller.params);
    if (ready.length > 0) poller.finish(ok(ready));
  }

  /** An offset confirms every update with a smaller id; a negative one keeps only the last -offset updates. */
  private confirmUpdates(offset: unknown): void {
    if (typeof offset !== 'number' || offset === 0) return;
    this.updates = offset > 0
      ? this.updates.filter((update) => Number(update['update_id']) >= offset)
      : this.updates.slice(offset);
  }

  private selectUpdates(params: Json): Json[] {
    const limit = typeof params['limit'] === 'number' ? Math.min(Math.max(params['limit'], 1), 100) : 100;
    const allowed = Array.isArray(params['allowed_updates']) && params['allowed_updates'].length > 0
      ? new Set(params['allowed_updates'].map(String))
      : undefined;
    const wanted = allowed
      ? this.updates.filter((update) => Object.keys(update).some((key) => key !== 'update_id' && allowed.has(key)))
      : this.updates;
    return wanted.slice(0, limit);
  }

  private rememberChats(update: Json): void {
    for (const value of Object.values(update)) {
      if (!isObject(value)) continue;
      const message = isObject(value['message']) ? value['message'] : value;
      const chat = message['chat'];
      if (isObject(chat) && typeof chat['id'] === 'number') this.chats.set(chat['id'], chat);
    }
  }
}

// ---- helpers -------------------------------------------------------------------------------------------------

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function webhookConflict(): BotApiReply {
  return error(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
}

function uniqueIdFor(fileId: string): string {
  let hash = 0;
  for (const char of fileId) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return `AQAD${hash.toString(36)}`;
}

function commandsKey(params: Json): string {
  const scope = isObject(params['scope']) ? String(params['scope']['type']) : 'default';
  return `${scope}:${typeof params['language_code'] === 'string' ? params['language_code'] : ''}`;
}

function pick(source: Json, keys: string[]): Json {
  return Object.fromEntries(keys.filter((key) => source[key] !== undefined).map((key) => [key, source[key]]));
}

/** Messages carry only inline keyboards; other reply markups are not echoed back. */
function inlineMarkup(params: Json): { reply_markup?: Json } {
  const markup = params['reply_markup'];
  return isObject(markup) && Array.isArray(markup['inline_keyboard']) ? { reply_markup: markup } : {};
}

/** Text as the message will show it: markup of parse_mode removed; explicit entities echoed. */
function formatted(params: Json, textField: string, entitiesField: string): { text: string; entities: Json } {
  const raw = typeof params[textField] === 'string' ? params[textField] : '';
  const entities = Array.isArray(params[entitiesField]) ? { [entitiesField]: params[entitiesField] } : {};
  const mode = typeof params['parse_mode'] === 'string' ? canonicalParseMode(params['parse_mode']) : undefined;
  if (!mode) return { text: raw, entities };
  const parsed = parseFormattedText(raw, mode);
  return { text: parsed.ok ? parsed.plain : raw, entities };
}

const MAX_BODY_BYTES = 60 * 1024 * 1024;

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('aborted')));
  });
}

/**
 * Parameters from the query string and the body (JSON, urlencoded or multipart). Form values are coerced to the
 * method's field types; file parts become {@link UploadedFile}s. telegraf adds a `method` part to multipart bodies,
 * which the real server ignores, and so does the fake.
 */
async function parseRequest(
  method: SpecMethod | undefined,
  contentType: string,
  body: Buffer,
  query: URLSearchParams,
): Promise<{ params: Json; uploads: Map<string, UploadedFile> }> {
  const fields = new Map((method?.fields ?? []).map((field) => [field.name, field]));
  const params: Json = {};
  const uploads = new Map<string, UploadedFile>();
  const setFormValue = (name: string, value: string): void => {
    if (name === 'method' && !fields.has('method') && value.toLowerCase() === method?.name.toLowerCase()) return;
    params[name] = coerceFormValue(fields.get(name), value);
  };
  for (const [name, value] of query) setFormValue(name, value);
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (body.length === 0) return { params, uploads };

  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new BodyError("can't parse JSON object");
    }
    if (!isObject(parsed)) throw new BodyError('JSON body must be an object');
    for (const [name, value] of Object.entries(parsed)) params[name] = coerceJsonValue(fields.get(name), value);
  } else if (type === 'application/x-www-form-urlencoded') {
    for (const [name, value] of new URLSearchParams(body.toString('utf8'))) setFormValue(name, value);
  } else if (type === 'multipart/form-data') {
    let form: FormData;
    try {
      const request = new Request('http://fake.invalid/', { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(body) });
      form = await request.formData();
    } catch (cause) {
      throw new BodyError(`can't parse multipart/form-data body: ${(cause as Error).message}`);
    }
    const entries: [string, NonNullable<ReturnType<FormData['get']>>][] = [];
    form.forEach((value, name) => entries.push([name, value]));
    for (const [name, value] of entries) {
      if (typeof value === 'string') {
        setFormValue(name, value);
        continue;
      }
      const upload = new UploadedFile(name, value.name, value.type, Buffer.from(await value.arrayBuffer()));
      uploads.set(name, upload);
      if (fields.has(name)) params[name] = upload;
    }
  } else {
    throw new BodyError(`unsupported content type ${JSON.stringify(contentType)}`);
  }
  return { params, uploads };
}
