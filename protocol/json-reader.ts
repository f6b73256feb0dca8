/**
 * The one JSON reader of the system (contract: "JSON rules" under "Transport" in docs/protocol.md).
 * A text is checked whole before anything in it is used: it must be one JSON object, no object may
 * repeat a key (compared after unescaping) or have more than 64 keys, nothing may sit deeper than
 * 8 levels, the text holds at most 256 values, no number is longer than 63 characters, and no
 * string may hold what C reads otherwise (\u0000, an unpaired surrogate). The
 * firmware's json_check.cpp applies the same rules in the same reading order, so both name the same
 * fault for every text (protocol/vectors/json.json).
 */
import { hasOwn, isObject, type JsonObject } from './json.ts';
import { fail, ok, type Result } from './result.ts';

export const JSON_LIMITS = {
  /** The outermost object is level 1; each object or array inside adds one. */
  maxDepth: 8,
  /** Far above the 17 keys of a STATE; lets the firmware find repeats in fixed memory. */
  maxKeysPerObject: 64,
  /**
   * Every value counts, the outermost object included. The largest real texts hold 70 (a LOG_ON
   * subscribing to 64 themes) and 66 (a STATE with 8 members); cJSON allocates one item per value,
   * so this bounds the thermostat's heap for one text.
   */
  maxValues: 256,
  /** Sign, digits, point and exponent: cJSON 1.7.15 as built for the thermostat refuses longer ones. */
  maxNumberLength: 63,
} as const;

export const JSON_FAULTS = [
  'syntax',
  'not_object',
  'too_deep',
  'duplicate_key',
  'too_many_keys',
  'too_many_values',
  'too_long_number',
] as const;
export type JsonFault = (typeof JSON_FAULTS)[number];

export interface JsonViolation {
  readonly fault: JsonFault;
  /** Index of the character (UTF-16 code unit) where the fault was found. */
  readonly at: number;
  readonly message: string;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

const isWhitespace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isDigit = (c: number): boolean => c >= DIGIT_0 && c <= DIGIT_9;
/** After a backslash: " \ / b f n r t (u is handled apart). */
const isSimpleEscape = (c: number): boolean =>
  c === QUOTE || c === BACKSLASH || c === 0x2f || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74;

/** Thrown inside the scanner only; checkJsonObject turns it into a value. */
class Violation {
  constructor(
    readonly fault: JsonFault,
    readonly at: number,
    readonly message: string,
  ) {}
}

const syntaxError = (text: string, at: number): Violation =>
  new Violation(
    'syntax',
    at,
    at >= text.length ? 'syntax: the text ends too early' : `syntax: unexpected ${JSON.stringify(text.charAt(at))} at character ${at}`,
  );

/**
 * The keys of the objects open at the moment, outermost first; keyBase[level] is where those of the
 * object at that level start. A linear search: at most 64 keys per object, and faster than a Set for
 * the few keys real objects have. Reused between calls: the scanner never yields.
 */
const openKeys: string[] = [];
const keyBase: number[] = [];

function skipWhitespace(text: string, at: number): number {
  while (at < text.length && isWhitespace(text.charCodeAt(at))) at += 1;
  return at;
}

/** `at` is on the opening quote; returns the index of the closing quote. */
function scanString(text: string, at: number): number {
  for (let i = at + 1; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i;
    if (c === BACKSLASH) {
      const next = text.charCodeAt(i + 1);
      if (next === 0x75) {
        checkUnicodeEscape(text, i);
        i += isHighSurrogate(hexUnit(text, i + 2)) ? 11 : 5;
      } else if (isSimpleEscape(next)) {
        i += 1;
      } else {
        throw syntaxError(text, i + 1);
      }
    } else if (c < 0x20) {
      throw syntaxError(text, i);
    }
  }
  throw syntaxError(text, text.length);
}

/** The code unit of the four hex digits at `at`. */
function hexUnit(text: string, at: number): number {
  let unit = 0;
  for (let h = at; h < at + 4; h += 1) {
    const c = text.charCodeAt(h);
    const digit = isDigit(c) ? c - DIGIT_0 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
    if (digit < 0) throw syntaxError(text, h);
    unit = unit * 16 + digit;
  }
  return unit;
}

const isHighSurrogate = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff;

/**
 * `at` is on the backslash of a \u escape. C strings end at U+0000 and cJSON refuses an unpaired
 * surrogate, so the firmware would read such a string otherwise than JavaScript: both are refused.
 */
function checkUnicodeEscape(text: string, at: number): void {
  const unit = hexUnit(text, at + 2);
  const paired =
    isHighSurrogate(unit) &&
    text.charCodeAt(at + 6) === BACKSLASH &&
    text.charCodeAt(at + 7) === 0x75 &&
    isLowSurrogate(hexUnit(text, at + 8));
  if (unit === 0 || isLowSurrogate(unit) || (isHighSurrogate(unit) && !paired)) {
    throw new Violation('syntax', at, `syntax: the escape at character ${at} is U+0000 or an unpaired surrogate`);
  }
}

/**
 * `at` is on the first character of a number; returns the index just after it. The length is
 * measured once the number has ended by the grammar: a malformed one is a syntax fault, however long.
 */
function scanNumber(text: string, at: number): number {
  let i = at;
  if (text.charCodeAt(i) === MINUS) i += 1;
  const first = text.charCodeAt(i);
  if (first === DIGIT_0) i += 1;
  else if (isDigit(first)) while (isDigit(text.charCodeAt(i))) i += 1;
  else throw syntaxError(text, i);
  if (text.charCodeAt(i) === DOT) {
    i += 1;
    if (!isDigit(text.charCodeAt(i))) throw syntaxError(text, i);
    while (isDigit(text.charCodeAt(i))) i += 1;
  }
  const e = text.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    i += 1;
    const sign = text.charCodeAt(i);
    if (sign === PLUS || sign === MINUS) i += 1;
    if (!isDigit(text.charCodeAt(i))) throw syntaxError(text, i);
    while (isDigit(text.charCodeAt(i))) i += 1;
  }
  if (i - at > JSON_LIMITS.maxNumberLength) {
    throw new Violation(
      'too_long_number',
      at,
      `too_long_number: a number at character ${at} is longer than ${JSON_LIMITS.maxNumberLength} characters`,
    );
  }
  return i;
}

