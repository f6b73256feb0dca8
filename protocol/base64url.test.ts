import { base64urlnopad } from '@scure/base';
import { describe, expect, it } from 'vitest';
import { base64urlByteLength, fromBase64url, toBase64url } from './base64url.ts';

const scureDecode = (text: string): Uint8Array | null => {
  try {
    return base64urlnopad.decode(text);
  } catch {
    return null;
  }
};

describe('base64url', () => {
  it('decodes and refuses texts of every length modulo 4, ending in every letter, exactly as @scure/base does', () => {
    // The alphabet, padding, the standard alphabet's two letters and a foreign one.
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/ .';
    const texts = [''];
    for (const a of letters) {
      texts.push(a);
      for (const b of letters) {
        texts.push(a + b);
        for (const first of 'A_+=') texts.push(first + a + b);
      }
    }
    for (const last of letters) texts.push(`AAA${last}`, `AAAAA${last}`, `AAAAAA${last}`);
    const disagreements = texts.filter((text) => {
      const expected = scureDecode(text);
      const decoded = fromBase64url(text);
      const same = expected === null ? decoded === null : decoded !== null && decoded.join() === expected.join();
      return !same || base64urlByteLength(text) !== (expected?.length ?? null);
    });
    expect(disagreements).toEqual([]);
  });

  it('encodes as @scure/base does and reads back what it wrote, for every length up to 70 bytes', () => {
    for (let length = 0; length <= 70; length += 1) {
      const bytes = crypto.getRandomValues(new Uint8Array(length));
      bytes[0] = 0xff;
      const text = toBase64url(bytes);
      expect(text).toBe(base64urlnopad.encode(bytes));
      expect(fromBase64url(text)).toEqual(bytes);
      expect(base64urlByteLength(text)).toBe(length);
    }
  });

  it('refuses what atob would forgive: padding, whitespace, the standard alphabet', () => {
    expect(fromBase64url('AA==')).toBeNull();
    expect(fromBase64url('AA AA')).toBeNull();
    expect(fromBase64url('+/8')).toBeNull();
    expect(fromBase64url('_-8')).toEqual(new Uint8Array([0xff, 0xef]));
  });
});
