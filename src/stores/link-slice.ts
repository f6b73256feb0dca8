import type { StateCreator } from 'zustand';
import type { ClientId } from '@protocol';
import type { BrokerStatus, ConnectionStatus } from '@/lib/link/link-status';
import type { AppState } from './app-store';

export interface ConnectionSlice {
  connectionStatus: ConnectionStatus;
  /** The broker link's state; each thermostat's session is in thermostat-slice's sessionOf. */
  brokerStatus: BrokerStatus;
  online: boolean;
  /** This app's own ID, known once the connection code has loaded the identity; marks "(you)" among members. */
  ownId: ClientId | null;
  setConnectionStatus: (status: ConnectionStatus) => void;
  setBrokerStatus: (status: BrokerStatus) => void;
  setOnline: (online: boolean) => void;
  setOwnId: (ownId: ClientId) => void;
}

export const createConnectionSlice: StateCreator<AppState, [], [], ConnectionSlice> = (set) => ({
  connectionStatus: 'connecting',
  brokerStatus: 'connecting',
  online: true,
  ownId: null,
  setConnectionStatus: (connectionStatus) => set({ connectionStatus }),
  setBrokerStatus: (brokerStatus) => set({ brokerStatus }),
  setOnline: (online) => set({ online }),
  setOwnId: (ownId) => set({ ownId }),
});
