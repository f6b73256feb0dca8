/**
 * Per-member keys (docs/protocol.md "Keys and pairing" and "Joining"): a new member's app and the
 * thermostat each make a one-time ECDH P-256 key pair, and both take the member key from the X
 * coordinate of the shared point with HKDF-SHA256, salted with the invitation secret (or the old
 * shared key, see "The old shared key"). firmware/lib/thermostat_core/src/members.h is the other
 * definition; protocol/vectors/members.json holds both to the same numbers.
 * WebCrypto for the ECDH, as logon.ts: the same code runs in the browser and in Node, and the
 * one-time private key stays non-extractable.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { fromBase64url } from './base64url.ts';

/** An invitation secret (and the old shared key): 32 random bytes, 43 characters of base64url. */
export const INVITATION_BYTES = 32;
/** A thermostat keeps at most this many members ("Members"); STATE and MEMBERS list no more. */
export const MAX_MEMBERS = 8;
/** How long an invitation stays good, in seconds of the thermostat's own clock ("Keys and pairing"). */
export const INVITATION_LIFETIME_S = 86_400;
/** A JOIN's and a WELCOME's `public_key`: the uncompressed point 0x04 || X || Y. */
export const JOIN_PUBLIC_KEY_BYTES = 65;
/** The length of a member key: an AES-256-GCM key, as the envelope takes. */
export const MEMBER_KEY_BYTES = 32;

const UNCOMPRESSED_POINT = 0x04;
const COORDINATE_BYTES = 32;
const ECDH_P256 = { name: 'ECDH', namedCurve: 'P-256' } as const;
/** The field prime of P-256: a coordinate must be below it, never reduced modulo it. */
const P256_PRIME = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;

/** WebCrypto's CryptoKey, named through the API so the type exists under both the DOM and the Node typings. */
export type JoinPrivateKey = Parameters<typeof crypto.subtle.deriveBits>[1];

/** The info of the member key's HKDF, as UTF-8: `hearth member v1|<thermostat ID>|<member ID>`. */
export function memberKeyInfo(thermostatId: string, memberId: string): Uint8Array {
  return new TextEncoder().encode(`hearth member v1|${thermostatId}|${memberId}`);
}

/**
 * The member key: HKDF-SHA256 with salt = the invitation secret (or the old shared key), IKM = the
 * X coordinate of the shared ECDH point, info = memberKeyInfo, 32 bytes ("Joining", step 2).
 */
export function deriveMemberKey(sharedX: Uint8Array, secret: Uint8Array, thermostatId: string, memberId: string): Uint8Array {
  return hkdf(sha256, sharedX, secret, memberKeyInfo(thermostatId, memberId), MEMBER_KEY_BYTES);
}

/** A one-time key pair for a JOIN: the private key never leaves WebCrypto, the public key travels in the JOIN. */
export interface JoinKeyPair {
  privateKey: JoinPrivateKey;
  /** 65 bytes, 0x04 || X || Y. */
  publicKey: Uint8Array;
}

export async function makeJoinKeyPair(): Promise<JoinKeyPair> {
  const pair = await crypto.subtle.generateKey(ECDH_P256, false, ['deriveBits']);
  return { privateKey: pair.privateKey, publicKey: new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)) };
}

const coordinate = (bytes: Uint8Array, from: number): bigint =>
  BigInt(`0x${Array.from(bytes.subarray(from, from + COORDINATE_BYTES), (byte) => byte.toString(16).padStart(2, '0')).join('')}`);

/**
 * The shape the contract allows before any curve arithmetic: 65 bytes, 0x04, both coordinates below
 * the field prime. WebCrypto would refuse most of the rest too, but not every implementation the
 * same way (some take compressed points), so both sides refuse exactly what members.json lists.
 */
export function isUncompressedPoint(bytes: Uint8Array): boolean {
  return (
    bytes.length === JOIN_PUBLIC_KEY_BYTES &&
    bytes[0] === UNCOMPRESSED_POINT &&
    coordinate(bytes, 1) < P256_PRIME &&
    coordinate(bytes, 1 + COORDINATE_BYTES) < P256_PRIME
  );
}

/**
 * The X coordinate (32 bytes) of the point our private key and the peer's public key share, or null
 * when the peer's key is not a P-256 point in the uncompressed form ("Joining").
 */
export async function sharedSecretX(privateKey: JoinPrivateKey, peerPublicKey: Uint8Array): Promise<Uint8Array | null> {
  if (!isUncompressedPoint(peerPublicKey)) return null;
  let peer: JoinPrivateKey;
  try {
    // Import checks that the point lies on P-256; an off-curve point is refused here.
    peer = await crypto.subtle.importKey('raw', Uint8Array.from(peerPublicKey), ECDH_P256, false, []);
  } catch {
    return null;
  }
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'ECDH', public: peer }, privateKey, COORDINATE_BYTES * 8));
}

/**
 * The member key from the peer's public key as a JOIN or WELCOME carries it (base64url text): ECDH with our
 * one-time private key, then deriveMemberKey ("Joining", step 2). Null when the text is not base64url or
 * sharedSecretX refuses the point.
 */
export async function memberKeyFrom(
  privateKey: JoinPrivateKey,
  peerPublicKey: string,
  secret: Uint8Array,
  thermostatId: string,
  memberId: string,
): Promise<Uint8Array | null> {
  const peer = fromBase64url(peerPublicKey);
  const sharedX = peer === null ? null : await sharedSecretX(privateKey, peer);
  return sharedX === null ? null : deriveMemberKey(sharedX, secret, thermostatId, memberId);
}
