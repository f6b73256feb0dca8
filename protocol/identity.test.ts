import { createECDH, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { logonVectors, type LogonKeyVector } from './vectors/index.ts';
import { fromBase64url } from './base64url.ts';
import {
  ID_PATTERN,
  idFromPublicKey,
  isClientId,
  logonHost,
  logonText,
  makeLogonKeys,
  signedLogOn,
  signLogon,
  verifyLogon,
  type LogonKey,
} from './identity.ts';

const bytes = (text: string): Buffer => {
  const decoded = fromBase64url(text);
  if (decoded === null) throw new Error(`not base64url: ${text}`);
  return Buffer.from(decoded);
};

const jwkOf = (publicKey: string, privateKey?: string) => {
  const point = bytes(publicKey);
  return {
    kty: 'EC',
    crv: 'P-256',
    x: point.subarray(1, 33).toString('base64url'),
    y: point.subarray(33).toString('base64url'),
    ...(privateKey === undefined ? {} : { d: privateKey }),
  };
};

/** A second implementation (node:crypto, i.e. OpenSSL) to check the contract's WebCrypto code against. */
const opensslVerifies = (publicKey: string, nonce: string, host: string, signature: string): boolean =>
  nodeVerify(
    'sha256',
    Buffer.from(logonText(nonce, host), 'utf8'),
    { key: createPublicKey({ format: 'jwk', key: jwkOf(publicKey) }), dsaEncoding: 'ieee-p1363' },
    bytes(signature),
  );

const importVectorKey = (vector: LogonKeyVector): Promise<LogonKey> =>
  crypto.subtle.importKey('jwk', jwkOf(vector.public_key, vector.private_key), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);

describe('logon v2 vectors (protocol/vectors/logon.json)', () => {
  it.each(logonVectors.ids)('derives $id from its public key', ({ public_key, id }) => {
    expect(idFromPublicKey(bytes(public_key))).toBe(id);
  });

  it.each(logonVectors.keys)('key $id: the private key gives the public key, and what it signs verifies', async (vector) => {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(bytes(vector.private_key));
    expect(ecdh.getPublicKey().toString('base64url')).toBe(vector.public_key);
    expect(idFromPublicKey(bytes(vector.public_key))).toBe(vector.id);

    const signature = await signLogon(await importVectorKey(vector), 'nonce', 'hearth.example');
    const claim = { transmitter: vector.id, public_key: vector.public_key, signature };
    expect(await verifyLogon(claim, 'nonce', 'hearth.example')).toEqual({ ok: true, value: vector.id });
    expect(opensslVerifies(vector.public_key, 'nonce', 'hearth.example', signature)).toBe(true);
  });

  it.each(logonVectors.verify)('$why', async (vector) => {
    const check = await verifyLogon(vector, vector.nonce, vector.host);
    expect(check.ok).toBe(vector.valid);
    if (!check.ok) expect(check.error).toBe('bad_proof');
  });

  it('has valid and invalid cases, and OpenSSL agrees with every valid one', () => {
    const valid = logonVectors.verify.filter((vector) => vector.valid);
    expect(valid.length).toBeGreaterThanOrEqual(2);
    expect(logonVectors.verify.length - valid.length).toBeGreaterThanOrEqual(10);
    for (const vector of valid) expect(opensslVerifies(vector.public_key, vector.nonce, vector.host, vector.signature)).toBe(true);
  });
});

describe('logon keys', () => {
  it('makes a key pair whose private key cannot be read, and whose signed LOG_ON verifies only for its nonce and host', async () => {
    const keys = await makeLogonKeys();
    expect(keys.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('pkcs8', keys.privateKey)).rejects.toThrow();
    expect(keys.id).toMatch(ID_PATTERN);
    expect(keys.id).toBe(idFromPublicKey(bytes(keys.publicKey)));
    expect(bytes(keys.publicKey)).toHaveLength(65);

    const packet = await signedLogOn(keys, 'n1', 'hearth.example:8080', ['home']);
    expect(packet).toMatchObject({ packet_type: 'LOG_ON', transmitter: keys.id, public_key: keys.publicKey, themes: ['home'] });
    expect(bytes(packet.signature)).toHaveLength(64);
    expect(opensslVerifies(keys.publicKey, 'n1', 'hearth.example:8080', packet.signature)).toBe(true);
    expect(await verifyLogon(packet, 'n1', 'hearth.example:8080')).toEqual({ ok: true, value: keys.id });
    expect(await verifyLogon(packet, 'n2', 'hearth.example:8080')).toMatchObject({ ok: false, error: 'bad_proof' });
    expect(await verifyLogon(packet, 'n1', 'hearth.example')).toMatchObject({ ok: false, error: 'bad_proof' });
  });

  it('names what is wrong with a refused LOG_ON', async () => {
    const keys = await makeLogonKeys();
    const other = await makeLogonKeys();
    const packet = await signedLogOn(keys, 'n', 'h');
    const refused = async (claim: Partial<typeof packet>) => {
      const check = await verifyLogon({ ...packet, ...claim }, 'n', 'h');
      return check.ok ? 'accepted' : check.message;
    };
    expect(await refused({ public_key: 'AAAA' })).toMatch(/public_key/);
    expect(await refused({ signature: packet.signature.slice(2) })).toMatch(/signature must be/);
    expect(await refused({ transmitter: other.id })).toMatch(/not the ID of public_key/);
    expect(await refused({ signature: (await signedLogOn(other, 'n', 'h')).signature })).toMatch(/does not verify/);
  });

  it.each([
    ['wss://Hearth.Example/ws', 'hearth.example'],
    ['wss://hearth.example:443/ws', 'hearth.example'],
    ['ws://hearth.example:80/ws', 'hearth.example'],
    ['ws://hearth.example:443/ws', 'hearth.example:443'],
    ['ws://127.0.0.1:8787/ws', '127.0.0.1:8787'],
    ['ws://[::1]:8080/ws', '[::1]:8080'],
    ['wss://[0:0:0:0:0:0:0:1]/ws', '[::1]'],
    ['ws://user:pass@hearth.example:8000/ws?x=1#y', 'hearth.example:8000'],
  ])('signs %s as host %s', (url, host) => {
    expect(logonHost(url)).toBe(host);
  });

  it('accepts only 22-character base64url IDs', () => {
    expect(isClientId('Yw3NKWbEM2aRElRIu7JbT_')).toBe(true);
    expect(isClientId('Yw3NKWbEM2aRElRIu7JbT')).toBe(false);
    expect(isClientId('__proto__')).toBe(false);
    expect(isClientId('Yw3NKWbEM2aRElRIu7JbT=')).toBe(false);
    expect(isClientId(42)).toBe(false);
  });
});
