import type { AppState } from './app-store';
import type { Membership, MembersView } from './members-slice';

export const selectSelectedThermostat = (state: AppState) =>
  state.thermostats.find((t) => t.id === state.selectedId) ?? null;

export const selectCurrentState = (state: AppState) =>
  state.selectedId === null ? null : (state.lastStates[state.selectedId] ?? null);

/** What this app last learned of the members of the thermostat on screen; null before it asked. */
export const selectMembers = (state: AppState): MembersView | null =>
  state.selectedId === null ? null : (state.membersOf[state.selectedId] ?? null);

/** Where this app stands with the thermostat on screen (members-slice's Membership); null while not known. */
export const selectMembership = (state: AppState): Membership | null =>
  state.selectedId === null ? null : (state.membershipOf[state.selectedId] ?? null);

/** The thermostat on screen's unconfirmed settings (thermostat-slice's pendingSettingsOf); null when none. */
export const selectPendingSettings = (state: AppState) =>
  state.selectedId === null ? null : (state.pendingSettingsOf[state.selectedId] ?? null);

/** Why the last command to the thermostat on screen did not take effect; null when it did or none was sent. */
export const selectCommandError = (state: AppState) =>
  state.selectedId === null ? null : (state.commandErrorOf[state.selectedId] ?? null);
