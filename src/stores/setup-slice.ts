import type { StateCreator } from 'zustand';
import { initialSetupState } from '@/lib/setup/initial-setup-state';
import type { SetupState } from '@/lib/setup/setup-machine';
import type { AppState } from './app-store';

export interface SetupSlice {
  /** "Set up a new thermostat": where the serial session is; never stored. */
  setup: SetupState;
  /** The setup feature moves it with lib/setup/setup-machine's nextSetupState (applySetupEvent), which stays in its chunk. */
  setSetup: (setup: SetupState) => void;
}

export const createSetupSlice: StateCreator<AppState, [], [], SetupSlice> = (set, get) => ({
  setup: initialSetupState,
  setSetup: (setup) => {
    if (setup !== get().setup) set({ setup });
  },
});
