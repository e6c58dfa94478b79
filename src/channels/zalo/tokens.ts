/**
 * Keeps a valid OA access token, shared by every process through the ChannelCredential row `zalo:<appId>`.
 *
 * - The first refresh token comes from ZALO_REFRESH_TOKEN; Zalo's refresh tokens are single use, so every rotated
 *   pair is written (encrypted) in a transaction BEFORE the new access token is handed out. A crash between Zalo's
 *   answer and the write is the one way to lose the pair; nothing is sent with a token that is not stored.
 * - Refreshed ahead of expiry (default 5 h before, i.e. after 20 h of Zalo's 25 h tokens), and again when the API
 *   refuses a token (-216/-220, see client.ts).
 * - One refresh at a time: an in-process promise, plus a lease on the row (`refreshingBy`/`refreshingUntil`, taken by
 *   a conditional update) so several processes refresh once; the others wait and read the new pair.
 * - A refresh token Zalo refuses cannot be repaired by software: the row records it (`lastError`), `alarms()`
 *   shows what an operator must do, and one error line says it in the logs.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import type { ZaloConfig } from "../../config.ts";
import type { Db } from "../../db/client.ts";
import { isUniqueViolation } from "../../db/errors.ts";
import type { Logger } from "../../log.ts";
import { SendError } from "../../outbox/send-error.ts";
import type { Vault } from "../../security/crypto.ts";
import { toSendError, type Redact } from "./errors.ts";
import { OAuthRefusedError, refreshTokens, type TokenPair } from "./oauth.ts";

export const REAUTH_ALARM = "zalo_reauth_required";
/** `lastError` of a row whose refresh token Zalo refused: `reauth_required (token <fingerprint>): <reason>`. */
const DEAD = "reauth_required";
const DEAD_MARK = /^reauth_required(?: \(token ([\w-]+)\))?: ([\s\S]*)$/;
/** A token this close to expiry is not used any more. */
const SAFETY_MS = 60_000;
/** Zalo says refresh tokens live 3 months; assumed when the OAuth answer does not say. */
const REFRESH_TOKEN_LIFETIME_MS = 90 * 24 * 3600_000;

export interface TokenKeeperOptions {
  /** Refresh this long before the access token expires (default 5 h: after 20 h of a 25 h token). */
  refreshBeforeExpiryMs: number;
  /** How long a process may hold the refresh lease (default 30 s; a dead holder's lease then expires). */
  leaseMs: number;
  /** How often a process waiting for another's refresh looks at the row (default 100 ms). */
  waitPollMs: number;
  /** Timeout of the OAuth call. */
  callTimeoutMs: number;
}

export interface TokenKeeper {
  /** A valid access token, refreshed first when due. Throws SendError (config when someone must re-consent). */
  accessToken(): Promise<string>;
  /** The API refused `rejected` (-216/-220): a different valid token, refreshing once unless someone already did. */
  replaceRejected(rejected: string): Promise<string>;
  /** Reads the stored state without calling Zalo, so a dead token shows in /healthz right after a restart. */
  load(): Promise<void>;
  /** Refreshes a stored token that is due (keeps a quiet OA's refresh token from expiring). */
  refreshIfDue(): Promise<void>;
  alarms(): { code: string; message: string }[];
  /** Removes every token and secret this keeper knows from a text. */
  readonly redact: Redact;
}

interface Held {
  token: string;
  expiresAt: number;
  refreshAt: number;
}

type Row = NonNullable<Awaited<ReturnType<Db["channelCredential"]["findUnique"]>>>;

/**
 * @example const tokens = createTokenKeeper(config.zalo, { db, vault, log, now }, options); await tokens.accessToken()
 */
