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

export const MAX_NAME_LENGTH = 40;

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
  return { id, key, name: name.slice(0, MAX_NAME_LENGTH), joined: joined === true };
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
