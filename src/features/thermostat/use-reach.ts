import { useAppStore } from '@/stores/app-store';
import { reachOf, type Reach } from '@/stores/reach';
import { REACH_WORDS } from '@/stores/reach-words';
import { useNow } from '@/hooks/use-now';

/**
 * Whether the thermostat on screen is live and, if not, why (src/stores/reach.ts), kept current as STATEs age: the
 * shared one-second ticker turns it stale within a second of STATE_FRESH_MS.
 */
export function useReachOfShown(): Reach {
  const now = useNow();
  return useAppStore((s) => (s.selectedId === null ? 'checking' : reachOf(s, s.selectedId, now)));
}

/**
 * What the controls may do: `send` while live; `queue` while the thermostat is out of reach but a change can wait
 * for it (the link sends what is pending once live again); `off` before any STATE, or while it does not take this
 * phone (its key, or its membership), when nothing sent could ever take effect.
 */
export type ControlReach = 'send' | 'queue' | 'off';

export function controlReachOf(reach: Reach, hasState: boolean): ControlReach {
  if (!hasState || reach === 'wrong-key' || reach === 'not-let-in') return 'off';
  return reach === 'live' ? 'send' : 'queue';
}

/** What a change on its way says: never "Sending…" while nothing can reach the thermostat, and what it waits for. */
export const pendingWords = (reach: Reach) => (reach === 'live' ? 'Sending…' : REACH_WORDS[reach].queued);
