import { beforeEach, describe, expect, it } from 'vitest';
import { toBase64url } from '@protocol';
import { STORAGE_KEYS } from '@/lib/storage';
import { TestThermostat } from '@/lib/link/testing/test-thermostat';
import { createAppStore } from './app-store';
import { loadPersistedState, parseLastStates, parsePreferences, persistStore } from './persistence';

const ID = 'Q6iTIJWV4zn_64zH2sbXMa';
const KEY = 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs';

describe('persistence', () => {
  beforeEach(() => localStorage.clear());

  it('writes thermostats, selection and preferences, and reads them back', () => {
    const store = createAppStore();
    persistStore(store);
    store.getState().addThermostat({ id: ID, key: KEY, name: 'Living room' });
    store.getState().updatePreferences({ memberName: 'Ana' });
    store.getState().updateGeofence({ enabled: true, home: { latitude: 52.5, longitude: 13.4 }, radiusKm: 2 });
    expect(JSON.parse(localStorage.getItem(STORAGE_KEYS.thermostats) ?? 'null')).toEqual([{ id: ID, key: KEY, name: 'Living room', joined: false }]);
    const loaded = loadPersistedState('My phone');
    expect(loaded.thermostats).toEqual([{ id: ID, key: KEY, name: 'Living room', joined: false }]);
    expect(loaded.selectedId).toBe(ID);
    expect(loaded.preferences).toEqual({
      brokerUrl: null,
      memberName: 'Ana',
      geofence: { enabled: true, home: { latitude: 52.5, longitude: 13.4 }, radiusKm: 2 },
      owntracks: null,
    });
  });

  it('survives junk in storage: bad entries are dropped, defaults fill in', () => {
    localStorage.setItem(STORAGE_KEYS.thermostats, JSON.stringify([{ id: ID, key: 'short', name: 'x' }, { id: ID, key: KEY, name: 'ok' }, 'junk']));
    localStorage.setItem(STORAGE_KEYS.selected, '"not-an-id"');
    localStorage.setItem(STORAGE_KEYS.settings, '{not json');
    localStorage.setItem(STORAGE_KEYS.lastState, JSON.stringify({ [ID]: { receivedAt: 5, state: { type: 'STATE' } } }));
    const loaded = loadPersistedState('My phone');
    expect(loaded.thermostats).toEqual([{ id: ID, key: KEY, name: 'ok', joined: false }]);
    expect(loaded.selectedId).toBe(ID);
    expect(loaded.preferences?.memberName).toBe('My phone');
    expect(loaded.lastStates).toEqual({});
  });

  it('reads a thermostat stored before member keys as not joined, and keeps the member key a join stored', () => {
    localStorage.setItem(STORAGE_KEYS.thermostats, JSON.stringify([{ id: ID, key: KEY, name: 'Living room' }]));
    const store = createAppStore(loadPersistedState('My phone'));
    persistStore(store);
    expect(store.getState().thermostats).toEqual([{ id: ID, key: KEY, name: 'Living room', joined: false }]);

    const memberKey = new Uint8Array(32).fill(7);
    store.getState().storeMemberKey(ID, memberKey);
    const stored = [{ id: ID, key: toBase64url(memberKey), name: 'Living room', joined: true }];
    expect(JSON.parse(localStorage.getItem(STORAGE_KEYS.thermostats) ?? 'null')).toEqual(stored);
    expect(loadPersistedState('My phone').thermostats).toEqual(stored);
  });

  it('keeps geofence off when no valid home is stored', () => {
    const parsed = parsePreferences({ geofence: { enabled: true, home: { latitude: 200, longitude: 0 }, radiusKm: -1 } }, 'x');
    expect(parsed.geofence).toEqual({ enabled: false, home: null, radiusKm: 10 });
  });

  it('keeps the last STATE only when the contract parser accepts it', () => {
    const state = new TestThermostat().stateMessage();
    expect(parseLastStates({ [ID]: { receivedAt: 1000, state } })).toEqual({ [ID]: { receivedAt: 1000, state } });
    expect(parseLastStates({ [ID]: { receivedAt: 1000, state: { ...state, mode: 'party' } } })).toEqual({});
    expect(parseLastStates({ 'not-an-id': { receivedAt: 1000, state } })).toEqual({});
  });
});
