import { createStore, type UseStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { TestThermostat } from '@/lib/link/testing/test-thermostat';
import { createAppStore } from '@/stores/app-store';
import { HistoryRecorder } from './history-recorder';

const ID = 'Q6iTIJWV4zn_64zH2sbXMa';
let database = 0;
const freshIdb = () => createStore(`history-test-${(database += 1)}`, 'samples');

describe('HistoryRecorder', () => {
  it('keeps what the app saw in IndexedDB and puts it back into the store after a restart', async () => {
    const idb = freshIdb();
    const store = createAppStore();
    store.getState().addThermostat({ id: ID, key: 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs', name: 'Home' });
    const recorder = new HistoryRecorder(idb);
    recorder.follow(store);
    const thermostat = new TestThermostat();
    store.getState().receiveState(ID, thermostat.stateMessage({ temperature: 20, heater: true, target: 21.5 }), 1_000_000);
    store.getState().receiveState(ID, thermostat.stateMessage({ temperature: 20.4, heater: false, target: 21.5 }), 1_060_000);
    await recorder.flush();

    const restarted = createAppStore();
    restarted.getState().addThermostat({ id: ID, key: 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs', name: 'Home' });
    new HistoryRecorder(idb).follow(restarted);
    const reread = new HistoryRecorder(idb);
    reread.follow(restarted);
    await reread.load(ID);
    expect(restarted.getState().liveSamples[ID]).toEqual([
      { t: 1000, temperature: 20, setpoint: 21.5, heater: true },
      { t: 1060, temperature: 20.4, setpoint: 21.5, heater: false },
    ]);
  });

  it('a restart that brings no new STATE writes nothing back to IndexedDB', async () => {
    const idb = freshIdb();
    const store = createAppStore();
    store.getState().addThermostat({ id: ID, key: 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs', name: 'Home' });
    const first = new HistoryRecorder(idb);
    first.follow(store);
    store.getState().receiveState(ID, new TestThermostat().stateMessage({ temperature: 20 }), 1_000_000);
    await first.flush();

    let writes = 0;
    const counting: UseStore = (mode, callback) => {
      if (mode === 'readwrite') writes += 1;
      return idb(mode, callback);
    };
    const restarted = createAppStore();
    restarted.getState().addThermostat({ id: ID, key: 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs', name: 'Home' });
    const recorder = new HistoryRecorder(counting);
    recorder.follow(restarted);
    await recorder.load(ID);
    await recorder.flush();
    expect(writes).toBe(0);
    expect(restarted.getState().liveSamples[ID]).toEqual(store.getState().liveSamples[ID]);
  });

  it('forgets what it saw of a thermostat that is unpaired', async () => {
    const idb = freshIdb();
    const store = createAppStore();
    store.getState().addThermostat({ id: ID, key: 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs', name: 'Home' });
    store.getState().addThermostat({ id: ID, key: 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs', name: 'Home' });
    const recorder = new HistoryRecorder(idb);
    recorder.follow(store);
    store.getState().receiveState(ID, new TestThermostat().stateMessage({ temperature: 20 }), 1_000_000);
    await recorder.flush();
    store.getState().removeThermostat(ID);
    await recorder.flush();
    const restarted = createAppStore();
    restarted.getState().addThermostat({ id: ID, key: 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs', name: 'Home' });
    const reread = new HistoryRecorder(idb);
    reread.follow(restarted);
    await reread.load(ID);
    expect(restarted.getState().liveSamples[ID]).toBeUndefined();
  });
});
