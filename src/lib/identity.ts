import { createStore, get, update, type UseStore } from 'idb-keyval';
import { logonKeysOf, makeLogonKeyPair, type LogonKeyPair, type LogonKeys } from '@protocol';
import { STORAGE_KEYS } from './storage';

/** This app's identity (docs/protocol.md, "Identity"): its ID, public key and a private key nobody can read. */
export type Identity = LogonKeys;

/** Where the key pair lives: IndexedDB can hold a CryptoKey itself, so the private key never exists as bytes. */
export const IDENTITY_DB = { database: 'hearth-identity', store: 'keys', key: 'identity' } as const;

const isP256Key = (value: unknown, type: KeyType): value is CryptoKey =>
  value instanceof CryptoKey &&
  value.type === type &&
  value.algorithm.name === 'ECDSA' &&
  'namedCurve' in value.algorithm &&
  value.algorithm.namedCurve === 'P-256';

/** IndexedDB is a trust boundary too: what it holds may be from another version, or not a key pair at all. */
export function parseKeyPair(value: unknown): LogonKeyPair | null {
  if (typeof value !== 'object' || value === null || !('privateKey' in value) || !('publicKey' in value)) return null;
  const { privateKey, publicKey } = value;
  return isP256Key(privateKey, 'private') && isP256Key(publicKey, 'public') ? { privateKey, publicKey } : null;
}

/**
 * The key pair is made once and kept; it never leaves the device, only signatures do. Two windows opening at
 * once agree on one pair: the one stored first wins, in one IndexedDB transaction. Without IndexedDB (some
 * private modes) the pair lasts this visit. A logon secret of the first version in localStorage is dropped.
 */
export async function loadOrCreateIdentity(idb: UseStore = createStore(IDENTITY_DB.database, IDENTITY_DB.store)): Promise<Identity> {
  forgetLegacySecret();
  // Every start but the first finds its pair: read first, so a key pair is generated only when none is kept.
  try {
    const kept = parseKeyPair(await get(IDENTITY_DB.key, idb));
    if (kept !== null) return logonKeysOf(kept.privateKey, kept.publicKey);
  } catch {
    // No IndexedDB: the update below fails the same way and says so.
  }
  const fresh = await makeLogonKeyPair();
  let pair: LogonKeyPair = fresh;
  try {
    await update(IDENTITY_DB.key, (stored: unknown) => parseKeyPair(stored) ?? fresh, idb);
    pair = parseKeyPair(await get(IDENTITY_DB.key, idb)) ?? fresh;
  } catch (error) {
    console.warn('IndexedDB is not available: this visit logs on with a key pair that will not be kept', error);
  }
  return logonKeysOf(pair.privateKey, pair.publicKey);
}

function forgetLegacySecret(): void {
  try {
    localStorage.removeItem(STORAGE_KEYS.legacyIdentity);
  } catch {
    // Storage disabled: there is nothing to forget.
  }
}
