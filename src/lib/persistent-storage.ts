import { readStored, writeStored } from './storage';

/** What the browser answered when asked to keep this app's storage (the keys) safe from eviction. */
export type PersistOutcome = 'granted' | 'denied' | 'unavailable';

/** Where a grant is remembered, with when the browser was last asked. */
export const PERSIST_ASKED_KEY = 'hearth.storage-persist';

/**
 * A refusal is not for ever: the browser may grant it later (once the app is installed, or used more), so it is asked
 * again, but at most once a week where asking may show the person a prompt.
 */
export const PERSIST_ASK_AGAIN_MS = 7 * 24 * 60 * 60 * 1000;

interface Asked {
  outcome: PersistOutcome;
  at: number;
}

const isOutcome = (value: unknown): value is PersistOutcome => value === 'granted' || value === 'denied' || value === 'unavailable';

function lastAsked(): Asked | null {
  return readStored(PERSIST_ASKED_KEY, (value) =>
    typeof value === 'object' && value !== null && 'outcome' in value && 'at' in value && isOutcome(value.outcome) && typeof value.at === 'number' && Number.isFinite(value.at)
      ? { outcome: value.outcome, at: value.at }
      : null,
  );
}

/** What the browser last answered, or null if it was never asked. */
export function persistOutcome(): PersistOutcome | null {
  return lastAsked()?.outcome ?? null;
}

/**
 * Asks the browser not to evict this app's storage: once paired it holds keys that only a new invitation replaces.
 * Called on each pairing and import and when the app first starts installed; a grant is kept, anything else is asked
 * again after PERSIST_ASK_AGAIN_MS. Call it without awaiting: the answer may take a prompt, and pairing never waits
 * for it. The promise never rejects.
 */
export async function askToPersistStorage(
  storage: Partial<Pick<StorageManager, 'persist' | 'persisted'>> | undefined = navigator.storage,
  now: number = Date.now(),
): Promise<PersistOutcome> {
  const asked = lastAsked();
  if (asked?.outcome === 'granted') return 'granted';
  try {
    // Granted already (an installed app, or a grant this app forgot): no prompt, and remembered.
    if (typeof storage?.persisted === 'function' && (await storage.persisted())) {
      writeStored(PERSIST_ASKED_KEY, { outcome: 'granted', at: now });
      return 'granted';
    }
  } catch {
    // Asking below says whether it is there at all.
  }
  if (asked !== null && now - asked.at < PERSIST_ASK_AGAIN_MS && now >= asked.at) return asked.outcome;
  let outcome: PersistOutcome = 'unavailable';
  if (typeof storage?.persist === 'function') {
    try {
      outcome = (await storage.persist()) ? 'granted' : 'denied';
    } catch {
      outcome = 'unavailable';
    }
  }
  writeStored(PERSIST_ASKED_KEY, { outcome, at: now });
  return outcome;
}

/** Whether this page runs as the installed app (from the Home Screen or app list), not in a browser tab. */
export function isInstalledApp(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(display-mode: standalone)').matches;
}
