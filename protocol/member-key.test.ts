import { hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { fromBase64url, toBase64url } from './base64url.ts';
import {
  deriveMemberKey,
  isUncompressedPoint,
  JOIN_PUBLIC_KEY_BYTES,
  makeJoinKeyPair,
  MEMBER_KEY_BYTES,
  memberKeyFrom,
  memberKeyInfo,
  sharedSecretX,
  type JoinPrivateKey,
} from './member-key.ts';
import { membersVectors } from './vectors/index.ts';

const THERMOSTAT = '6dJCrkykZadkdwfxaPEkQ-';
const MEMBER = 'Ab_cdEFghIJklMNopQRstu';

describe('the member key ("Joining")', () => {
  it('takes its info as "hearth member v1|T|M" in UTF-8', () => {
    expect(new TextDecoder().decode(memberKeyInfo(THERMOSTAT, MEMBER))).toBe(`hearth member v1|${THERMOSTAT}|${MEMBER}`);
  });

  it('is the same for both ends of an ECDH, and differs by ID, thermostat and secret', async () => {
    const app = await makeJoinKeyPair();
    const thermostat = await makeJoinKeyPair();
    expect(app.publicKey).toHaveLength(JOIN_PUBLIC_KEY_BYTES);
    expect(isUncompressedPoint(app.publicKey)).toBe(true);
    const appX = await sharedSecretX(app.privateKey, thermostat.publicKey);
    const thermostatX = await sharedSecretX(thermostat.privateKey, app.publicKey);
    expect(appX).not.toBeNull();
    expect(appX).toEqual(thermostatX);
    const secret = new Uint8Array(32).fill(7);
    const key = deriveMemberKey(appX!, secret, THERMOSTAT, MEMBER);
    expect(key).toHaveLength(MEMBER_KEY_BYTES);
    const keys = [
      key,
      deriveMemberKey(appX!, secret, THERMOSTAT, 'Zb_cdEFghIJklMNopQRstu'),
      deriveMemberKey(appX!, secret, 'Zd_Crkykzadkdwfxapekq-', MEMBER),
      deriveMemberKey(appX!, new Uint8Array(32).fill(8), THERMOSTAT, MEMBER),
    ].map(toBase64url);
    expect(new Set(keys).size).toBe(4);
  });

  it('keeps the one-time private key out of script', async () => {
    const { privateKey } = await makeJoinKeyPair();
    expect(privateKey.extractable).toBe(false);
  });

  it('refuses a peer key that is not an uncompressed P-256 point', async () => {
    const { privateKey, publicKey } = await makeJoinKeyPair();
    const offCurve = Uint8Array.from(publicKey);
    offCurve[64] = offCurve[64]! ^ 1;
    const compressed = Uint8Array.from([0x02 + (publicKey[64]! & 1), ...publicKey.subarray(1, 33)]);
    for (const bad of [offCurve, compressed, publicKey.subarray(0, 64), new Uint8Array(65).fill(0xff), Uint8Array.of(0)]) {
      expect(await sharedSecretX(privateKey, bad)).toBeNull();
    }
  });
});

/** A fixed private scalar (hex) with its public point, into WebCrypto through JWK, as members-vectors.test.ts. */
function importPrivateKey(scalarHex: string, publicKey: string): Promise<JoinPrivateKey> {
  const point = fromBase64url(publicKey)!;
  const jwk = { kty: 'EC', crv: 'P-256', d: toBase64url(hexToBytes(scalarHex)), x: toBase64url(point.subarray(1, 33)), y: toBase64url(point.subarray(33)) };
  return crypto.subtle.importKey('jwk', jwk, { name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
}

describe('memberKeyFrom', () => {
  const [vector] = membersVectors.derivation;
  if (vector === undefined) throw new Error('members.json has no derivation');
  const secret = fromBase64url(vector.secret)!;

  it('gives the member key of members.json from either end', async () => {
    const app = await importPrivateKey(vector.app_private_key, vector.app_public_key);
    const thermostat = await importPrivateKey(vector.thermostat_private_key, vector.thermostat_public_key);
    const appKey = await memberKeyFrom(app, vector.thermostat_public_key, secret, vector.thermostat_id, vector.member_id);
    const thermostatKey = await memberKeyFrom(thermostat, vector.app_public_key, secret, vector.thermostat_id, vector.member_id);
    expect(appKey && toBase64url(appKey)).toBe(vector.member_key);
    expect(thermostatKey && toBase64url(thermostatKey)).toBe(vector.member_key);
  });

  it('is null for a point sharedSecretX refuses and for text that is not base64url', async () => {
    const app = await importPrivateKey(vector.app_private_key, vector.app_public_key);
    const [bad] = membersVectors.badPoints;
    if (bad === undefined) throw new Error('members.json has no bad points');
    expect(await memberKeyFrom(app, bad.public_key, secret, vector.thermostat_id, vector.member_id)).toBeNull();
    expect(await memberKeyFrom(app, `${vector.thermostat_public_key}=`, secret, vector.thermostat_id, vector.member_id)).toBeNull();
  });
});
