/**
 * Logon v2 (docs/protocol.md, "Identity" and "Logging on"): a client's identity is an ECDSA P-256 key pair,
 * its ID names the public key, and LOG_ON signs the broker's per-connection nonce and the host the client
 * reached, so nothing a broker, proxy or log sees lets anyone log on later or elsewhere.
 * WebCrypto only: the same code runs in the browser and in Node, and the private key can stay non-extractable.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { fromBase64url, toBase64url } from './base64url.ts';
import { ID_LENGTH, isClientId, type ClientId } from './client-id.ts';
import { logOn, NONCE_BYTES, type LogOnPacket } from './packets.ts';
import { fail, ok, type Result } from './result.ts';

/** An uncompressed P-256 point: 0x04 || X || Y. */
export const PUBLIC_KEY_BYTES = 65;
/** r || s, 32 bytes each (IEEE P1363, as WebCrypto signs). */
export const SIGNATURE_BYTES = 64;
const UNCOMPRESSED_POINT = 0x04;
const LOGON_TAG = 'hearth-logon-v2';

const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** WebCrypto's CryptoKey, named through the API so the type exists under both the DOM and the Node typings. */
export type LogonKey = Parameters<typeof crypto.subtle.sign>[1];

/** What a client needs to log on: the private key signs, the public key and ID travel in LOG_ON. */
export interface LogonKeys {
  id: ClientId;
  /** base64url of the 65-byte uncompressed public key. */
  publicKey: string;
  privateKey: LogonKey;
}

/** SHA-256 of some bytes. The contract's own is @noble/hashes' (browser and Node alike); a broker may pass a native one. */
export type Sha256 = (bytes: Uint8Array) => Uint8Array;

/**
 * The arithmetic verifyLogon needs, as a port: the contract's own runs everywhere (@noble/hashes and WebCrypto);
 * a broker may pass native ones that are cheaper on its event loop. `verifyP256` checks an IEEE P1363 (r||s)
 * ECDSA P-256 / SHA-256 signature and answers 'off_curve' when the 65 bytes are not a point on P-256.
 */
export interface LogonCrypto {
  sha256: Sha256;
  verifyP256(publicKey: Uint8Array, signature: Uint8Array, message: Uint8Array): boolean | 'off_curve' | Promise<boolean | 'off_curve'>;
}

/** ID = the first 22 characters of base64url(SHA-256(65-byte public key)). */
export function idFromPublicKey(publicKey: Uint8Array, hash: Sha256 = sha256): ClientId {
  return toBase64url(hash(publicKey)).slice(0, ID_LENGTH);
}

/** The text LOG_ON signs, as UTF-8: `hearth-logon-v2|<nonce>|<host>`. */
export const logonText = (nonce: string, host: string): string => `${LOGON_TAG}|${nonce}|${host}`;

/**
 * The host a client signs for the URL it connects to: lowercase, with `:port` only when the port is not the
 * scheme's default, IPv6 in brackets. That is exactly WHATWG `URL.host`, which the broker sees as `Host`.
 */
export const logonHost = (url: string): string => new URL(url).host;

const utf8 = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text);

export interface LogonKeyPair {
  privateKey: LogonKey;
  publicKey: LogonKey;
}

/** The private key is non-extractable: script can sign with it, never read it (the public key always can be). */
export function makeLogonKeyPair(): Promise<LogonKeyPair> {
  return crypto.subtle.generateKey(ECDSA_P256, false, ['sign', 'verify']);
}

export async function makeLogonKeys(): Promise<LogonKeys> {
  const pair = await makeLogonKeyPair();
  return logonKeysOf(pair.privateKey, pair.publicKey);
}

/** Builds LogonKeys from a key pair (the app keeps the CryptoKeys themselves in IndexedDB). */
export async function logonKeysOf(privateKey: LogonKey, publicKey: LogonKey): Promise<LogonKeys> {
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', publicKey));
  return { id: idFromPublicKey(raw), publicKey: toBase64url(raw), privateKey };
}

/** base64url of the 64-byte r||s signature over logonText(nonce, host). */
export async function signLogon(privateKey: LogonKey, nonce: string, host: string): Promise<string> {
  const signature = await crypto.subtle.sign(ECDSA_SHA256, privateKey, utf8(logonText(nonce, host)));
  return toBase64url(new Uint8Array(signature));
}

/** The LOG_ON answering a CHALLENGE with `nonce` on a connection to `host` (see logonHost). */
export async function signedLogOn(keys: LogonKeys, nonce: string, host: string, themes?: string[]): Promise<LogOnPacket> {
  return logOn(keys.id, keys.publicKey, await signLogon(keys.privateKey, nonce, host), themes);
}

export interface LogonClaim {
  transmitter: ClientId;
  public_key: string;
  signature: string;
}

/** The one reason a broker gives for every way a LOG_ON's proof can fail; the message says which. */
export type LogonCheck = Result<ClientId, 'bad_proof'>;

async function webVerifyP256(publicKey: Uint8Array, signature: Uint8Array, message: Uint8Array): Promise<boolean | 'off_curve'> {
  let key: LogonKey;
  try {
    // Import checks that the point lies on P-256; an off-curve key is refused here.
    key = await crypto.subtle.importKey('raw', Uint8Array.from(publicKey), ECDSA_P256, false, ['verify']);
  } catch {
    return 'off_curve';
  }
  return crypto.subtle.verify(ECDSA_SHA256, key, Uint8Array.from(signature), Uint8Array.from(message));
}

/** WebCrypto and @noble/hashes: the same in the browser and in Node. */
export const webLogonCrypto: LogonCrypto = { sha256, verifyP256: webVerifyP256 };

/**
 * Checks a LOG_ON against the nonce the broker sent on this connection and the host it was reached at.
 * Cheapest checks first: lengths and the ID (one SHA-256) before any curve arithmetic.
 */
export async function verifyLogon(claim: LogonClaim, nonce: string, host: string, arithmetic: LogonCrypto = webLogonCrypto): Promise<LogonCheck> {
  const publicKey = fromBase64url(claim.public_key);
  if (publicKey === null || publicKey.length !== PUBLIC_KEY_BYTES || publicKey[0] !== UNCOMPRESSED_POINT) {
    return fail('bad_proof', `public_key must be the base64url of a ${PUBLIC_KEY_BYTES}-byte uncompressed P-256 point`);
  }
  const signature = fromBase64url(claim.signature);
  if (signature === null || signature.length !== SIGNATURE_BYTES) {
    return fail('bad_proof', `signature must be the base64url of ${SIGNATURE_BYTES} bytes (r||s)`);
  }
  if (!isClientId(claim.transmitter) || idFromPublicKey(publicKey, arithmetic.sha256) !== claim.transmitter) {
    return fail('bad_proof', 'transmitter is not the ID of public_key');
  }
  const verdict = await arithmetic.verifyP256(publicKey, signature, utf8(logonText(nonce, host)));
  if (verdict === 'off_curve') return fail('bad_proof', 'public_key is not a point on P-256');
  if (!verdict) return fail('bad_proof', 'signature does not verify for this connection (nonce and host)');
  return ok(claim.transmitter);
}

/** A fresh nonce for a CHALLENGE; the broker uses node:crypto's randomBytes instead, to the same effect. */
export const makeNonce = (): string => toBase64url(crypto.getRandomValues(new Uint8Array(NONCE_BYTES)));
