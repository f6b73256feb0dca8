import { fromBase64url, isClientId, isObject, KEY_BYTES, type ClientId } from '@protocol';

/** A thermostat this app may control: its public ID, the key this app seals with (base64url) and the name the user gave it. */
export interface PairedThermostat {
  id: ClientId;
  key: string;
  name: string;
  /**
   * true: `key` is this phone's own member key. false: `key` is an invitation secret or the old shared key, still
   * to be redeemed by joining (docs/protocol.md "Joining", "The old shared key").
   */
  joined: boolean;
}

/** UTF-16 units, as a browser's `maxLength` and JavaScript count them: the link `name`'s limit (docs/protocol.md "Keys and pairing"). */
export const MAX_NAME_LENGTH = 40;

/** Whole characters as a person sees them (an emoji with its skin tone, a letter with its accent), else code points. */
function charactersOf(text: string): string[] {
  if (typeof Intl !== 'undefined' && 'Segmenter' in Intl) {
    return Array.from(new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text), (part) => part.segment);
  }
  return Array.from(text);
}

/** A surrogate without its other half: no character at all, and what `encodeURIComponent` throws on. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A thermostat's name as the app keeps, shows and passes on: trimmed, and cut to MAX_NAME_LENGTH UTF-16 units on a whole
 * character (never half an emoji); a lone surrogate from older storage becomes U+FFFD. '' when nothing is left.
 */
export function fitThermostatName(text: string): string {
  const trimmed = text.replace(LONE_SURROGATE, '\uFFFD').trim();
  if (trimmed.length <= MAX_NAME_LENGTH) return trimmed;
  // One unit past the limit is enough to see whether the character at the limit goes on.
  let kept = '';
  for (const character of charactersOf(trimmed.slice(0, MAX_NAME_LENGTH + 1))) {
    if (kept.length + character.length > MAX_NAME_LENGTH) break;
    kept += character;
  }
  return kept.trim();
}

/**
 * Whether a name someone else chose may be shown as it is: no control characters (\p{Cc}) and no invisible formatting
 * ones (\p{Cf}: bidirectional overrides that make a name read backwards, zero-width characters that make two names
 * look the same).
 */
export function isCleanName(name: string): boolean {
  return !/[\p{Cc}\p{Cf}]/u.test(name);
}

/**
 * The other thermostat already called `name` (as it would be kept, whatever its case), or null: two rooms of one name
 * cannot be told apart in the overview, so a form warns, but does not refuse (the person may mean it).
 */
export function thermostatNamed(thermostats: readonly PairedThermostat[], name: string, exceptId: string | null): PairedThermostat | null {
  const wanted = fitThermostatName(name).toLocaleLowerCase();
  if (wanted === '') return null;
  return thermostats.find((t) => t.id !== exceptId && t.name.toLocaleLowerCase() === wanted) ?? null;
}

/** What a name field says when another thermostat has that name. */
export const nameTakenWords = (name: string) => `Another thermostat here is called ${name} already: a different name tells them apart.`;

export function isThermostatKey(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const bytes = fromBase64url(value);
  return bytes !== null && bytes.length === KEY_BYTES;
}

export function parsePairedThermostat(value: unknown): PairedThermostat | null {
  if (!isObject(value)) return null;
  const { id, key, name, joined } = value;
  if (!isClientId(id) || !isThermostatKey(key) || typeof name !== 'string') return null;
  // A record stored before member keys has no `joined`: its key is the old shared key, which the app joins with.
  return { id, key, name: fitThermostatName(name), joined: joined === true };
}

/** Entries that do not parse are dropped rather than losing every pairing to one bad record. */
export function parsePairedThermostats(value: unknown): PairedThermostat[] | null {
  if (!Array.isArray(value)) return null;
  const list: PairedThermostat[] = [];
  for (const entry of value) {
    const parsed = parsePairedThermostat(entry);
    if (parsed !== null && !list.some((t) => t.id === parsed.id)) list.push(parsed);
  }
  return list;
}

export function keyBytes(thermostat: PairedThermostat): Uint8Array {
  const bytes = fromBase64url(thermostat.key);
  if (bytes === null) throw new Error('paired thermostat holds a malformed key');
  return bytes;
}
