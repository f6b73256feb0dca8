import { createStore, get, set, type UseStore } from 'idb-keyval';
import { describe, expect, it, vi } from 'vitest';
import { fromBase64url, idFromPublicKey, signedLogOn, verifyLogon } from '@protocol';
import { IDENTITY_DB, loadOrCreateIdentity } from './identity';
import { STORAGE_KEYS } from './storage';

let databases = 0;
const freshStore = (): UseStore => createStore(`identity-test-${(databases += 1)}`, IDENTITY_DB.store);

describe('the app identity', () => {
  it('is a P-256 key pair made once, kept in IndexedDB with a private key no script can read', async () => {
    const store = freshStore();
    const first = await loadOrCreateIdentity(store);
    expect(first.id).toBe(idFromPublicKey(fromBase64url(first.publicKey)!));
    expect(first.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('pkcs8', first.privateKey)).rejects.toThrow();

    const again = await loadOrCreateIdentity(store);
    expect(again.id).toBe(first.id);
    const logOn = await signedLogOn(again, 'nonce', 'hearth.example');
    expect(await verifyLogon(logOn, 'nonce', 'hearth.example')).toEqual({ ok: true, value: first.id });
  });

  it('makes a key pair only when none is kept: a later start reads it and generates nothing', async () => {
    const idb = freshStore();
    const first = await loadOrCreateIdentity(idb);
    const generate = vi.spyOn(crypto.subtle, 'generateKey');
    const again = await loadOrCreateIdentity(idb);
    expect(again.id).toBe(first.id);
    expect(generate).not.toHaveBeenCalled();
    generate.mockRestore();
  });

  it('two windows loading at once agree on one key pair', async () => {
    const store = freshStore();
    const [one, two] = await Promise.all([loadOrCreateIdentity(store), loadOrCreateIdentity(store)]);
    expect(one.id).toBe(two.id);
    expect((await loadOrCreateIdentity(store)).id).toBe(one.id);
  });

  it('replaces whatever else IndexedDB holds under its key', async () => {
    const store = freshStore();
    await set(IDENTITY_DB.key, { privateKey: 'not a key', publicKey: 42 }, store);
    const identity = await loadOrCreateIdentity(store);
    expect(identity.privateKey.type).toBe('private');
    expect(await get(IDENTITY_DB.key, store)).toMatchObject({ privateKey: identity.privateKey });
  });

  it('drops a first-version secret from localStorage and does not derive anything from it', async () => {
    localStorage.setItem(STORAGE_KEYS.legacyIdentity, JSON.stringify({ secret: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8' }));
    const identity = await loadOrCreateIdentity(freshStore());
    expect(localStorage.getItem(STORAGE_KEYS.legacyIdentity)).toBeNull();
    expect(identity.id).not.toBe('Yw3NKWbEM2aRElRIu7JbT_');
  });

  it('without IndexedDB still logs on this visit, with a pair it cannot keep', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const broken: UseStore = () => Promise.reject(new DOMException('blocked', 'InvalidStateError'));
    const identity = await loadOrCreateIdentity(broken);
    const logOn = await signedLogOn(identity, 'n', 'h');
    expect((await verifyLogon(logOn, 'n', 'h')).ok).toBe(true);
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
  });
});
