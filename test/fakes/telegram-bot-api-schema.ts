/**
 * The machine-readable Telegram Bot API spec (PaulSonOfLars/telegram-bot-api-spec format) and a validator that checks
 * method parameters and objects against it, recursively. Besides types and required fields, it enforces the rules
 * the spec states in prose and the real server enforces: "1-64 bytes" / "0-1024 characters after entities parsing"
 * limits, `always "x"` discriminators of union members, "exactly/at most one of the fields", "Required if ... is not
 * specified", and parse_mode markup.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { canonicalParseMode, countCharacters, parseFormattedText } from './telegram-formatting.ts';

export interface SpecField {
  name: string;
  types: string[];
  required: boolean;
  description: string;
}

export interface SpecMethod {
  name: string;
  fields?: SpecField[];
  returns: string[];
  description?: string[];
}

export interface SpecType {
  name: string;
  fields?: SpecField[];
  subtypes?: string[];
  subtype_of?: string[];
  description?: string[];
}

export interface BotApiSpec {
  version?: string;
  methods: Record<string, SpecMethod>;
  types: Record<string, SpecType>;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Where the spec is looked for when neither an option nor `TELEGRAM_BOT_API_SPEC` says otherwise. */
export const DEFAULT_SPEC_PATH = path.resolve(repoRoot, '../shared/data/telegram-bot-api-10.1.json');

/** The spec path in effect: explicit argument, then env `TELEGRAM_BOT_API_SPEC`, then {@link DEFAULT_SPEC_PATH}. */
export function resolveSpecPath(explicit?: string): string {
  return path.resolve(explicit ?? process.env['TELEGRAM_BOT_API_SPEC'] ?? DEFAULT_SPEC_PATH);
}

/** The resolved spec path (at import time); tests use it in skip messages. */
export const specPath = resolveSpecPath();

/** Whether the spec file exists, so tests can `describe.runIf(specAvailable())`. */
export function specAvailable(explicit?: string): boolean {
  return existsSync(resolveSpecPath(explicit));
}

const specCache = new Map<string, BotApiSpec>();

/** Load (and cache) the spec; throws a clear error when the file is missing or malformed. */
export function loadSpec(explicit?: string): BotApiSpec {
  const file = resolveSpecPath(explicit);
  const cached = specCache.get(file);
  if (cached) return cached;
  if (!existsSync(file)) {
    throw new Error(`Telegram Bot API spec not found at ${file} (set TELEGRAM_BOT_API_SPEC to its path)`);
  }
  const spec = JSON.parse(readFileSync(file, 'utf8')) as BotApiSpec;
  if (typeof spec.methods !== 'object' || typeof spec.types !== 'object') {
    throw new Error(`${file} is not a Bot API spec: expected "methods" and "types" objects`);
  }
  specCache.set(file, spec);
  return spec;
}

/** A file part of a multipart request. Uploaded files stand in for `InputFile` values in parsed parameters. */
export class UploadedFile {
  constructor(
    /** Multipart field name. */
    readonly field: string,
    readonly filename: string,
    readonly contentType: string,
    readonly data: Buffer,
  ) {}

  get size(): number {
    return this.data.length;
  }

  /** Compact form for logs and `toEqual` assertions. */
  toJSON(): { field: string; filename: string; contentType: string; size: number } {
    return { field: this.field, filename: this.filename, contentType: this.contentType, size: this.size };
  }
}

/** The first thing wrong with a value: `description` is the Bot API wording, without the "Bad Request: " prefix. */
export interface Issue {
  path: string;
  description: string;
}

type Json = Record<string, unknown>;

const isPlainObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof UploadedFile);

const PRIMITIVES = new Set(['String', 'Integer', 'Float', 'Boolean', 'InputFile']);

const describeValue = (value: unknown): string => {
  if (value instanceof UploadedFile) return 'an uploaded file';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
};

const join = (parent: string, key: string): string => (parent ? `${parent}.${key}` : key);

/** Rules the spec states in a field's description. */
interface FieldRules {
  /** `always "x"` / `must be x`: the only allowed value (discriminates union members). */
  constant?: string;
  length?: { min: number; max: number; unit: 'characters' | 'bytes'; afterEntities: boolean };
  /** "Required if a and b are not specified": required unless all of these are present. */
  requiredUnless?: string[];
}

/** Rules the spec states in a type's description. */
interface TypeRules {
  /** "Exactly/At most one of the fields other than ..." */
  oneOf?: { exactly: boolean; except: Set<string> };
  /** "At most one of the optional fields can be present" (Update). */
  atMostOneOptional?: boolean;
  /** "String can be used instead of this object" (KeyboardButton). */
  stringAllowed?: boolean;
}

