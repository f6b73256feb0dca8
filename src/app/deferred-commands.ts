import type { ThermostatCommands } from '@/lib/link/commands-context';
import type { AppStore } from '@/stores/app-store';
import { selectPendingSettings } from '@/stores/selectors';

type Call = (commands: ThermostatCommands) => void;

/**
 * The commands components and the geofence watcher get from the first render on, while the connection stack
 * (the identity's key pair, AES-GCM, the WebSocket client) is still loading in its own chunk. `load` starts at once;
 * calls made before it resolves wait in order and go out when it does, later calls go straight through.
 */
export function deferredCommands(store: AppStore, load: () => Promise<ThermostatCommands>): ThermostatCommands {
  let loaded: ThermostatCommands | null = null;
  let loading = false;
  let queue: Call[] = [];
  /** The thermostats shown with settings pending before anything could be sent. */
  const queuedFor = new Set<string>();

  const start = () => {
    loading = true;
    load().then(
      (commands) => {
        loaded = commands;
        queuedFor.clear();
        const waiting = queue;
        queue = [];
        waiting.forEach((call) => call(commands));
      },
      (error: unknown) => {
        // Without the client nothing reaches the thermostat: say so as the client would, and let "Retry now" load again.
        console.error('The connection code failed to load', error);
        loading = false;
        const unsent = queue.length > 0;
        queue = [];
        const state = store.getState();
        for (const id of queuedFor) {
          if (unsent && state.pendingSettingsOf[id] !== undefined) {
            state.setPendingSettingsOf(id, null);
            state.setCommandErrorOf(id, 'no-answer');
          }
        }
        queuedFor.clear();
        // A loader that could say why it failed (an insecure page, say) has set a status of its own: keep it.
        if (state.brokerStatus === 'connecting') state.setBrokerStatus('offline');
      },
    );
  };

  const call = (fn: Call) => {
    if (loaded !== null) fn(loaded);
    else queue.push(fn);
  };

  start();
  return {
    sendSettings: (settings) => {
      // Shown as pending at once, as the client does, so a tap before it has loaded looks like any other.
      const state = store.getState();
      const id = state.selectedId;
      if (loaded === null && id !== null) {
        queuedFor.add(id);
        state.setPendingSettingsOf(id, { ...selectPendingSettings(state), ...settings });
      }
      // Queued, it goes to the thermostat on screen now, not to whichever is selected once the client has loaded.
      if (loaded === null && id !== null) call((commands) => commands.sendSettingsTo(id, settings));
      else call((commands) => commands.sendSettings(settings));
    },
    sendSettingsTo: (id, settings) => {
      const state = store.getState();
      if (loaded === null && state.thermostats.some((t) => t.id === id)) {
        queuedFor.add(id);
        state.setPendingSettingsOf(id, { ...state.pendingSettingsOf[id], ...settings });
      }
      call((commands) => commands.sendSettingsTo(id, settings));
    },
    sendPresence: (presence) => call((commands) => commands.sendPresence(presence)),
    forgetPresence: () => call((commands) => commands.forgetPresence()),
    retryNow: () => {
      if (loaded === null && !loading) {
        store.getState().setBrokerStatus('connecting');
        start();
      }
      call((commands) => commands.retryNow());
    },
    requestMembers: () => call((commands) => commands.requestMembers()),
    inviteMember: () => call((commands) => commands.inviteMember()),
    removeMember: (memberId) => call((commands) => commands.removeMember(memberId)),
    closeOldLink: () => call((commands) => commands.closeOldLink()),
  };
}
