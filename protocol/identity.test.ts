import { describe, expect, it } from 'vitest';
import { idVectors } from './vectors/index.ts';
import { fromBase64url } from './base64url.ts';
import { ID_PATTERN, idFromSecret, isClientId, makeSecret, proofFromSecret, verifyProof } from './identity.ts';

describe('identity', () => {
  it.each(idVectors)('derives $id from its secret', ({ secret, id }) => {
    const bytes = fromBase64url(secret);
    expect(bytes).not.toBeNull();
    expect(idFromSecret(bytes!)).toBe(id);
    expect(verifyProof(id, secret)).toBe(true);
  });

  it('refuses a proof that belongs to another ID', () => {
    const [first, second] = idVectors;
    expect(verifyProof(first!.id, second!.secret)).toBe(false);
  });

  it('refuses proofs that are not a 32-byte base64url secret', () => {
    const { id, secret } = idVectors[0]!;
    expect(verifyProof(id, `${secret}=`)).toBe(false);
    expect(verifyProof(id, secret.slice(0, 20))).toBe(false);
    expect(verifyProof(id, '')).toBe(false);
    expect(verifyProof(id, '!!!!')).toBe(false);
  });

  it('makes fresh 32-byte secrets whose proofs verify', () => {
    const secret = makeSecret();
    const other = makeSecret();
    expect(secret).toHaveLength(32);
    expect(secret).not.toEqual(other);
    const id = idFromSecret(secret);
    expect(id).toMatch(ID_PATTERN);
    expect(verifyProof(id, proofFromSecret(secret))).toBe(true);
  });

  it('accepts only 22-character base64url IDs', () => {
    expect(isClientId('Yw3NKWbEM2aRElRIu7JbT_')).toBe(true);
    expect(isClientId('Yw3NKWbEM2aRElRIu7JbT')).toBe(false);
    expect(isClientId('__proto__')).toBe(false);
    expect(isClientId('Yw3NKWbEM2aRElRIu7JbT=')).toBe(false);
    expect(isClientId(42)).toBe(false);
  });
});
