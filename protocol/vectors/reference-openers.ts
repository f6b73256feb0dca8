/**
 * Two independent openers of an OwnTracks box (docs/protocol.md, "OwnTracks bodies"), for the tests of the vector
 * files: libsodium, as OwnTracks itself seals, and @noble/ciphers. Each decodes `data` its own way; null is a
 * refusal, whatever the reason. Call `await sodium.ready` (libsodium-wrappers) before the first use.
 */
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { base64 } from '@scure/base';
import sodium from 'libsodium-wrappers';
import { owntracksKey } from '../owntracks-key.ts';

const NONCE_BYTES = 24;
const TAG_BYTES = 16;
const utf8 = (bytes: Uint8Array): string => new TextDecoder('utf-8', { fatal: true }).decode(bytes);

export function openWithLibsodium(secret: string, data: string): string | null {
  try {
    const box = sodium.from_base64(data, sodium.base64_variants.ORIGINAL);
    if (box.length < NONCE_BYTES + TAG_BYTES) return null;
    return utf8(sodium.crypto_secretbox_open_easy(box.subarray(NONCE_BYTES), box.subarray(0, NONCE_BYTES), owntracksKey(secret)));
  } catch {
    return null;
  }
}

export function openWithNoble(secret: string, data: string): string | null {
  try {
    const box = base64.decode(data);
    if (box.length < NONCE_BYTES + TAG_BYTES) return null;
    return utf8(xsalsa20poly1305(owntracksKey(secret), box.subarray(0, NONCE_BYTES)).decrypt(box.subarray(NONCE_BYTES)));
  } catch {
    return null;
  }
}
