import type { StateCreator } from 'zustand';
import type { ClientId } from '@protocol';
import type { ConnectionStatus } from '@/lib/link/link-status';
import type { AppState } from './app-store';

export interface ConnectionSlice {
  connectionStatus: ConnectionStatus;
  online: boolean;
  /** This app's own ID, known once the connection code has loaded the identity; marks "(you)" among members. */
  ownId: ClientId | null;
  setConnectionStatus: (status: ConnectionStatus) => void;
  setOnline: (online: boolean) => void;
  setOwnId: (ownId: ClientId) => void;
}

export const createConnectionSlice: StateCreator<AppState, [], [], ConnectionSlice> = (set) => ({
  connectionStatus: 'connecting',
  online: true,
  ownId: null,
  setConnectionStatus: (connectionStatus) => set({ connectionStatus }),
  setOnline: (online) => set({ online }),
  setOwnId: (ownId) => set({ ownId }),
});
