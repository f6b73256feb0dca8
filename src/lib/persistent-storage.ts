import { readStored, writeStored } from './storage';

/** What the browser answered when asked to keep this app's storage (the keys) safe from eviction. */
export type PersistOutcome = 'granted' | 'denied' | 'unavailable';

/** Where the answer is remembered, so the browser is asked once and never again. */
export const PERSIST_ASKED_KEY = 'hearth.storage-persist';

const isOutcome = (value: unknown): value is PersistOutcome => value === 'granted' || value === 'denied' || value === 'unavailable';

/** What the browser answered, or null if it was never asked. */
export function persistOutcome(): PersistOutcome | null {
  return readStored(PERSIST_ASKED_KEY, (value) => (isOutcome(value) ? value : null));
}

/**
 * Asks the browser, once ever, not to evict this app's storage: once paired it holds keys that only a new invitation
 * replaces. Call it without awaiting: the answer may take a prompt, and pairing never waits for it. The promise never
 * rejects.
 */
export async function persistStorageOnce(storage: Pick<StorageManager, 'persist'> | undefined = navigator.storage): Promise<PersistOutcome> {
  const asked = persistOutcome();
  if (asked !== null) return asked;
  let outcome: PersistOutcome = 'unavailable';
  if (typeof storage?.persist === 'function') {
    try {
      outcome = (await storage.persist()) ? 'granted' : 'denied';
    } catch {
      outcome = 'unavailable';
    }
  }
  writeStored(PERSIST_ASKED_KEY, outcome);
  return outcome;
}
