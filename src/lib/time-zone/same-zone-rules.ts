import { nextOffsetChange, parseTimeZone, utcOffsetSeconds } from '@protocol';

/** As far ahead as a derived zone text is checked against the browser's ("the current and next year"). */
const HORIZON_S = 2 * 366 * 86_400;

/**
 * Whether two POSIX TZ texts ("Time zones") give the same local time from `nowUtc` on for two years: the same
 * offset now and the same changes of offset, to the second. Names and the way a rule is written do not count, so a
 * thermostat whose zone was written `<+01>-1<+02>,M3.5.0,M10.5.0/3` is in this device's `CET-1CEST,M3.5.0,M10.5.0/3`.
 */
export function sameZoneRules(a: string, b: string, nowUtc: number): boolean {
  if (a === b) return true;
  const first = parseTimeZone(a);
  const second = parseTimeZone(b);
  if (first === null || second === null) return false;
  const end = nowUtc + HORIZON_S;
  for (let at = nowUtc; ; ) {
    if (utcOffsetSeconds(first, at) !== utcOffsetSeconds(second, at)) return false;
    const firstChange = nextOffsetChange(first, at) ?? Number.POSITIVE_INFINITY;
    const secondChange = nextOffsetChange(second, at) ?? Number.POSITIVE_INFINITY;
    if (firstChange > end && secondChange > end) return true;
    if (firstChange !== secondChange) return false;
    at = firstChange;
  }
}
