import { createStore as createIdbStore, set, type UseStore } from 'idb-keyval';
import type { ClientId } from '@protocol';
import type { AppState, AppStore } from '@/stores/app-store';
import { parseSamples } from '@/stores/live-samples';
import { KeptPerThermostat } from './kept-per-thermostat';

/**
 * Keeps what this app saw of each thermostat (the store's `liveSamples`, one sample per accepted STATE) in IndexedDB,
 * and puts it back into the store at start.
 */
export class HistoryRecorder extends KeptPerThermostat<AppState['liveSamples'][ClientId]> {
  /** The samples last read from or written to IndexedDB: the same list in the store needs no write. */
  private readonly saved = new Map<ClientId, unknown>();

  constructor(idb?: UseStore) {
    super(idb ?? createIdbStore('hearth-history', 'samples'));
  }

  protected kept(state: AppState): AppState['liveSamples'] {
    return state.liveSamples;
  }

  protected restore(store: AppStore, id: ClientId, stored: unknown): void {
    const fromDisk = parseSamples(stored);
    store.getState().restoreLiveSamples(id, fromDisk);
    const merged = store.getState().liveSamples[id];
    // Nothing seen since that the disk lacks: no need to write it back.
    if (merged !== undefined && merged.length === fromDisk.length) {
      this.saved.set(id, merged);
      this.clean(id);
    }
  }

  protected async write(store: AppStore, id: ClientId): Promise<void> {
    const samples = store.getState().liveSamples[id];
    if (samples === undefined || this.saved.get(id) === samples) return;
    await set(id, samples, this.idb);
    this.saved.set(id, samples);
  }

  protected override forget(id: ClientId): void {
    this.saved.delete(id);
  }
}

export const historyRecorder = new HistoryRecorder();
