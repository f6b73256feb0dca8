import { describe, expect, it } from 'vitest';
import { createAppStore } from './app-store';
import { makeOwntracksSecret, parseOwntracksSetup } from './owntracks-setup';

const HOME = { latitude: 52.37, longitude: 4.89 };
const T = 'AAAAAAAAAAAAAAAAAAAAAA';
const NOW = Date.UTC(2026, 11, 2, 3, 0, 0);

function storeWithHome() {
  const store = createAppStore();
  store.getState().updateGeofence({ enabled: true, home: HOME });
  return store;
}

describe('the OwnTracks set-up in the store', () => {
  it('makes 24 random bytes as 32 characters of base64url, a different secret each time', () => {
    const secret = makeOwntracksSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(makeOwntracksSecret()).not.toBe(secret);
  });

  it('keeps the region (wtst) for the life of the set-up: a new secret or a new home keeps it, so OwnTracks replaces its "Hearth" region rather than adding one', () => {
    const store = storeWithHome();
    store.getState().startOwntracks('q3FhJ0xQ8mCk3oM1v5Zr2yN7tB4wE6uA', NOW);
    const first = store.getState().preferences.owntracks!;
    expect(first).toMatchObject({ secret: 'q3FhJ0xQ8mCk3oM1v5Zr2yN7tB4wE6uA', wtst: NOW / 1000, home: HOME, answers: {} });
    store.getState().owntracksAnswered(T, { secret: first.secret, wtst: first.wtst }, 'holds');

    store.getState().startOwntracks('Zr2yN7tB4wE6uAq3FhJ0xQ8mCk3oM1v5', NOW + 60_000);
    expect(store.getState().preferences.owntracks).toMatchObject({ wtst: first.wtst, answers: {} });

    store.getState().owntracksAnswered(T, { secret: 'Zr2yN7tB4wE6uAq3FhJ0xQ8mCk3oM1v5', wtst: first.wtst }, 'holds');
    store.getState().updateGeofence({ radiusKm: 2 });
    expect(store.getState().preferences.owntracks?.answers).toEqual({ [T]: 'holds' });
    // The thermostats hold the secret and wtst, not the home: they keep their answers and are sent nothing again.
    store.getState().updateGeofence({ home: { latitude: 48.85, longitude: 2.35 } });
    expect(store.getState().preferences.owntracks).toMatchObject({ wtst: first.wtst, home: { latitude: 48.85, longitude: 2.35 }, answers: { [T]: 'holds' } });

    store.getState().turnOffOwntracks();
    store.getState().startOwntracks('N7tB4wE6uAq3FhJ0xQ8mCk3oM1v5Zr2y', NOW + 120_000);
    expect(store.getState().preferences.owntracks).toMatchObject({ secret: 'N7tB4wE6uAq3FhJ0xQ8mCk3oM1v5Zr2y', wtst: first.wtst });
  });

  it('takes an answer only for the setting now in force', () => {
    const store = storeWithHome();
    store.getState().startOwntracks('q3FhJ0xQ8mCk3oM1v5Zr2yN7tB4wE6uA', NOW);
    const { wtst } = store.getState().preferences.owntracks!;
    store.getState().owntracksAnswered(T, { secret: 'Zr2yN7tB4wE6uAq3FhJ0xQ8mCk3oM1v5', wtst }, 'holds');
    expect(store.getState().preferences.owntracks?.answers).toEqual({});
    store.getState().turnOffOwntracks();
    store.getState().owntracksAnswered(T, { secret: 'q3FhJ0xQ8mCk3oM1v5Zr2yN7tB4wE6uA', wtst }, 'holds');
    store.getState().owntracksAnswered(T, { secret: null, wtst }, 'forgot');
    expect(store.getState().preferences.owntracks).toMatchObject({ secret: null, answers: { [T]: 'forgot' } });
  });

  it('makes no secret without a home', () => {
    const store = createAppStore();
    store.getState().startOwntracks('q3FhJ0xQ8mCk3oM1v5Zr2yN7tB4wE6uA', NOW);
    expect(store.getState().preferences.owntracks).toBeNull();
  });

  it('reads from storage only a set-up that holds together, dropping unknown answers', () => {
    const stored = { secret: 'q3FhJ0xQ8mCk3oM1v5Zr2yN7tB4wE6uA', wtst: 7, home: HOME, answers: { [T]: 'holds', 'not-an-id': 'holds', BBBBBBBBBBBBBBBBBBBBBB: 'maybe' }, openedLink: 5 };
    expect(parseOwntracksSetup(stored)).toEqual({ secret: stored.secret, wtst: 7, home: HOME, answers: { [T]: 'holds' }, openedLink: null });
    expect(parseOwntracksSetup({ ...stored, secret: 'short' })).toBeNull();
    expect(parseOwntracksSetup({ ...stored, wtst: 0 })).toBeNull();
    expect(parseOwntracksSetup({ ...stored, home: { latitude: 91, longitude: 0 } })).toBeNull();
    expect(parseOwntracksSetup({ ...stored, secret: null })).toMatchObject({ secret: null });
  });
});
