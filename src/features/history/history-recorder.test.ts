import { createStore, type UseStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { TestThermostat } from '@/lib/connection/testing/test-thermostat';
import { createAppStore } from '@/stores/app-store';
import { appendSample, HISTORY_WINDOW_S, HistoryRecorder, parseSamples, type Sample } from './history-recorder';

const ID = 'Q6iTIJWV4zn_64zH2sbXMa';
const sample = (t: number, changes: Partial<Sample> = {}): Sample => ({ t, temperature: 20, setpoint: 21, heater: false, ...changes });
let database = 0;
const freshIdb = () => createStore(`history-test-${(database += 1)}`, 'samples');

describe('appendSample', () => {
  it('thins steady readings to one a minute but keeps every heater or setpoint change', () => {
    let samples: Sample[] = [];
    const on = { heater: true };
    for (const s of [sample(0), sample(10), sample(20, on), sample(25, on), sample(50, on), sample(80, on), sample(81, { ...on, setpoint: 17 })]) {
      samples = appendSample(samples, s);
    }
    expect(samples.map((s) => s.t)).toEqual([0, 20, 80, 81]);
  });

  it('forgets samples older than the 8 days the thermostat keeps', () => {
    expect(HISTORY_WINDOW_S).toBe(8 * 86_400);
    const samples = appendSample([sample(0), sample(100)], sample(HISTORY_WINDOW_S + 50));
    expect(samples.map((s) => s.t)).toEqual([100, HISTORY_WINDOW_S + 50]);
  });
});

describe('parseSamples', () => {
  it('keeps only well-formed samples from storage', () => {
    expect(parseSamples([sample(1), { t: 'x' }, null, { ...sample(2), heater: 'yes' }, sample(3, { temperature: null })])).toEqual([
      sample(1),
      sample(3, { temperature: null }),
    ]);
    expect(parseSamples([sample(4, { setpoint: null }), { ...sample(5), setpoint: 'x' }])).toEqual([sample(4, { setpoint: null })]);
    expect(parseSamples('junk')).toEqual([]);
  });
});

describe('HistoryRecorder', () => {
  it('records accepted STATEs from the store and keeps them in IndexedDB across restarts', async () => {
    const idb = freshIdb();
    const store = createAppStore();
    const recorder = new HistoryRecorder(idb);
    recorder.follow(store);
    const thermostat = new TestThermostat();
    store.getState().receiveState(ID, thermostat.stateMessage({ temperature: 20, heater: true, target: 21.5 }), 1_000_000);
    store.getState().receiveState(ID, thermostat.stateMessage({ temperature: 20.4, heater: false, target: 21.5 }), 1_060_000);
    expect(recorder.samples(ID)).toEqual([
      { t: 1000, temperature: 20, setpoint: 21.5, heater: true },
      { t: 1060, temperature: 20.4, setpoint: 21.5, heater: false },
    ]);
    await recorder.flush();
    const restarted = new HistoryRecorder(idb);
    await restarted.load(ID);
    expect(restarted.samples(ID)).toEqual(recorder.samples(ID));
  });

  it('a restart that brings no new STATE writes nothing back to IndexedDB', async () => {
    const idb = freshIdb();
    const store = createAppStore();
    const first = new HistoryRecorder(idb);
    first.follow(store);
    store.getState().receiveState(ID, new TestThermostat().stateMessage({ temperature: 20 }), 1_000_000);
    await first.flush();

    let writes = 0;
    const counting: UseStore = (mode, callback) => {
      if (mode === 'readwrite') writes += 1;
      return idb(mode, callback);
    };
    const restarted = new HistoryRecorder(counting);
    restarted.follow(store); // the store still holds the last STATE, as after a reload
    await restarted.load(ID);
    await restarted.flush();
    expect(writes).toBe(0);
    expect(restarted.samples(ID)).toEqual(first.samples(ID));
  });

  it('charts the away temperature while the regime is away', () => {
    const store = createAppStore();
    const recorder = new HistoryRecorder(freshIdb());
    recorder.follow(store);
    store.getState().receiveState(ID, new TestThermostat().stateMessage({ regime: 'away', away_target: 16 }), 5_000);
    expect(recorder.samples(ID)[0]?.setpoint).toBe(16);
  });

  it('charts the setpoint the STATE says is held, and none while nothing is held', () => {
    const store = createAppStore();
    const recorder = new HistoryRecorder(freshIdb());
    recorder.follow(store);
    const thermostat = new TestThermostat();
    const frost = { setpoint: 5, setpoint_source: 'frost', heat_reason: 'frost' } as const;
    store.getState().receiveState(ID, thermostat.stateMessage({ regime: 'away', away_target: 5, temperature: 4.8, ...frost }), 5_000);
    const blind = { temperature: null, setpoint: null, setpoint_source: 'none', heat_reason: 'no_reading' } as const;
    store.getState().receiveState(ID, thermostat.stateMessage({ regime: 'home', target: 21.5, ...blind }), 6_000);
    expect(recorder.samples(ID).map((s) => s.setpoint)).toEqual([5, null]);
  });
});
