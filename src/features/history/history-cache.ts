import { createStore as createIdbStore, del, get, set, type UseStore } from 'idb-keyval';
import { isFiniteNumber, isObject, parseMessageValue, type ClientId } from '@protocol';
import { pageOf, type HistoryPage } from '@/lib/connection/history-pages';
import type { AppStore } from '@/stores/app-store';

const SAVE_DELAY_MS = 5000;
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
export class HistoryPageCache {
  private readonly loading = new Map<ClientId, Promise<void>>();
  private readonly dirty = new Set<ClientId>();
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private store: AppStore | null = null;
  private readonly idb: UseStore;

  constructor(idb?: UseStore) {
    this.idb = idb ?? createIdbStore('hearth-history-pages', 'pages');
  }

  /** Reads a thermostat's pages into the store, once. */
  load(id: ClientId): Promise<void> {
    const store = this.store;
    const existing = this.loading.get(id);
    if (existing !== undefined || store === null) return existing ?? Promise.resolve();
    const promise = get<unknown>(id, this.idb)
      .then((stored) => {
        const pages = parseStoredPages(stored);
        if (pages.length > 0) store.getState().restoreHistoryPages(id, pages);
      })
      .catch(() => undefined);
    this.loading.set(id, promise);
    return promise;
  }

  async flush(): Promise<void> {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const store = this.store;
    if (store === null) return;
    const ids = [...this.dirty];
    this.dirty.clear();
    await Promise.all(
      ids.map((id) =>
        this.load(id)
          .then(() => set(id, Object.values(store.getState().historyPages[id] ?? {}), this.idb))
          .catch(() => undefined),
      ),
    );
  }

  /** Loads the pages of every paired thermostat and writes a thermostat's pages whenever they change; returns the unsubscribe. */
  follow(store: AppStore): () => void {
    this.store = store;
    for (const thermostat of store.getState().thermostats) void this.load(thermostat.id);
    return store.subscribe((state, previous) => {
      if (state.thermostats !== previous.thermostats) {
        for (const thermostat of state.thermostats) void this.load(thermostat.id);
        // An unpaired thermostat's history goes with it.
        for (const gone of previous.thermostats) {
          if (state.thermostats.some((thermostat) => thermostat.id === gone.id)) continue;
          this.dirty.delete(gone.id);
          this.loading.delete(gone.id);
          void del(gone.id, this.idb).catch(() => undefined);
        }
      }
      if (state.historyPages === previous.historyPages) return;
      for (const [id, pages] of Object.entries(state.historyPages)) {
        if (previous.historyPages[id] === pages) continue;
        this.dirty.add(id);
        this.saveTimer ??= setTimeout(() => void this.flush(), SAVE_DELAY_MS);
      }
    });
  }
}

export const historyPageCache = new HistoryPageCache();
