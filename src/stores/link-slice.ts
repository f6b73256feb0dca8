import type { StateCreator } from 'zustand';
import type { ClientId } from '@protocol';
import type { BrokerStatus } from '@/lib/link/link-status';
import type { AppState } from './app-store';

export interface LinkSlice {
  /** The broker link's state; each thermostat's session is in thermostat-slice's sessionOf. */
  brokerStatus: BrokerStatus;
  online: boolean;
  /** This app's own ID, known once the connection code has loaded the identity; marks "(you)" among members. */
  ownId: ClientId | null;
  setBrokerStatus: (status: BrokerStatus) => void;
  setOnline: (online: boolean) => void;
  setOwnId: (ownId: ClientId) => void;
}

export const createLinkSlice: StateCreator<AppState, [], [], LinkSlice> = (set) => ({
  brokerStatus: 'connecting',
  online: true,
  ownId: null,
  setBrokerStatus: (brokerStatus) => set({ brokerStatus }),
  setOnline: (online) => set({ online }),
  setOwnId: (ownId) => set({ ownId }),
});
