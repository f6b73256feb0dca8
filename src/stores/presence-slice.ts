import type { StateCreator } from 'zustand';
import type { AppState } from './app-store';

export interface Fix {
  latitude: number;
  longitude: number;
  /** metres, 95 % radius as the browser reports it */
  accuracy: number;
  /** ms since the epoch, when the position was taken */
  timestamp: number;
}

export type LocationPermission = 'unknown' | 'granted' | 'denied' | 'unavailable';
export type IgnoredFix = { reason: 'inaccurate' | 'stale'; accuracy: number } | null;

export interface PresenceSlice {
  lastFix: Fix | null;
  distance: number | null;
  decision: 'home' | 'away' | null;
  locationPermission: LocationPermission;
  /** The latest fix when it was too vague or too old to decide on. */
  ignoredFix: IgnoredFix;
  setIgnoredFix: (ignored: IgnoredFix) => void;
  setFix: (fix: Fix, distance: number, decision: 'home' | 'away' | null) => void;
  setLocationPermission: (permission: LocationPermission) => void;
  resetPresence: () => void;
}

export const createPresenceSlice: StateCreator<AppState, [], [], PresenceSlice> = (set) => ({
  lastFix: null,
  distance: null,
  decision: null,
  locationPermission: 'unknown',
  ignoredFix: null,
  setIgnoredFix: (ignoredFix) => set({ ignoredFix, locationPermission: 'granted' }),
  setFix: (lastFix, distance, decision) => set({ lastFix, distance, decision, ignoredFix: null, locationPermission: 'granted' }),
  setLocationPermission: (locationPermission) => set({ locationPermission }),
  resetPresence: () => set({ lastFix: null, distance: null, decision: null, ignoredFix: null }),
});
