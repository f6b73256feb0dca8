import { describe, expect, it } from 'vitest';
import { envelopeVectors } from './vectors/index.ts';
import { fromBase64url } from './base64url.ts';
import { makeKey, open, seal, sealWithIv, type EnvelopePacketType } from './envelope.ts';

const key = fromBase64url(envelopeVectors.key)!;
const asPacketType = (value: string): EnvelopePacketType => {
  if (value !== 'START' && value !== 'MSG') throw new Error(`vector packet_type ${value}`);
  return value;
};

describe('envelope vectors', () => {
  it.each(envelopeVectors.open)('opens $packet_type $iv to exactly its plaintext', (vector) => {
    const opened = open(key, vector.packet_type, vector.transmitter, vector.receiver, vector.envelope);
    expect(opened).toEqual({ ok: true, value: vector.plaintext });
  });

  it.each(envelopeVectors.open)('seals $packet_type $iv to exactly its envelope', (vector) => {
    const iv = fromBase64url(vector.iv)!;
    const sealed = sealWithIv(key, iv, asPacketType(vector.packet_type), vector.transmitter, vector.receiver, vector.plaintext);
    expect(sealed).toBe(vector.envelope);
  });

  const expectedError: Record<string, string> = {
    'ciphertext bit flipped': 'auth_failed',
    'tag bit flipped': 'auth_failed',
    'receiver changed (AAD mismatch)': 'auth_failed',
    'packet_type changed (AAD mismatch)': 'auth_failed',
    'unknown version prefix': 'bad_version',
    'iv of 8 bytes': 'bad_iv',
  };

  it.each(envelopeVectors.reject)('refuses: $why', (vector) => {
    const opened = open(key, vector.packet_type, vector.transmitter, vector.receiver, vector.envelope);
    expect(opened.ok).toBe(false);
    expect(expectedError[vector.why]).toBeDefined();
    expect(opened).toMatchObject({ error: expectedError[vector.why] });
  });
});

describe('seal and open', () => {
  const alice = 'GGXACDHnP37iP8E8stD1iL';
  const thermostat = 'Yw3NKWbEM2aRElRIu7JbT_';

  it('round-trips a message object with a fresh IV each time', () => {
    const k = makeKey();
    const message = { type: 'START', name: 'Ana', nonce: 'bm9uY2Utbm9uY2Ut' };
    const first = seal(k, 'START', alice, thermostat, message);
    const second = seal(k, 'START', alice, thermostat, message);
    expect(first.split('.')[1]).not.toBe(second.split('.')[1]);
    expect(open(k, 'START', alice, thermostat, first)).toEqual({ ok: true, value: JSON.stringify(message) });
  });

  it('refuses another key, a swapped sender, and malformed envelopes by name', () => {
    const k = makeKey();
    const sealed = seal(k, 'MSG', alice, thermostat, 'hello');
    expect(open(makeKey(), 'MSG', alice, thermostat, sealed)).toMatchObject({ ok: false, error: 'auth_failed' });
    expect(open(k, 'MSG', thermostat, alice, sealed)).toMatchObject({ ok: false, error: 'auth_failed' });
    expect(open(k, 'MSG', alice, thermostat, 42)).toMatchObject({ ok: false, error: 'bad_format' });
    expect(open(k, 'MSG', alice, thermostat, 'v1.only-two')).toMatchObject({ ok: false, error: 'bad_format' });
    expect(open(k, 'MSG', alice, thermostat, `${sealed}=`)).toMatchObject({ ok: false, error: 'bad_format' });
    expect(open(k.slice(0, 16), 'MSG', alice, thermostat, sealed)).toMatchObject({ ok: false, error: 'bad_key' });
  });
});