function fieldRules(field: SpecField): FieldRules {
  const rules: FieldRules = {};
  const text = field.description;
  if (field.types.length === 1 && field.types[0] === 'String') {
    const constant = /(?:^|, )(?:always "([^"]+)"|must be ([a-z][a-z0-9_]*))$/.exec(text);
    const constantValue = constant?.[1] ?? constant?.[2];
    if (constantValue !== undefined) rules.constant = constantValue;
    const length = /(\d+)-(\d+) (characters|bytes)( after entit(?:y|ies) parsing)?/.exec(text);
    if (length) {
      rules.length = {
        min: Number(length[1]),
        max: Number(length[2]),
        unit: length[3] === 'bytes' ? 'bytes' : 'characters',
        afterEntities: Boolean(length[4]),
      };
    }
  }
  const requiredIf = /Required if (\w+)(?: and (\w+))? (?:is|are) not specified/.exec(text);
  if (requiredIf) rules.requiredUnless = [requiredIf[1], requiredIf[2]].filter((name): name is string => !!name);
  return rules;
}

function typeRules(type: SpecType): TypeRules {
  const text = (type.description ?? []).join('\n');
  const rules: TypeRules = {};
  const oneOf = /(Exactly|At most) one of the fields other than (.+?) (?:must|can) be used/.exec(text);
  if (oneOf) {
    const except = (oneOf[2] ?? '').split(/,\s*(?:and\s+)?|\s+and\s+/).map((name) => name.trim());
    rules.oneOf = { exactly: oneOf[1] === 'Exactly', except: new Set(except) };
  }
  if (/At most one of the optional fields can be present/.test(text)) rules.atMostOneOptional = true;
  if (/String can be used instead of this object/.test(text)) rules.stringAllowed = true;
  return rules;
}

/** Real Bot API wording for the commonest length errors. */
function lengthDescription(name: string, count: number, rules: NonNullable<FieldRules['length']>, where: string): string {
  const detail = `(${where}: ${count} ${rules.unit}, allowed ${rules.min}-${rules.max})`;
  if (where === 'text') return `${count < rules.min ? 'message text is empty' : 'message is too long'} ${detail}`;
  if (where === 'caption') return `message caption is too long ${detail}`;
  if (name === 'callback_data') return `BUTTON_DATA_INVALID ${detail}`;
  return `${where} must be ${rules.min}-${rules.max} ${rules.unit} long, got ${count}`;
}

interface Context {
  /** Uploaded parts by field name, for `attach://<name>` references. */
  uploads: ReadonlyMap<string, UploadedFile>;
  referenced: Set<string>;
}

/** Validates Bot API calls and objects against a {@link BotApiSpec}. */
export class BotApiValidator {
  private readonly methodsByLowerName = new Map<string, SpecMethod>();
  private readonly fieldRuleCache = new WeakMap<SpecField, FieldRules>();
  private readonly typeRuleCache = new WeakMap<SpecType, TypeRules>();

  constructor(readonly spec: BotApiSpec) {
    for (const method of Object.values(spec.methods)) this.methodsByLowerName.set(method.name.toLowerCase(), method);
  }

  /** The method's spec; like the real server, method names are case-insensitive. */
  method(name: string): SpecMethod | undefined {
    return this.methodsByLowerName.get(name.toLowerCase());
  }

  /** First issue of `value` against a type expression such as "Update" or "Array of PhotoSize". */
  checkValue(typeExpression: string, value: unknown, at = ''): Issue | undefined {
    return this.checkAny([typeExpression], value, at, { uploads: new Map(), referenced: new Set() });
  }

  /**
   * First issue of a call's parameters. `params` holds parsed values (uploaded files as {@link UploadedFile});
   * `uploads` holds every file part, so that `attach://` references and stray parts can be checked.
   */
  checkCall(method: SpecMethod, params: Json, uploads: ReadonlyMap<string, UploadedFile> = new Map()): Issue | undefined {
    const context: Context = { uploads, referenced: new Set() };
    const issue = this.checkFields(method.fields ?? [], params, '', context, `method ${method.name}`);
    if (issue) return issue;
    for (const [name, file] of uploads) {
      if (params[name] !== file && !context.referenced.has(name)) {
        return { path: name, description: `unexpected uploaded file "${name}" (${file.filename}): not a parameter of ${method.name} nor attach://${name}` };
      }
    }
    return undefined;
  }

