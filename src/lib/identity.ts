import { fromBase64url, idFromSecret, isObject, makeSecret, SECRET_BYTES, toBase64url, type ClientId } from '@protocol';
import { readStored, STORAGE_KEYS, writeStored } from './storage';

export interface Identity {
  secret: Uint8Array;
  id: ClientId;
}

export const identityFromSecret = (secret: Uint8Array): Identity => ({ secret, id: idFromSecret(secret) });

export function parseIdentity(value: unknown): Identity | null {
  if (!isObject(value) || typeof value.secret !== 'string') return null;
  const secret = fromBase64url(value.secret);
  if (secret === null || secret.length !== SECRET_BYTES) return null;
  return identityFromSecret(secret);
}

/** The app's logon secret is made once and kept; it leaves the device only as the LOG_ON proof. */
export function loadOrCreateIdentity(): Identity {
  const stored = readStored(STORAGE_KEYS.identity, parseIdentity);
  if (stored !== null) return stored;
  const secret = makeSecret();
  writeStored(STORAGE_KEYS.identity, { secret: toBase64url(secret) });
  return identityFromSecret(secret);
}
