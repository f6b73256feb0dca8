import { gcm } from '@noble/ciphers/aes.js';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { describe, expect, it } from 'vitest';
import { fromBase64url, toBase64url } from '@protocol';
import { importPlan, MAX_PAIRINGS_FILE_BYTES, openPairings, readPairingsHeader, sealPairings, transferOf, type PairingsTransfer } from './pairings-file';

/** The cheapest cost a file may name, so the tests run scrypt for real in a fraction of a second. */
const CHEAP = { N: 2 ** 14, r: 8, p: 1 };
const PASS = 'correct horse battery';
const LIVING = 'LivingLivingLivingLivi';
const HALL = 'HallHallHallHallHallHa';
const ATTIC = 'AtticAtticAtticAtticAt';
const KEY_A = 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs';
const KEY_B = 'iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiA';
const KEY_C = 'jjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjA';

/** The clock the tests open files at; the invitations in them end a day later. */
const NOW = 1_800_000_000_000;
const LATER = NOW + 86_400_000;

const TRANSFER: PairingsTransfer = {
  thermostats: [{ id: LIVING, key: KEY_A, name: 'Living room', joined: false, expiresAt: LATER }],
  needInvitation: [{ id: HALL, name: 'Hall' }],
};

/** A sealed file with one field of its outside changed. */
async function withOutside(change: (file: Record<string, unknown>) => void): Promise<string> {
  const file = JSON.parse(await sealPairings(TRANSFER, PASS, { params: CHEAP })) as Record<string, unknown>;
  change(file);
  return JSON.stringify(file);
}

