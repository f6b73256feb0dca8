import { createStore, useStore } from 'zustand';
import { deferredRenders } from './deferred-renders';
import { createLinkSlice, type LinkSlice } from './link-slice';
import { createHistorySlice, type HistorySlice } from './history-slice';
import { createMembersSlice, type MembersSlice } from './members-slice';
import { createOwntracksSlice, type OwntracksSlice } from './owntracks-slice';
import { createPresenceSlice, type PresenceSlice } from './presence-slice';
import { createSettingsSlice, type SettingsSlice } from './settings-slice';
import { createSetupSlice, type SetupSlice } from './setup-slice';
import { createThermostatSlice, type ThermostatSlice } from './thermostat-slice';

export type AppState = LinkSlice & ThermostatSlice & SettingsSlice & PresenceSlice & SetupSlice & OwntracksSlice & HistorySlice & MembersSlice;

export const createAppStore = (initial: Partial<AppState> = {}) =>
  createStore<AppState>()((...args) => ({
    ...createLinkSlice(...args),
    ...createThermostatSlice(...args),
    ...createSettingsSlice(...args),
    ...createPresenceSlice(...args),
    ...createSetupSlice(...args),
    ...createOwntracksSlice(...args),
    ...createHistorySlice(...args),
    ...createMembersSlice(...args),
    ...initial,
  }));

export type AppStore = ReturnType<typeof createAppStore>;

/** The one store of the app; non-React code (the connection client's wiring) uses its getState/subscribe. */
export const appStore = createAppStore();

const renders = deferredRenders(appStore);
const renderedStore = { getState: appStore.getState, getInitialState: appStore.getInitialState, subscribe: renders.subscribe };

/** Runs `work` (the handling of a frame from the network) with its changes rendered in the next task (deferred-renders.ts). */
export const renderAfterwards = renders.deferWhile;

/** Components read narrow slices: `useAppStore((s) => s.brokerStatus)`. */
export function useAppStore<T>(selector: (state: AppState) => T): T {
  return useStore(renderedStore, selector);
}
