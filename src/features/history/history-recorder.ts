import { createStore as createIdbStore, get, set, type UseStore } from 'idb-keyval';
import { HISTORY_DAYS, isFiniteNumber, isObject, type ClientId, type StateMessage } from '@protocol';
import type { AppStore } from '@/stores/app-store';

export interface Sample {
  /** seconds since the epoch */
  t: number;
  temperature: number | null;
  /** what the thermostat held, as its STATE said (docs/protocol.md "Messages", STATE); null when nothing was held */
  setpoint: number | null;
  heater: boolean;
}

/** As long as the thermostat keeps its own (docs/protocol.md "History"): what the app saw fills the slots it did not record. */
export const HISTORY_WINDOW_S = HISTORY_DAYS * 24 * 60 * 60;
/**
 * STATEs may come every few seconds; the chart shows 10-minute slots, so a point a minute says as much, and keeps 8
 * days of an app left open at under 12,000 samples.
 */
const MIN_SPACING_S = 60;
const SAVE_DELAY_MS = 5000;

const isNumberOrNull = (value: unknown): value is number | null => value === null || isFiniteNumber(value);

export function parseSamples(value: unknown): Sample[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry): Sample[] => {
    if (!isObject(entry)) return [];
    const { t, temperature, setpoint, heater } = entry;
    if (!isFiniteNumber(t) || !isNumberOrNull(temperature)) return [];
    if (!isNumberOrNull(setpoint) || typeof heater !== 'boolean') return [];
    return [{ t, temperature, setpoint, heater }];
  });
}

export function sampleOf(state: StateMessage, receivedAt: number): Sample {
  return {
    t: Math.floor(receivedAt / 1000),
    temperature: state.temperature,
    setpoint: state.setpoint,
    heater: state.heater,
  };
}

/** Appends a sample, keeping changes of heater or setpoint exactly and thinning the rest. */
export function appendSample(samples: Sample[], sample: Sample): Sample[] {
  const last = samples.at(-1);
  const cutoff = sample.t - HISTORY_WINDOW_S;
  const kept = samples[0] !== undefined && samples[0].t < cutoff ? samples.filter((s) => s.t >= cutoff) : samples;
  if (last !== undefined && sample.t < last.t) return kept;
  const changed = last === undefined || last.heater !== sample.heater || last.setpoint !== sample.setpoint;
  if (!changed && sample.t - last.t < MIN_SPACING_S) return kept;
  return [...kept, sample];
}

type Listener = () => void;

/** One shared empty list: useSyncExternalStore needs the same value back while nothing changed. */
const NO_SAMPLES: Sample[] = [];

/** Keeps 8 days of what the app saw per thermostat in IndexedDB, fed from the store's accepted STATEs. */
export class HistoryRecorder {
  private readonly cache = new Map<ClientId, Sample[]>();
  private readonly loading = new Map<ClientId, Promise<void>>();
  private readonly listeners = new Set<Listener>();
  private readonly dirty = new Set<ClientId>();
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly idb: UseStore;

  constructor(idb?: UseStore) {
    this.idb = idb ?? createIdbStore('hearth-history', 'samples');
  }

  samples(id: ClientId): Sample[] {
    return this.cache.get(id) ?? NO_SAMPLES;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  load(id: ClientId): Promise<void> {
    const existing = this.loading.get(id);
    if (existing !== undefined) return existing;
    const promise = get<unknown>(id, this.idb)
      .then((stored) => {
        const fromDisk = parseSamples(stored);
        // Samples recorded while loading are newer than anything on disk.
        const merged = (this.cache.get(id) ?? []).reduce(appendSample, fromDisk);
        // What was recorded before loading (the last STATE, replayed at start) may already be on disk.
        if (merged === fromDisk) this.dirty.delete(id);
        this.cache.set(id, merged);
        this.notify();
      })
      .catch(() => undefined);
    this.loading.set(id, promise);
    return promise;
  }

  record(id: ClientId, sample: Sample): void {
    const before = this.samples(id);
    const after = appendSample(before, sample);
    if (after === before) return;
    this.cache.set(id, after);
    this.dirty.add(id);
    this.notify();
    this.saveTimer ??= setTimeout(() => void this.flush(), SAVE_DELAY_MS);
  }

  async flush(): Promise<void> {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const ids = [...this.dirty];
    this.dirty.clear();
    await Promise.all(ids.map((id) => this.load(id).then(() => set(id, this.samples(id), this.idb)).catch(() => undefined)));
  }

  /** Records every accepted STATE the store receives; returns the unsubscribe. */
  follow(store: AppStore): () => void {
    // STATEs may have arrived before this module loaded.
    for (const [id, entry] of Object.entries(store.getState().lastStates)) {
      void this.load(id);
      this.record(id, sampleOf(entry.state, entry.receivedAt));
    }
    return store.subscribe((state, previous) => {
      if (state.lastStates === previous.lastStates) return;
      for (const [id, entry] of Object.entries(state.lastStates)) {
        if (previous.lastStates[id] !== entry) {
          void this.load(id);
          this.record(id, sampleOf(entry.state, entry.receivedAt));
        }
      }
    });
  }

  private notify(): void {
    this.listeners.forEach((listener) => listener());
  }
}

export const historyRecorder = new HistoryRecorder();
