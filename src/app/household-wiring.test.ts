import { afterEach, describe, expect, it, vi } from 'vitest';
import { appStore } from '@/stores/app-store';
import { connectWithStoredIdentity } from './household-wiring';
import { deferredCommands } from './deferred-commands';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('a page without a secure context', () => {
  it('says the app cannot log on from it, rather than connecting for ever', async () => {
    // Plain http on a network address: browsers give such a page no WebCrypto, so no logon signature.
    vi.stubGlobal('isSecureContext', false);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await expect(connectWithStoredIdentity(appStore)).rejects.toThrow(/secure context/);
    expect(appStore.getState().connectionStatus).toBe('insecure-page');

    appStore.getState().setConnectionStatus('connecting');
    deferredCommands(appStore, () => connectWithStoredIdentity(appStore).then((connection) => connection.commands));
    await vi.waitFor(() => expect(appStore.getState().connectionStatus).toBe('insecure-page'));
  });
});
