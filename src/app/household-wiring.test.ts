import { afterEach, describe, expect, it, vi } from 'vitest';
import { appStore } from '@/stores/app-store';
import { startHouseholdWithStoredIdentity } from './household-wiring';
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
    await expect(startHouseholdWithStoredIdentity(appStore)).rejects.toThrow(/secure context/);
    expect(appStore.getState().brokerStatus).toBe('insecure-page');

    appStore.getState().setBrokerStatus('connecting');
    deferredCommands(appStore, () => startHouseholdWithStoredIdentity(appStore).then((household) => household.commands));
    await vi.waitFor(() => expect(appStore.getState().brokerStatus).toBe('insecure-page'));
  });
});
