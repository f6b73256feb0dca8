/**
 * protocol/vectors/time.json against protocol/time-zone.ts, and its instants against the ICU data of
 * Node (the tz database), so that the vectors the thermostat is held to are not merely our own echo.
 */
import { describe, expect, it } from 'vitest';
import { localParts, nextOffsetChange, parseTimeZone, scheduleTime, utcOffsetSeconds } from './time-zone.ts';
import { timeVectors } from './vectors/index.ts';

describe('the TZ texts of protocol/vectors/time.json', () => {
  it.each(timeVectors.texts)('$name: accepted $accepted', ({ text, accepted, std_offset, dst }) => {
    const rules = parseTimeZone(text);
    if (!accepted) {
      expect(rules).toBeNull();
      return;
    }
    expect(rules).toEqual({ stdOffset: std_offset, dst });
  });
});

describe('the instants of protocol/vectors/time.json', () => {
  it.each(timeVectors.instants)('$name', ({ zone, utc, offset, local, schedule_time, next_offset_change }) => {
    const rules = parseTimeZone(zone);
    if (rules === null) return expect.fail(`${zone} is refused`);
    expect(utcOffsetSeconds(rules, utc)).toBe(offset);
    expect(localParts(rules, utc)).toEqual(local);
    expect(scheduleTime(rules, utc)).toBe(schedule_time);
    expect(nextOffsetChange(rules, utc)).toBe(next_offset_change);
  });
});

const formats = new Map<string, Intl.DateTimeFormat>();
/** Local time at `utc` in an IANA zone as ICU has it, as seconds on the local scale. */
function icuLocal(zone: string, utc: number): number {
  let format = formats.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(zone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(utc * 1000)).map((part) => [part.type, Number(part.value)]));
  const { year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0 } = parts;
  return Date.UTC(year, month - 1, day, hour, minute, second) / 1000;
}

const icuOffset = (zone: string, utc: number): number => icuLocal(zone, utc) - utc;

const SCAN_FROM = Date.UTC(2023, 0, 1) / 1000;
const SCAN_TO = Date.UTC(2033, 0, 1) / 1000;
const SCAN_STEP = 6 * 3600;
const transitionCache = new Map<string, number[]>();
/** Every UTC second from 2023 to 2032 at which ICU's offset for the zone changes. */
function icuTransitions(zone: string): number[] {
  const cached = transitionCache.get(zone);
  if (cached !== undefined) return cached;
  const found: number[] = [];
  for (let start = SCAN_FROM; start < SCAN_TO; start += SCAN_STEP) {
    if (icuOffset(zone, start) === icuOffset(zone, start + SCAN_STEP)) continue;
    let low = start;
    let high = start + SCAN_STEP;
    while (high - low > 1) {
      const middle = low + Math.floor((high - low) / 2);
      if (icuOffset(zone, middle) === icuOffset(zone, start)) low = middle;
      else high = middle;
    }
    found.push(high);
  }
  transitionCache.set(zone, found);
  return found;
}

describe('time.json agrees with the tz database (ICU)', () => {
  const checked = timeVectors.instants.filter((instant) => instant.iana !== null);

  it('checks every zone with DST at both its changes in each year', () => {
    expect(new Set(checked.map((instant) => instant.iana)).size).toBeGreaterThanOrEqual(14);
    expect(checked.length).toBeGreaterThan(500);
  });

  it.each(checked)('$name', ({ iana, utc, offset, local, schedule_time, next_offset_change }) => {
    const zone = iana ?? '';
    expect(offset).toBe(icuOffset(zone, utc));
    const shown = new Date((utc + offset) * 1000);
    expect(local).toEqual({
      year: shown.getUTCFullYear(),
      month: shown.getUTCMonth() + 1,
      day: shown.getUTCDate(),
      hour: shown.getUTCHours(),
      minute: shown.getUTCMinutes(),
      second: shown.getUTCSeconds(),
      weekday: (shown.getUTCDay() + 6) % 7,
    });
    const transitions = icuTransitions(zone);
    // Schedule time is the running maximum of local time: the latest of now and the last second before each change in the past day.
    const candidates = [utc, ...transitions.filter((at) => at <= utc && at > utc - 86_400).map((at) => at - 1)];
    expect(schedule_time).toBe(Math.max(...candidates.map((at) => icuLocal(zone, at))));
    expect(next_offset_change).toBe(transitions.find((at) => at > utc) ?? null);
  });
});
