/**
 * The logon check's arithmetic done by Node's own OpenSSL, synchronously: SHA-256 for the ID and the P-256
 * signature. WebCrypto does the same arithmetic with more around it (promise plumbing, algorithm normalising, the
 * hand-off to the thread pool): in a logon storm with the broker on one core, 700 µs of broker CPU per connect +
 * logon with WebCrypto against 640 µs with this (docs/performance.md, "Broker hot path").
 */
import { createPublicKey, hash, verify, type KeyObject } from 'node:crypto';
import type { LogonCrypto, Sha256 } from '../protocol/index.ts';

export const nodeSha256: Sha256 = (bytes) => hash('sha256', bytes, 'buffer');

const COORDINATE_BYTES = 32;
const base64url = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');

/**
 * From X and Y as a JWK: OpenSSL 3 decodes a JWK point about twice as fast as the same point wrapped in SPKI
 * DER, and refuses one that is not on the curve either way.
 */
function importPoint(publicKey: Uint8Array): KeyObject | null {
  try {
    const x = base64url(publicKey.subarray(1, 1 + COORDINATE_BYTES));
    const y = base64url(publicKey.subarray(1 + COORDINATE_BYTES));
    return createPublicKey({ format: 'jwk', key: { kty: 'EC', crv: 'P-256', x, y } });
  } catch {
    return null;
  }
}

export const nodeLogonCrypto: LogonCrypto = {
  sha256: nodeSha256,
  verifyP256(publicKey, signature, message) {
    const key = importPoint(publicKey);
    if (key === null) return 'off_curve';
    try {
      return verify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, signature);
    } catch {
      // OpenSSL may throw rather than answer false for a malformed r||s.
      return false;
    }
  },
};
