/**
 * Public tip references (`QN-7K3P9`) and follow-up secrets. The alphabet leaves out letters and
 * digits people confuse when reading aloud or writing by hand (0/O, 1/I/L, 2/Z, 5/S, 8/B, 6/G).
 */
import { randomInt } from "node:crypto";

const ALPHABET = "ACDEFHJKMNPRTUVWXY3479";
export const REFERENCE_PREFIX = "QN";

export function newReference(length = 5): string {
  let code = "";
  for (let i = 0; i < length; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return `${REFERENCE_PREFIX}-${code}`;
}

/** Accepts what people type ("qn 7k3p9", "QN-7K3P9", "7k3p9") and returns the canonical form. */
export function parseReference(input: string): string | undefined {
  const compact = input.toUpperCase().replace(/[^A-Z0-9]/g, "");
  const body = compact.startsWith(REFERENCE_PREFIX) ? compact.slice(REFERENCE_PREFIX.length) : compact;
  if (body.length < 5 || body.length > 8 || ![...body].every((c) => ALPHABET.includes(c))) return undefined;
  return `${REFERENCE_PREFIX}-${body}`;
}

/** An 8-digit secret: easy to write down and read aloud; checked with throttling. */
export function newSecret(): string {
  return String(randomInt(0, 100_000_000)).padStart(8, "0");
}

export function normalizeSecret(input: string): string {
  return input.replace(/\D/g, "");
}

/**
 * A tip's two codes typed in one message, as people type them: "QN-4N3JC 41233910",
 * "qn 4n3jc 41233910", "Mã QN4N3JC, mã bí mật 4123 3910". The "QN" is required, so an ordinary
 * word followed by a phone number is never taken for codes.
 *
 * @example findCodes("qn 4n3jc 4123 3910") // { reference: "QN-4N3JC", secret: "41233910" }
 */
export function findCodes(text: string): { reference: string; secret: string } | undefined {
  const upper = text.normalize("NFC").toUpperCase();
  const letters = ALPHABET.replace(/[0-9]/g, "");
  const digits = ALPHABET.replace(/[A-Z]/g, "");
  const pattern = new RegExp(`(?:^|[^A-Z0-9])${REFERENCE_PREFIX}[\\s\\-_.:]*([${letters}${digits}]{5,8})(?![A-Z0-9])[^0-9]{0,40}?(\\d(?:[\\s.\\-]?\\d){7})(?!\\d)`, "u");
  const m = pattern.exec(upper);
  if (!m) return undefined;
  return { reference: `${REFERENCE_PREFIX}-${m[1]}`, secret: m[2]!.replace(/\D/g, "") };
}
