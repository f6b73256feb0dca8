import { createStore as createIdbStore, del, get, set, type UseStore } from 'idb-keyval';
import type { ClientId } from '@protocol';
import type { AppStore } from '@/stores/app-store';
import { parseSamples } from '@/stores/live-samples';

const SAVE_DELAY_MS = 5000;

/**
 * Keeps what this app saw of each thermostat (the store's `liveSamples`, one sample per accepted STATE) in IndexedDB,
 * and puts it back into the store at start.
 */
export class HistoryRecorder {
  private readonly loading = new Map<ClientId, Promise<void>>();
  private readonly dirty = new Set<ClientId>();
  /** The samples last read from or written to IndexedDB: the same list in the store needs no write. */
  private readonly saved = new Map<ClientId, unknown>();
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private store: AppStore | null = null;
  private readonly idb: UseStore;

  constructor(idb?: UseStore) {
    this.idb = idb ?? createIdbStore('hearth-history', 'samples');
  }

  load(id: ClientId): Promise<void> {
    const store = this.store;
    const existing = this.loading.get(id);
    if (existing !== undefined || store === null) return existing ?? Promise.resolve();
    const promise = get<unknown>(id, this.idb)
      .then((stored) => {
        const fromDisk = parseSamples(stored);
        store.getState().restoreLiveSamples(id, fromDisk);
        const merged = store.getState().liveSamples[id];
        // Nothing seen since that the disk lacks: no need to write it back.
        if (merged !== undefined && merged.length === fromDisk.length) {
          this.saved.set(id, merged);
          this.dirty.delete(id);
        }
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
          .then(async () => {
            const samples = store.getState().liveSamples[id];
            if (samples === undefined || this.saved.get(id) === samples) return;
            await set(id, samples, this.idb);
            this.saved.set(id, samples);
          })
          .catch(() => undefined),
      ),
    );
  }

  /** Loads the samples of every thermostat and writes them whenever they change; returns the unsubscribe. */
  follow(store: AppStore): () => void {
    this.store = store;
    const loadAll = (ids: Iterable<ClientId>) => {
      for (const id of ids) void this.load(id);
    };
    loadAll(store.getState().thermostats.map((thermostat) => thermostat.id));
    loadAll(Object.keys(store.getState().liveSamples));
    for (const id of Object.keys(store.getState().liveSamples)) this.changed(id);
    return store.subscribe((state, previous) => {
      if (state.thermostats !== previous.thermostats) {
        loadAll(state.thermostats.map((thermostat) => thermostat.id));
        for (const gone of previous.thermostats) {
          if (state.thermostats.some((thermostat) => thermostat.id === gone.id)) continue;
          // An unpaired thermostat's history goes with it.
          this.dirty.delete(gone.id);
          this.loading.delete(gone.id);
          this.saved.delete(gone.id);
          void del(gone.id, this.idb).catch(() => undefined);
        }
      }
      if (state.liveSamples === previous.liveSamples) return;
      for (const [id, samples] of Object.entries(state.liveSamples)) {
        if (previous.liveSamples[id] === samples) continue;
        void this.load(id);
        this.changed(id);
      }
    });
  }

  private changed(id: ClientId): void {
    this.dirty.add(id);
    this.saveTimer ??= setTimeout(() => void this.flush(), SAVE_DELAY_MS);
  }
}

export const historyRecorder = new HistoryRecorder();