describe('pairings file', () => {
  it('opens with the passphrase it was sealed under, and holds no readable key', async () => {
    const text = await sealPairings(TRANSFER, PASS, { params: CHEAP });
    expect(text).not.toContain(KEY_A);
    expect(text).not.toContain('Living room');
    expect(JSON.parse(text)).toMatchObject({ format: 'hearth-pairings', version: 1, kdf: { name: 'scrypt', N: 16384, r: 8, p: 1 } });
    await expect(openPairings(text, PASS, { params: CHEAP, now: NOW })).resolves.toEqual(TRANSFER);
  });

  it('says "wrong passphrase or damaged file" for a wrong passphrase and for changed contents', async () => {
    const text = await sealPairings(TRANSFER, PASS, { params: CHEAP });
    await expect(openPairings(text, 'not the passphrase', { params: CHEAP, now: NOW })).rejects.toMatchObject({
      code: 'wrong_passphrase_or_damaged',
      message: 'Wrong passphrase or damaged file.',
    });
    const file = JSON.parse(text) as { data: string };
    const flipped = `${file.data.slice(0, 10)}${file.data[10] === 'A' ? 'B' : 'A'}${file.data.slice(11)}`;
    await expect(openPairings(JSON.stringify({ ...file, data: flipped }), PASS, { params: CHEAP, now: NOW })).rejects.toMatchObject({ code: 'wrong_passphrase_or_damaged' });
  });

  it('does not open once its salt is changed (another salt, another key)', async () => {
    const text = await withOutside((file) => ((file.kdf as Record<string, unknown>).salt = 'AAAAAAAAAAAAAAAAAAAAAA'));
    await expect(openPairings(text, PASS, { params: CHEAP, now: NOW })).rejects.toMatchObject({ code: 'wrong_passphrase_or_damaged' });
  });

  it('takes by default exactly the cost version 1 writes, and refuses a cheaper or dearer one', async () => {
    const written = JSON.parse(await sealPairings(TRANSFER, PASS, { params: CHEAP })) as Record<string, unknown>;
    expect(() => readPairingsHeader(JSON.stringify(written))).toThrow(expect.objectContaining({ code: 'damaged' }) as Error);
    (written.kdf as Record<string, unknown>).N = 2 ** 17;
    expect(() => readPairingsHeader(JSON.stringify(written))).toThrow(expect.objectContaining({ code: 'damaged' }) as Error);
    (written.kdf as Record<string, unknown>).N = 2 ** 16;
    expect(readPairingsHeader(JSON.stringify(written)).params).toEqual({ N: 2 ** 16, r: 8, p: 1 });
  });

  it('counts a file in bytes: characters of several bytes each make it too big', () => {
    const name = 'é'.repeat(MAX_PAIRINGS_FILE_BYTES / 2 + 1);
    expect(name.length).toBeLessThan(MAX_PAIRINGS_FILE_BYTES);
    expect(() => readPairingsHeader(`{"format":"hearth-pairings","pad":"${name}"}`)).toThrow(expect.objectContaining({ code: 'too_big' }) as Error);
  });

  it('refuses a salt or nonce that is not text as damaged', async () => {
    const text = await withOutside((file) => ((file.kdf as Record<string, unknown>).salt = 12));
    expect(() => readPairingsHeader(text, CHEAP)).toThrow(expect.objectContaining({ code: 'damaged' }) as Error);
  });

  it('binds its outside to the contents: the same key and nonce under another header do not open', async () => {
    const file = JSON.parse(await sealPairings(TRANSFER, PASS, { params: CHEAP })) as { kdf: { salt: string }; cipher: { nonce: string }; data: string };
    const key = await scryptAsync(PASS, fromBase64url(file.kdf.salt) as Uint8Array, { ...CHEAP, dkLen: 32 });
    const nonce = fromBase64url(file.cipher.nonce) as Uint8Array;
    const header = (n: number) => new TextEncoder().encode(`hearth-pairings|1|scrypt|${n}|8|1|${file.kdf.salt}|aes-256-gcm|${file.cipher.nonce}`);
    const contents = gcm(key, nonce, header(CHEAP.N)).decrypt(fromBase64url(file.data) as Uint8Array);
    const resealed = (aad: Uint8Array) => JSON.stringify({ ...file, data: toBase64url(gcm(key, nonce, aad).encrypt(contents)) });
    // The seam: re-sealed under the header the file shows, it opens; under another header (or none), it does not.
    await expect(openPairings(resealed(header(CHEAP.N)), PASS, { params: CHEAP, now: NOW })).resolves.toEqual(TRANSFER);
    await expect(openPairings(resealed(header(2 ** 16)), PASS, { params: CHEAP, now: NOW })).rejects.toMatchObject({ code: 'wrong_passphrase_or_damaged' });
    await expect(openPairings(resealed(new Uint8Array()), PASS, { params: CHEAP, now: NOW })).rejects.toMatchObject({ code: 'wrong_passphrase_or_damaged' });
  });

  it.each([
    ['a file far too big', 'x'.repeat(MAX_PAIRINGS_FILE_BYTES + 1), 'too_big'],
    ['a file that is not JSON', 'hello', 'not_a_pairings_file'],
    ['JSON of something else', '{"format":"other"}', 'not_a_pairings_file'],
    ['a file of a newer version', '{"format":"hearth-pairings","version":2}', 'newer_version'],
  ])('refuses %s before any work', (_what, text, code) => {
    expect(() => readPairingsHeader(text)).toThrow(expect.objectContaining({ code }) as Error);
  });

  it.each([
    ['a cost within the old range but not the one version 1 writes (N = 2^15)', (f: Record<string, unknown>) => ((f.kdf as Record<string, unknown>).N = 2 ** 15)],
    ['a cost that would take minutes (N = 2^22)', (f: Record<string, unknown>) => ((f.kdf as Record<string, unknown>).N = 2 ** 22)],
    ['a cost that is not a power of two', (f: Record<string, unknown>) => ((f.kdf as Record<string, unknown>).N = 20000)],
    ['a bigger block size', (f: Record<string, unknown>) => ((f.kdf as Record<string, unknown>).r = 64)],
    ['more parallel work', (f: Record<string, unknown>) => ((f.kdf as Record<string, unknown>).p = 16)],
    ['another KDF', (f: Record<string, unknown>) => ((f.kdf as Record<string, unknown>).name = 'pbkdf2')],
    ['a short nonce', (f: Record<string, unknown>) => ((f.cipher as Record<string, unknown>).nonce = 'AAAA')],
    ['contents that are not base64url', (f: Record<string, unknown>) => (f.data = '***')],
  ])('refuses a file with %s as damaged, before deriving any key', async (_what, change) => {
    const text = await withOutside(change);
    expect(() => readPairingsHeader(text, CHEAP)).toThrow(expect.objectContaining({ code: 'damaged' }) as Error);
  });

  it('drops entries that do not parse, and member keys, which work only on the phone that joined', async () => {
    const hostile = {
      thermostats: [
        { id: LIVING, key: KEY_A, name: 'Living room', joined: false, expiresAt: LATER },
        { id: HALL, key: KEY_B, name: 'Hall', joined: true, expiresAt: LATER },
        { id: 'short', key: KEY_C, name: 'Bad' },
        { id: ATTIC, key: 'not a key', name: 'Attic' },
        'nonsense',
      ],
      needInvitation: [{ id: ATTIC, name: 'A'.repeat(100) }, { id: 7 }],
    } as unknown as PairingsTransfer;
    const text = await sealPairings(hostile, PASS, { params: CHEAP });
    await expect(openPairings(text, PASS, { params: CHEAP, now: NOW })).resolves.toEqual({
      thermostats: [{ id: LIVING, key: KEY_A, name: 'Living room', joined: false, expiresAt: LATER }],
      needInvitation: [{ id: ATTIC, name: 'A'.repeat(40) }],
    });
  });
});

describe('names in a file', () => {
  it('gives a name holding invisible or control characters, or none, the default name', async () => {
    const hostile = {
      thermostats: [{ id: LIVING, key: KEY_A, name: 'Living\u202Emoor', joined: false, expiresAt: LATER }],
      needInvitation: [
        { id: HALL, name: 'Hall\u200B' },
        { id: ATTIC, name: '' },
      ],
    };
    const text = await sealPairings(hostile, PASS, { params: CHEAP });
    await expect(openPairings(text, PASS, { params: CHEAP, now: NOW })).resolves.toEqual({
      thermostats: [{ id: LIVING, key: KEY_A, name: 'Thermostat', joined: false, expiresAt: LATER }],
      needInvitation: [
        { id: HALL, name: 'Thermostat' },
        { id: ATTIC, name: 'Thermostat' },
      ],
    });
  });
});

