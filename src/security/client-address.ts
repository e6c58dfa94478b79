/**
 * The part of a client address that a limit counts against: an IPv4 address as it is (also when
 * written IPv4-mapped, "::ffff:1.2.3.4"), an IPv6 address by its /64 network, which one customer
 * usually holds whole and can rotate through at will. Give it `req.ip`, which follows TRUST_PROXY.
 *
 * @example addressScope("2001:db8:1:2:a:b:c:d") === "2001:db8:1:2::/64"
 */
import { isIPv4, isIPv6 } from "node:net";

export function addressScope(ip: string | null | undefined): string {
  if (!ip) return "unknown";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (isIPv4(ip)) return ip;
  if (!isIPv6(ip)) return ip;
  return `${ipv6Groups(ip.split("%")[0]!).slice(0, 4).join(":")}::/64`;
}

/** The eight groups of an IPv6 address, "::" expanded, leading zeros dropped. */
function ipv6Groups(ip: string): string[] {
  const [head = "", tail] = ip.split("::");
  const part = (s: string) => (s ? s.split(":").flatMap((g) => (g.includes(".") ? ["0", "0"] : [g])) : []);
  const h = part(head);
  const t = tail === undefined ? [] : part(tail);
  return [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill("0"), ...t].map((g) => parseInt(g, 16).toString(16));
}
