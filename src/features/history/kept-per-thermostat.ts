import { del, get, type UseStore } from 'idb-keyval';
import type { ClientId } from '@protocol';
import { renderAfterwards, type AppState, type AppStore } from '@/stores/app-store';

const SAVE_DELAY_MS = 5000;

/**
 * Keeps one of the store's maps by thermostat in IndexedDB: reads a thermostat's entry back into the store once,
 * writes an entry a few seconds after it changes (all changes of that while at once), and deletes an unpaired
 * thermostat's. Subclasses say which map, how a stored value goes back into the store and how an entry is written.
 */
export abstract class KeptPerThermostat<Kept> {
  private readonly loading = new Map<ClientId, Promise<void>>();
  private readonly dirty = new Set<ClientId>();
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  protected store: AppStore | null = null;

  constructor(protected readonly idb: UseStore) {}

  /** The store's map this keeps. */
  protected abstract kept(state: AppState): Readonly<Record<ClientId, Kept>>;
  /** Puts a thermostat's stored value (unknown: it is read back from the device) into the store. */
  protected abstract restore(store: AppStore, id: ClientId, stored: unknown): void;
  /** Writes a thermostat's entry of the store to IndexedDB. */
  protected abstract write(store: AppStore, id: ClientId): Promise<void>;
  /** Forgets anything else kept about an unpaired thermostat. */
  protected forget(_id: ClientId): void {}

  /** Marks a thermostat's entry as written: nothing left to write. */
  protected clean(id: ClientId): void {
    this.dirty.delete(id);
  }

  /** Reads a thermostat's entry into the store, once. */
  load(id: ClientId): Promise<void> {
    const store = this.store;
    const existing = this.loading.get(id);
    if (existing !== undefined || store === null) return existing ?? Promise.resolve();
    const promise = get<unknown>(id, this.idb)
      // What storage gives back is rendered in a task after the one that puts it in the store, as a frame's is.
      .then((stored) => renderAfterwards(() => this.restore(store, id, stored)))
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
          .then(() => this.write(store, id))
          .catch(() => undefined),
      ),
    );
  }

  /** Loads every paired thermostat's entry and writes an entry whenever it changes; returns the unsubscribe. */
  follow(store: AppStore): () => void {
    this.store = store;
    const loadAll = (ids: Iterable<ClientId>) => {
      for (const id of ids) void this.load(id);
    };
    loadAll(store.getState().thermostats.map((thermostat) => thermostat.id));
    loadAll(Object.keys(this.kept(store.getState())));
    for (const id of Object.keys(this.kept(store.getState()))) this.changed(id);
    return store.subscribe((state, previous) => {
      if (state.thermostats !== previous.thermostats) {
        loadAll(state.thermostats.map((thermostat) => thermostat.id));
        for (const gone of previous.thermostats) {
          if (state.thermostats.some((thermostat) => thermostat.id === gone.id)) continue;
          // An unpaired thermostat's history goes with it.
          this.dirty.delete(gone.id);
          this.loading.delete(gone.id);
          this.forget(gone.id);
          void del(gone.id, this.idb).catch(() => undefined);
        }
      }
      const now = this.kept(state);
      const before = this.kept(previous);
      if (now === before) return;
      for (const [id, entry] of Object.entries(now)) {
        if (before[id] === entry) continue;
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