function scanLiteral(text: string, at: number, literal: string): number {
  for (let k = 0; k < literal.length; k += 1) {
    if (text.charCodeAt(at + k) !== literal.charCodeAt(k)) throw syntaxError(text, at + k);
  }
  return at + literal.length;
}

/** Reads the key whose opening quote is at `at`, checks it against its object's keys; returns the closing quote. */
function scanKey(text: string, at: number, depth: number): number {
  const end = scanString(text, at);
  const raw = text.slice(at + 1, end);
  // Escapes are rare in keys; the native parser unescapes them exactly as it will for the object.
  const key: unknown = raw.includes('\\') ? JSON.parse(text.slice(at, end + 1)) : raw;
  if (typeof key !== 'string') throw syntaxError(text, at);
  const base = keyBase[depth] ?? 0;
  for (let k = base; k < openKeys.length; k += 1) {
    if (openKeys[k] === key) {
      throw new Violation('duplicate_key', at, `duplicate_key: key ${JSON.stringify(key.slice(0, 32))} appears twice in one object`);
    }
  }
  if (openKeys.length - base >= JSON_LIMITS.maxKeysPerObject) {
    throw new Violation('too_many_keys', at, `too_many_keys: an object has more than ${JSON_LIMITS.maxKeysPerObject} keys`);
  }
  openKeys.push(key);
  return end;
}

function tooDeep(at: number): Violation {
  return new Violation('too_deep', at, `too_deep: nested deeper than ${JSON_LIMITS.maxDepth} levels`);
}

/**
 * Walks the text once, left to right, and stops at the first fault. Nothing is allocated for values;
 * only the keys of the objects open at the moment are kept.
 */
