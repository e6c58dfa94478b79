/**
 * A small typed client for the OA Open API on `fetch`: the header `access_token` (not Authorization), GET
 * parameters as one URL-encoded JSON `data` parameter, and EVERY answer's body `error` checked, since Zalo says no
 * with HTTP 200. A refused token (-216/-220) is refreshed and the call made again once. Failures come out as
 * SendErrors with every token scrubbed.
 */
import { SendError } from "../../outbox/send-error.ts";
import { DEFAULT_ERROR_POLICY, fromHttpStatus, toSendError, UnexpectedAnswerError, ZaloApiError, type ErrorPolicy, type Redact } from "./errors.ts";
import { apiUrl } from "./oauth.ts";
import type { TokenKeeper } from "./tokens.ts";

export const PATHS = {
  message: "/v3.0/oa/message/cs",
  uploadFile: "/v2.0/oa/upload/file",
  uploadImage: "/v2.0/oa/upload/image",
  userDetail: "/v3.0/oa/user/detail",
  /** ZBS template message by user id (replaced per-user promotion in 2026). The body shape follows shared/notes/zalo.md. */
  template: "/v3.0/oa/message/template",
} as const;

export interface UploadFile {
  data: Buffer;
  filename: string;
  contentType: string;
}

export interface OaApi {
  /**
   * POSTs JSON; resolves with the answer's `data`.
   *
   * @example await api.post(PATHS.message, { recipient: { user_id: "2512523625412515" }, message: { text: "Xin chào" } })
   */
  post(path: string, body: object): Promise<unknown>;
  /**
   * GETs with the parameters as one JSON `data` parameter.
   *
   * @example await api.get(PATHS.userDetail, { user_id: "2512523625412515" }) // → { display_name: "…", … }
   */
  get(path: string, params: object): Promise<unknown>;
  /** Uploads one file as the multipart field `file`. */
  upload(path: string, file: UploadFile): Promise<unknown>;
  readonly redact: Redact;
}

/**
 * @example const api = createOaApi({ apiBase: "https://openapi.zalo.me", tokens, callTimeoutMs: 10_000, now })
 */
export function createOaApi(options: { apiBase: string; tokens: TokenKeeper; callTimeoutMs: number; now: () => Date; errorPolicy?: ErrorPolicy }): OaApi {
  const policy = options.errorPolicy ?? DEFAULT_ERROR_POLICY;
  const redact = options.tokens.redact;

  async function call(what: string, request: (token: string) => { url: URL; init: RequestInit }): Promise<unknown> {
    try {
      let token = await options.tokens.accessToken();
      try {
        return await once(what, request(token));
      } catch (error) {
        if (!(error instanceof ZaloApiError) || !policy.tokenCodes.includes(error.code)) throw error;
        token = await options.tokens.replaceRejected(token);
        return await once(what, request(token));
      }
    } catch (error) {
      throw toSendError(error, what, redact, options.now(), policy);
    }
  }

  async function once(what: string, { url, init }: { url: URL; init: RequestInit }): Promise<unknown> {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(options.callTimeoutMs) });
    const text = await response.text();
    if (response.status >= 500) throw fromHttpStatus(what, response.status);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      if (!response.ok) throw fromHttpStatus(what, response.status);
      throw new UnexpectedAnswerError(`HTTP ${response.status} answer is not JSON`);
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw new UnexpectedAnswerError("answer is not a JSON object");
    const answer = body as { error?: unknown; message?: unknown; data?: unknown };
    const code = typeof answer.error === "number" ? answer.error : typeof answer.error === "string" ? Number(answer.error) : Number.NaN;
    if (!Number.isInteger(code)) {
      if (!response.ok) throw fromHttpStatus(what, response.status);
      throw new UnexpectedAnswerError("answer has no numeric error field");
    }
    if (code !== 0) throw new ZaloApiError(code, typeof answer.message === "string" ? answer.message.slice(0, 200) : "", response.status);
    return answer.data;
  }

  const url = (path: string): URL => apiUrl(options.apiBase, path);

  return {
    redact,
    post: (path, body) =>
      call(path.replace(/^\/v\d\.\d\/oa\//, ""), (token) => ({
        url: url(path),
        init: { method: "POST", headers: { access_token: token, "content-type": "application/json" }, body: JSON.stringify(body) },
      })),
    get: (path, params) =>
      call(path.replace(/^\/v\d\.\d\/oa\//, ""), (token) => {
        const target = url(path);
        target.searchParams.set("data", JSON.stringify(params));
        return { url: target, init: { method: "GET", headers: { access_token: token } } };
      }),
    upload: (path, file) =>
      call(path.replace(/^\/v\d\.\d\/oa\//, ""), (token) => {
        const form = new FormData();
        form.set("file", new Blob([new Uint8Array(file.data)], { type: file.contentType }), file.filename);
        return { url: url(path), init: { method: "POST", headers: { access_token: token }, body: form } };
      }),
  };
}

/** The string at `data[key]` of an answer, or an unexpected_response SendError naming what is missing. */
export function requireString(data: unknown, key: string, what: string, redact: Redact): string {
  const value = typeof data === "object" && data !== null ? (data as Record<string, unknown>)[key] : undefined;
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number") return String(value);
  throw new SendError("unexpected_response", redact(`zalo ${what}: answer has no data.${key}`));
}
