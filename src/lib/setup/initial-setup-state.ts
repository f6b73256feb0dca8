import type { SetupState } from './setup-machine';

/** Where "Set up a new thermostat" begins. Apart from the machine, which only the setup dialog's chunk needs: the store starts here. */
export const initialSetupState: SetupState = { step: 'start', problem: null };
