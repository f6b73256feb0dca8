/**
 * Writes protocol/vectors/logon.json (docs/protocol.md, "Logging on"). Run with `npx tsx protocol/vectors/make-logon-vectors.ts`;
 * not part of the tests. It signs with node:crypto (OpenSSL), a different implementation from the
 * contract's WebCrypto code that the tests check these vectors with. Signatures are randomised, so each
 * run writes different (equally valid) signatures; the keys are fixed. docs/protocol.md ("Logging on") quotes
 * the first verify case: update its signature there after regenerating.
 */
import { createECDH, createHash, createPrivateKey, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LogonVerifyVector } from './index.ts';

const ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const sha256 = (bytes: Uint8Array | string): Buffer => createHash('sha256').update(bytes).digest();
const idOf = (publicKey: Uint8Array): string => b64url(sha256(publicKey)).slice(0, 22);
const signedText = (nonce: string, host: string): string => `hearth-logon-v2|${nonce}|${host}`;

interface Key {
  private_key: string;
  public_key: string;
  id: string;
  sign: (text: string) => Buffer;
}

function fixedKey(label: string): Key {
  const d = sha256(`hearth logon vector key ${label}`);
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(d);
  const point = ecdh.getPublicKey(); // uncompressed 0x04||X||Y
  const privateKey = createPrivateKey({
    format: 'jwk',
    key: { kty: 'EC', crv: 'P-256', d: b64url(d), x: b64url(point.subarray(1, 33)), y: b64url(point.subarray(33)) },
  });
  return {
    private_key: b64url(d),
    public_key: b64url(point),
    id: idOf(point),
    sign: (text) => sign('sha256', Buffer.from(text, 'utf8'), { key: privateKey, dsaEncoding: 'ieee-p1363' }),
  };
}

const toBig = (bytes: Uint8Array): bigint => BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
const toBytes32 = (value: bigint): Buffer => Buffer.from(value.toString(16).padStart(64, '0'), 'hex');

/** The same signature with s replaced by n - s: also valid, and the contract accepts both forms. */
function otherS(signature: Buffer): Buffer {
  const s = toBig(signature.subarray(32));
  return Buffer.concat([signature.subarray(0, 32), toBytes32(ORDER - s)]);
}
const isLowS = (signature: Buffer): boolean => toBig(signature.subarray(32)) <= ORDER / 2n;

const alice = fixedKey('alice');
const bob = fixedKey('bob');
const carol = fixedKey('carol');
const nonce1 = b64url(sha256('hearth logon vector nonce 1'));
const nonce2 = b64url(sha256('hearth logon vector nonce 2'));

const cases: LogonVerifyVector[] = [];
function add(why: string, key: { id: string; public_key: string }, nonce: string, host: string, signature: Uint8Array | string, valid: boolean): void {
  cases.push({
    why,
    nonce,
    host,
    transmitter: key.id,
    public_key: key.public_key,
    signature: typeof signature === 'string' ? signature : b64url(signature),
    valid,
  });
}

const aliceSig = alice.sign(signedText(nonce1, 'hearth.example'));
const [lowS, highS] = isLowS(aliceSig) ? [aliceSig, otherS(aliceSig)] : [otherS(aliceSig), aliceSig];
add('valid: host name, default port', alice, nonce1, 'hearth.example', lowS, true);
add('valid: the same signature with high S (n - s)', alice, nonce1, 'hearth.example', highS, true);
add('valid: IPv4 host with a non-default port', bob, nonce2, '192.168.1.20:8080', bob.sign(signedText(nonce2, '192.168.1.20:8080')), true);
add('valid: IPv6 host with a port, brackets kept', carol, nonce1, '[::1]:8443', carol.sign(signedText(nonce1, '[::1]:8443')), true);
add('valid: localhost with a port', alice, nonce2, 'localhost:8787', alice.sign(signedText(nonce2, 'localhost:8787')), true);

add('wrong host: signed for hearth.example, checked at evil.example', alice, nonce1, 'evil.example', lowS, false);
add('wrong host: an explicit default port is a different host text', alice, nonce1, 'hearth.example:443', lowS, false);
add('wrong host: signed for Hearth.Example (not lowercased), checked at hearth.example', alice, nonce1, 'hearth.example', alice.sign(signedText(nonce1, 'Hearth.Example')), false);
add('wrong nonce: a LOG_ON captured on another connection', alice, nonce2, 'hearth.example', lowS, false);
add('wrong key: signed by bob, presented with alice key and ID', alice, nonce1, 'hearth.example', bob.sign(signedText(nonce1, 'hearth.example')), false);
cases.push({
  why: 'key/ID mismatch: alice key and valid signature, but transmitter is bob ID',
  nonce: nonce1,
  host: 'hearth.example',
  transmitter: bob.id,
  public_key: alice.public_key,
  signature: b64url(lowS),
  valid: false,
});

