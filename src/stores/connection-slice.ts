import type { StateCreator } from 'zustand';
import type { ConnectionStatus } from '@/lib/connection/connection-status';
import type { AppState } from './app-store';

export interface ConnectionSlice {
  connectionStatus: ConnectionStatus;
  online: boolean;
  setConnectionStatus: (status: ConnectionStatus) => void;
  setOnline: (online: boolean) => void;
}

export const createConnectionSlice: StateCreator<AppState, [], [], ConnectionSlice> = (set) => ({
  connectionStatus: 'connecting',
  online: true,
  setConnectionStatus: (connectionStatus) => set({ connectionStatus }),
  setOnline: (online) => set({ online }),
});
