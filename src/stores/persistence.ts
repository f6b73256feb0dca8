import { cutMemberName, isClientId, isFiniteNumber, isObject, parseStateValue, type ClientId } from '@protocol';
import { parsePairedThermostats } from '@/lib/thermostats';
import { readStored, STORAGE_KEYS, writeStored } from '@/lib/storage';
import type { AppState, AppStore } from './app-store';
import { parseOwntracksSetup } from './owntracks-setup';
import { DEFAULT_RADIUS_KM, defaultPreferences, type GeofenceConfig, type Preferences } from './settings-slice';
import type { ReceivedState } from './thermostat-slice';

function parseGeofence(value: unknown): GeofenceConfig {
  const fallback: GeofenceConfig = { enabled: false, home: null, radiusKm: DEFAULT_RADIUS_KM };
  if (!isObject(value)) return fallback;
  const home = isObject(value.home) && isLatitude(value.home.latitude) && isLongitude(value.home.longitude)
    ? { latitude: value.home.latitude, longitude: value.home.longitude }
    : null;
  return {
    enabled: value.enabled === true && home !== null,
    home,
    radiusKm: isFiniteNumber(value.radiusKm) && value.radiusKm > 0 && value.radiusKm <= 1000 ? value.radiusKm : DEFAULT_RADIUS_KM,
  };
}

export const isLatitude = (value: unknown): value is number => isFiniteNumber(value) && value >= -90 && value <= 90;
export const isLongitude = (value: unknown): value is number => isFiniteNumber(value) && value >= -180 && value <= 180;

export function parsePreferences(value: unknown, defaultName: string): Preferences {
  const defaults = defaultPreferences(defaultName);
  if (!isObject(value)) return defaults;
  return {
    brokerUrl: typeof value.brokerUrl === 'string' && value.brokerUrl.trim() !== '' ? value.brokerUrl : null,
    memberName: typeof value.memberName === 'string' && value.memberName.trim() !== '' ? cutMemberName(value.memberName) : defaultName,
    geofence: parseGeofence(value.geofence),
    owntracks: parseOwntracksSetup(value.owntracks),
  };
}

export function parseLastStates(value: unknown): Record<ClientId, ReceivedState> {
  const result: Record<ClientId, ReceivedState> = {};
  if (!isObject(value)) return result;
  for (const [id, entry] of Object.entries(value)) {
    if (!isClientId(id) || !isObject(entry) || !isFiniteNumber(entry.receivedAt)) continue;
    // The contract's own parser decides what a STATE is, whether it came off the wire or out of storage.
    const parsed = parseStateValue(entry.state);
    if (parsed.ok) result[id] = { state: parsed.value, receivedAt: entry.receivedAt };
  }
  return result;
}

export function loadPersistedState(defaultName: string): Partial<AppState> {
  const thermostats = readStored(STORAGE_KEYS.thermostats, parsePairedThermostats) ?? [];
  const storedSelection = readStored(STORAGE_KEYS.selected, (value) => (isClientId(value) ? value : null));
  const selectedId = thermostats.some((t) => t.id === storedSelection) ? storedSelection : (thermostats[0]?.id ?? null);
  const preferences = readStored(STORAGE_KEYS.settings, (value) => parsePreferences(value, defaultName)) ?? defaultPreferences(defaultName);
  const lastStates = readStored(STORAGE_KEYS.lastState, parseLastStates) ?? {};
  return { thermostats, selectedId, preferences, lastStates };
}

/** Writes the durable parts of the store whenever they change. */
export function persistStore(store: AppStore): () => void {
  return store.subscribe((state, previous) => {
    if (state.thermostats !== previous.thermostats) writeStored(STORAGE_KEYS.thermostats, state.thermostats);
    if (state.selectedId !== previous.selectedId) writeStored(STORAGE_KEYS.selected, state.selectedId);
    if (state.preferences !== previous.preferences) writeStored(STORAGE_KEYS.settings, state.preferences);
    if (state.lastStates !== previous.lastStates) writeStored(STORAGE_KEYS.lastState, state.lastStates);
  });
}
