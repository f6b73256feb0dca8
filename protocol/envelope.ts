/** Layer 7 envelope: AES-256-GCM under the thermostat's key, bound to sender and receiver by the AAD. */
import { gcm } from '@noble/ciphers/aes.js';
import { randomBytes } from '@noble/ciphers/utils.js';
import { fromBase64url, toBase64url } from './base64url.ts';
import type { Result } from './result.ts';
import { fail, ok } from './result.ts';

export const KEY_BYTES = 32;
export const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';

export type EnvelopeError = 'bad_key' | 'bad_format' | 'bad_version' | 'bad_iv' | 'auth_failed';

/** Only START and MSG carry envelopes between app and thermostat. */
export type EnvelopePacketType = 'START' | 'MSG';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function makeKey(): Uint8Array {
  return randomBytes(KEY_BYTES);
}

export function additionalData(packetType: string, transmitter: string, receiver: string): Uint8Array {
  return encoder.encode(`${packetType}|${transmitter}|${receiver}`);
}

/** Deterministic form for test vectors; everything else uses `seal`, which draws a fresh IV. */
export function sealWithIv(
  key: Uint8Array,
  iv: Uint8Array,
  packetType: EnvelopePacketType,
  transmitter: string,
  receiver: string,
  plaintext: string,
): string {
  if (key.length !== KEY_BYTES) throw new RangeError('key must be 32 bytes');
  if (iv.length !== IV_BYTES) throw new RangeError('iv must be 12 bytes');
  const sealed = gcm(key, iv, additionalData(packetType, transmitter, receiver)).encrypt(encoder.encode(plaintext));
  return `${VERSION}.${toBase64url(iv)}.${toBase64url(sealed)}`;
}

/** Seals a layer 7 message (an object is serialised as JSON) with a fresh random IV. */
export function seal(
  key: Uint8Array,
  packetType: EnvelopePacketType,
  transmitter: string,
  receiver: string,
  message: string | object,
): string {
  const plaintext = typeof message === 'string' ? message : JSON.stringify(message);
  return sealWithIv(key, randomBytes(IV_BYTES), packetType, transmitter, receiver, plaintext);
}

/** Opens an envelope to its plaintext; nothing in it may be acted on unless this returns ok. */
export function open(
  key: Uint8Array,
  packetType: string,
  transmitter: string,
  receiver: string,
  envelope: unknown,
): Result<string, EnvelopeError> {
  if (key.length !== KEY_BYTES) return fail('bad_key', 'key must be 32 bytes');
  if (typeof envelope !== 'string') return fail('bad_format', 'envelope must be text');
  const parts = envelope.split('.');
  if (parts.length !== 3) return fail('bad_format', 'envelope must be version.iv.ciphertext');
  const [version, ivText, sealedText] = parts as [string, string, string];
  if (version !== VERSION) return fail('bad_version', `unknown envelope version ${JSON.stringify(version.slice(0, 8))}`);
  const iv = fromBase64url(ivText);
  if (iv === null || iv.length !== IV_BYTES) return fail('bad_iv', 'iv must be 12 bytes of base64url');
  const sealed = fromBase64url(sealedText);
  if (sealed === null || sealed.length < TAG_BYTES) return fail('bad_format', 'ciphertext must be base64url with a tag');
  let plaintext: Uint8Array;
  try {
    plaintext = gcm(key, iv, additionalData(packetType, transmitter, receiver)).decrypt(sealed);
  } catch {
    return fail('auth_failed', 'envelope did not authenticate');
  }
  try {
    return ok(decoder.decode(plaintext));
  } catch {
    return fail('bad_format', 'plaintext is not UTF-8');
  }
}
