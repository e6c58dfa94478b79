/**
 * Structured JSON logs (pino). Stable keys: tipId, channel, contactRef, eventId, outboxId.
 * Personal data and secrets are redacted by key; code must log `contactRef` (a keyed hash), never ids.
 */
import pino, { type DestinationStream, type Logger } from "pino";

export type { Logger };

const REDACT = [
  "token", "*.token", "password", "*.password", "secret", "*.secret", "phone", "*.phone", "name", "*.name",
  "platformId", "*.platformId", "chatId", "*.chatId", "displayName", "*.displayName", "payload", "*.payload",
  "headers", "*.headers", "req.headers", "authorization", "cookie",
];

/** Replaces bot tokens inside strings (URLs in error messages carry them: /bot123:ABC/...). */
export function scrubSecrets(text: string): string {
  return text.replace(/bot\d+:[A-Za-z0-9_-]+/g, "bot<redacted>").replace(/access_token=[^&\s"]+/g, "access_token=<redacted>");
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "tinbao" },
      redact: { paths: REDACT, censor: "[redacted]" },
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === "string" ? scrubSecrets(a) : a)) as Parameters<typeof method>,
          );
        },
      },
      serializers: {
        err: (e: Error) => ({ type: e.name, message: scrubSecrets(e.message), stack: e.stack ? scrubSecrets(e.stack) : undefined }),
      },
    },
    destination,
  );
}
