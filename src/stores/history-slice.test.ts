import { describe, expect, it } from 'vitest';
import { TestThermostat } from '@/lib/link/testing/test-thermostat';
import { createAppStore } from './app-store';
import { wantedHistoryPages } from './history-wanted';

const ID = 'Q6iTIJWV4zn_64zH2sbXMa';
/** Wednesday 2026-12-02 15:00 UTC. */
const NOW = 1_796_169_600 + 15 * 3600;
const TODAY = 1_796_169_600;

function recording(): TestThermostat {
  const thermostat = new TestThermostat();
  thermostat.setClock(NOW);
  return thermostat;
}

describe('history slice', () => {
  it('keeps a page per from, the newer answer winning where it recorded a slot', () => {
    const store = createAppStore();
    // The client's events count only for a paired thermostat.
    store.getState().addThermostat({ id: ID, key: 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs', name: 'Home' });
    const thermostat = recording();
    thermostat.history.set(TODAY, { temperature: 20, setpoint: 21, heater_s: 600 });
    thermostat.history.set(TODAY + 600, { temperature: 20, setpoint: 21, heater_s: 100 });
    store.getState().receiveHistory(ID, thermostat.historyMessage(TODAY), 1);
    thermostat.history.delete(TODAY); // lost since, say with the last hour before a power cut
    thermostat.history.set(TODAY + 600, { temperature: 20.5, setpoint: 21, heater_s: 200 });
    store.getState().receiveHistory(ID, thermostat.historyMessage(TODAY), 2);
    const page = store.getState().historyPages[ID]?.[TODAY];
    expect(page?.heater_s.slice(0, 3)).toEqual([600, 200, null]);
    expect(page?.receivedAt).toBe(2);
  });

  it('keeps nothing of an answer given without a clock, and drops pages of days the thermostat no longer holds', () => {
    const store = createAppStore();
    // The client's events count only for a paired thermostat.
    store.getState().addThermostat({ id: ID, key: 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs', name: 'Home' });
    const clockless = new TestThermostat();
    store.getState().receiveHistory(ID, clockless.historyMessage(TODAY), 1);
    expect(store.getState().historyPages).toEqual({});
    const thermostat = recording();
    store.getState().restoreHistoryPages(ID, [{ from: TODAY - 9 * 86_400, time: TODAY - 8 * 86_400, receivedAt: 0, temperature: [], setpoint: [], heater_s: [] }]);
    store.getState().receiveHistory(ID, thermostat.historyMessage(TODAY), 1);
    expect(Object.keys(store.getState().historyPages[ID] ?? {})).toEqual([String(TODAY)]);
  });

  it('restoring from storage keeps a page answered since', () => {
    const store = createAppStore();
    // The client's events count only for a paired thermostat.
    store.getState().addThermostat({ id: ID, key: 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs', name: 'Home' });
    const thermostat = recording();
    thermostat.history.set(TODAY, { temperature: 20, setpoint: 21, heater_s: 600 });
    store.getState().receiveHistory(ID, thermostat.historyMessage(TODAY), 5);
    store.getState().restoreHistoryPages(ID, [{ from: TODAY, time: TODAY + 600, receivedAt: 1, temperature: [19], setpoint: [21], heater_s: [0] }]);
    expect(store.getState().historyPages[ID]?.[TODAY]?.heater_s[0]).toBe(600);
  });

  it('wants pages by the thermostat’s clock from its last STATE, and none while it does not know the time', () => {
    const store = createAppStore();
    // The client's events count only for a paired thermostat.
    store.getState().addThermostat({ id: ID, key: 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs', name: 'Home' });
    const thermostat = recording();
    store.getState().receiveState(ID, thermostat.stateMessage(), 1_000_000);
    expect(wantedHistoryPages(store.getState(), ID, 1_000_000)).toHaveLength(16);
    // Nine hours on by the thermostat's clock it is past midnight: a new UTC day, and the oldest day has dropped out.
    expect(wantedHistoryPages(store.getState(), ID, 1_000_000 + 9 * 3600 * 1000)[0]).toBe(TODAY - 6 * 86_400);
    store.getState().receiveState(ID, new TestThermostat().stateMessage(), 2_000_000);
    expect(wantedHistoryPages(store.getState(), ID, 2_000_000)).toEqual([]);
  });

  it('forgets the history of a thermostat that is unpaired', () => {
    const store = createAppStore();
    store.getState().addThermostat({ id: ID, key: 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs', name: 'Home' });
    store.getState().receiveHistory(ID, recording().historyMessage(TODAY), 1);
    store.getState().removeThermostat(ID);
    expect(store.getState().historyPages).toEqual({});
  });
});
