import type { ClientId, SetFields } from '@protocol';
import { fakeCommands } from '@/lib/link/testing/fake-commands';
import type { AppStore } from '../app-store';

/**
 * Commands that behave like the client towards the store: a settings change is recorded (in `sent`, and its
 * thermostat in `sentTo`) and is pending for that thermostat until a STATE confirms it. The rest record their calls.
 */
export function storeCommands(store: AppStore) {
  const sent: SetFields[] = [];
  const sentTo: ClientId[] = [];
  const sendSettingsTo = (id: ClientId, settings: SetFields) => {
    sent.push(settings);
    sentTo.push(id);
    store.getState().setPendingSettingsOf(id, { ...store.getState().pendingSettingsOf[id], ...settings });
  };
  return {
    ...fakeCommands(),
    sent,
    sentTo,
    sendSettingsTo,
    sendSettings: (settings: SetFields) => sendSettingsTo(store.getState().selectedId ?? '', settings),
  };
}
