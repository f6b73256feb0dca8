import type { StateCreator } from 'zustand';
import { initialSetupState, nextSetupState, type SetupEvent, type SetupState } from '@/lib/setup/setup-machine';
import type { AppState } from './app-store';

export interface SetupSlice {
  /** "Set up a new thermostat": where the serial session is; never stored. */
  setup: SetupState;
  setupEvent: (event: SetupEvent) => void;
}

export const createSetupSlice: StateCreator<AppState, [], [], SetupSlice> = (set) => ({
  setup: initialSetupState,
  setupEvent: (event) =>
    set((current) => {
      const setup = nextSetupState(current.setup, event);
      return setup === current.setup ? {} : { setup };
    }),
});
