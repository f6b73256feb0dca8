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

  it("cuts a long name to the link's MAX_NAME_LENGTH UTF-16 units without splitting a character", () => {
    const store = createAppStore();
    store.getState().addThermostat(A);
    store.getState().renameThermostat(A.id, `a${'🔥'.repeat(MAX_NAME_LENGTH)}`);
    const name = store.getState().thermostats[0]?.name ?? '';
    expect(name).toBe(`a${'🔥'.repeat(19)}`);
    expect(name.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
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

describe('removeThermostat', () => {
  it("drops the thermostat's session, pending settings and refusal, so pairing it again starts clean", () => {
    const store = createAppStore();
    store.getState().addThermostat(A);
    store.getState().addThermostat(B);
    store.getState().setSessionStatus(A.id, 'live');
    store.getState().setPendingSettingsOf(A.id, { target: 22 });
    store.getState().setSessionStatus(B.id, 'live');
    store.getState().removeThermostat(A.id);
    expect(store.getState().sessionOf).toEqual({ [B.id]: 'live' });
    expect(store.getState().pendingSettingsOf).toEqual({});
    expect(A.id in store.getState().commandErrorOf).toBe(false);
  });

  it('shows the rooms when the thermostat on screen goes and two or more remain', () => {
    const C = { ...A, id: 'CCCCCCCCCCCCCCCCCCCCCC', name: 'Attic' };
    const store = createAppStore();
    store.getState().addThermostat(A);
    store.getState().addThermostat(B);
    store.getState().addThermostat(C);
    store.getState().selectThermostat(B.id);
    store.getState().removeThermostat(B.id);
    expect(store.getState().screen).toBe('rooms');
    // One left: nothing to choose, so it is shown.
    store.getState().selectThermostat(A.id);
    store.getState().removeThermostat(C.id);
    expect(store.getState().screen).toBe('thermostat');
  });
});

describe('addThermostat', () => {
  it("drops the link's state of a thermostat paired again under another key, and keeps it under the same key", () => {
    const OTHER_KEY = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const store = createAppStore();
    store.getState().addThermostat(A);
    store.getState().setSessionStatus(A.id, 'wrong-key');
    store.getState().setPendingSettingsOf(A.id, { target: 22 });
    store.getState().addThermostat(A);
    expect(store.getState().sessionOf[A.id]).toBe('wrong-key');
    store.getState().addThermostat({ ...A, key: OTHER_KEY });
    expect(A.id in store.getState().sessionOf).toBe(false);
    expect(A.id in store.getState().pendingSettingsOf).toBe(false);
  });
});
