import { useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  timer ??= setInterval(() => listeners.forEach((notify) => notify()), 1000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

// Whole seconds (rounded up, so an age never shows younger than it is): stable between renders within a second.
const getSnapshot = () => Math.ceil(Date.now() / 1000) * 1000;

/** The time, refreshed every second for the components that show ages; one shared ticker for all. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, getSnapshot);
}
