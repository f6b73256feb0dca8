import { createContext, useContext } from 'react';
import type { ClientId, SetFields } from '@protocol';
import type { Presence } from './thermostat-session';

/** What components may ask of the connection; the client itself stays outside React. */
export interface ThermostatCommands {
  /** Settings and overrides in one SET (the client adds its clock); shown pending until a STATE shows them. */
  sendSettings(settings: SetFields): void;
  /** The same for one thermostat named when the form was opened, whichever is on screen when it is sent (Settings). */
  sendSettingsTo(id: ClientId, settings: SetFields): void;
  sendPresence(presence: Presence): void;
  /** Geofence is off: the last presence is not sent to anyone any more. */
  forgetPresence(): void;
  retryNow(): void;
  /** Asks the thermostat on screen for its members (a MEMBERS_set answered by MEMBERS); the members card calls it when shown. */
  requestMembers(): void;
  /** Asks it for an invitation, shown as a pairing link to pass on. */
  inviteMember(): void;
  removeMember(memberId: string): void;
  /** Closes the old shared key for good (docs/protocol.md "The old shared key"). */
  closeOldLink(): void;
}

const noCommands: ThermostatCommands = {
  sendSettings: () => undefined,
  sendSettingsTo: () => undefined,
  sendPresence: () => undefined,
  forgetPresence: () => undefined,
  retryNow: () => undefined,
  requestMembers: () => undefined,
  inviteMember: () => undefined,
  removeMember: () => undefined,
  closeOldLink: () => undefined,
};

export const CommandsContext = createContext<ThermostatCommands>(noCommands);

export function useCommands(): ThermostatCommands {
  return useContext(CommandsContext);
}
