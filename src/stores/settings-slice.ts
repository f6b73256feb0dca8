import type { StateCreator } from 'zustand';
import type { ClientId } from '@protocol';
import { fitThermostatName, type PairedThermostat } from '@/lib/thermostats';
import type { AppState } from './app-store';
import { withHome, type OwntracksSetup } from './owntracks-setup';

export interface HomeLocation {
  latitude: number;
  longitude: number;
}

export interface GeofenceConfig {
  enabled: boolean;
  home: HomeLocation | null;
  radiusKm: number;
}

export interface Preferences {
  /** null: the same origin's /ws, which is where the broker serves this app from. */
  brokerUrl: string | null;
  memberName: string;
  geofence: GeofenceConfig;
  /** Presence with the app closed, through OwnTracks; null until set up. */
  owntracks: OwntracksSetup | null;
}

/** The original design's geofence radius. */
export const DEFAULT_RADIUS_KM = 10;

/** What the main area shows: every room at a glance, or the one thermostat `selectedId` names. */
export type Screen = 'rooms' | 'thermostat';

export interface SettingsSlice {
  thermostats: PairedThermostat[];
  selectedId: ClientId | null;
  /** Not kept: an app with several thermostats opens on the rooms (the shell shows them only with two or more). */
  screen: Screen;
  preferences: Preferences;
  /** A pairing link's thermostat: not joined unless said (its key is an invitation or the old shared key). */
  addThermostat: (thermostat: Omit<PairedThermostat, 'joined'> & { joined?: boolean }) => void;
  /** Trimmed and cut to fit (fitThermostatName); false (and nothing changed) for an empty name or an unknown ID. */
  renameThermostat: (id: ClientId, name: string) => boolean;
  removeThermostat: (id: ClientId) => void;
  /** Shows that thermostat's screen. */
  selectThermostat: (id: ClientId) => void;
  showRooms: () => void;
  updatePreferences: (changes: Partial<Omit<Preferences, 'geofence' | 'owntracks'>>) => void;
  updateGeofence: (changes: Partial<GeofenceConfig>) => void;
}

export const defaultPreferences = (memberName: string): Preferences => ({
  brokerUrl: null,
  memberName,
  geofence: { enabled: false, home: null, radiusKm: DEFAULT_RADIUS_KM },
  owntracks: null,
});

/** The link's state of one thermostat (session, pending settings, refusal) taken out of the store. */
function withoutLinkOf(current: AppState, id: ClientId): Pick<AppState, 'sessionOf' | 'pendingSettingsOf' | 'commandErrorOf'> {
  const { [id]: _session, ...sessionOf } = current.sessionOf;
  const { [id]: _pending, ...pendingSettingsOf } = current.pendingSettingsOf;
  const { [id]: _error, ...commandErrorOf } = current.commandErrorOf;
  return { sessionOf, pendingSettingsOf, commandErrorOf };
}

export const createSettingsSlice: StateCreator<AppState, [], [], SettingsSlice> = (set, get) => ({
  thermostats: [],
  selectedId: null,
  screen: 'rooms',
  preferences: defaultPreferences('My phone'),
  addThermostat: (thermostat) =>
    set((current) => {
      // Pairing again with a known ID replaces its key: the thermostat may have been reset. What this phone was to it goes too.
      const { [thermostat.id]: _membership, ...membershipOf } = current.membershipOf;
      // So does its last state when the key changes: a key counts as answering (verified, app/household-wiring.ts) only once a
      // STATE came under it, and a dead invitation must be told as such, not retried for ever as a silent thermostat.
      const held = current.thermostats.find((t) => t.id === thermostat.id);
      const { [thermostat.id]: _lastState, ...otherStates } = current.lastStates;
      const keyChanged = held !== undefined && held.key !== thermostat.key;
      const lastStates = keyChanged ? otherStates : current.lastStates;
      // Its session, pending settings and refusal belonged to the old key: kept, a re-paired thermostat could say "Sending…" for ever.
      const link = keyChanged ? withoutLinkOf(current, thermostat.id) : {};
      return {
        ...link,
        thermostats: [...current.thermostats.filter((t) => t.id !== thermostat.id), { ...thermostat, joined: thermostat.joined ?? false }],
        selectedId: thermostat.id,
        screen: 'thermostat',
        membershipOf,
        lastStates,
      };
    }),
  renameThermostat: (id, name) => {
    const kept = fitThermostatName(name);
    if (kept === '' || !get().thermostats.some((t) => t.id === id)) return false;
    set((current) => ({ thermostats: current.thermostats.map((t) => (t.id === id ? { ...t, name: kept } : t)) }));
    return true;
  },
  removeThermostat: (id) =>
    set((current) => {
      const thermostats = current.thermostats.filter((t) => t.id !== id);
      const { [id]: _removed, ...lastStates } = current.lastStates;
      const { [id]: _itsHistory, ...historyPages } = current.historyPages;
      const { [id]: _whatWasSeen, ...liveSamples } = current.liveSamples;
      const { [id]: _members, ...membersOf } = current.membersOf;
      const { [id]: _membership, ...membershipOf } = current.membershipOf;
      const shownGoes = current.selectedId === id;
      const selectedId = shownGoes ? (thermostats[0]?.id ?? null) : current.selectedId;
      // With the room on screen gone, the rooms say where things stand rather than another room appearing unasked.
      const screen: Screen = shownGoes && thermostats.length >= 2 ? 'rooms' : current.screen;
      return { thermostats, lastStates, historyPages, liveSamples, membersOf, membershipOf, selectedId, screen, ...withoutLinkOf(current, id) };
    }),
  selectThermostat: (id) =>
    set((current) => (current.thermostats.some((t) => t.id === id) ? { selectedId: id, screen: 'thermostat' } : {})),
  showRooms: () => set({ screen: 'rooms' }),
  updatePreferences: (changes) => set((current) => ({ preferences: { ...current.preferences, ...changes } })),
  updateGeofence: (changes) =>
    set((current) => {
      const geofence = { ...current.preferences.geofence, ...changes };
      const { owntracks } = current.preferences;
      // OwnTracks watches the same home: a new one is a new region, which the thermostats must hear.
      return {
        preferences: { ...current.preferences, geofence, owntracks: owntracks === null ? null : withHome(owntracks, geofence.home) },
      };
    }),
});
