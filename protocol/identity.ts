import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/ciphers/utils.js';
import { fromBase64url, toBase64url } from './base64url.ts';

export const SECRET_BYTES = 32;
import { ID_LENGTH, type ClientId } from './client-id.ts';
export { ID_LENGTH, ID_PATTERN, isClientId, type ClientId } from './client-id.ts';

export function makeSecret(): Uint8Array {
  return randomBytes(SECRET_BYTES);
}

export function idFromSecret(secret: Uint8Array): ClientId {
  return toBase64url(sha256(secret)).slice(0, ID_LENGTH);
}

/** The LOG_ON proof is the secret itself, base64url. */
export function proofFromSecret(secret: Uint8Array): string {
  return toBase64url(secret);
}

/** True when `proof` decodes to a 32-byte secret whose hash names `id`. */
export function verifyProof(id: ClientId, proof: string): boolean {
  const secret = fromBase64url(proof);
  if (secret === null || secret.length !== SECRET_BYTES) return false;
  return idFromSecret(secret) === id;
}
