import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sodium from 'libsodium-wrappers';
import { beforeAll, describe, expect, it } from 'vitest';
import { owntracksKey } from './owntracks-key.ts';
import { secretboxVectors } from './vectors/index.ts';
import { makeSecretboxVectors } from './vectors/make-secretbox-vectors.ts';
import { openWithLibsodium, openWithNoble } from './vectors/reference-openers.ts';

beforeAll(async () => {
  await sodium.ready;
});

describe('secretbox vectors', () => {
  it.each(secretboxVectors.cases)('libsodium: $why', (vector) => {
    expect(openWithLibsodium(vector.secret, vector.data)).toBe(vector.plaintext);
  });

  it.each(secretboxVectors.cases)('@noble/ciphers: $why', (vector) => {
    expect(openWithNoble(vector.secret, vector.data)).toBe(vector.plaintext);
  });

  it("hold OwnTracks' own Android vector, which opens to the location its test checks", () => {
    const android = secretboxVectors.cases.find((vector) => vector.secret === '123');
    expect(android?.data.startsWith('aUiEKyGnskRz383od0mu4uqxTIxeZUdd')).toBe(true);
    const location: unknown = JSON.parse(android?.plaintext ?? 'null');
    expect(location).toMatchObject({ _type: 'location', lat: 50.1182933, lon: -5.5407733, acc: 5 });
  });

  it('have cases that open and cases that must not', () => {
    expect(secretboxVectors.cases.filter((vector) => vector.plaintext === null).length).toBeGreaterThanOrEqual(10);
    expect(secretboxVectors.cases.filter((vector) => vector.plaintext !== null).length).toBeGreaterThanOrEqual(6);
  });

  it('are what make-secretbox-vectors.ts writes, byte for byte', async () => {
    const file = readFileSync(fileURLToPath(new URL('./vectors/secretbox.json', import.meta.url)), 'utf8');
    expect(await makeSecretboxVectors()).toBe(file);
  });
});

describe('owntracksKey', () => {
  const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

  it.each([
    { why: 'a short secret is zero-padded', secret: '123', key: `313233${'00'.repeat(29)}` },
    { why: 'the empty secret is all zeros', secret: '', key: '00'.repeat(32) },
    { why: 'a 32-byte secret is the key as it is', secret: 'abcdefghijklmnopqrstuvwxyz012345', key: hex(new TextEncoder().encode('abcdefghijklmnopqrstuvwxyz012345')) },
    { why: 'a longer secret is cut to its first 32 bytes', secret: `${'a'.repeat(32)}bcd`, key: '61'.repeat(32) },
    { why: 'multi-byte characters count as their UTF-8 bytes', secret: 'ü☕', key: `c3bce29895${'00'.repeat(27)}` },
    { why: 'a character straddling byte 32 is cut inside it (as Android does)', secret: `${'a'.repeat(31)}ü`, key: `${'61'.repeat(31)}c3` },
  ])('$why', ({ secret, key }) => {
    const made = owntracksKey(secret);
    expect(made.length).toBe(32);
    expect(hex(made)).toBe(key);
  });
});