add('malformed signature: not base64url', alice, nonce1, 'hearth.example', `${b64url(lowS).slice(0, 80)}!!!!!!`, false);
add('malformed signature: base64 padding', alice, nonce1, 'hearth.example', `${b64url(lowS)}==`, false);
add("malformed signature: a '+' of the standard base64 alphabet", alice, nonce1, 'hearth.example', Buffer.from(lowS).toString('base64').replace(/=+$/, '').replace(/[A-Za-z0-9]/, '+'), false);
add('truncated signature: 63 bytes', alice, nonce1, 'hearth.example', lowS.subarray(0, 63), false);
add('signature too long: 65 bytes', alice, nonce1, 'hearth.example', Buffer.concat([lowS, Buffer.from([0])]), false);
add('empty signature', alice, nonce1, 'hearth.example', '', false);
add('signature r = 0, s = 0', alice, nonce1, 'hearth.example', Buffer.alloc(64), false);
add('signature with s = n (out of range)', alice, nonce1, 'hearth.example', Buffer.concat([lowS.subarray(0, 32), toBytes32(ORDER)]), false);
add('signature with r = n (out of range)', alice, nonce1, 'hearth.example', Buffer.concat([toBytes32(ORDER), lowS.subarray(32)]), false);
add('signature DER-encoded instead of r||s', alice, nonce1, 'hearth.example',
  sign('sha256', Buffer.from(signedText(nonce1, 'hearth.example')), {
    key: createPrivateKey({ format: 'jwk', key: jwkOf(alice) }),
    dsaEncoding: 'der',
  }), false);

function jwkOf(key: Key): { kty: string; crv: string; d: string; x: string; y: string } {
  const point = Buffer.from(key.public_key, 'base64url');
  return { kty: 'EC', crv: 'P-256', d: key.private_key, x: b64url(point.subarray(1, 33)), y: b64url(point.subarray(33)) };
}

const alicePoint = Buffer.from(alice.public_key, 'base64url');
function withKey(why: string, point: Uint8Array | string): void {
  const publicKey = typeof point === 'string' ? point : b64url(point);
  const id = typeof point === 'string' ? alice.id : idOf(point);
  cases.push({ why, nonce: nonce1, host: 'hearth.example', transmitter: id, public_key: publicKey, signature: b64url(lowS), valid: false });
}
const offCurve = Buffer.from(alicePoint);
offCurve[64] = offCurve[64]! ^ 1;
withKey('off-curve point: alice key with the last bit of Y flipped (ID matches that key)', offCurve);
const compressed = Buffer.concat([Buffer.from([2 + (alicePoint[64]! & 1)]), alicePoint.subarray(1, 33)]);
withKey('malformed key: compressed 33-byte form (ID matches those bytes)', compressed);
const wrongPrefix = Buffer.from(alicePoint);
wrongPrefix[0] = 0x05;
withKey('malformed key: prefix 0x05 instead of 0x04 (ID matches those bytes)', wrongPrefix);
withKey('truncated key: 64 bytes (ID matches those bytes)', alicePoint.subarray(0, 64));
withKey('malformed key: not base64url', `${alice.public_key.slice(0, 80)}*`);
withKey('point at infinity: a single 0x00 byte (ID matches it)', Buffer.from([0]));
withKey('malformed key: X and Y all zero (ID matches those bytes)', Buffer.concat([Buffer.from([4]), Buffer.alloc(64)]));

const vectors = {
  about:
    'Logon v2 per docs/protocol.md, sections "Identity" and "Logging on". All byte strings base64url without padding. ' +
    'ids: id = first 22 chars of base64url(SHA-256(public_key)), public_key the 65-byte uncompressed P-256 point 0x04||X||Y. ' +
    'keys: private_key is the 32-byte big-endian scalar; derive public_key and id from it. ' +
    'verify: the broker holds nonce and host; a LOG_ON with transmitter, public_key and signature is valid only when ' +
    'public_key is a 65-byte point on P-256, transmitter is its id, and signature is a 64-byte r||s ECDSA P-256/SHA-256 ' +
    'signature over the UTF-8 bytes of "hearth-logon-v2|" + nonce + "|" + host. High-S signatures are valid. ' +
    'Regenerate with: npx tsx protocol/vectors/make-logon-vectors.ts',
  ids: [alice, bob, carol].map(({ public_key, id }) => ({ public_key, id })),
  keys: [alice, bob, carol].map(({ private_key, public_key, id }) => ({ private_key, public_key, id })),
  verify: cases,
};

const target = fileURLToPath(new URL('./logon.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(vectors, null, 2)}\n`);
console.log(`wrote ${target}: ${cases.length} verify cases (${cases.filter((c) => c.valid).length} valid)`);