describe('invitations that end', () => {
  it('carries each invitation’s end under the seal, and offers none that has ended, or whose end is unknown', async () => {
    const sealed = await sealPairings(
      {
        thermostats: [
          { id: LIVING, key: KEY_A, name: 'Living room', joined: false, expiresAt: LATER },
          { id: HALL, key: KEY_B, name: 'Hall', joined: false, expiresAt: NOW },
          { id: ATTIC, key: KEY_C, name: 'Attic', joined: false } as never,
        ],
        needInvitation: [],
      },
      PASS,
      { params: CHEAP },
    );
    await expect(openPairings(sealed, PASS, { params: CHEAP, now: NOW })).resolves.toEqual({
      thermostats: [{ id: LIVING, key: KEY_A, name: 'Living room', joined: false, expiresAt: LATER }],
      needInvitation: [
        { id: HALL, name: 'Hall' },
        { id: ATTIC, name: 'Attic' },
      ],
    });
    await expect(openPairings(sealed, PASS, { params: CHEAP, now: LATER })).resolves.toMatchObject({ thermostats: [] });
  });
});

describe('transferOf', () => {
  it('hands on only an open invitation this phone made: never a member key, never a key not joined with (maybe the old shared key)', () => {
    const held = [
      { id: LIVING, key: KEY_A, name: 'Living room', joined: true },
      { id: HALL, key: KEY_B, name: 'Hall', joined: false },
      { id: ATTIC, key: KEY_C, name: 'Attic', joined: true },
    ];
    const transfer = transferOf(held, { [LIVING]: { key: KEY_C, expiresAt: 2000 }, [ATTIC]: { key: KEY_B, expiresAt: 999 } }, 1000);
    expect(transfer).toEqual({
      thermostats: [{ id: LIVING, key: KEY_C, name: 'Living room', joined: false, expiresAt: 2000 }],
      // Hall: a key this phone has not joined with; Attic: its invitation ran out. The new phone needs new ones.
      needInvitation: [
        { id: HALL, name: 'Hall' },
        { id: ATTIC, name: 'Attic' },
      ],
    });
    expect(JSON.stringify(transfer)).not.toContain(KEY_A);
    expect(JSON.stringify(transfer)).not.toContain(KEY_B);
  });
});

describe('importPlan', () => {
  it('adds what is new and leaves what this app holds for the person to choose', () => {
    const mine = { id: LIVING, key: KEY_B, name: 'Lounge', joined: false };
    const plan = importPlan(
      {
        thermostats: [
          { id: LIVING, key: KEY_A, name: 'Living room', joined: false, expiresAt: LATER },
          { id: ATTIC, key: KEY_C, name: 'Attic', joined: false, expiresAt: LATER },
        ],
        needInvitation: [
          { id: HALL, name: 'Hall' },
          { id: LIVING, name: 'Living room' },
        ],
      },
      [mine],
    );
    expect(plan.added).toEqual([{ id: ATTIC, key: KEY_C, name: 'Attic', joined: false, expiresAt: LATER }]);
    expect(plan.alreadyHere).toEqual([{ fromFile: { id: LIVING, key: KEY_A, name: 'Living room', joined: false, expiresAt: LATER }, held: mine }]);
    expect(plan.needInvitation).toEqual([{ id: HALL, name: 'Hall' }]);
  });

  it('never offers to replace the key of a thermostat this phone has joined: nothing to do', () => {
    const mine = { id: LIVING, key: KEY_B, name: 'Lounge', joined: true };
    const plan = importPlan({ thermostats: [{ id: LIVING, key: KEY_A, name: 'Living room', joined: false, expiresAt: LATER }], needInvitation: [] }, [mine]);
    expect(plan.alreadyHere).toEqual([]);
    expect(plan.alreadyMember).toEqual([mine]);
    expect(plan.added).toEqual([]);
  });

  it('offers the replacement once this phone is known to be removed, and for a key it has not joined with', () => {
    const removed = { id: LIVING, key: KEY_B, name: 'Lounge', joined: true };
    const notJoined = { id: ATTIC, key: KEY_B, name: 'Attic', joined: false };
    const plan = importPlan(
      {
        thermostats: [
          { id: LIVING, key: KEY_A, name: 'Living room', joined: false, expiresAt: LATER },
          { id: ATTIC, key: KEY_C, name: 'Attic', joined: false, expiresAt: LATER },
        ],
        needInvitation: [],
      },
      [removed, notJoined],
      { [LIVING]: 'removed' },
    );
    expect(plan.alreadyMember).toEqual([]);
    expect(plan.alreadyHere.map(({ held }) => held)).toEqual([removed, notJoined]);
  });
});
