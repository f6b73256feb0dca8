/** The geofence rules of the issue, kept pure so a table of positions can pin them down. */

export type Decision = 'home' | 'away';

/** Fixes vaguer than this say nothing useful about a 10 km fence. */
export const MAX_ACCURACY_M = 2000;
/** A browser may hand out a cached position; older than this it no longer says where the phone is. */
export const MAX_FIX_AGE_MS = 2 * 60 * 1000;
/** While the decision is unchanged, report again after this long, so the thermostat's view stays fresh. */
export const REPORT_INTERVAL_MS = 5 * 60 * 1000;
/** While the decision is unchanged, report again when the distance moved by more than this share ... */
export const REPORT_DISTANCE_SHARE = 0.1;
/** ... but not for wobble of a few metres around home, where 10 % of almost nothing is nothing. */
export const REPORT_DISTANCE_FLOOR_M = 100;

export const awayMargin = (radius: number): number => Math.max(500, 0.05 * radius);

/**
 * Home only when the whole accuracy circle is inside the fence, away only when it is clearly outside
 * a wider band; in between the last decision stands, so noise at the boundary cannot flap.
 */
export function decide(previous: Decision | null, distance: number, accuracy: number, radius: number): Decision | null {
  if (distance + accuracy <= radius) return 'home';
  if (distance - accuracy > radius + awayMargin(radius)) return 'away';
  return previous;
}

export type FixVerdict = { usable: true } | { usable: false; reason: 'inaccurate' | 'stale' };

export function judgeFix(accuracy: number, timestamp: number, now: number): FixVerdict {
  if (!Number.isFinite(accuracy) || accuracy > MAX_ACCURACY_M) return { usable: false, reason: 'inaccurate' };
  if (now - timestamp > MAX_FIX_AGE_MS) return { usable: false, reason: 'stale' };
  return { usable: true };
}

export interface Report {
  decision: Decision;
  distance: number;
  at: number;
}

/** HOME_set on every change of decision; while unchanged, when the distance moved enough or time passed. */
export function shouldReport(last: Report | null, decision: Decision, distance: number, now: number): boolean {
  if (last === null || last.decision !== decision) return true;
  if (now - last.at >= REPORT_INTERVAL_MS) return true;
  const threshold = Math.max(REPORT_DISTANCE_FLOOR_M, REPORT_DISTANCE_SHARE * last.distance);
  return Math.abs(distance - last.distance) > threshold;
}
