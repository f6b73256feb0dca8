import type { StateCreator } from 'zustand';
import type { ClientId, SetFields, StateMessage } from '@protocol';
import { isSetRefusal, type CommandFailure } from '@/lib/link/link-status';
import type { AppState } from './app-store';
import { appendSample, sampleOf } from './live-samples';

export interface ReceivedState {
  state: StateMessage;
  receivedAt: number;
}

export interface ThermostatSlice {
  /** The latest accepted STATE per thermostat, kept so the app can show it (and its age) offline. */
  lastStates: Record<ClientId, ReceivedState>;
  /** Settings and overrides sent (or about to be) that no STATE has confirmed yet. */
  pendingSettings: SetFields | null;
  commandError: CommandFailure | null;
  receiveState: (thermostatId: ClientId, state: StateMessage, receivedAt: number) => void;
  setPendingSettings: (settings: SetFields | null) => void;
  setCommandError: (error: CommandFailure | null) => void;
}

export const createThermostatSlice: StateCreator<AppState, [], [], ThermostatSlice> = (set) => ({
  lastStates: {},
  pendingSettings: null,
  commandError: null,
  receiveState: (thermostatId, state, receivedAt) =>
    set((current) => ({
      lastStates: { ...current.lastStates, [thermostatId]: { state, receivedAt } },
      // The history of what this app saw; the thermostat's own record is the truth where it has one ("History").
      liveSamples: { ...current.liveSamples, [thermostatId]: appendSample(current.liveSamples[thermostatId] ?? [], sampleOf(state, receivedAt)) },
      // A refused command is a command error; `storage` is the thermostat's own state, shown while STATEs carry it.
      commandError: isSetRefusal(state.error) ? state.error : current.commandError,
    })),
  setPendingSettings: (pendingSettings) =>
    set((current) => ({ pendingSettings, commandError: pendingSettings === null ? current.commandError : null })),
  setCommandError: (commandError) => set({ commandError }),
});
