import { createContext, useContext } from 'react';
import type { SetFields } from '@protocol';
import type { Presence } from './connection-client';

/** What components may ask of the connection; the client itself stays outside React. */
export interface ThermostatCommands {
  /** Settings and overrides in one SET (the client adds its clock); shown pending until a STATE shows them. */
  sendSettings(settings: SetFields): void;
  sendPresence(presence: Presence): void;
  /** Geofence is off: the last presence is not sent to anyone any more. */
  forgetPresence(): void;
  retryNow(): void;
}

const noCommands: ThermostatCommands = {
  sendSettings: () => undefined,
  sendPresence: () => undefined,
  forgetPresence: () => undefined,
  retryNow: () => undefined,
};

export const CommandsContext = createContext<ThermostatCommands>(noCommands);

export function useCommands(): ThermostatCommands {
  return useContext(CommandsContext);
}
