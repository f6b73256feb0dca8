import { describe, expect, it } from 'vitest';
import { TestThermostat } from '@/lib/link/testing/test-thermostat';
import { createAppStore } from './app-store';
import { appendSample, LIVE_WINDOW_S, parseSamples, type Sample } from './live-samples';

const ID = 'Q6iTIJWV4zn_64zH2sbXMa';
const sample = (t: number, changes: Partial<Sample> = {}): Sample => ({ t, temperature: 20, setpoint: 21, heater: false, ...changes });

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
    expect(LIVE_WINDOW_S).toBe(8 * 86_400);
    const samples = appendSample([sample(0), sample(100)], sample(LIVE_WINDOW_S + 50));
    expect(samples.map((s) => s.t)).toEqual([100, LIVE_WINDOW_S + 50]);
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

describe('live samples in the store', () => {
  it('records every accepted STATE, with the set point it says is held (none while nothing is)', () => {
    const store = createAppStore();
    // The client's events count only for a paired thermostat.
    store.getState().addThermostat({ id: ID, key: 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs', name: 'Home' });
    const thermostat = new TestThermostat();
    store.getState().receiveState(ID, thermostat.stateMessage({ temperature: 20, heater: true, target: 21.5 }), 1_000_000);
    const frost = { setpoint: 5, setpoint_source: 'frost', heat_reason: 'frost' } as const;
    store.getState().receiveState(ID, thermostat.stateMessage({ regime: 'away', away_target: 5, temperature: 4.8, ...frost }), 1_060_000);
    const blind = { temperature: null, heater: false, setpoint: null, setpoint_source: 'none', heat_reason: 'no_reading' } as const;
    store.getState().receiveState(ID, thermostat.stateMessage({ regime: 'home', target: 21.5, ...blind }), 1_120_000);
    expect(store.getState().liveSamples[ID]).toEqual([
      { t: 1000, temperature: 20, setpoint: 21.5, heater: true },
      { t: 1060, temperature: 4.8, setpoint: 5, heater: expect.any(Boolean) },
      { t: 1120, temperature: null, setpoint: null, heater: false },
    ]);
  });

  it('samples read back from storage come before those seen since', () => {
    const store = createAppStore();
    // The client's events count only for a paired thermostat.
    store.getState().addThermostat({ id: ID, key: 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs', name: 'Home' });
    store.getState().receiveState(ID, new TestThermostat().stateMessage({ temperature: 21 }), 5_000_000);
    store.getState().restoreLiveSamples(ID, [sample(4000), sample(4900, { heater: true })]);
    expect(store.getState().liveSamples[ID]?.map((s) => s.t)).toEqual([4000, 4900, 5000]);
  });
});
