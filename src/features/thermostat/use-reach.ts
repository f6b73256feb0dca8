import { useNow } from '@/lib/use-now';
import { useAppStore } from '@/stores/app-store';
import { reachOf, type Reach } from '@/stores/reach';

/** How often the screen re-checks the age of the last STATE: it turns stale within a second of STATE_FRESH_MS. */
const REACH_CHECK_MS = 1000;

/** Whether the thermostat on screen is live and, if not, why (src/stores/reach.ts), kept current as STATEs age. */
export function useReachOfShown(): Reach {
  const now = useNow(REACH_CHECK_MS);
  return useAppStore((s) => (s.selectedId === null ? 'checking' : reachOf(s, s.selectedId, now)));
}

/**
 * What the controls may do: `send` while live; `queue` while the thermostat is out of reach but a change can wait
 * for it (the link sends what is pending once live again); `off` before any STATE, or while it does not take this
 * phone's key, when nothing sent could ever take effect.
 */
export type ControlReach = 'send' | 'queue' | 'off';

export function controlReachOf(reach: Reach, hasState: boolean): ControlReach {
  if (!hasState || reach === 'wrong-key') return 'off';
  return reach === 'live' ? 'send' : 'queue';
}

/** What a change on its way says: never "Sending…" while nothing can reach the thermostat. */
export const pendingWords = (control: ControlReach) => (control === 'send' ? 'Sending…' : 'Will send when the thermostat is back');
