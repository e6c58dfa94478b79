/**
 * Telegram message formatting (parse_mode) as the Bot API checks it: parse the markup, report the errors the real
 * server reports ("can't parse entities: ..."), and return the plain text so that lengths can be counted
 * "after entities parsing". Modelled on tdlib's parsers, simplified: nesting rules and entity-specific attributes are
 * checked only loosely.
 */

export type ParseResult = { ok: true; plain: string } | { ok: false; error: string };

/** Parse modes the Bot API accepts (case-insensitive), in their canonical spelling. */
export const PARSE_MODES = ['HTML', 'MarkdownV2', 'Markdown'] as const;
export type ParseMode = (typeof PARSE_MODES)[number];

/** The canonical parse mode for a user-supplied value, or undefined if the Bot API would reject it. */
export function canonicalParseMode(value: string): ParseMode | undefined {
  return PARSE_MODES.find((mode) => mode.toLowerCase() === value.toLowerCase());
}

/** Length as the fake counts it: Unicode code points after NFC normalisation. */
export function countCharacters(text: string): number {
  return [...text.normalize('NFC')].length;
}

/** Parse `text` written in `mode`; the error strings follow the Bot API's wording. */
export function parseFormattedText(text: string, mode: ParseMode): ParseResult {
  switch (mode) {
    case 'HTML':
      return parseHtml(text);
    case 'MarkdownV2':
      return parseMarkdownV2(text);
    case 'Markdown':
      return parseLegacyMarkdown(text);
  }
}

const ok = (plain: string): ParseResult => ({ ok: true, plain });
const fail = (error: string): ParseResult => ({ ok: false, error: `can't parse entities: ${error}` });
const byteOffset = (text: string, index: number): number => Buffer.byteLength(text.slice(0, index), 'utf8');

const HTML_TAGS = new Set([
  'b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'span', 'tg-spoiler',
  'a', 'tg-emoji', 'code', 'pre', 'blockquote',
]);
const HTML_ENTITY = /^&(?:(lt|gt|amp|quot)|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));/;
const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

function parseHtml(text: string): ParseResult {
  let plain = '';
  const open: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '&') {
      // Like tdlib: a recognised entity is decoded, anything else is kept literally.
      const m = HTML_ENTITY.exec(text.slice(i, i + 12));
      if (m) {
        plain += m[1] ? NAMED_ENTITIES[m[1]] : String.fromCodePoint(m[2] ? Number(m[2]) : parseInt(m[3] ?? '0', 16));
        i += m[0].length;
      } else {
        plain += c;
        i += 1;
      }
      continue;
    }
    if (c !== '<') {
      plain += c;
      i += 1;
      continue;
    }
    const offset = byteOffset(text, i);
    const isEndTag = text[i + 1] === '/';
    const name = (/^[^\s/>]*/.exec(text.slice(i + (isEndTag ? 2 : 1)))?.[0] ?? '').toLowerCase();
    if (!isEndTag && !HTML_TAGS.has(name)) return fail(`Unsupported start tag "${name}" at byte offset ${offset}`);
    const end = text.indexOf('>', i);
    if (end < 0) return fail(`Unclosed ${isEndTag ? 'end' : 'start'} tag at byte offset ${offset}`);
    if (isEndTag) {
      const expected = open.pop();
      if (expected === undefined) return fail(`Unexpected end tag at byte offset ${offset}`);
      if (name !== '' && name !== expected) {
        return fail(`Unmatched end tag at byte offset ${offset}, expected "</${expected}>", found "</${name}>"`);
      }
    } else {
      if (name === 'span' && !/class\s*=\s*["']?tg-spoiler/.test(text.slice(i, end))) {
        return fail(`Tag "span" must have class "tg-spoiler" at byte offset ${offset}`);
      }
      open.push(name);
    }
    i = end + 1;
  }
  const unclosed = open.at(-1);
  if (unclosed !== undefined) return fail(`Can't find end tag corresponding to start tag "${unclosed}"`);
  return ok(plain);
}

const MARKDOWN_V2_RESERVED = '_*[]()~`>#+-=|{}.!';

/** Index of `needle` at or after `from`, skipping backslash-escaped characters; -1 if absent. */
function indexOfUnescaped(text: string, needle: string, from: number): number {
  for (let i = from; i < text.length; i += 1) {
    if (text[i] === '\\') i += 1;
    else if (text.startsWith(needle, i)) return i;
  }
  return -1;
}