  private checkFields(fields: SpecField[], value: Json, at: string, context: Context, owner: string): Issue | undefined {
    const known = new Map(fields.map((field) => [field.name, field]));
    for (const key of Object.keys(value)) {
      if (!known.has(key)) return { path: join(at, key), description: `unknown field "${join(at, key)}" for ${owner}` };
    }
    const present = (name: string): boolean => value[name] !== undefined && value[name] !== null;
    for (const field of fields) {
      const where = join(at, field.name);
      const rules = this.rulesOf(field);
      if (!present(field.name)) {
        if (field.required) {
          const description = where === 'text' ? `message text is empty (${where} is required)` : `${where} is required by ${owner}`;
          return { path: where, description };
        }
        if (rules.requiredUnless && !rules.requiredUnless.every(present)) {
          return { path: where, description: `${where} is required if ${rules.requiredUnless.join(' and ')} ${rules.requiredUnless.length > 1 ? 'are' : 'is'} not specified` };
        }
        continue;
      }
      const fieldValue = value[field.name];
      const issue =
        this.checkAny(field.types, fieldValue, where, context) ?? this.checkFieldRules(field, rules, value, where);
      if (issue) return issue;
    }
    return undefined;
  }

  private checkFieldRules(field: SpecField, rules: FieldRules, parent: Json, where: string): Issue | undefined {
    const value = parent[field.name];
    if (typeof value !== 'string') return undefined;
    if (rules.constant !== undefined && value !== rules.constant) {
      return { path: where, description: `${where} must be "${rules.constant}", got ${describeValue(value)}` };
    }
    if (/parse_mode$/.test(field.name) && !canonicalParseMode(value)) {
      return { path: where, description: `unsupported parse_mode ${JSON.stringify(value)} (${where})` };
    }
    if (!rules.length) return undefined;
    let text = value;
    if (rules.length.afterEntities) {
      const modeField = parent[`${field.name}_parse_mode`] !== undefined ? `${field.name}_parse_mode` : 'parse_mode';
      const mode = typeof parent[modeField] === 'string' ? canonicalParseMode(parent[modeField]) : undefined;
      if (mode) {
        const parsed = parseFormattedText(value, mode);
        if (!parsed.ok) return { path: where, description: `${parsed.error} (${where}, parse_mode ${mode})` };
        text = parsed.plain;
      }
      if (rules.length.min > 0) text = text.trim();
    }
    const count = rules.length.unit === 'bytes' ? Buffer.byteLength(text, 'utf8') : countCharacters(text);
    if (count < rules.length.min || count > rules.length.max) {
      return { path: where, description: lengthDescription(field.name, count, rules.length, where) };
    }
    return undefined;
  }

  /** Passes if the value matches any of the type expressions; otherwise reports the issue of the closest one. */
  private checkAny(types: readonly string[], value: unknown, at: string, context: Context): Issue | undefined {
    const failures: { issue: Issue; score: number }[] = [];
    for (const type of types) {
      const issue = this.checkOne(type, value, at, context);
      if (!issue) return undefined;
      failures.push({ issue, score: this.closeness(type, value) });
    }
    if (failures.length === 1) return failures[0]?.issue;
    const best = Math.max(...failures.map((failure) => failure.score));
    const closest = failures.filter((failure) => failure.score === best);
    if (closest.length === 1 && best > 0) return closest[0]?.issue;
    return { path: at, description: `${at || 'value'} must be ${types.join(' or ')}, got ${describeValue(value)}` };
  }

  /** How well an object value fits a named type: the number of its keys the type knows (0 if not applicable). */
  private closeness(type: string, value: unknown): number {
    const spec = this.spec.types[type];
    if (!isPlainObject(value) || !spec) return 0;
    if (spec.subtypes) return Math.max(0, ...spec.subtypes.map((subtype) => this.closeness(subtype, value)));
    const names = new Set((spec.fields ?? []).map((field) => field.name));
    const constantFits = (spec.fields ?? []).every((field) => {
      const constant = this.rulesOf(field).constant;
      return constant === undefined || value[field.name] === constant;
    });
    return Object.keys(value).filter((key) => names.has(key)).length + (constantFits ? 1 : 0);
  }

