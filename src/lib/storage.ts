/** localStorage is a trust boundary too: contents may be stale, hand-edited or from an older version. */

export function readStored<T>(key: string, parse: (value: unknown) => T | null): T | null {
  let text: string | null;
  try {
    text = localStorage.getItem(key);
  } catch {
    return null; // storage disabled (private mode, blocked cookies): behave as a first run
  }
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  return parse(value);
}

export function writeStored(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Quota or disabled storage: the app still works for this visit.
  }
}

export const STORAGE_KEYS = {
  /** Where logon v1 kept its secret; the key pair of logon v2 lives in IndexedDB (lib/identity.ts). */
  legacyIdentity: 'hearth.identity',
  thermostats: 'hearth.thermostats',
  selected: 'hearth.selected',
  settings: 'hearth.settings',
  lastState: 'hearth.last-state',
  /** Four hex digits that tell this install's default member name from another's of the same kind (lib/device-name.ts). */
  deviceTag: 'hearth.device-tag',
} as const;
