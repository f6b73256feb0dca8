import { createStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { TestThermostat } from '@/lib/link/testing/test-thermostat';
import { createAppStore } from '@/stores/app-store';
import { HistoryPageCache, parseStoredPages } from './history-cache';

const ID = 'Q6iTIJWV4zn_64zH2sbXMa';
const KEY = 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs';
const TODAY = 1_796_169_600;
let database = 0;
const freshIdb = () => createStore(`history-pages-test-${(database += 1)}`, 'pages');
const stored = { from: TODAY, time: TODAY + 1300, receivedAt: 7, temperature: [20.5, null, 21], setpoint: [21, 21, null], heater_s: [600, 0, null] };

describe('parseStoredPages', () => {
  it('keeps only pages the contract’s HISTORY validator takes', () => {
    expect(parseStoredPages([stored])).toEqual([stored]);
    expect(parseStoredPages([{ ...stored, heater_s: [601, 0, null] }])).toEqual([]);
    expect(parseStoredPages([{ ...stored, setpoint: [21] }])).toEqual([]);
    expect(parseStoredPages([{ ...stored, time: null }])).toEqual([]);
    expect(parseStoredPages([{ ...stored, receivedAt: 'x' }, null, 'junk'])).toEqual([]);
    expect(parseStoredPages({ not: 'a list' })).toEqual([]);
  });
});

describe('HistoryPageCache', () => {
  it('writes the store’s pages to IndexedDB and puts them back after a restart', async () => {
    const idb = freshIdb();
    const store = createAppStore();
    store.getState().addThermostat({ id: ID, key: KEY, name: 'Home' });
    const cache = new HistoryPageCache(idb);
    cache.follow(store);
    const thermostat = new TestThermostat();
    thermostat.setClock(TODAY + 1300);
    thermostat.history.set(TODAY, { temperature: 20.5, setpoint: 21, heater_s: 600 });
    store.getState().receiveHistory(ID, thermostat.historyMessage(TODAY), 7);
    await cache.flush();

    const restarted = createAppStore();
    restarted.getState().addThermostat({ id: ID, key: KEY, name: 'Home' });
    const reread = new HistoryPageCache(idb);
    reread.follow(restarted);
    await reread.load(ID);
    expect(restarted.getState().historyPages).toEqual(store.getState().historyPages);
  });
});
