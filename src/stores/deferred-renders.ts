import type { StoreApi } from 'zustand';

type Listener<T> = (state: T, previous: T) => void;

export interface DeferredRenders<T> {
  /** What components subscribe through, in place of the store's own subscribe; `previous` is the state before the first of the changes told. */
  subscribe(listener: Listener<T>): () => void;
  /**
   * Runs `work`; the changes it makes to the store reach the components in a task of their own, after it, at most once
   * however many there were. Everything else subscribed to the store sees them at once, as always.
   */
  deferWhile(work: () => void): void;
}

/**
 * Components learn of a store's changes at once, as a person's tap needs, except for the changes made inside
 * `deferWhile`, which reach them in the next task. The connection handles each frame from the broker inside it, so
 * opening, checking and storing a frame is one short task and rendering what it changed another: on a phone the two
 * together made one long task, which keeps a tap waiting (Lighthouse's Total Blocking Time). A component that renders
 * meanwhile for any other reason reads the store as it is, so nothing shows half of a change.
 */
export function deferredRenders<T>(
  store: Pick<StoreApi<T>, 'getState' | 'subscribe'>,
  nextTask: (run: () => void) => void = (run) => setTimeout(run, 0),
): DeferredRenders<T> {
  const listeners = new Set<Listener<T>>();
  let deferring = 0;
  /** The state before the first change not yet told, while one is waiting for its task. */
  let untold: { previous: T } | null = null;
  const tell = (previous: T) => {
    untold = null;
    const state = store.getState();
    for (const listener of [...listeners]) listener(state, previous);
  };
  store.subscribe((_state, previous) => {
    if (deferring === 0) tell(untold?.previous ?? previous);
    else if (untold === null) {
      const waiting = { previous };
      untold = waiting;
      nextTask(() => {
        if (untold === waiting) tell(waiting.previous);
      });
    }
  });
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    deferWhile(work) {
      deferring++;
      try {
        work();
      } finally {
        deferring--;
      }
    },
  };
}
