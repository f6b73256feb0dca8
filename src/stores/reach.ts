import type { ClientId } from '@protocol';
import { STATE_FRESH_MS, type Membership } from '@/lib/link/link-status';
import type { AppState } from './app-store';

/**
 * Whether what the app shows of one thermostat is live, and if not, the one reason a person can act on. Only
 * `live` may look current; every other value is shown with the last STATE's age and a stale look.
 */
export type Reach =
  | 'live'
  /** No network on this device (navigator.onLine). */
  | 'no-network'
  /** The broker link is not logged on: connecting, offline, replaced by another window, or an insecure page. */
  | 'broker-unreachable'
  /** A session is being started, or 65 s passed without a STATE and the app is asking. */
  | 'checking'
  | 'thermostat-offline'
  | 'not-answering'
  | 'wrong-key'
  /** The thermostat takes nothing from this phone: removed, its invitation refused, or the household full ("Members", "Joining"). */
  | 'not-let-in';

/** Memberships that mean the thermostat refuses this phone, whatever its session says. */
const REFUSED: ReadonlySet<Membership> = new Set<Membership>(['removed', 'full', 'invitation_refused']);

/**
 * The pure rule: a refusal first (nothing this phone sends can take effect, whatever the link does), then the link,
 * then the session, then the STATE's age (so a quiet session still goes stale).
 */
export function reachOf(state: AppState, id: ClientId, now: number): Reach {
  const membership = state.membershipOf[id];
  if (membership !== undefined && REFUSED.has(membership)) return 'not-let-in';
  if (!state.online) return 'no-network';
  if (state.brokerStatus !== 'connected') return 'broker-unreachable';
  const session = state.sessionOf[id] ?? 'starting';
  if (session === 'thermostat-offline' || session === 'not-answering' || session === 'wrong-key') return session;
  const last = state.lastStates[id];
  if (session !== 'live' || last === undefined || now - last.receivedAt >= STATE_FRESH_MS) return 'checking';
  return 'live';
}
