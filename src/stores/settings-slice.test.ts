import { describe, expect, it } from 'vitest';
import { STORAGE_KEYS } from '@/lib/storage';
import { MAX_NAME_LENGTH } from '@/lib/thermostats';
import { createAppStore } from './app-store';
import { loadPersistedState, persistStore } from './persistence';

const KEY = 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs';
const A = { id: 'AAAAAAAAAAAAAAAAAAAAAA', key: KEY, name: 'Living room' };
const B = { id: 'BBBBBBBBBBBBBBBBBBBBBB', key: KEY, name: 'Hall' };

describe('renameThermostat', () => {
  it('keeps the new name trimmed, and keeps it across a restart', () => {
    const store = createAppStore();
    const stop = persistStore(store);
    store.getState().addThermostat(A);
    store.getState().addThermostat(B);
    expect(store.getState().renameThermostat(A.id, '  Lounge  ')).toBe(true);
    stop();
    expect(store.getState().thermostats.map((t) => t.name)).toEqual(['Lounge', 'Hall']);
    expect(loadPersistedState('Phone').thermostats?.map((t) => t.name)).toEqual(['Lounge', 'Hall']);
    expect(JSON.parse(localStorage.getItem(STORAGE_KEYS.thermostats) ?? '[]')).toHaveLength(2);
  });

  it('refuses an empty name and an unknown thermostat, changing nothing', () => {
    const store = createAppStore();
    store.getState().addThermostat(A);
    const before = store.getState().thermostats;
    expect(store.getState().renameThermostat(A.id, '   ')).toBe(false);
    expect(store.getState().renameThermostat(B.id, 'Hall')).toBe(false);
    expect(store.getState().thermostats).toBe(before);
  });

  it('cuts a long name to MAX_NAME_LENGTH characters without splitting one', () => {
    const store = createAppStore();
    store.getState().addThermostat(A);
    store.getState().renameThermostat(A.id, '🔥'.repeat(MAX_NAME_LENGTH + 5));
    const name = store.getState().thermostats[0]?.name ?? '';
    expect(Array.from(name)).toHaveLength(MAX_NAME_LENGTH);
    expect(name).toBe('🔥'.repeat(MAX_NAME_LENGTH));
  });
});

describe('screen', () => {
  it('opens on the rooms, shows a thermostat once one is chosen or paired, and goes back to the rooms', () => {
    const store = createAppStore();
    expect(store.getState().screen).toBe('rooms');
    store.getState().addThermostat(A);
    expect(store.getState().screen).toBe('thermostat');
    store.getState().showRooms();
    expect(store.getState().screen).toBe('rooms');
    store.getState().selectThermostat(A.id);
    expect(store.getState()).toMatchObject({ screen: 'thermostat', selectedId: A.id });
    store.getState().showRooms();
    store.getState().selectThermostat(B.id);
    expect(store.getState().screen).toBe('rooms');
  });
});
