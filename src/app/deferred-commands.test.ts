import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ThermostatCommands } from '@/lib/link/commands-context';
import { makeKey, toBase64url } from '@protocol';
import { appStore } from '@/stores/app-store';
import { selectCommandError, selectPendingSettings } from '@/stores/selectors';
import { deferredCommands } from './deferred-commands';

function recordingCommands(): ThermostatCommands & { calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    calls,
    sendSettings: (settings) => calls.push(['settings', settings]),
    sendPresence: (presence) => calls.push(['presence', presence]),
    forgetPresence: () => calls.push(['forget-presence']),
    retryNow: () => calls.push(['retry']),
    requestMembers: () => calls.push(['request-members']),
    inviteMember: () => calls.push(['invite-member']),
    removeMember: (memberId) => calls.push(['remove-member', memberId]),
    closeOldLink: () => calls.push(['close-old-link']),
    sendSettingsTo: (id, settings) => calls.push(['send-settings-to', id, settings]),
  };
}

/** A load the test resolves or rejects itself, like a chunk still on the wire. */
function pendingLoad() {
  let resolve: (commands: ThermostatCommands) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<ThermostatCommands>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { load: vi.fn(() => promise), resolve, reject };
}

beforeEach(() => {
  // The thermostat on screen, which the pending settings are shown for.
  appStore.getState().addThermostat({ id: 'LivingRoomLivingRoomLi', key: toBase64url(makeKey()), name: 'Living room' });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('deferred commands', () => {
  it('starts loading at once and delivers, in order, the commands issued before the connection code loaded', async () => {
    const { load, resolve } = pendingLoad();
    const commands = deferredCommands(appStore, load);
    expect(load).toHaveBeenCalledTimes(1);

    commands.sendSettings({ target: 21.5 });
    commands.sendPresence({ home: true, distance: 120 });
    commands.sendSettings({ mode: 'away' });
    // Shown as pending before anything could be sent, as the client itself would show it.
    expect(selectPendingSettings(appStore.getState())).toEqual({ target: 21.5, mode: 'away' });

    const client = recordingCommands();
    resolve(client);
    await vi.waitFor(() => expect(client.calls).toHaveLength(3));
    expect(client.calls).toEqual([
      ['send-settings-to', 'LivingRoomLivingRoomLi', { target: 21.5 }],
      ['presence', { home: true, distance: 120 }],
      ['send-settings-to', 'LivingRoomLivingRoomLi', { mode: 'away' }],
    ]);
  });

  it('sends a change queued before the code loaded to the thermostat on screen then, not the one selected at load', async () => {
    const { load, resolve } = pendingLoad();
    const commands = deferredCommands(appStore, load);
    commands.sendSettings({ target: 21.5 });
    appStore.getState().addThermostat({ id: 'HallHallHallHallHallHa', key: toBase64url(makeKey()), name: 'Hall' });
    appStore.getState().selectThermostat('HallHallHallHallHallHa');
    const client = recordingCommands();
    resolve(client);
    await vi.waitFor(() => expect(client.calls).toHaveLength(1));
    expect(client.calls).toEqual([['send-settings-to', 'LivingRoomLivingRoomLi', { target: 21.5 }]]);
  });

  it('once loaded, passes commands straight through', async () => {
    const client = recordingCommands();
    const loaded = Promise.resolve(client);
    const commands = deferredCommands(appStore, () => loaded);
    // Awaited after deferredCommands subscribed, so its own handler has run by now.
    await loaded;
    commands.retryNow();
    expect(client.calls).toEqual([['retry']]);
    commands.sendSettings({ target: 19 });
    expect(client.calls).toEqual([['retry'], ['settings', { target: 19 }]]);
    // The client reports pending settings itself from now on.
    expect(selectPendingSettings(appStore.getState())).toBeNull();
  });

  it('when the connection code fails to load, says so instead of dropping commands, and "Retry now" loads again', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const first = pendingLoad();
    const second = pendingLoad();
    const load = vi.fn().mockImplementationOnce(first.load).mockImplementationOnce(second.load);
    const commands = deferredCommands(appStore, load);

    commands.sendSettings({ target: 22 });
    first.reject(new TypeError('Failed to fetch dynamically imported module'));
    await vi.waitFor(() => expect(appStore.getState().brokerStatus).toBe('offline'));
    expect(selectPendingSettings(appStore.getState())).toBeNull();
    expect(selectCommandError(appStore.getState())).toBe('no-answer');

    commands.retryNow();
    expect(load).toHaveBeenCalledTimes(2);
    expect(appStore.getState().brokerStatus).toBe('connecting');
    const client = recordingCommands();
    second.resolve(client);
    await vi.waitFor(() => expect(client.calls).toEqual([['retry']]));
  });
});
