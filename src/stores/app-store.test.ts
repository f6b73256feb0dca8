import { describe, expect, it } from 'vitest';
import { TestThermostat } from '@/lib/link/testing/test-thermostat';
import { createAppStore } from './app-store';
import { selectCurrentState, selectSelectedThermostat } from './selectors';

const A = { id: 'AAAAAAAAAAAAAAAAAAAAAA', key: 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs', name: 'Living room' };
const B = { id: 'BBBBBBBBBBBBBBBBBBBBBB', key: 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs', name: 'Cabin' };

describe('app store', () => {
  it('selects a newly added thermostat and replaces the key of one added again', () => {
    const store = createAppStore();
    store.getState().addThermostat(A);
    store.getState().addThermostat(B);
    expect(selectSelectedThermostat(store.getState())).toEqual({ ...B, joined: false });
    store.getState().addThermostat({ ...A, name: 'Lounge' });
    expect(store.getState().thermostats.map((t) => t.name)).toEqual(['Cabin', 'Lounge']);
    expect(store.getState().selectedId).toBe(A.id);
  });

  it('shows the state of the selected thermostat only', () => {
    const store = createAppStore();
    const state = new TestThermostat().stateMessage();
    store.getState().addThermostat(A);
    store.getState().addThermostat(B);
    store.getState().receiveState(A.id, state, 1000);
    expect(selectCurrentState(store.getState())).toBeNull();
    store.getState().selectThermostat(A.id);
    expect(selectCurrentState(store.getState())).toEqual({ state, receivedAt: 1000 });
  });

  it('forgets the last state of a thermostat paired again with another key, which has answered nothing yet', () => {
    const store = createAppStore();
    const state = new TestThermostat().stateMessage();
    store.getState().addThermostat(A);
    store.getState().receiveState(A.id, state, 1000);
    store.getState().addThermostat({ ...A, name: 'Lounge' });
    expect(selectCurrentState(store.getState())).toEqual({ state, receivedAt: 1000 });
    // The member key a join agreed replaces the invitation: the thermostat answered under it.
    store.getState().storeMemberKey(A.id, new Uint8Array(32));
    expect(selectCurrentState(store.getState())).toEqual({ state, receivedAt: 1000 });
    store.getState().addThermostat({ ...A, key: `${A.key.slice(0, -2)}AA` });
    expect(selectCurrentState(store.getState())).toBeNull();
  });

  it('ignores selecting a thermostat that is not paired', () => {
    const store = createAppStore();
    store.getState().addThermostat(A);
    store.getState().selectThermostat(B.id);
    expect(store.getState().selectedId).toBe(A.id);
  });

  it('on removal forgets the thermostat and its state and selects another', () => {
    const store = createAppStore();
    store.getState().addThermostat(A);
    store.getState().addThermostat(B);
    store.getState().receiveState(B.id, new TestThermostat().stateMessage(), 1);
    store.getState().removeThermostat(B.id);
    expect(store.getState().thermostats).toEqual([{ ...A, joined: false }]);
    expect(store.getState().lastStates).toEqual({});
    expect(store.getState().selectedId).toBe(A.id);
  });

  it('clears a thermostat’s shown command error when a new command is pending for it, and reports a refused one', () => {
    const store = createAppStore();
    store.getState().addThermostat(A);
    store.getState().addThermostat(B);
    store.getState().setCommandErrorOf(A.id, 'no-answer');
    store.getState().setCommandErrorOf(B.id, 'no-answer');
    store.getState().setPendingSettingsOf(A.id, { target: 22 });
    expect(store.getState().commandErrorOf).toEqual({ [B.id]: 'no-answer' });
    store.getState().receiveState(A.id, new TestThermostat().stateMessage({ error: 'out_of_range' }), 1);
    expect(store.getState().commandErrorOf).toEqual({ [A.id]: 'out_of_range', [B.id]: 'no-answer' });
  });

  it('takes no state, status, pending change, error or history for a thermostat removed, which the client may still report', () => {
    const store = createAppStore();
    store.getState().addThermostat(A);
    store.getState().removeThermostat(A.id);
    const thermostat = new TestThermostat();
    thermostat.setClock(1_796_169_600);
    store.getState().receiveState(A.id, thermostat.stateMessage({ error: 'out_of_range' }), 1);
    store.getState().setSessionStatus(A.id, 'starting');
    store.getState().setPendingSettingsOf(A.id, { target: 22 });
    store.getState().setCommandErrorOf(A.id, 'no-answer');
    store.getState().receiveHistory(A.id, thermostat.historyMessage(1_796_169_600), 1);
    const { lastStates, liveSamples, sessionOf, pendingSettingsOf, commandErrorOf, historyPages } = store.getState();
    expect({ lastStates, liveSamples, sessionOf, pendingSettingsOf, commandErrorOf, historyPages }).toEqual({
      lastStates: {},
      liveSamples: {},
      sessionOf: {},
      pendingSettingsOf: {},
      commandErrorOf: {},
      historyPages: {},
    });
  });

  it('merges geofence changes without losing the rest of the preferences', () => {
    const store = createAppStore();
    store.getState().updatePreferences({ memberName: 'Ana' });
    store.getState().updateGeofence({ radiusKm: 3 });
    expect(store.getState().preferences).toMatchObject({ memberName: 'Ana', geofence: { radiusKm: 3, enabled: false } });
  });
});
