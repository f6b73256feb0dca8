import { createStore as createIdbStore, set, type UseStore } from 'idb-keyval';
import { isFiniteNumber, isObject, parseMessageValue, type ClientId } from '@protocol';
import { pageOf, type HistoryPage } from '@/lib/link/history-pages';
import type { AppState, AppStore } from '@/stores/app-store';
import { KeptPerThermostat } from './kept-per-thermostat';

/** Stands in for the session of a stored page, which the contract's validator asks of every HISTORY. */
const STORED_SESSION = 'c3RvcmVkLXBhZ2Utb2YtaGlzdG9yeQ';

/**
 * The pages kept on this device, read back: each must be a HISTORY the contract's validator takes (the same rules as
 * off the wire), with its time of receipt; anything else is dropped.
 */
export function parseStoredPages(value: unknown): HistoryPage[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry): HistoryPage[] => {
    if (!isObject(entry) || !isFiniteNumber(entry.receivedAt)) return [];
    const { receivedAt, from, time, temperature, setpoint, heater_s } = entry;
    const parsed = parseMessageValue({ type: 'HISTORY', session: STORED_SESSION, seq: 1, interval_s: 600, from, time, temperature, setpoint, heater_s });
    if (!parsed.ok || parsed.value.type !== 'HISTORY') return [];
    const page = pageOf(parsed.value, receivedAt);
    return page === null ? [] : [page];
  });
}

/** Keeps the store's pages of each thermostat's history in IndexedDB, and puts them back into the store at start. */
export class HistoryPageCache extends KeptPerThermostat<AppState['historyPages'][ClientId]> {
  constructor(idb?: UseStore) {
    super(idb ?? createIdbStore('hearth-history-pages', 'pages'));
  }

  protected kept(state: AppState): AppState['historyPages'] {
    return state.historyPages;
  }

  protected restore(store: AppStore, id: ClientId, stored: unknown): void {
    const pages = parseStoredPages(stored);
    if (pages.length > 0) store.getState().restoreHistoryPages(id, pages);
  }

  protected async write(store: AppStore, id: ClientId): Promise<void> {
    await set(id, Object.values(store.getState().historyPages[id] ?? {}), this.idb);
  }
}

export const historyPageCache = new HistoryPageCache();