function scan(text: string): void {
  const length = text.length;
  let i = skipWhitespace(text, 0);
  if (i >= length) throw syntaxError(text, i);
  if (text.charCodeAt(i) !== OPEN_OBJECT) throw new Violation('not_object', i, 'not_object: the text is not a JSON object');
  // Bit d of arrays is set when the container at level d is an array; level 0 is outside everything.
  let arrays = 0;
  let depth = 0;
  let values = 0;
  let wantValue = true;
  for (;;) {
    if (wantValue) {
      i = skipWhitespace(text, i);
      if (i >= length) throw syntaxError(text, i);
      // A value is counted where it begins, before its nesting is looked at.
      values += 1;
      if (values > JSON_LIMITS.maxValues) {
        throw new Violation('too_many_values', i, `too_many_values: the text holds more than ${JSON_LIMITS.maxValues} values`);
      }
      const c = text.charCodeAt(i);
      if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (depth === JSON_LIMITS.maxDepth) throw tooDeep(i);
        depth += 1;
        i = skipWhitespace(text, i + 1);
        if (c === OPEN_OBJECT) {
          arrays &= ~(1 << depth);
          keyBase[depth] = openKeys.length;
          if (text.charCodeAt(i) === CLOSE_OBJECT) {
            depth -= 1;
            i += 1;
            wantValue = false;
          } else {
            if (text.charCodeAt(i) !== QUOTE) throw syntaxError(text, i);
            i = skipWhitespace(text, scanKey(text, i, depth) + 1);
            if (text.charCodeAt(i) !== COLON) throw syntaxError(text, i);
            i += 1;
          }
        } else {
          arrays |= 1 << depth;
          if (text.charCodeAt(i) === CLOSE_ARRAY) {
            depth -= 1;
            i += 1;
            wantValue = false;
          }
        }
        continue;
      }
      if (c === QUOTE) i = scanString(text, i) + 1;
      else if (c === MINUS || isDigit(c)) i = scanNumber(text, i);
      else if (c === 0x74) i = scanLiteral(text, i, 'true');
      else if (c === 0x66) i = scanLiteral(text, i, 'false');
      else if (c === 0x6e) i = scanLiteral(text, i, 'null');
      else throw syntaxError(text, i);
      wantValue = false;
      continue;
    }
    // After a value: a separator, the end of its container, or (outside everything) the end of the text.
    i = skipWhitespace(text, i);
    if (depth === 0) {
      if (i < length) throw syntaxError(text, i);
      return;
    }
    const c = text.charCodeAt(i);
    const inArray = (arrays & (1 << depth)) !== 0;
    if (c === COMMA) {
      i += 1;
      wantValue = true;
      if (!inArray) {
        i = skipWhitespace(text, i);
        if (text.charCodeAt(i) !== QUOTE) throw syntaxError(text, i);
        i = skipWhitespace(text, scanKey(text, i, depth) + 1);
        if (text.charCodeAt(i) !== COLON) throw syntaxError(text, i);
        i += 1;
      }
    } else if (c === (inArray ? CLOSE_ARRAY : CLOSE_OBJECT)) {
      if (!inArray) openKeys.length = keyBase[depth] ?? 0;
      depth -= 1;
      i += 1;
    } else {
      throw syntaxError(text, i);
    }
  }
}

/** The first way in which `text` breaks the JSON rules, or null when it keeps them all. */
export function checkJsonObject(text: string): JsonViolation | null {
  try {
    scan(text);
    return null;
  } catch (error) {
    if (!(error instanceof Violation)) throw error;
    return { fault: error.fault, at: error.at, message: error.message };
  } finally {
    // Keys of a text must not outlive the call: they are slices that keep the whole text alive.
    openKeys.length = 0;
  }
}

/** The values countKeys has met in the text it is walking. */
let valuesAtSight = 0;

/**
 * The number of keys in all objects of a parsed value, or -1 when an object or array is deeper than
 * the rules allow, an object has too many keys or the text more values than the rules allow.
 * Recursion stops at the depth limit and the walk at the value limit.
 */
function countKeys(value: unknown, depth: number): number {
  valuesAtSight += 1;
  if (valuesAtSight > JSON_LIMITS.maxValues) return -1;
  if (typeof value !== 'object' || value === null) return 0;
  if (depth > JSON_LIMITS.maxDepth) return -1;
  let keys = 0;
  if (Array.isArray(value)) {
    for (const item of value) {
      const inner = countKeys(item, depth + 1);
      if (inner < 0) return -1;
      keys += inner;
    }
    return keys;
  }
  if (!isObject(value)) return -1;
  // for-in walks the keys from V8's enum cache without building an array; own keys only, so that
  // a polluted prototype cannot make up for a dropped key.
  let own = 0;
  for (const key in value) {
    if (!hasOwn(value, key)) continue;
    own += 1;
    const inner = countKeys(value[key], depth + 1);
    if (inner < 0) return -1;
    keys += inner;
  }
  return own > JSON_LIMITS.maxKeysPerObject ? -1 : keys + own;
}