export function createTokenKeeper(
  config: ZaloConfig,
  deps: { db: Db; vault: Vault; log: Logger; now: () => Date },
  options: TokenKeeperOptions,
): TokenKeeper {
  const { db, vault, log } = deps;
  const id = `zalo:${config.appId}`;
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  const configured = [config.appSecret, config.oaSecretKey, config.refreshToken].filter((s): s is string => !!s);
  /** Tokens seen lately (the current pair and a few before it), scrubbed from any text we produce. */
  const known = new Set<string>();
  let held: Held | undefined;
  let dead: { reason: string } | undefined;
  let deadLogged = false;
  /** A config token already refused in this process is not tried again until a restart brings a new one. */
  let configTokenRefused = false;
  let flight: Promise<Held> | undefined;
  /** A rotated pair Zalo gave us that could not be written yet (the database failed). */
  let unsaved: { pair: TokenPair; spent: string } | undefined;

  const now = (): number => deps.now().getTime();
  const remember = (secret: string | undefined): void => {
    if (!secret) return;
    known.add(secret);
    if (known.size > 12) known.delete(known.values().next().value as string); // the oldest rotated tokens
  };
  const redact: Redact = (text) => {
    let out = text;
    for (const secret of [...configured, ...known]) if (secret.length >= 6) out = out.split(secret).join("<redacted>");
    return out;
  };
  const usable = (h: Held | undefined, stale?: string): h is Held => !!h && h.token !== stale && h.expiresAt - now() > SAFETY_MS;
  const hold = (token: string, expiresAt: number): Held => {
    remember(token);
    const remaining = expiresAt - now();
    // A token adopted late in its life is refreshed when half of what is left has passed.
    held = { token, expiresAt, refreshAt: expiresAt - Math.min(options.refreshBeforeExpiryMs, remaining / 2) };
    return held;
  };

  async function readRow(): Promise<Row> {
    const row = await db.channelCredential.findUnique({ where: { id } });
    if (row) return row;
    try {
      return await db.channelCredential.create({ data: { id } });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return db.channelCredential.findUniqueOrThrow({ where: { id } });
    }
  }

  /** The row's access token, if it is valid and not `stale`. */
  function storedToken(row: Row, stale?: string): Held | undefined {
    if (!row.accessTokenEnc || !row.accessExpiresAt) return undefined;
    const token = vault.decrypt(row.accessTokenEnc);
    const expiresAt = row.accessExpiresAt.getTime();
    if (token === stale || expiresAt - now() <= SAFETY_MS) return undefined;
    return hold(token, expiresAt);
  }

  const isDead = (row: Row): boolean => row.lastError?.startsWith(DEAD) ?? false;
  /** A keyed fingerprint of a refresh token, so a refused one is recognised after a restart without storing it. */
  const fingerprint = (refreshToken: string): string => vault.hash(`zalo-refresh:${refreshToken}`).slice(0, 12);

  /** Which refresh token to spend: the stored one, or ZALO_REFRESH_TOKEN at first use or after a re-consent. */
  function pickRefreshToken(row: Row): string | undefined {
    const stored = row.refreshTokenEnc ? vault.decrypt(row.refreshTokenEnc) : undefined;
    remember(stored);
    if (!isDead(row)) return stored ?? (configTokenRefused ? undefined : config.refreshToken);
    // Refused: only a ZALO_REFRESH_TOKEN that is not the refused one (set after a re-consent) is worth a try.
    const refused = DEAD_MARK.exec(row.lastError ?? "")?.[1];
    const fresh = config.refreshToken && config.refreshToken !== stored && fingerprint(config.refreshToken) !== refused;
    return fresh && !configTokenRefused ? config.refreshToken : undefined;
  }

  async function claimLease(): Promise<boolean> {
    const at = deps.now();
    const { count } = await db.channelCredential.updateMany({
      where: { id, OR: [{ refreshingUntil: null }, { refreshingUntil: { lt: at } }] },
      data: { refreshingBy: owner, refreshingUntil: new Date(at.getTime() + options.leaseMs) },
    });
    return count === 1;
  }

  async function releaseLease(extra: { lastError?: string; lastErrorAt?: Date } = {}): Promise<void> {
    await db.channelCredential.updateMany({ where: { id, refreshingBy: owner }, data: { refreshingBy: null, refreshingUntil: null, ...extra } });
  }

  /** Stores the rotated pair, in one transaction, before anyone may use the new access token. */
  async function store(pair: TokenPair, spent: string): Promise<Held> {
    remember(pair.accessToken);
    remember(pair.refreshToken);
    const at = now();
    const expiresAt = at + pair.expiresInSeconds * 1000;
    if (!pair.refreshToken) log.warn("zalo token refresh: Zalo returned no new refresh token; keeping the one just used");
    const lostLease = await db.$transaction(async (tx) => {
      const row = await tx.channelCredential.findUnique({ where: { id }, select: { refreshingBy: true } });
      await tx.channelCredential.update({
        where: { id },
        data: {
          accessTokenEnc: vault.encrypt(pair.accessToken),
          refreshTokenEnc: vault.encrypt(pair.refreshToken ?? spent),
          accessExpiresAt: new Date(expiresAt),
          refreshExpiresAt: new Date(at + (pair.refreshExpiresInSeconds ? pair.refreshExpiresInSeconds * 1000 : REFRESH_TOKEN_LIFETIME_MS)),
          refreshingBy: null,
          refreshingUntil: null,
          lastError: null,
          lastErrorAt: null,
        },
      });
      return row?.refreshingBy !== owner;
    });
    // Zalo already rotated the pair: it must be stored whatever happened to the lease.
    if (lostLease) log.warn({ leaseMs: options.leaseMs }, "zalo token refresh outlived its lease; stored the new pair anyway");
    if (dead) log.info("zalo access restored: the new refresh token works");
    dead = undefined;
    deadLogged = false;
    log.info({ expiresInSeconds: pair.expiresInSeconds }, "zalo access token refreshed");
    return hold(pair.accessToken, expiresAt);
  }

  /** Remembers that Zalo refused the refresh token and says so once in the logs. */
  function learnDead(reason: string): SendError {
    dead = { reason };
    if (!deadLogged) {
      deadLogged = true;
      log.error({ alarm: REAUTH_ALARM }, reauthMessage(config.appId, reason));
    }
    return new SendError("config", `zalo: ${REAUTH_ALARM}: the refresh token was refused${reason ? ` (${reason})` : ""}; an OA admin must grant access again (see /healthz)`);
  }

  async function markDead(reason: string, spent: string | undefined): Promise<never> {
    if (spent !== undefined && spent === config.refreshToken) configTokenRefused = true;
    const clean = redact(reason).slice(0, 300);
    const mark = spent === undefined ? DEAD : `${DEAD} (token ${fingerprint(spent)})`;
    await releaseLease({ lastError: `${mark}: ${clean}`, lastErrorAt: deps.now() });
    throw learnDead(clean);
  }

  const deadReason = (row: Row): string =>
    isDead(row) ? (DEAD_MARK.exec(row.lastError ?? "")?.[2] ?? "") : "there is no refresh token: ZALO_REFRESH_TOKEN is not set and none is stored";

  /** With the lease held: refresh unless another process already did. */
  async function refreshHoldingLease(stale: string | undefined): Promise<Held> {
    let row: Row | undefined;
    let spent: string | undefined;
    let pair: TokenPair | undefined;
    try {
      row = await readRow();
      const fresh = storedToken(row, stale);
      if (fresh) {
        await releaseLease();
        return fresh;
      }
      spent = pickRefreshToken(row);
      if (spent) pair = await refreshTokens({ ...config, refreshToken: spent, timeoutMs: options.callTimeoutMs });
    } catch (error) {
      if (error instanceof OAuthRefusedError) return markDead(error.message.replace(/^Zalo OAuth refused the refresh: /, ""), spent);
      const failure = toSendError(error, "oauth refresh", redact, deps.now());
      await releaseLease({ lastError: failure.message.slice(0, 500), lastErrorAt: deps.now() }).catch(() => undefined);
      throw failure;
    }
    if (!spent || !pair) {
      if (!isDead(row)) return markDead(deadReason(row), undefined);
      await releaseLease(); // already marked, with the refused token's fingerprint: keep it
      throw learnDead(deadReason(row));
    }
    return storeOrKeep({ pair, spent });
  }

  /** Zalo has rotated the pair: storing it is the only way not to lose access, so a failed write is retried. */
  async function storeOrKeep(rotated: { pair: TokenPair; spent: string }): Promise<Held> {
    for (const delayMs of [0, 200, 1_000]) {
      if (delayMs) await sleep(delayMs);
      try {
        const stored = await store(rotated.pair, rotated.spent);
        unsaved = undefined;
        return stored;
      } catch (error) {
        unsaved = rotated;
        log.error({ err: error }, "zalo token refresh: could not store the new token pair; keeping it in memory and trying again");
      }
    }
    throw new SendError("connection", "zalo: the new access token could not be stored yet; it is not used until it is");
  }

  /** Gets a token different from `stale`: from the row when another process refreshed, else by refreshing. */
  async function obtain(stale: string | undefined): Promise<Held> {
    if (unsaved) return storeOrKeep(unsaved);
    const row = await readRow();
    const fresh = storedToken(row, stale);
    if (fresh) {
      if (!isDead(row)) dead = undefined;
      return fresh;
    }
    if (isDead(row) && !pickRefreshToken(row)) throw learnDead(deadReason(row));
    const giveUpAt = Date.now() + options.leaseMs * 2 + options.callTimeoutMs;
    for (;;) {
      if (await claimLease()) return refreshHoldingLease(stale);
      // Another process is refreshing: wait for its pair (or for its lease to run out).
      await sleep(options.waitPollMs);
      const after = await readRow();
      const theirs = storedToken(after, stale);
      if (theirs) return theirs;
      if (isDead(after) && !after.refreshingBy && !pickRefreshToken(after)) throw learnDead(deadReason(after));
      if (Date.now() > giveUpAt) throw new SendError("connection", "zalo: timed out waiting for another process to refresh the access token");
    }
  }

  /**
   * One obtain at a time in this process. When the current token is only due (not refused), a transient failure
   * falls back to it while it still works.
   */
  function single(current: string | undefined, refused: boolean): Promise<Held> {
    const fallback = held;
    flight ??= obtain(current)
      .catch((error: unknown) => {
        const failure = error instanceof SendError ? error : toSendError(error, "token", redact, deps.now());
        if (!refused && failure.kind !== "config" && usable(fallback)) {
          log.warn({ kind: failure.kind, err: failure }, "zalo token refresh failed; using the current token while it lasts");
          return fallback;
        }
        throw failure;
      })
      .finally(() => {
        flight = undefined;
      });
    return flight;
  }

  return {
    redact,

    async accessToken() {
      if (held && now() < held.refreshAt && held.expiresAt - now() > SAFETY_MS) return held.token;
      return (await single(held?.token, false)).token;
    },

    async replaceRejected(rejected) {
      if (usable(held, rejected)) return held.token;
      let next = await single(rejected, true);
      // Joined a flight that was started for another reason and adopted the very token Zalo refused.
      if (next.token === rejected) next = await single(rejected, true);
      return next.token;
    },

    async load() {
      const row = await readRow();
      if (isDead(row) && !pickRefreshToken(row)) learnDead(deadReason(row));
      storedToken(row);
      remember(row.refreshTokenEnc ? vault.decrypt(row.refreshTokenEnc) : undefined);
    },

    async refreshIfDue() {
      if (dead) return;
      if (!held) {
        const row = await readRow();
        if (!row.accessTokenEnc) return; // never used yet: the first exchange happens on the first send
        storedToken(row);
      }
      if (held && now() < held.refreshAt) return;
      await single(held?.token, false);
    },

    alarms() {
      return dead ? [{ code: REAUTH_ALARM, message: reauthMessage(config.appId, dead.reason) }] : [];
    },
  };
}

/** What an operator reads in /healthz and in the logs, in Vietnamese and English. */
export function reauthMessage(appId: string, reason: string): string {
  const why = reason ? ` (${reason})` : "";
  return [
    `Zalo cần được cấp quyền lại: Zalo đã từ chối refresh token${why}.`,
    `Quản trị viên của Official Account hãy vào trang Zalo for Developers (https://developers.zalo.me), mở ứng dụng ${appId}, cấp quyền lại cho OA,`,
    `rồi đặt ZALO_REFRESH_TOKEN bằng refresh token mới và khởi động lại Tin Báo. Trong lúc chờ, tin trả lời trên Zalo không gửi được.`,
    `/ Zalo access must be granted again: Zalo refused the refresh token${why}.`,
    `An admin of the Official Account must grant the app ${appId} access again in the Zalo developer console (https://developers.zalo.me),`,
    `then set ZALO_REFRESH_TOKEN to the new refresh token and restart Tin Báo. Until then, replies on Zalo cannot be sent.`,
    `(If the reason mentions the secret key or the app id, check ZALO_APP_ID and ZALO_APP_SECRET instead.)`,
  ].join(" ");
}
