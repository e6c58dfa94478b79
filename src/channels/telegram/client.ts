/**
 * The one place that talks HTTP to the Bot API: telegraf's `Telegram` client with a per-call timeout,
 * failures turned into SendErrors, and the token kept out of every message.
 */
import { Telegram } from "telegraf";
import { scrubSecrets } from "../../log.ts";
import { toSendError, type Redact } from "./errors.ts";

export interface CallOptions {
  /** Aborts the call (stop() of the polling loop). */
  signal?: AbortSignal;
  /** Overrides the client's per-call timeout (long polls wait longer). */
  timeoutMs?: number;
}

export interface BotApi {
  /**
   * Calls a Bot API method; resolves with its `result`, rejects with a SendError.
   *
   * @example await api.call("sendMessage", { chat_id: 42, text: "Xin chào" })
   */
  call(method: string, payload: Record<string, unknown>, options?: CallOptions): Promise<unknown>;
  /** Download address of a file_path from getFile (contains the token: never log it). */
  fileUrl(filePath: string): URL;
  /** Removes the token from any text. */
  readonly redact: Redact;
  readonly callTimeoutMs: number;
}

type CallApi = (method: string, payload: object, options: { signal?: AbortSignal }) => Promise<unknown>;

/**
 * @example const api = createBotApi({ token, apiRoot: "https://api.telegram.org", callTimeoutMs: 10_000 })
 */
export function createBotApi(options: { token: string; apiRoot: string; callTimeoutMs: number }): BotApi {
  // new URL("./bot<token>/method", apiRoot) drops a path prefix unless apiRoot ends with "/".
  const apiRoot = options.apiRoot.endsWith("/") ? options.apiRoot : `${options.apiRoot}/`;
  // webhookReply: false, so every call is a real request whose answer we see (and tests see at the fake).
  const client = new Telegram(options.token, { apiRoot, webhookReply: false });
  // telegraf's types stop at Bot API 7.1; we pass plain payloads and check results ourselves.
  const callApi = client.callApi.bind(client) as unknown as CallApi;
  const token = options.token;
  const redact: Redact = (text) => scrubSecrets(text.split(token).join("<redacted>"));

  return {
    redact,
    callTimeoutMs: options.callTimeoutMs,
    async call(method, payload, callOptions = {}) {
      const timeout = AbortSignal.timeout(callOptions.timeoutMs ?? options.callTimeoutMs);
      const signal = callOptions.signal ? AbortSignal.any([callOptions.signal, timeout]) : timeout;
      try {
        return await callApi(method, payload, { signal });
      } catch (error) {
        throw toSendError(error, method, redact);
      }
    },
    fileUrl(filePath) {
      return new URL(`./file/bot${token}/${filePath.split("/").map(encodeURIComponent).join("/")}`, apiRoot);
    },
  };
}
