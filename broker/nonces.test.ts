import { describe, expect, it } from 'vitest';
import { NONCE_BYTES } from '../protocol/index.ts';
import { nonceSource } from './nonces.ts';

describe('CHALLENGE nonces', () => {
  it('are 32 bytes of base64url, never repeated across many blocks', () => {
    const nextNonce = nonceSource();
    const seen = new Set<string>();
    for (let index = 0; index < 1000; index += 1) {
      const nonce = nextNonce();
      expect(Buffer.from(nonce, 'base64url')).toHaveLength(NONCE_BYTES);
      expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
      seen.add(nonce);
    }
    expect(seen.size).toBe(1000);
  });

  it('differ between sources', () => {
    expect(nonceSource()()).not.toBe(nonceSource()());
  });
});