/** How often `character` occurs in `text`, counting no further than limit + 1. */
function countUpTo(text: string, character: string, limit: number): number {
  let found = 0;
  for (let at = text.indexOf(character); at >= 0 && found <= limit; at = text.indexOf(character, at + 1)) found += 1;
  return found;
}

/**
 * A parsed number no longer shows how it was spelled, so its length is judged on the text. A number
 * holds at most four characters that are not digits (`-`, `.`, `e`, a sign), so one longer than
 * the limit has at least 60 digits in at most three runs, one of them at least 20 long. A text
 * without 20 digits in a row therefore has no number too long; one with them (a long number, or
 * digits inside a string) goes to the scanner. Far cheaper than looking for the number itself.
 */
const MIN_DIGIT_RUN = Math.ceil((JSON_LIMITS.maxNumberLength + 1 - 4) / 3);
const LONG_NUMBER_RUN = new RegExp(`[0-9]{${MIN_DIGIT_RUN}}`);

/**
 * Proves, without a scan in JavaScript, that a text JSON.parse read into `value` keeps the rules.
 * Without a backslash there is no escape to refuse and a key equals another only if it is spelled
 * the same. Every key in the text is followed by one colon outside strings, so when the parsed
 * objects hold as many keys as the text has colons, no key was dropped as a repeat (a repeat
 * drops at least one key, and with it the keys of any object it held), and the parsed tree is the
 * text's own: its depth, widths and number of values are the text's. Without a run of number
 * characters longer than a number may be, no number is too long. Anything else goes to the scanner.
 */
function keepsRulesAtSight(text: string, value: JsonObject): boolean {
  if (text.indexOf('\\') >= 0 || LONG_NUMBER_RUN.test(text)) return false;
  valuesAtSight = 0;
  const keys = countKeys(value, 1);
  return keys >= 0 && countUpTo(text, ':', keys) === keys;
}

/**
 * Up to this many `{` and `[` in a text, JSON.parse runs first and the rules are proven at sight;
 * with more, the scanner runs first, so that deep or wide hostile texts are refused where the fault
 * is, before the native parser builds thousands of arrays (about 0.1 µs each).
 */
const AT_SIGHT_MAX_CONTAINERS = 16;

function parseNatively(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return value;
  } catch {
    return undefined;
  }
}

/** Fatal: bytes that are not UTF-8 are refused, not repaired. A BOM is kept, so the JSON rules refuse it as they do in a frame. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The UTF-8 text of bytes meant to hold JSON (an HTTP body, a decoded configuration), or null when they are not UTF-8. */
export function utf8TextOf(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Checks `text` against the JSON rules and parses it: a JSON object, or the first rule it breaks,
 * named exactly as checkJsonObject and the firmware name it.
 */
export function readJsonObject(text: string): Result<JsonObject, JsonFault> {
  let value: unknown = undefined;
  let parsed = false;
  const braces = countUpTo(text, '{', AT_SIGHT_MAX_CONTAINERS);
  if (braces + countUpTo(text, '[', AT_SIGHT_MAX_CONTAINERS - braces) <= AT_SIGHT_MAX_CONTAINERS) {
    value = parseNatively(text);
    parsed = true;
    if (isObject(value) && keepsRulesAtSight(text, value)) return ok(value);
  }
  const violation = checkJsonObject(text);
  if (violation !== null) return fail(violation.fault, violation.message);
  if (!parsed) value = parseNatively(text);
  // Only if the two grammars disagreed; the vectors and json.test.ts hold them to agreeing.
  if (!isObject(value)) return fail('syntax', 'syntax: not a JSON object');
  return ok(value);
}

/** readJsonObject for callers that only need to know whether there is an object. */
export function parseJsonObject(text: string): JsonObject | null {
  const read = readJsonObject(text);
  return read.ok ? read.value : null;
}
