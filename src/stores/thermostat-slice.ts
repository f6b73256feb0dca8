import type { StateCreator } from 'zustand';
import type { ClientId, SetFields, StateMessage } from '@protocol';
import { isSetRefusal, type CommandFailure, type SessionStatus } from '@/lib/link/link-status';
import type { AppState } from './app-store';
import { appendSample, sampleOf } from './live-samples';
import { isPaired } from './paired';

export interface ReceivedState {
  state: StateMessage;
  receivedAt: number;
}

export interface ThermostatSlice {
  /** The latest accepted STATE per thermostat, kept so the app can show it (and its age) offline. */
  lastStates: Record<ClientId, ReceivedState>;
  /** Each paired thermostat's session (one per thermostat, all over the one broker link; no thermostat, no session). */
  sessionOf: Record<ClientId, SessionStatus>;
  /** Per thermostat: settings and overrides sent (or queued) that no STATE has confirmed yet. */
  pendingSettingsOf: Record<ClientId, SetFields>;
  /** Per thermostat: why its last command did not take effect. */
  commandErrorOf: Record<ClientId, CommandFailure>;
  receiveState: (thermostatId: ClientId, state: StateMessage, receivedAt: number) => void;
  setSessionStatus: (thermostatId: ClientId, status: SessionStatus) => void;
  setPendingSettingsOf: (thermostatId: ClientId, settings: SetFields | null) => void;
  setCommandErrorOf: (thermostatId: ClientId, error: CommandFailure | null) => void;
}

export const createThermostatSlice: StateCreator<AppState, [], [], ThermostatSlice> = (set) => ({
  lastStates: {},
  sessionOf: {},
  pendingSettingsOf: {},
  commandErrorOf: {},
  receiveState: (thermostatId, state, receivedAt) =>
    set((current) => {
      if (!isPaired(current, thermostatId)) return {};
      return {
        lastStates: { ...current.lastStates, [thermostatId]: { state, receivedAt } },
        // The history of what this app saw; the thermostat's own record is the truth where it has one ("History").
        liveSamples: { ...current.liveSamples, [thermostatId]: appendSample(current.liveSamples[thermostatId] ?? [], sampleOf(state, receivedAt)) },
        // A refused command is a command error; `storage` is the thermostat's own state, shown while STATEs carry it.
        commandErrorOf: isSetRefusal(state.error) ? withEntry(current.commandErrorOf, thermostatId, state.error) : current.commandErrorOf,
      };
    }),
  // Fed by the household client, whose events can come after a thermostat was removed (isPaired).
  setSessionStatus: (thermostatId, status) =>
    set((current) => (isPaired(current, thermostatId) ? { sessionOf: { ...current.sessionOf, [thermostatId]: status } } : {})),
  setPendingSettingsOf: (thermostatId, settings) =>
    set((current) => {
      if (!isPaired(current, thermostatId)) return {};
      return {
        pendingSettingsOf: withEntry(current.pendingSettingsOf, thermostatId, settings),
        commandErrorOf: settings === null ? current.commandErrorOf : withEntry(current.commandErrorOf, thermostatId, null),
      };
    }),
  setCommandErrorOf: (thermostatId, error) =>
    set((current) => (isPaired(current, thermostatId) ? { commandErrorOf: withEntry(current.commandErrorOf, thermostatId, error) } : {})),
});

/** A copy of the record with `id` set to `value`, or without `id` when `value` is null. */
function withEntry<T>(record: Record<ClientId, T>, id: ClientId, value: T | null): Record<ClientId, T> {
  const copy = { ...record };
  if (value === null) delete copy[id];
  else copy[id] = value;
  return copy;
}
