import { describe, expect, it } from 'vitest';
import type { BrokerStatus, Membership, SessionStatus } from '@/lib/link/link-status';
import { STATE_FRESH_MS } from '@/lib/link/link-status';
import { TestThermostat } from '@/lib/link/testing/test-thermostat';
import { createAppStore } from './app-store';
import { reachOf, type Reach } from './reach';

const ID = 'LivingRoomLivingRoomLi';
const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);

interface Case {
  online?: boolean;
  broker?: BrokerStatus;
  /** undefined: no session reported for the thermostat yet. */
  session?: SessionStatus;
  /** How old the last STATE is, in ms; undefined: none was ever received. */
  age?: number;
  membership?: Membership;
}

function reach({ online = true, broker = 'connected', session, age, membership }: Case): Reach {
  const store = createAppStore();
  // The client's events count only for a paired thermostat.
  store.getState().addThermostat({ id: ID, key: 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs', name: 'Living room' });
  store.getState().setOnline(online);
  store.getState().setBrokerStatus(broker);
  if (session !== undefined) store.getState().setSessionStatus(ID, session);
  if (age !== undefined) store.getState().receiveState(ID, new TestThermostat().stateMessage(), NOW - age);
  if (membership !== undefined) store.getState().setMembership(ID, membership);
  return reachOf(store.getState(), ID, NOW);
}

describe('reachOf: only a live session with a fresh STATE looks current', () => {
  it.each<[string, Case, Reach]>([
    ['a live session and a STATE 10 s old', { session: 'live', age: 10_000 }, 'live'],
    ['a live session and a STATE just under 65 s old', { session: 'live', age: STATE_FRESH_MS - 1 }, 'live'],
    ['a live session whose STATE is 65 s old', { session: 'live', age: STATE_FRESH_MS }, 'checking'],
    ['a live session that has been quiet for 10 minutes', { session: 'live', age: 600_000 }, 'checking'],
    ['a live session and no STATE kept', { session: 'live' }, 'checking'],
    ['a session being started', { session: 'starting', age: 1000 }, 'checking'],
    ['no session reported yet', { age: 1000 }, 'checking'],
    ['a session asking after 65 s of silence', { session: 'checking', age: STATE_FRESH_MS }, 'checking'],
    ['a thermostat the broker says is not connected', { session: 'thermostat-offline', age: 1000 }, 'thermostat-offline'],
    ['a thermostat that did not answer', { session: 'not-answering', age: 1000 }, 'not-answering'],
    ['a key never answered', { session: 'wrong-key' }, 'wrong-key'],
    ['the broker link still connecting', { broker: 'connecting', session: 'live', age: 1000 }, 'broker-unreachable'],
    ['the broker unreachable', { broker: 'offline', session: 'live', age: 1000 }, 'broker-unreachable'],
    ['another window took over the link', { broker: 'replaced', session: 'live', age: 1000 }, 'broker-unreachable'],
    ['a page that cannot log on', { broker: 'insecure-page' }, 'broker-unreachable'],
    ['no network, whatever the link said last', { online: false, session: 'live', age: 1000 }, 'no-network'],
    ['a phone a member removed, its session still live', { membership: 'removed', session: 'live', age: 1000 }, 'not-let-in'],
    ['a phone whose invitation was refused', { membership: 'invitation_refused', session: 'wrong-key' }, 'not-let-in'],
    ['a phone turned away from a full household', { membership: 'full', session: 'checking', age: 1000 }, 'not-let-in'],
    ['a removed phone with the broker unreachable', { membership: 'removed', broker: 'offline', age: 1000 }, 'not-let-in'],
    ['a member with a live session', { membership: 'member', session: 'live', age: 1000 }, 'live'],
    ['a phone still joining', { membership: 'joining', session: 'starting' }, 'checking'],
    ['no network and the broker unreachable', { online: false, broker: 'offline', session: 'thermostat-offline' }, 'no-network'],
  ])('%s', (_name, situation, expected) => {
    expect(reach(situation)).toBe(expected);
  });
});
