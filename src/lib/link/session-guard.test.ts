import { describe, expect, it } from 'vitest';
import { SessionGuard } from './session-guard';

const SESSION_A = 'session-a-aaaaaaaaaaaa';
const SESSION_B = 'session-b-bbbbbbbbbbbb';

describe('SessionGuard (the contract replay rules for STATEs)', () => {
  it('accepts a new session only together with the nonce of the latest START', () => {
    const guard = new SessionGuard();
    const nonce = guard.newStart();
    expect(guard.check({ session: SESSION_A, seq: 1, nonce: 'some-other-nonce-000000' })).toBe('rejected');
    expect(guard.check({ session: SESSION_A, seq: 1 })).toBe('rejected');
    expect(guard.check({ session: SESSION_A, seq: 1, nonce })).toBe('new-session');
    expect(guard.currentSession).toBe(SESSION_A);
  });

  it('accepts the current session only with a greater seq', () => {
    const guard = new SessionGuard();
    const nonce = guard.newStart();
    guard.check({ session: SESSION_A, seq: 1, nonce });
    expect(guard.check({ session: SESSION_A, seq: 2 })).toBe('current-session');
    expect(guard.check({ session: SESSION_A, seq: 2 })).toBe('rejected');
    expect(guard.check({ session: SESSION_A, seq: 1 })).toBe('rejected');
    expect(guard.check({ session: SESSION_A, seq: 7 })).toBe('current-session');
    expect(guard.check({ session: SESSION_A, seq: 3 })).toBe('rejected');
  });

  it('refuses a replay of the START reply once it was used', () => {
    const guard = new SessionGuard();
    const nonce = guard.newStart();
    const reply = { session: SESSION_A, seq: 1, nonce };
    expect(guard.check(reply)).toBe('new-session');
    expect(guard.check(reply)).toBe('rejected');
  });

  it('refuses the answer to an older START once a newer one was sent', () => {
    const guard = new SessionGuard();
    const first = guard.newStart();
    const second = guard.newStart();
    expect(guard.check({ session: SESSION_A, seq: 1, nonce: first })).toBe('rejected');
    expect(guard.check({ session: SESSION_B, seq: 1, nonce: second })).toBe('new-session');
  });

  it('keeps the old session usable until the new one is accepted, and drops it after', () => {
    const guard = new SessionGuard();
    guard.check({ session: SESSION_A, seq: 1, nonce: guard.newStart() });
    const nonce = guard.newStart();
    expect(guard.check({ session: SESSION_A, seq: 2 })).toBe('current-session');
    expect(guard.check({ session: SESSION_B, seq: 1, nonce })).toBe('new-session');
    expect(guard.check({ session: SESSION_A, seq: 3 })).toBe('rejected');
  });

  it('numbers commands from 2 in each new session, START being the first message', () => {
    const guard = new SessionGuard();
    expect(guard.next()).toBeNull();
    guard.check({ session: SESSION_A, seq: 1, nonce: guard.newStart() });
    expect(guard.next()).toEqual({ session: SESSION_A, seq: 2 });
    expect(guard.next()).toEqual({ session: SESSION_A, seq: 3 });
    guard.check({ session: SESSION_B, seq: 1, nonce: guard.newStart() });
    expect(guard.next()).toEqual({ session: SESSION_B, seq: 2 });
  });

  it('makes fresh nonces the thermostat accepts (base64url of 16 bytes)', () => {
    const guard = new SessionGuard();
    const first = guard.newStart();
    expect(first).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(guard.newStart()).not.toBe(first);
  });
});
