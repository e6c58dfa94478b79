/**
 * The one OAuth v4 call the service makes: trade the current refresh token for a new access token AND a new
 * refresh token (Zalo's refresh tokens are single use). Storing the pair is tokens.ts's job; this module only
 * talks HTTP and says clearly whether Zalo refused the refresh token (someone must re-consent) or the call failed
 * (try again later).
 */
import { fromHttpStatus, UnexpectedAnswerError } from "./errors.ts";

export const TOKEN_PATH = "/v4/oa/access_token";

export interface TokenPair {
  accessToken: string;
  /** Absent only if Zalo did not rotate it (never seen); the caller then keeps the old one. */
  refreshToken?: string;
  /** Lifetime of the access token (Zalo: "90000", 25 h). */
  expiresInSeconds: number;
  /** Lifetime of the refresh token when Zalo says it (otherwise the caller assumes 3 months). */
  refreshExpiresInSeconds?: number;
}

/** Zalo answered, and refused this refresh token (or the app credentials): only a person can fix it. */
export class OAuthRefusedError extends Error {
  override name = "OAuthRefusedError";
  constructor(
    readonly code: number | undefined,
    readonly reason: string,
  ) {
    super(`Zalo OAuth refused the refresh: ${code === undefined ? "" : `error ${code}: `}${reason}`);
  }
}

/** An access token that Zalo says lives this long is assumed when `expires_in` is missing or unreadable. */
const FALLBACK_LIFETIME_SECONDS = 3600;

/**
 * @example await refreshTokens({ oauthBase: "https://oauth.zaloapp.com", appId, appSecret, refreshToken, timeoutMs: 10_000 })
 */
export async function refreshTokens(options: {
  oauthBase: string;
  appId: string;
  appSecret: string;
  refreshToken: string;
  timeoutMs: number;
}): Promise<TokenPair> {
  const response = await fetch(apiUrl(options.oauthBase, TOKEN_PATH), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", secret_key: options.appSecret },
    body: new URLSearchParams({ app_id: options.appId, refresh_token: options.refreshToken, grant_type: "refresh_token" }).toString(),
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    if (!response.ok) throw fromHttpStatus("oauth refresh", response.status);
    throw new UnexpectedAnswerError(`oauth refresh: HTTP ${response.status} answer is not JSON`);
  }
  if (response.status >= 500) throw fromHttpStatus("oauth refresh", response.status);
  return readAnswer(body, response.status);
}

function readAnswer(body: unknown, status: number): TokenPair {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new UnexpectedAnswerError(`oauth refresh: HTTP ${status} answer is not a JSON object`);
  }
  const answer = body as Record<string, unknown>;
  const code = numberOf(answer["error"]);
  if (typeof answer["access_token"] === "string" && answer["access_token"] !== "" && (code === undefined || code === 0)) {
    const refresh = answer["refresh_token"];
    const refreshLifetime = numberOf(answer["refresh_token_expires_in"]);
    return {
      accessToken: answer["access_token"],
      ...(typeof refresh === "string" && refresh !== "" ? { refreshToken: refresh } : {}),
      expiresInSeconds: positive(numberOf(answer["expires_in"])) ?? FALLBACK_LIFETIME_SECONDS,
      ...(positive(refreshLifetime) ? { refreshExpiresInSeconds: refreshLifetime } : {}),
    };
  }
  if (code === undefined && status < 400) throw new UnexpectedAnswerError(`oauth refresh: HTTP ${status} answer has neither access_token nor error`);
  const reason = ["error_name", "error_reason", "error_description", "message"]
    .map((key) => answer[key])
    .filter((value): value is string => typeof value === "string" && value.trim() !== "")
    .filter((value, index, all) => all.indexOf(value) === index)
    .join("; ");
  throw new OAuthRefusedError(code, reason.slice(0, 300) || `HTTP ${status} without a reason`);
}

/** Zalo sends numbers as strings ("90000", "-14014"). */
function numberOf(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

function positive(value: number | undefined): number | undefined {
  return value !== undefined && value > 0 ? value : undefined;
}

/** `path` under `base`, keeping any path prefix of `base` (a proxy at https://proxy.example/zalo). */
export function apiUrl(base: string, path: string): URL {
  return new URL(path.replace(/^\//, ""), base.endsWith("/") ? base : `${base}/`);
}
