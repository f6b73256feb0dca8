import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Presence } from '@/lib/link/thermostat-session';
import { createAppStore } from '@/stores/app-store';
import { REPORT_INTERVAL_MS } from './geofence-decision';
import { startGeofenceWatcher } from './geofence-watcher';

const HOME = { latitude: 52.52, longitude: 13.405 };
/** Metres per degree of latitude, for fixes due north of home. */
const METRES_PER_DEGREE = 111_319.49;

class FakeGeolocation implements Geolocation {
  watching: { success: PositionCallback; error: PositionErrorCallback | null | undefined } | null = null;
  watchPosition(success: PositionCallback, error?: PositionErrorCallback | null): number {
    this.watching = { success, error };
    return 7;
  }
  clearWatch(id: number): void {
    if (id === 7) this.watching = null;
  }
  getCurrentPosition(): void {}

  /** A fix `metres` due north of home. */
  move(metres: number, accuracy: number, timestamp = Date.now()): void {
    const coords = { latitude: HOME.latitude + metres / METRES_PER_DEGREE, longitude: HOME.longitude, accuracy };
    this.watching?.success({ coords, timestamp } as GeolocationPosition);
  }

  deny(): void {
    this.watching?.error?.({ code: 1, message: 'denied' } as GeolocationPositionError);
  }
}

function setUp() {
  const store = createAppStore();
  const geolocation = new FakeGeolocation();
  const sent: Presence[] = [];
  const forgotten: number[] = [];
  const stop = startGeofenceWatcher({
    store,
    geolocation,
    sendPresence: (presence) => sent.push(presence),
    forgetPresence: () => forgotten.push(sent.length),
  });
  return { store, geolocation, sent, forgotten, stop };
}

describe('startGeofenceWatcher', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-01-10T12:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('watches the position only while Geofence is on with a home set', () => {
    const { store, geolocation } = setUp();
    expect(geolocation.watching).toBeNull();
    store.getState().updateGeofence({ enabled: true, home: HOME, radiusKm: 1 });
    expect(geolocation.watching).not.toBeNull();
    store.getState().updateGeofence({ enabled: false });
    expect(geolocation.watching).toBeNull();
    expect(store.getState().lastFix).toBeNull();
  });

  it('forgets the presence it reported once Geofence is turned off, and only then', () => {
    const { store, geolocation, sent, forgotten } = setUp();
    store.getState().updateGeofence({ enabled: true, home: HOME, radiusKm: 1 });
    geolocation.move(3_000, 50);
    expect(sent.map((p) => p.home)).toEqual([false]);
    expect(forgotten).toEqual([]);
    store.getState().updateGeofence({ enabled: false });
    expect(forgotten).toEqual([1]);
  });

  it('sends HOME_set on each change of decision, not for every fix', () => {
    const { store, geolocation, sent } = setUp();
    store.getState().updateGeofence({ enabled: true, home: HOME, radiusKm: 1 });
    geolocation.move(100, 20);
    geolocation.move(120, 30);
    geolocation.move(180, 30);
    geolocation.move(3_000, 50);
    geolocation.move(2_900, 60);
    expect(sent.map((p) => p.home)).toEqual([true, false]);
    expect(sent[1]?.distance).toBeCloseTo(3_000, -1);
    expect(store.getState().decision).toBe('away');
  });

  it('keeps home just past the fence, inside the margin', () => {
    const { store, geolocation, sent } = setUp();
    store.getState().updateGeofence({ enabled: true, home: HOME, radiusKm: 1 });
    geolocation.move(900, 50);
    geolocation.move(1_400, 50);
    expect(sent.map((p) => p.home)).toEqual([true, true]);
    expect(store.getState().decision).toBe('home');
  });

  it('while unchanged, reports again when the distance moved by more than 10 % or every 5 minutes', () => {
    const { store, geolocation, sent } = setUp();
    store.getState().updateGeofence({ enabled: true, home: HOME, radiusKm: 1 });
    geolocation.move(10_000, 50);
    geolocation.move(10_900, 50);
    expect(sent).toHaveLength(1);
    geolocation.move(11_200, 50);
    expect(sent).toHaveLength(2);
    vi.advanceTimersByTime(REPORT_INTERVAL_MS);
    expect(sent).toHaveLength(3);
    expect(sent[2]).toEqual(sent[1]);
  });

  it('ignores vague or old fixes and says so', () => {
    const { store, geolocation, sent } = setUp();
    store.getState().updateGeofence({ enabled: true, home: HOME, radiusKm: 1 });
    geolocation.move(50_000, 2_500);
    geolocation.move(50_000, 50, Date.now() - 3 * 60_000);
    expect(sent).toEqual([]);
    expect(store.getState().ignoredFix).toEqual({ reason: 'stale', accuracy: 50 });
    expect(store.getState().lastFix).toBeNull();
  });

  it('re-decides at once when home or radius change', () => {
    const { store, geolocation, sent } = setUp();
    store.getState().updateGeofence({ enabled: true, home: HOME, radiusKm: 1 });
    geolocation.move(5_000, 50);
    store.getState().updateGeofence({ radiusKm: 10 });
    expect(sent.map((p) => p.home)).toEqual([false, true]);
  });

  it('records a denied permission', () => {
    const { store, geolocation } = setUp();
    store.getState().updateGeofence({ enabled: true, home: HOME, radiusKm: 1 });
    geolocation.deny();
    expect(store.getState().locationPermission).toBe('denied');
  });
});
