import { describe, expect, it } from 'vitest';
import { toBase64url, type MembersMessage } from '@protocol';
import { createAppStore } from './app-store';
import { selectMembers, selectMembership } from './selectors';

const A = { id: 'AAAAAAAAAAAAAAAAAAAAAA', key: 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs', name: 'Living room' };
const B = { id: 'BBBBBBBBBBBBBBBBBBBBBB', key: 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs', name: 'Cabin' };
const SECRET = 'q3FhJ0xQ8mCk3oM1v5Zr2yN7tB4wE6uAq3FhJ0xQ8mC';

const members = (overrides: Partial<MembersMessage> = {}): MembersMessage => ({
  type: 'MEMBERS',
  session: 'c2Vzc2lvbi1udW1iZXItMQ',
  seq: 2,
  members: [{ id: 'AppAppAppAppAppAppAppA', name: 'Ana’s phone', heard_s: 12 }],
  old_link: true,
  invitation: null,
  error: null,
  ...overrides,
});

describe('members slice', () => {
  it('shows nothing for the thermostat on screen until it is asked, then pending, then what its MEMBERS said', () => {
    const store = createAppStore();
    store.getState().addThermostat(A);
    expect(selectMembers(store.getState())).toBeNull();
    store.getState().membersRequested(A.id);
    expect(selectMembers(store.getState())).toEqual({ members: [], oldLink: false, invitation: null, pending: true, error: null, heardAt: 0 });
    store.getState().receiveMembers(A.id, members(), 5_000, null);
    expect(selectMembers(store.getState())).toEqual({
      members: [{ id: 'AppAppAppAppAppAppAppA', name: 'Ana’s phone', heard_s: 12 }],
      oldLink: true,
      invitation: null,
      pending: false,
      error: null,
      heardAt: 5_000,
    });
  });

  it('takes nothing more for a thermostat removed: a late answer or failure does not bring its entry back', () => {
    const store = createAppStore();
    store.getState().addThermostat(A);
    store.getState().membersRequested(A.id);
    store.getState().setMembership(A.id, 'member');
    store.getState().removeThermostat(A.id);
    store.getState().membersFailed(A.id, 'no_answer');
    store.getState().membersRequested(A.id);
    store.getState().receiveMembers(A.id, members(), 5_000, null);
    store.getState().setMembership(A.id, 'member');
    expect(store.getState().membersOf).toEqual({});
    expect(store.getState().membershipOf).toEqual({});
  });

  it('keeps an invitation until another replaces it, its expiry counted from the arrival', () => {
    const store = createAppStore();
    store.getState().addThermostat(A);
    store.getState().receiveMembers(A.id, members({ invitation: { secret: SECRET, expires_s: 86_400 } }), 10_000, 'https://app.example/#pair=x');
    expect(selectMembers(store.getState())?.invitation).toEqual({ link: 'https://app.example/#pair=x', expiresAt: 10_000 + 86_400_000 });
    store.getState().receiveMembers(A.id, members({ old_link: false }), 20_000, null);
    expect(selectMembers(store.getState())).toMatchObject({ oldLink: false, invitation: { expiresAt: 86_410_000 }, heardAt: 20_000 });
    store.getState().receiveMembers(A.id, members({ invitation: { secret: SECRET, expires_s: 60 } }), 30_000, 'https://app.example/#pair=y');
    expect(selectMembers(store.getState())?.invitation).toEqual({ link: 'https://app.example/#pair=y', expiresAt: 90_000 });
  });

  it('shows the thermostat’s error and no_answer, and a new request clears the error', () => {
    const store = createAppStore();
    store.getState().addThermostat(A);
    store.getState().receiveMembers(A.id, members({ error: 'full' }), 1, null);
    expect(selectMembers(store.getState())).toMatchObject({ error: 'full', pending: false });
    store.getState().membersRequested(A.id);
    expect(selectMembers(store.getState())).toMatchObject({ error: null, pending: true });
    store.getState().membersFailed(A.id, 'no_answer');
    expect(selectMembers(store.getState())).toMatchObject({ error: 'no_answer', pending: false, members: [{ name: 'Ana’s phone' }] });
  });

  it('gives the membership of the thermostat on screen only, and forgets it when the thermostat is paired again or forgotten', () => {
    const store = createAppStore();
    store.getState().addThermostat(A);
    store.getState().addThermostat(B);
    store.getState().setMembership(A.id, 'removed');
    expect(selectMembership(store.getState())).toBeNull();
    store.getState().selectThermostat(A.id);
    expect(selectMembership(store.getState())).toBe('removed');
    store.getState().addThermostat({ ...A, key: B.key });
    expect(selectMembership(store.getState())).toBeNull();
    store.getState().setMembership(A.id, 'member');
    store.getState().receiveMembers(A.id, members(), 1, null);
    store.getState().removeThermostat(A.id);
    expect(store.getState().membershipOf).toEqual({});
    expect(store.getState().membersOf).toEqual({});
  });

  it('stores an agreed member key in the record, joined', () => {
    const store = createAppStore();
    store.getState().addThermostat(A);
    const memberKey = new Uint8Array(32).fill(255);
    store.getState().storeMemberKey(A.id, memberKey);
    expect(store.getState().thermostats).toEqual([{ ...A, key: toBase64url(memberKey), joined: true }]);
  });
});