  private checkOne(type: string, value: unknown, at: string, context: Context): Issue | undefined {
    const mismatch = (): Issue => ({ path: at, description: `${at || 'value'} must be ${type}, got ${describeValue(value)}` });
    if (type.startsWith('Array of ')) {
      if (!Array.isArray(value)) return mismatch();
      const itemType = type.slice('Array of '.length);
      for (const [index, item] of value.entries()) {
        const issue = this.checkAny([itemType], item, `${at}[${index}]`, context);
        if (issue) return issue;
      }
      return undefined;
    }
    if (PRIMITIVES.has(type)) return this.checkPrimitive(type, value, at, context) ? undefined : mismatch();
    const spec = this.spec.types[type];
    if (!spec) return undefined; // a type the spec does not describe: nothing to check against
    if (spec.subtypes) return this.checkAny(spec.subtypes, value, at, context);
    const rules = this.typeRulesOf(spec);
    if (rules.stringAllowed && typeof value === 'string') return undefined;
    if (!isPlainObject(value)) return mismatch();
    return this.checkFields(spec.fields ?? [], value, at, context, type) ?? this.checkTypeRules(spec, rules, value, at);
  }

  private checkPrimitive(type: string, value: unknown, at: string, context: Context): boolean {
    switch (type) {
      case 'String':
        return typeof value === 'string' && this.checkAttachReference(value, context);
      case 'Integer':
        return typeof value === 'number' && Number.isSafeInteger(value);
      case 'Float':
        return typeof value === 'number' && Number.isFinite(value);
      case 'Boolean':
        return typeof value === 'boolean';
      case 'InputFile':
        if (value instanceof UploadedFile) return true;
        return typeof value === 'string' && value.startsWith('attach://') && this.checkAttachReference(value, context);
      default:
        return false;
    }
  }

  /** `attach://<name>` must name an uploaded part; marks it as used. */
  private checkAttachReference(value: string, context: Context): boolean {
    if (!value.startsWith('attach://')) return true;
    const name = value.slice('attach://'.length);
    if (!context.uploads.has(name)) return false;
    context.referenced.add(name);
    return true;
  }

  private checkTypeRules(spec: SpecType, rules: TypeRules, value: Json, at: string): Issue | undefined {
    const present = Object.keys(value).filter((key) => value[key] !== undefined && value[key] !== null);
    if (rules.oneOf) {
      const kinds = present.filter((key) => !rules.oneOf?.except.has(key));
      if (kinds.length > 1 || (rules.oneOf.exactly && kinds.length === 0)) {
        const description =
          spec.name === 'InlineKeyboardButton' && kinds.length === 0
            ? `can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard (${at})`
            : `${at || spec.name}: ${rules.oneOf.exactly ? 'exactly' : 'at most'} one of the optional ${spec.name} fields other than ${[...rules.oneOf.except].join(', ')} must be used, got ${kinds.length ? kinds.join(', ') : 'none'}`;
        return { path: at, description };
      }
    }
    if (rules.atMostOneOptional) {
      const required = new Set((spec.fields ?? []).filter((field) => field.required).map((field) => field.name));
      const optional = present.filter((key) => !required.has(key));
      if (optional.length > 1) {
        return { path: at, description: `${at || spec.name}: at most one optional field can be present, got ${optional.join(', ')}` };
      }
    }
    return undefined;
  }

  private rulesOf(field: SpecField): FieldRules {
    let rules = this.fieldRuleCache.get(field);
    if (!rules) {
      rules = fieldRules(field);
      this.fieldRuleCache.set(field, rules);
    }
    return rules;
  }

  private typeRulesOf(type: SpecType): TypeRules {
    let rules = this.typeRuleCache.get(type);
    if (!rules) {
      rules = typeRules(type);
      this.typeRuleCache.set(type, rules);
    }
    return rules;
  }
}

/**
 * Turn form values (urlencoded or multipart text parts; all strings) into typed values, trying the field's types in
 * order: "123" becomes 123 for Integer, "true" becomes true for Boolean, JSON text is parsed for object and array
 * types. A value that fits none is kept as is, and validation then reports it.
 */
export function coerceFormValue(field: SpecField | undefined, raw: string): unknown {
  if (!field) return raw;
  for (const type of field.types) {
    if (type === 'String' || type === 'InputFile') return raw;
    if (type === 'Integer' && /^-?\d+$/.test(raw)) return Number(raw);
    if (type === 'Float' && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
    if (type === 'Boolean' && /^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true';
    if (!PRIMITIVES.has(type)) {
      const parsed = parseJson(raw);
      if (parsed !== undefined) return parsed;
    }
  }
  return raw;
}

/**
 * In JSON bodies the real server also accepts objects and arrays serialised as JSON strings (as form bodies send
 * them); primitives are not coerced.
 */
export function coerceJsonValue(field: SpecField | undefined, value: unknown): unknown {
  if (!field || typeof value !== 'string' || field.types.some((type) => PRIMITIVES.has(type))) return value;
  return parseJson(value) ?? value;
}

function parseJson(raw: string): unknown {
  if (!/^\s*[[{]/.test(raw)) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}