const unescapeMarkdown = (text: string): string => text.replace(/\\([\u0001-\u007e])/g, '$1');

function parseMarkdownV2(text: string): ParseResult {
  let plain = '';
  const open: { marker: string; entity: string; offset: number }[] = [];
  const toggle = (marker: string, entity: string, at: number): void => {
    if (open.at(-1)?.marker === marker) open.pop();
    else open.push({ marker, entity, offset: byteOffset(text, at) });
  };
  const reserved = (c: string): ParseResult =>
    fail(`Character '${c}' is reserved and must be escaped with the preceding '\\'`);

  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    const next = text[i + 1];
    const atLineStart = i === 0 || text[i - 1] === '\n';
    if (c === '\\') {
      if (next !== undefined && next.charCodeAt(0) <= 126) {
        plain += next;
        i += 2;
      } else {
        plain += c;
        i += 1;
      }
      continue;
    }
    if (!MARKDOWN_V2_RESERVED.includes(c)) {
      plain += c;
      i += 1;
      continue;
    }
    switch (c) {
      case '`': {
        const fence = text.startsWith('```', i) ? '```' : '`';
        const end = indexOfUnescaped(text, fence, i + fence.length);
        if (end < 0) return fail(`Can't find end of ${fence === '```' ? 'Pre' : 'Code'} entity at byte offset ${byteOffset(text, i)}`);
        let content = text.slice(i + fence.length, end);
        if (fence === '```' && /^[^\s`]*\n/.test(content)) content = content.slice(content.indexOf('\n') + 1);
        plain += unescapeMarkdown(content);
        i = end + fence.length;
        continue;
      }
      case '*':
        if (atLineStart && text.startsWith('**>', i)) {
          i += 3; // expandable block quotation
          continue;
        }
        toggle('*', 'Bold', i);
        i += 1;
        continue;
      case '_':
        if (next === '_') {
          toggle('__', 'Underline', i);
          i += 2;
        } else {
          toggle('_', 'Italic', i);
          i += 1;
        }
        continue;
      case '~':
        toggle('~', 'Strikethrough', i);
        i += 1;
        continue;
      case '|':
        if (next !== '|') return reserved(c);
        toggle('||', 'Spoiler', i);
        i += 2;
        continue;
      case '!':
        if (next !== '[') return reserved(c);
        open.push({ marker: '[', entity: 'CustomEmoji', offset: byteOffset(text, i) });
        i += 2;
        continue;
      case '[':
        open.push({ marker: '[', entity: 'TextUrl', offset: byteOffset(text, i) });
        i += 1;
        continue;
      case ']': {
        if (open.at(-1)?.marker !== '[') return reserved(c);
        open.pop();
        if (next !== '(') {
          i += 1;
          continue;
        }
        const end = indexOfUnescaped(text, ')', i + 2);
        if (end < 0) return fail(`Can't find end of a URL at byte offset ${byteOffset(text, i + 1)}`);
        i = end + 1;
        continue;
      }
      case '>':
        if (!atLineStart) return reserved(c);
        i += 1;
        continue;
      default:
        return reserved(c);
    }
  }
  const first = open[0];
  if (first) return fail(`Can't find end of ${first.entity} entity at byte offset ${first.offset}`);
  return ok(plain);
}

function parseLegacyMarkdown(text: string): ParseResult {
  let plain = '';
  let i = 0;
  const unclosed = (at: number): ParseResult =>
    fail(`Can't find end of the entity starting at byte offset ${byteOffset(text, at)}`);
  while (i < text.length) {
    const c = text[i] as string;
    const next = text[i + 1];
    if (c === '\\' && next !== undefined && '_*`['.includes(next)) {
      plain += next;
      i += 2;
    } else if (c === '*' || c === '_' || c === '`') {
      const marker = c === '`' && text.startsWith('```', i) ? '```' : c;
      const end = text.indexOf(marker, i + marker.length);
      if (end < 0) return unclosed(i);
      plain += text.slice(i + marker.length, end);
      i = end + marker.length;
    } else if (c === '[') {
      const close = text.indexOf(']', i + 1);
      if (close < 0) return unclosed(i);
      plain += text.slice(i + 1, close);
      i = close + 1;
      if (text[i] === '(') {
        const end = text.indexOf(')', i + 1);
        if (end < 0) return unclosed(i);
        i = end + 1;
      }
    } else {
      plain += c;
      i += 1;
    }
  }
  return ok(plain);
}
