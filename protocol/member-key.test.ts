import { describe, expect, it } from 'vitest';
import { toBase64url } from './base64url.ts';
import { deriveMemberKey, isUncompressedPoint, JOIN_PUBLIC_KEY_BYTES, makeJoinKeyPair, MEMBER_KEY_BYTES, memberKeyInfo, sharedSecretX } from './member-key.ts';

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
