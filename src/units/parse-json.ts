/**
 * JSON.parse that remembers where every object and array started, so an importer can say
 * "line 1204, column 7: …" about a commune in a 4 MB file, and reports syntax errors by line too.
 *
 * @example const { value, where } = parseJsonWithLines(text); where(value[3]) // "line 40, column 3"
 */

export class JsonSyntaxError extends Error {
  override name = "JsonSyntaxError";
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`line ${line}, column ${column}: ${message}`);
  }
}

const LITERALS: [string, unknown][] = [
  ["true", true],
  ["false", false],
  ["null", null],
];

export interface LocatedJson {
  value: unknown;
  /** "line L, column C" where this object or array starts (undefined for primitives). */
  where(node: unknown): string | undefined;
  /** The 1-based line where this object or array starts. */
  lineOf(node: unknown): number | undefined;
}

export function parseJsonWithLines(text: string): LocatedJson {
  const starts = new WeakMap<object, number>();
  let i = 0;
  // Line starts, computed lazily only for the offsets someone asks about.
  let lineStarts: number[] | undefined;
  const position = (offset: number): { line: number; column: number } => {
    lineStarts ??= computeLineStarts(text);
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
  };
  const fail = (message: string, at = i): never => {
    const { line, column } = position(Math.min(at, text.length));
    throw new JsonSyntaxError(message, line, column);
  };
  const ws = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else return;
    }
  };
  const describe = (at: number) => (at >= text.length ? "end of file" : `"${text[at]}"`);

  const parseValue = (): unknown => {
    ws();
    const c = text[i];
    if (c === "{") return parseObject();
    if (c === "[") return parseArray();
    if (c === '"') return parseString();
    for (const [word, value] of LITERALS) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return value;
      }
    }
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return parseNumber();
    return fail(`unexpected ${describe(i)}, expected a value`);
  };

  const parseObject = (): Record<string, unknown> => {
    const start = i++;
    const out: Record<string, unknown> = {};
    starts.set(out, start);
    ws();
    if (text[i] === "}") {
      i++;
      return out;
    }
    for (;;) {
      ws();
      if (text[i] !== '"') fail(`unexpected ${describe(i)}, expected a property name in double quotes`);
      const key = parseString();
      ws();
      if (text[i] !== ":") fail(`unexpected ${describe(i)}, expected ":"`);
      i++;
      const value = parseValue();
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      ws();
      if (text[i] === ",") {
        i++;
        ws();
        if (text[i] === "}") fail('trailing comma before "}"');
        continue;
      }
      if (text[i] === "}") {
        i++;
        return out;
      }
      fail(`unexpected ${describe(i)}, expected "," or "}"`);
    }
  };

  const parseArray = (): unknown[] => {
    const start = i++;
    const out: unknown[] = [];
    starts.set(out, start);
    ws();
    if (text[i] === "]") {
      i++;
      return out;
    }
    for (;;) {
      out.push(parseValue());
      ws();
      if (text[i] === ",") {
        i++;
        ws();
        if (text[i] === "]") fail('trailing comma before "]"');
        continue;
      }
      if (text[i] === "]") {
        i++;
        return out;
      }
      fail(`unexpected ${describe(i)}, expected "," or "]"`);
    }
  };

  const parseString = (): string => {
    const start = i++;
    let out = "";
    let chunk = i;
    for (;;) {
      const c = text.charCodeAt(i);
      if (Number.isNaN(c)) fail("unterminated string", start);
      if (c === 34) {
        out += text.slice(chunk, i++);
        return out;
      }
      if (c < 32) fail("control character in a string");
      if (c === 92) {
        out += text.slice(chunk, i);
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
        if (e !== undefined && e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else {
          fail("bad escape in a string");
        }
        chunk = i;
        continue;
      }
      i++;
    }
  };

  const parseNumber = (): number => {
    const start = i;
    if (text.charCodeAt(i) === 45) i++; // -
    const digits = () => {
      const from = i;
      while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
      return i - from;
    };
    const intStart = i;
    const intDigits = digits();
    if (intDigits === 0 || (intDigits > 1 && text.charCodeAt(intStart) === 48)) fail("bad number", start);
    if (text.charCodeAt(i) === 46) {
      i++; // .
      if (digits() === 0) fail("bad number", start);
    }
    const e = text.charCodeAt(i);
    if (e === 101 || e === 69) {
      i++;
      if (text.charCodeAt(i) === 43 || text.charCodeAt(i) === 45) i++;
      if (digits() === 0) fail("bad number", start);
    }
    return Number(text.slice(start, i));
  };

  if (text.charCodeAt(0) === 0xfeff) i = 1;
  const value = parseValue();
  ws();
  if (i < text.length) fail(`unexpected ${describe(i)} after the end of the JSON value`);

  const lineOf = (node: unknown) => {
    if (!node || typeof node !== "object") return undefined;
    const at = starts.get(node);
    return at === undefined ? undefined : position(at).line;
  };
  return {
    value,
    lineOf,
    where(node) {
      if (!node || typeof node !== "object") return undefined;
      const at = starts.get(node);
      if (at === undefined) return undefined;
      const p = position(at);
      return `line ${p.line}, column ${p.column}`;
    },
  };
}

function computeLineStarts(text: string): number[] {
  const out = [0];
  for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) === 10) out.push(k + 1);
  return out;
}
