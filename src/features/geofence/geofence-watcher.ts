import haversineDistance from 'haversine-distance';
import type { Presence } from '@/lib/link/thermostat-session';
import type { AppStore } from '@/stores/app-store';
import type { Fix } from '@/stores/presence-slice';
import { PERMISSION_DENIED } from './current-position';
import { decide, judgeFix, REPORT_INTERVAL_MS, shouldReport, type Decision, type Report } from './geofence-decision';

export interface GeofenceWatcherOptions {
  store: AppStore;
  geolocation: Geolocation | undefined;
  sendPresence: (presence: Presence) => void;
  /** Called when the watcher stops judging presence (Geofence off or no home), so nobody is told the old one. */
  forgetPresence: () => void;
  now?: () => number;
}

/**
 * Watches the position while Geofence is on and the app is open, and reports presence per the rules in
 * geofence-decision. Browsers give a closed or background web app no position, so this is all a PWA can do.
 */
export function startGeofenceWatcher({ store, geolocation, sendPresence, forgetPresence, now = Date.now }: GeofenceWatcherOptions): () => void {
  let watchId: number | null = null;
  let refresh: ReturnType<typeof setInterval> | undefined;
  let previous: Decision | null = null;
  let lastReport: Report | null = null;
  let lastFix: Fix | null = null;

  const report = (decision: Decision, distance: number) => {
    const rounded = Math.round(distance);
    sendPresence({ home: decision === 'home', distance: rounded });
    lastReport = { decision, distance: rounded, at: now() };
  };

  const evaluate = (fix: Fix) => {
    const { home, radiusKm } = store.getState().preferences.geofence;
    if (home === null) return;
    const distance = haversineDistance(home, fix);
    const decision = decide(previous, distance, fix.accuracy, radiusKm * 1000);
    previous = decision;
    store.getState().setFix(fix, distance, decision);
    if (decision !== null && shouldReport(lastReport, decision, distance, now())) report(decision, distance);
  };

  const onPosition = (position: GeolocationPosition) => {
    const { latitude, longitude, accuracy } = position.coords;
    const verdict = judgeFix(accuracy, position.timestamp, now());
    if (!verdict.usable) {
      store.getState().setIgnoredFix({ reason: verdict.reason, accuracy });
      return;
    }
    lastFix = { latitude, longitude, accuracy, timestamp: position.timestamp };
    evaluate(lastFix);
  };

  const onError = (error: GeolocationPositionError) => {
    if (error.code === PERMISSION_DENIED) store.getState().setLocationPermission('denied');
  };

  const begin = () => {
    if (geolocation === undefined) {
      store.getState().setLocationPermission('unavailable');
      return;
    }
    store.getState().setLocationPermission('unknown');
    watchId = geolocation.watchPosition(onPosition, onError, { enableHighAccuracy: false, maximumAge: 30_000 });
    // A phone lying still gets no new fixes, yet the thermostat should keep hearing from it.
    refresh = setInterval(() => {
      if (lastReport !== null && now() - lastReport.at >= REPORT_INTERVAL_MS) report(lastReport.decision, lastReport.distance);
    }, REPORT_INTERVAL_MS / 5);
  };

  const end = () => {
    if (watchId !== null) geolocation?.clearWatch(watchId);
    clearInterval(refresh);
    watchId = null;
    previous = null;
    lastReport = null;
    lastFix = null;
    forgetPresence();
    store.getState().resetPresence();
  };

  const apply = () => {
    const { enabled, home } = store.getState().preferences.geofence;
    const wanted = enabled && home !== null;
    if (wanted && watchId === null) begin();
    else if (!wanted && watchId !== null) end();
  };

  apply();
  const unsubscribe = store.subscribe((state, before) => {
    const config = state.preferences.geofence;
    if (config === before.preferences.geofence) return;
    const moved = config.home !== before.preferences.geofence.home || config.radiusKm !== before.preferences.geofence.radiusKm;
    apply();
    // A new home or radius changes the answer for where the phone already is.
    if (moved && watchId !== null && lastFix !== null) evaluate(lastFix);
  });

  return () => {
    unsubscribe();
    if (watchId !== null) end();
  };
}
